/**
 * Sample-by-sample against the reference: the EBU ADM Renderer (ebu/ebu_adm_renderer, BS.2127's
 * reference implementation in Python). Runs when DUBSTAGE_EAR names a checkout of it and the system
 * python3 has numpy/scipy (Debian: python3-numpy python3-scipy python3-lxml python3-attr
 * python3-multipledispatch python3-ruamel.yaml python3-importlib-resources); skipped otherwise.
 * Tolerance 2e-7: EAR writes 24-bit PCM (±2^-24 = 6e-8) and we render in Float32 (±6e-8 for
 * |x| < 1), so two correct renders differ by at most about 1.2e-7 plus the ramp arithmetic.
 * DUBSTAGE_EBUR128_ORACLE (the libebur128 oracle) adds the loudness check on EAR's render.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAudio } from '../../../src/audio/open.js';
import { LoudnessAnalyzer } from '../../../src/analyzers/loudness.js';
import { renderAdmFile } from '../../../src/render/adm/index.js';
import { targetLayout } from '../../../src/render/adm/layouts.js';
import { AC } from '../../audio/adm/build-adm.js';
import { writeRenderAdm } from './build-render-adm.js';

const ear = process.env.DUBSTAGE_EAR;
const python = '/usr/bin/python3';
const canRun = !!ear && existsSync(path.join(ear, 'ear')) && spawnSync(python, ['-c', 'import numpy, scipy, lxml, attr, multipledispatch, ruamel.yaml'], { encoding: 'utf8' }).status === 0;
const oracle = process.env.DUBSTAGE_EBUR128_ORACLE;

const dir = mkdtempSync(path.join(tmpdir(), 'dubstage-ear-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RATE = 48000;
const q24 = (v: number): number => Math.round(v * 2 ** 23) / 2 ** 23;
const tone = (n: number, f: number, a: number): Float32Array => Float32Array.from({ length: n }, (_, i) => q24(a * Math.sin((2 * Math.PI * f * i) / RATE)));

async function readAll(file: string): Promise<Float32Array[]> {
  const src = await openAudio({ path: file });
  const n = src.header.format.frames;
  const bufs = Array.from({ length: src.header.format.channels }, () => new Float32Array(n));
  src.seek(0);
  src.read(bufs, n);
  src.close();
  return bufs;
}

describe.skipIf(!canRun)('renders equal the EBU ADM Renderer (BS.2127 reference) sample by sample', () => {
  const n = 3 * RATE;
  const bed = ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Ltf', 'Rtf', 'Ltr', 'Rtr'];
  const file = path.join(dir, 'master.wav');
  const spec = {
    bed: { packId: 'AP_00010017', channelIds: bed.map((l) => AC[l]!) },
    objects: [
      { blocks: [{ polar: [20, 10, 1] as [number, number, number] }] },
      { blocks: [{ polar: [45, 30, 1] as [number, number, number] }] },
      {
        blocks: [
          { rtime: '00:00:00.00000', duration: '00:00:01.00000', cartesian: [-0.5, 0.3, 0.2] as [number, number, number] },
          { rtime: '00:00:01.00000', duration: '00:00:01.50000', cartesian: [0.7, -0.6, 0.5] as [number, number, number] },
          { rtime: '00:00:02.50000', duration: '00:00:00.50000', cartesian: [0, -1, 0] as [number, number, number], jump: { interpolationLength: 0.1 } },
        ],
      },
      {
        blocks: [
          { rtime: '00:00:00.00000', duration: '00:00:01.00000', polar: [100, 0, 1] as [number, number, number] },
          { rtime: '00:00:01.00000', duration: '00:00:02.00000', polar: [-150, 40, 1] as [number, number, number], gain: 0.7 },
        ],
      },
      { blocks: [{ polar: [10, 5, 1] as [number, number, number], divergence: { value: 0.4, azimuthRange: 40 } }] },
      { blocks: [{ polar: [-70, 12, 1] as [number, number, number], channelLock: { maxDistance: 1 } }] },
      { blocks: [{ cartesian: [0.2, 0.1, 0.9] as [number, number, number], divergence: { value: 0.5, positionRange: 0.3 } }] },
    ],
  };
  const layouts: Array<[string, string]> = [['5.1', '0+5+0'], ['2.0', '0+2+0'], ['7.1', '0+7+0'], ['5.1.4', '4+5+0'], ['7.1.4', '4+7+0']];

  it('builds the master and renders it with both', async () => {
    writeRenderAdm(file, spec, [...bed.map((_, i) => tone(n, 150 + 37 * i, 0.05)), ...spec.objects.map((_, i) => tone(n, 500 + 113 * i, 0.1))]);
    const ours = layouts.map((): Float32Array[] => []);
    const chunks = layouts.map((): Float32Array[][] => []);
    await renderAdmFile(file, layouts.map(([l]) => targetLayout(l)), (o, got) => o.forEach((chs, l) => chunks[l]!.push(chs.map((c) => c.slice(0, got)))));
    chunks.forEach((blocks, l) => {
      const chs = blocks[0]!.length;
      for (let c = 0; c < chs; c++) {
        const all = new Float32Array(n);
        let at = 0;
        for (const b of blocks) {
          all.set(b[c]!, at);
          at += b[c]!.length;
        }
        ours[l]!.push(all);
      }
    });
    for (const [i, [id, itu]] of layouts.entries()) {
      const out = path.join(dir, `ear-${itu}.wav`);
      const r = spawnSync(python, ['-m', 'ear.cmdline.render_file', '-s', itu, file, out], { cwd: ear, encoding: 'utf8', timeout: 300_000 });
      expect(r.status, r.stderr).toBe(0);
      const ref = await readAll(out);
      expect(ref.length).toBe(targetLayout(id).speakers.length);
      let worst = 0;
      ref.forEach((c, k) => {
        for (let s = 0; s < n; s++) worst = Math.max(worst, Math.abs(c[s]! - ours[i]![k]![s]!));
      });
      expect(worst, `${id}: largest difference from EAR`).toBeLessThan(2e-7);
      if (oracle && existsSync(oracle)) {
        const m = new LoudnessAnalyzer({});
        const labels = targetLayout(id).speakers.map((s) => s.label);
        m.start({ sampleRate: RATE, channelCount: labels.length, channelLabels: labels, frames: n });
        m.process({ channels: ours[i]!.map((c) => c.slice()), frames: n, frameOffset: 0 });
        const mine = m.finish().loudness;
        const map = targetLayout(id).speakers.map((s) => (s.isLfe ? 'LFE' : ['Ltf', 'Rtf', 'Ltr', 'Rtr', 'Lts', 'Rts'].includes(s.label) ? 'L' : s.label)).join(',');
        const res = JSON.parse(spawnSync(oracle, ['--map', map, out], { encoding: 'utf8' }).stdout);
        expect(Math.abs(mine.integratedLufs! - res.integrated_lufs)).toBeLessThan(0.05);
      }
    }
  }, 600_000);
});
