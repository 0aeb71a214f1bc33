// The HTML report a client receives, and the qc JSON's checksums, on a delivery built by code.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQc, type QcRun } from '../../src/qc/pipeline.js';
import { qcHtml } from '../../src/report/html.js';
import { qcJson } from '../../src/report/json.js';
import { loadSpec } from '../../src/specs/loader.js';
import { buildDelivery } from '../qc/delivery-fixture.js';

describe('qc reports a client can receive', () => {
  let dir: string;
  let run: QcRun;
  let html: string;

  beforeAll(async () => {
    dir = await buildDelivery('true-peak');
    run = await runQc({ paths: [dir], spec: loadSpec('netflix').spec, fps: '24' });
    html = qcHtml(run);
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const sums = (name: string) => {
    const bytes = fs.readFileSync(path.join(dir, name));
    return { size: bytes.length, md5: createHash('md5').update(bytes).digest('hex'), sha256: createHash('sha256').update(bytes).digest('hex') };
  };

  it('--json: MD5 and SHA-256 of every deliverable file, equal to a hash of the whole file', () => {
    const j = qcJson(run);
    expect(j.deliverables).toHaveLength(6);
    for (const d of j.deliverables) {
      expect(d.checksums).toHaveLength(d.files.length);
      for (const c of d.checksums!) {
        const want = sums(path.basename(c.path));
        expect(c).toEqual({ path: c.path, sizeBytes: want.size, md5: want.md5, sha256: want.sha256 });
      }
    }
  });

  it('HTML: title, date and time, dubstage version, the spec and its version', () => {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(html).toMatch(/<title>Delivery QC — Netflix[^<]*— FAIL<\/title>/);
    expect(html).toContain(`dubstage ${pkg.version}`);
    expect(html).toContain(`version ${run.spec.version.replace(/&/g, '&amp;')}`);
    expect(html).toMatch(new RegExp(`${run.startedAt!.slice(0, 10)} \\d\\d:\\d\\d:\\d\\d UTC`));
  });

  it('HTML: every input file with size, duration, format and both checksums', () => {
    for (const name of ['SHOW_PM_51.wav', 'SHOW_PM_20.wav', 'SHOW_DX_51.wav', 'SHOW_MX_51.wav', 'SHOW_FX_51.wav', 'SHOW_ME_51.wav']) {
      const s = sums(name);
      const row = html.split('\n').find((l) => l.startsWith(`<tr><td>${name}<br>`));
      expect(row, name).toBeDefined();
      expect(row).toContain(`(${s.size.toLocaleString('en-US')} bytes)`);
      expect(row).toContain(`MD5&nbsp;${s.md5}`);
      expect(row).toContain(`SHA-256&nbsp;${s.sha256}`);
      expect(row).toContain('4.000 s');
      expect(row).toMatch(/WAV · 48000 Hz · 24-bit PCM · (6 ch \(L R C LFE Ls Rs\)|2 ch \(L R\))/);
    }
  });

  it('HTML: the evidence of passed checks, and rules that do not apply said as n/a', () => {
    // the printmaster's true peak fails; the 2.0 printmaster's passes with its figure; the stems null with their depth
    expect(html).toMatch(/<code>loudness\/true-peak<\/code><\/td><td><span class="status"[^>]*>FAIL<\/span><\/td><td>true peak 0\.4 dBTP on C \(max -2\)/);
    expect(html).toMatch(/<code>loudness\/true-peak<\/code><\/td><td><span class="status"[^>]*>pass<\/span><\/td><td>true peak -\d+\.\d dBTP on [LR] \(max -2\)/);
    expect(html).toMatch(/<code>stems\/sum-to-printmaster<\/code><\/td><td><span class="status"[^>]*>pass<\/span><\/td><td>stem dialogue 5\.1 \+ stem music 5\.1 \+ stem effects 5\.1: /);
    // dialogue-gated -23.5 LUFS is outside Netflix -27 ±2 and passes on the -24 programme fallback: a warning (issue 13)
    expect(html).toMatch(/<code>loudness\/integrated<\/code><\/td><td><span class="status"[^>]*>warning<\/span><\/td><td>dialogue-gated -\d+\.\d LUFS \(dialogue stem/);
    expect(html).toMatch(/<code>stems\/sum-to-printmaster<\/code> \(no 2\.0 stems in the delivery to null against it\)/);
  });

  it('HTML charts: the dBTP limit on its own axis, below the LUFS panel; the SVG scales to the page', () => {
    const svg = /<svg [^>]*aria-label="loudness over time, printmaster 5\.1"[^]*?<\/svg>/.exec(html)![0];
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 960 \d+" class="chart"/);
    expect(svg).not.toMatch(/^<svg[^>]* width="\d+"/);
    // the axes: LUFS ticks on the loudness panel, dBTP ticks below it; the limit line's y is on the dBTP panel
    const titles = [...svg.matchAll(/transform="rotate\(-90 16 ([\d.]+)\)" text-anchor="middle">(LUFS|dBTP)</g)].map((m) => [m[2], Number(m[1])]);
    expect(titles.map((t) => t[0])).toEqual(['LUFS', 'dBTP']);
    const limit = /<line x1="64" x2="936" y1="([\d.]+)" y2="[\d.]+" stroke="#c62828"/.exec(svg)!;
    const loudPanelBottom = 16 + 200;
    expect(Number(limit[1])).toBeGreaterThan(loudPanelBottom);
    expect(svg).toContain('true-peak maximum -2 dBTP');
    expect(html).toContain('svg.chart{width:100%;height:auto');
  });
});
