/** What discovery passed over and the links it followed reach the qc JSON and the terminal report. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runQc } from '../../src/qc/pipeline.js';
import { qcJson } from '../../src/report/json.js';
import { qcTerminal } from '../../src/report/terminal.js';
import { loadSpec } from '../../src/specs/loader.js';
import { buildDelivery } from './delivery-fixture.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('discovery in the report', () => {
  it('lists the followed link and the ignored files; a plain folder adds nothing', async () => {
    const dir = await buildDelivery();
    dirs.push(dir);
    const plain = await runQc({ paths: [dir], spec: loadSpec('netflix').spec, fps: '24', threads: 1 });
    expect(plain.discovery).toBeUndefined();
    expect('discovery' in qcJson(plain)).toBe(false);
    // the 2.0 printmaster moved aside and linked back in; a notes file and an AppleDouble beside the audio
    const aside = `${dir}-aside`;
    fs.mkdirSync(aside);
    dirs.push(aside);
    fs.renameSync(path.join(dir, 'SHOW_PM_20.wav'), path.join(aside, 'SHOW_PM_20.wav'));
    fs.symlinkSync(path.join(aside, 'SHOW_PM_20.wav'), path.join(dir, 'SHOW_PM_20.wav'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mix notes');
    fs.writeFileSync(path.join(dir, '._SHOW_PM_51.wav'), 'resource fork');
    const run = await runQc({ paths: [dir], spec: loadSpec('netflix').spec, fps: '24', threads: 1 });
    expect(run.deliverables.some((d) => d.role === 'printmaster' && d.layout === '2.0')).toBe(true);
    const json = qcJson(run);
    expect(json.discovery?.links).toEqual([{ path: path.join(dir, 'SHOW_PM_20.wav'), target: path.join(aside, 'SHOW_PM_20.wav') }]);
    expect(json.discovery?.ignored.map((i) => path.basename(i.path)).sort()).toEqual(['._SHOW_PM_51.wav', 'notes.txt']);
    const text = qcTerminal(run);
    expect(text).toContain(`followed link ${path.join(dir, 'SHOW_PM_20.wav')} -> ${path.join(aside, 'SHOW_PM_20.wav')}`);
    expect(text).toMatch(/ignored .*notes\.txt: not an audio file dubstage reads/);
  });
});
