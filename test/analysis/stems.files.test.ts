import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nullTestFiles } from '../../src/analysis/stems/index.js';
import { writeWav } from '../../src/audio/writer.js';

const SR = 48000;
const N = 3 * SR;
const FRAME = SR / 24;
const dir = mkdtempSync(join(tmpdir(), 'dubstage-stems-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return 2 * (s / 2 ** 32) - 1;
  };
}

/** A 5.1 stem: noise at `amp` on every channel but the LFE, which gets a 40 Hz tone. */
function stem(seed: number, amp: number): Float64Array[] {
  const r = rng(seed);
  return [0, 1, 2, 3, 4, 5].map((c) => {
    const x = new Float64Array(N);
    for (let i = SR / 4; i < N - SR / 4; i++) x[i] = c === 3 ? amp * Math.sin((2 * Math.PI * 40 * i) / SR) : amp * r();
    return x;
  });
}

function write(name: string, channels: Float64Array[]): string {
  const path = join(dir, name);
  writeWav(path, { sampleRate: SR, channels: 6, encoding: 's24le' }, channels);
  return path;
}

describe('stems null test on 24-bit 5.1 files through openAudio', () => {
  const dx = stem(1, 0.1);
  const mx = stem(2, 0.08);
  const fx = stem(3, 0.06);
  const pm = dx.map((ch, c) => ch.map((v, i) => v + mx[c]![i]! + fx[c]![i]!));
  const paths = { pm: write('PM_51.wav', pm), dx: write('DX_51.wav', dx), mx: write('MX_51.wav', mx) };

  it('nulls a printmaster made by summing its stems (24-bit quantisation only)', async () => {
    const fxPath = write('FX_51.wav', fx);
    const r = await nullTestFiles({ name: 'printmaster', path: paths.pm }, [
      { name: 'DX', path: paths.dx },
      { name: 'MX', path: paths.mx },
      { name: 'FX', path: fxPath },
    ]);
    expect(r.channelLabels).toEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
    expect(r.parts.map((p) => p.offsetFrames)).toEqual([0, 0, 0]);
    for (const ch of r.channels) expect(ch.residualPeakDbfs!).toBeLessThan(-90);
    expect(r.nulls).toBe(true);
    expect(r.worstNullDepthDb!).toBeGreaterThan(90);
  });

  it('finds the effects stem printed one frame late', async () => {
    const late = fx.map((ch) => {
      const x = new Float64Array(N);
      x.set(ch.subarray(0, N - FRAME), FRAME);
      return x;
    });
    const r = await nullTestFiles({ name: 'printmaster', path: paths.pm }, [
      { name: 'DX', path: paths.dx },
      { name: 'MX', path: paths.mx },
      { name: 'FX', path: write('FX_51_late.wav', late) },
    ]);
    const f = r.parts.find((p) => p.name === 'FX')!;
    expect(f.offsetFrames).toBe(FRAME);
    expect(f.offsetPictureFrames).toBe(1);
    expect(r.nulls).toBe(true);
  });
});
