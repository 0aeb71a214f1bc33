import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runQc } from '../../src/qc/pipeline.js';
import { loadSpec } from '../../src/specs/loader.js';
import { writeBw64 } from '../helpers/bw64-writer.js';
import { AC, buildAdm } from '../audio/adm/build-adm.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-qc-atmos-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const BED_712 = ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Lts', 'Rts'];

/** An ADM BWF master: a 7.1.2 bed plus `objects` objects, 10 ms of silence. */
function atmosMaster(name: string, objects: number): string {
  const built = buildAdm({ bed: { packId: 'AP_00010016', channelIds: BED_712.map((l) => AC[l]!) }, objects });
  const file = path.join(dir, name);
  writeBw64(file, {
    form: 'BW64',
    sampleRate: 48000,
    bitDepth: 24,
    channelCount: built.tracks,
    frames: 480,
    after: [
      { id: 'chna', data: built.chna },
      { id: 'axml', data: Buffer.from(built.xml, 'utf8') },
    ],
  });
  return file;
}

describe('Atmos master against netflix-atmos', () => {
  it('a 7.1.2 bed with 119 objects: the role comes from the ADM, the bed passes, the object count fails', async () => {
    const file = atmosMaster('feature_master.wav', 119);
    const run = await runQc({ paths: [file], spec: loadSpec('netflix-atmos').spec, fps: '24' });
    const d = run.deliverables[0]!;
    expect(d.role).toBe('atmos');
    expect(d.layout).toBe('7.1.2');
    expect(d.reasons[0]).toBe('role atmos from ADM metadata (119 objects, 7.1.2 bed)');
    expect(run.outcome.findings.filter((f) => f.rule === 'atmos/bed-layout')).toEqual([]);
    expect(run.outcome.findings.filter((f) => f.rule === 'atmos/object-count')).toMatchObject([
      { severity: 'error', measured: 119, limit: 118, deliverable: 'atmos 7.1.2' },
    ]);
  });

  it('118 objects is inside the limit', async () => {
    const run = await runQc({ paths: [atmosMaster('ok_master.wav', 118)], spec: loadSpec('netflix-atmos').spec, fps: '24' });
    expect(run.outcome.findings.filter((f) => f.rule.startsWith('atmos/'))).toEqual([]);
  });
});
