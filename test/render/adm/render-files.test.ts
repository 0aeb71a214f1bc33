/**
 * ADM masters built by code, rendered whole: a 5.1 bed whose 5.1 render is the bed to the last bit,
 * a 7.1.2 bed + objects at known positions, a moving object (BS.2127 7.2 ramps, jumpPosition),
 * cartesian objects, objects only (through `measure --render`), the bad inputs, 10,000 blocks per
 * object in bounded memory, and the three Dolby Atmos Conversion Tool samples.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAudio } from '../../../src/audio/open.js';
import { writeWav } from '../../../src/audio/writer.js';
import { DubstageError } from '../../../src/errors.js';
import { renderAdmFile } from '../../../src/render/adm/index.js';
import { cart, targetLayout } from '../../../src/render/adm/layouts.js';
import { pointSourcePanner } from '../../../src/render/adm/point-source.js';
import { AC } from '../../audio/adm/build-adm.js';
import { repoRoot } from '../../helpers/corpus.js';
import { writeRenderAdm, type RenderAdmSpec } from './build-render-adm.js';

const dir = mkdtempSync(path.join(tmpdir(), 'dubstage-render-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RATE = 48000;
const q24 = (v: number): number => Math.round(v * 2 ** 23) / 2 ** 23;
const tone = (n: number, f: number, a: number): Float32Array => Float32Array.from({ length: n }, (_, i) => q24(a * Math.sin((2 * Math.PI * f * i) / RATE)));

async function renderAll(file: string, layouts: string[]): Promise<Float32Array[][]> {
  const out: number[][][] = layouts.map((l) => targetLayout(l).speakers.map(() => []));
  await renderAdmFile(file, layouts.map(targetLayout), (o, n) => o.forEach((chs, l) => chs.forEach((c, k) => out[l]![k]!.push(...c.subarray(0, n)))), 4800);
  return out.map((chs) => chs.map((c) => Float32Array.from(c)));
}

function master(name: string, spec: RenderAdmSpec, samples: Float32Array[]): string {
  const file = path.join(dir, name);
  writeRenderAdm(file, spec, samples);
  return file;
}

async function readBack(file: string): Promise<Float32Array[]> {
  const src = await openAudio({ path: file });
  const n = src.header.format.frames;
  const bufs = Array.from({ length: src.header.format.channels }, () => new Float32Array(n));
  src.seek(0);
  src.read(bufs, n);
  src.close();
  return bufs;
}

describe('ADM masters rendered (BS.2127)', () => {
  it('a 5.1 bed rendered to 5.1 is the bed, bit for bit', async () => {
    const bed = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];
    const samples = bed.map((_, i) => tone(24000, 100 + 97 * i, 0.5));
    const file = master('bed51.wav', { bed: { packId: 'AP_00010003', channelIds: bed.map((l) => AC[l]!) } }, samples);
    const input = await readBack(file);
    const [r51] = await renderAll(file, ['5.1']);
    r51!.forEach((c, k) => expect(Array.from(c)).toEqual(Array.from(input[k]!)));
  });

  it('a 7.1.2 bed + objects at known positions: each object lands where the panner puts a source there', async () => {
    const bed = ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Lts', 'Rts'];
    const n = 9600;
    const silent = bed.map(() => new Float32Array(n));
    const positions: Array<[number, number]> = [[30, 0], [-110, 0], [15, 0], [60, 20]];
    const objects = positions.map(([az, el]) => ({ blocks: [{ polar: [az, el, 1] as [number, number, number] }] }));
    const sig = positions.map((_, i) => tone(n, 300 + 200 * i, 0.25));
    const file = master('bed712-objects.wav', { bed: { packId: 'AP_00010016', channelIds: bed.map((l) => AC[l]!) }, objects }, [...silent, ...sig]);
    const input = await readBack(file);
    const [r51] = await renderAll(file, ['5.1']);
    const psp = pointSourcePanner(targetLayout('5.1'));
    const expected = Array.from({ length: 6 }, () => new Float64Array(n));
    positions.forEach(([az, el], o) => {
      const g = psp.handle(cart(az, el, 1));
      [0, 1, 2, 4, 5].forEach((ch, k) => {
        for (let i = 0; i < n; i++) expected[ch]![i]! += g[k]! * input[bed.length + o]![i]!;
      });
    });
    expected.forEach((e, ch) => e.forEach((v, i) => expect(Math.abs(r51![ch]![i]! - v)).toBeLessThan(1e-6)));
    // the object at L plays from L alone: L carries it exactly (plus the others' shares)
    expect(Array.from(r51![3]!).every((v) => v === 0)).toBe(true);
  });

  it('a moving object: a linear ramp over the block from L to R, then a jump to C', async () => {
    const n = 3 * RATE;
    const sig = Float32Array.from({ length: n }, () => 0.5);
    const file = master('moving.wav', {
      objects: [
        {
          blocks: [
            { rtime: '00:00:00.00000', duration: '00:00:01.00000', polar: [30, 0, 1] },
            { rtime: '00:00:01.00000', duration: '00:00:01.00000', polar: [-30, 0, 1] },
            { rtime: '00:00:02.00000', duration: '00:00:01.00000', polar: [0, 0, 1], jump: { interpolationLength: 0 } },
          ],
        },
      ],
    }, [sig]);
    const [r] = await renderAll(file, ['5.1']);
    const [L, R, C] = [r![0]!, r![1]!, r![2]!];
    for (const i of [0, 1000, RATE - 1]) expect([L[i], R[i], C[i]]).toEqual([0.5, 0, 0]);
    for (const i of [RATE, RATE + 12000, RATE + 24000, 2 * RATE - 1]) {
      const p = (i - RATE) / RATE;
      expect(L[i]).toBeCloseTo(0.5 * (1 - p), 6);
      expect(R[i]).toBeCloseTo(0.5 * p, 6);
    }
    for (const i of [2 * RATE, 2 * RATE + 1, n - 1]) expect([L[i], R[i], C[i]]).toEqual([0, 0, 0.5]);
  });

  it('a first block with a duration and no rtime starts at 0 (as EAR Production Suite writes it and the EBU renderer reads it)', async () => {
    const sig = [Float32Array.from({ length: RATE }, () => 0.25)];
    const file = master('no-rtime.wav', { objects: [{ blocks: [{ duration: '00:00:00.50000', polar: [0, 0, 1], jump: {} }, { rtime: '00:00:00.50000', duration: '00:00:00.50000', polar: [30, 0, 1], jump: {} }] }] }, sig);
    const [r] = await renderAll(file, ['5.1']);
    expect([r![2]![RATE / 2 - 1], r![0]![RATE / 2 - 1]]).toEqual([0.25, 0]);
    expect([r![2]![RATE / 2], r![0]![RATE / 2]]).toEqual([0, 0.25]);
  });

  it('cartesian objects (the Dolby ADM profile) use the allocentric panner', async () => {
    const n = 4800;
    const sig = [tone(n, 440, 0.3), tone(n, 660, 0.3)];
    const file = master('cartesian.wav', { objects: [{ blocks: [{ cartesian: [0.5, 1, 0] }] }, { blocks: [{ cartesian: [1, -1, 0] }] }] }, sig);
    const input = await readBack(file);
    const [r] = await renderAll(file, ['5.1']);
    const h = Math.SQRT1_2;
    for (let i = 0; i < n; i += 97) {
      expect(r![2]![i]).toBeCloseTo(h * input[0]![i]!, 6);
      expect(r![1]![i]).toBeCloseTo(h * input[0]![i]!, 6);
      expect(r![5]![i]).toBeCloseTo(input[1]![i]!, 6);
      expect(r![0]![i]).toBe(0);
    }
  });

  it('bad input: blocks out of time order, a position out of range, a pack referring to itself', async () => {
    const sig = [tone(4800, 440, 0.3)];
    const outOfOrder = master('order.wav', { objects: [{ blocks: [{ rtime: '00:00:00.05000', duration: '00:00:00.05000', polar: [0, 0, 1] }, { rtime: '00:00:00.00000', duration: '00:00:00.05000', polar: [30, 0, 1] }] }] }, sig);
    await expect(renderAll(outOfOrder, ['5.1'])).rejects.toThrow(/AB_00031001_00000002 of AC_00031001 starts at 0\.00000 s, before the previous block ends \(0\.10000 s\)/);
    const farOut = master('range.wav', { objects: [{ blocks: [{ polar: [200, 0, 1] }] }] }, sig);
    const e = await renderAll(farOut, ['5.1']).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DubstageError);
    expect((e as DubstageError).message).toMatch(/ADM XML at byte \d+: audioBlockFormat AB_00031001_00000001 of AC_00031001: azimuth 200 is outside -180\.\.180 degrees/);
    expect((e as DubstageError).byteOffset).toBeGreaterThan(4800 * 3);
    const cartOut = master('cart-range.wav', { objects: [{ blocks: [{ cartesian: [0, 1.5, 0] }] }] }, sig);
    await expect(renderAll(cartOut, ['5.1'])).rejects.toThrow(/position Y = 1\.5 is outside -1\.\.1/);
    const selfPack = master('self-pack.wav', {
      objects: [{ blocks: [{ polar: [0, 0, 1] }] }],
      packOverride: 'AP_00039999',
      extra: '<audioPackFormat audioPackFormatID="AP_00039999" typeLabel="0003" typeDefinition="Objects"><audioPackFormatIDRef>AP_00039999</audioPackFormatIDRef></audioPackFormat>',
    }, sig);
    await expect(renderAll(selfPack, ['5.1'])).rejects.toThrow(/audioPackFormat AP_00039999 refers to itself \(AP_00039999 -> AP_00039999\)/);
  });

  it('10,000 blocks per object are streamed: memory stays bounded while they render', async () => {
    const blocks = 10000;
    const n = blocks * 48; // 1 ms blocks
    const objects = Array.from({ length: 4 }, (_, o) => ({
      blocks: Array.from({ length: blocks }, (_, b) => {
        const s = b / 1000;
        const t = (x: number): string => `00:00:${String(Math.floor(x)).padStart(2, '0')}.${String(Math.round((x % 1) * 1000)).padStart(3, '0')}00`;
        return { rtime: t(s), duration: '00:00:00.00100', polar: [((b * 7 + o * 45) % 360) - 180, 0, 1] as [number, number, number] };
      }),
    }));
    const file = master('many-blocks.wav', { objects }, objects.map((_, o) => tone(n, 200 + 100 * o, 0.2)));
    let frames = 0;
    let held = 0;
    await renderAdmFile(file, [targetLayout('5.1'), targetLayout('2.0')], (_o, got, renderer) => {
      frames += got;
      held = Math.max(held, renderer.heldBlocks());
    }, 4800);
    expect(frames).toBe(n);
    // each cursor parses a 16 KB window (~100 blocks of this size) at a time: never the 10,000
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(4 * 300);
  }, 120_000);

  it('the three Dolby Atmos Conversion Tool samples render to 5.1 and 2.0 without error', async () => {
    const d = path.join(repoRoot, '..', 'shared', 'samples', 'adm_bwf', 'DolbyLaboratories__dbmd-atmos-parser');
    const alt = '/work/shared/samples/adm_bwf/DolbyLaboratories__dbmd-atmos-parser';
    const folder = existsSync(d) ? d : alt;
    const files = readdirSync(folder).filter((f) => f.endsWith('.wav'));
    expect(files).toHaveLength(3);
    for (const f of files) {
      const r = await renderAdmFile(path.join(folder, f), [targetLayout('5.1'), targetLayout('2.0')], () => undefined);
      expect(r.plan.items.length).toBe(2);
      expect(r.frames).toBeGreaterThan(0);
    }
  });
});

describe('measure --render (CLI)', () => {
  const cli = (...args: string[]) =>
    spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 240_000 });

  it('an objects-only master gets a default 5.1 render; --render 5.1,2.0 gives both, each labelled a BS.2127 render', () => {
    const n = 4 * RATE;
    const file = master('objects-only.wav', { objects: [{ blocks: [{ polar: [0, 0, 1] }] }, { blocks: [{ cartesian: [-1, -1, 0] }] }] }, [tone(n, 1000, 0.1), tone(n, 1000, 0.1)]);
    const def = JSON.parse(cli('measure', file, '--json').stdout);
    expect(def.files[0].renders.map((r: { layout: string }) => r.layout)).toEqual(['5.1']);
    expect(def.files[0].loudness.integratedLufs).toBeNull();
    const both = JSON.parse(cli('measure', file, '--render', '5.1,2.0', '--json').stdout).files[0];
    expect(both.renders.map((r: { layout: string }) => r.layout)).toEqual(['5.1', '2.0']);
    for (const r of both.renders) {
      expect(r.method).toMatch(/BS\.2127.*not Dolby's renderer/);
      expect(Object.keys(r.loudness)).toEqual(['integratedLufs', 'momentaryMaxLufs', 'shortTermMaxLufs', 'loudnessRangeLu', 'truePeakDbtp', 'samplePeakDbfs']);
    }
    // 5.1: a 1 kHz sine of amplitude 0.1 in C and the same in Ls (weights 1 and 1.41, BS.1770): the
    // -0.691 dB offset and K-weighting's +0.691 dB at 1 kHz cancel
    const expected = 10 * Math.log10(0.005 * 1 + 0.005 * 1.41);
    expect(Math.abs(both.renders[0].loudness.integratedLufs - expected)).toBeLessThan(0.05);
    // the reference meter (libebur128) on the expected render, when it is built here
    const oracle = process.env.DUBSTAGE_EBUR128_ORACLE;
    if (oracle && existsSync(oracle)) {
      const expectedFile = path.join(dir, 'expected51.wav');
      const s = tone(n, 1000, 0.1);
      const zero = new Float32Array(n);
      writeWav(expectedFile, { sampleRate: RATE, channels: 6, encoding: 'f32le' }, [zero, zero, s, zero, s, zero]);
      const ref = JSON.parse(spawnSync(oracle, ['--map', 'L,R,C,LFE,Ls,Rs', expectedFile], { encoding: 'utf8' }).stdout);
      expect(Math.abs(both.renders[0].loudness.integratedLufs - ref.integrated_lufs)).toBeLessThan(0.05);
      expect(Math.abs(both.renders[0].loudness.truePeakDbtp - ref.true_peak_max_dbtp)).toBeLessThan(0.05);
    }
  }, 120_000);

  it('--write writes the render (float WAV, renamed into place) and refuses the input as its target', async () => {
    const n = RATE;
    const file = master('write-me.wav', { objects: [{ blocks: [{ polar: [-30, 0, 1] }] }] }, [tone(n, 500, 0.2)]);
    const out = path.join(dir, 'render51.wav');
    const r = cli('measure', file, '--render', '5.1', '--write', out, '--json');
    expect(JSON.parse(r.stdout).files[0].renders[0].written).toBe(out);
    const back = await readBack(out);
    const input = await readBack(file);
    expect(back).toHaveLength(6);
    expect(Array.from(back[1]!)).toEqual(Array.from(input[0]!));
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
    // the input as the target: refused by the output guard before anything is measured (issue 15)
    const self = cli('measure', file, '--render', '5.1', '--write', file, '--json');
    expect(self.status).toBe(2);
    expect(self.stderr).toMatch(/--write .* is the input .*nothing was measured or written/);
    expect(cli('measure', file, '--render', '5.1,2.0', '--write', out).status).not.toBe(0);
  }, 120_000);
});
