/**
 * An ADM master measured with its renders on two threads (time segments, src/render/adm/parallel.ts)
 * gives the single pass's figures exactly: the bed's loudness and every render's, with objects that move
 * across the split point, jump, and sit in digital silence between events; an objects-only master; a
 * float master whose object track holds NaN and Inf renders finite figures (the samples scrubbed as the
 * meters' are). The renderer started deep in a master (a segment's pre-roll) renders the samples the
 * whole pass renders there.
 */
import { closeSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureFile } from '../../../src/analysis/measure.js';
import { openAudio } from '../../../src/audio/open.js';
import { renderHook, renderSetup } from '../../../src/render/adm/measure-renders.js';
import { AdmRenderer } from '../../../src/render/adm/renderer.js';
import { measureAdmMaster } from '../../../src/render/adm/parallel.js';
import { targetLayout } from '../../../src/render/adm/layouts.js';
import { AC } from '../../audio/adm/build-adm.js';
import { writeDamf } from '../../audio/dolby-atmos/build-damf.js';
import { buildRenderAdm, writeRenderAdm, type BlockSpec, type RenderAdmSpec } from './build-render-adm.js';
import { writeBw64 } from '../../helpers/bw64-writer.js';
import { readAudioHeader } from '../../../src/audio/open.js';
import { BlockCursor, openForCursors, scanAdm } from '../../../src/render/adm/metadata.js';

const dir = mkdtempSync(path.join(tmpdir(), 'dubstage-adm-split-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RATE = 48000;
// not a whole number of seconds: the segments' boundary falls inside a read block
const SECONDS = 14.3;
const q24 = (v: number): number => Math.round(v * 2 ** 23) / 2 ** 23;
const ts = (s: number): string => `00:00:${s.toFixed(5).padStart(8, '0')}`;

/** Seeded noise shaped like programme: a phrase, then digital zero, then another (a sparse stem's object). */
function programme(n: number, seed: number, amplitude: number, gaps: Array<[number, number]> = []): Float32Array {
  let x = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const env = 0.6 + 0.4 * Math.sin((2 * Math.PI * i) / (RATE * 3.1));
    out[i] = q24(amplitude * env * (x / 2 ** 32 - 0.5) * 2);
  }
  for (const [a, b] of gaps) out.fill(0, Math.round(a * RATE), Math.round(b * RATE));
  return out;
}

/** Blocks every `step` seconds circling the room (ramps), with a jump every fifth block. */
function circling(step: number, phase: number, cartesian: boolean): BlockSpec[] {
  const blocks: BlockSpec[] = [];
  for (let b = 0, t = 0; t < SECONDS - 1e-9; b++, t += step) {
    const a = 2 * Math.PI * (b / 13 + phase);
    const block: BlockSpec = { rtime: ts(t), duration: ts(Math.min(step, SECONDS - t)) };
    if (cartesian) block.cartesian = [Number(Math.sin(a).toFixed(4)), Number(Math.cos(a).toFixed(4)), Number((0.5 + 0.5 * Math.sin(b)).toFixed(4))];
    else block.polar = [Number(((((a * 180) / Math.PI) % 360) - 180).toFixed(2)), 10 * (b % 3), 1];
    if (b % 5 === 4) block.jump = { interpolationLength: 0.0125 };
    blocks.push(block);
  }
  return blocks;
}

async function measure(file: string, threads: number, layouts = ['5.1', '2.0']) {
  const h = renderHook(() => ({ layouts }));
  const m = await measureFile(file, { admRender: h.hook, threads });
  h.attach(m);
  return m;
}

const n = Math.round(SECONDS * RATE);

describe('ADM masters measured on two threads', () => {
  it('a 5.1 bed + moving objects: bed and renders equal the single pass exactly', async () => {
    const spec: RenderAdmSpec = {
      bed: { packId: 'AP_00010003', channelIds: [AC.L, AC.R, AC.C, AC.LFE, AC.Ls, AC.Rs] },
      objects: [
        { blocks: circling(0.5, 0, true) },
        { blocks: circling(0.02, 0.3, true) },
        // extent on every third block (rendered as a point source and counted, each block once across the split)
        { blocks: circling(1.25, 0.6, false).map((b, i) => (i % 3 === 0 ? { ...b, width: 20 } : b)) },
        { blocks: circling(0.7, 0.1, true), gainDb: -6 },
      ],
    };
    const tracks = [
      ...Array.from({ length: 6 }, (_, c) => programme(n, 11 + c, c === 3 ? 0.05 : 0.2)),
      programme(n, 101, 0.3),
      // silent across the segments' boundary (7 s) and at the end
      programme(n, 102, 0.3, [[5.5, 8.25], [12, SECONDS]]),
      programme(n, 103, 0.25),
      programme(n, 104, 0.4, [[0, 3]]),
    ];
    const file = path.join(dir, 'bed-objects.wav');
    writeRenderAdm(file, spec, tracks);
    const one = await measure(file, 1);
    const two = await measure(file, 2);
    expect(one.error).toBeUndefined();
    expect(two.error).toBeUndefined();
    expect(two.loudness).toEqual(one.loudness);
    expect(two.channels).toEqual(one.channels);
    expect(two.renders!.map((r) => r.layout)).toEqual(['5.1', '2.0']);
    expect(two.renders).toEqual(one.renders);
    expect(one.renders![0]!.loudness!.integratedLufs).toBeGreaterThan(-40);
    const blocks = Math.ceil(SECONDS / 1.25);
    expect(two.renders![0]!.notRendered).toContain(`extent (width/height/depth) in ${Math.ceil(blocks / 3)} block(s): rendered as point sources`);
    expect(two.warnings).toEqual(one.warnings);
    // the split itself (not measureFile's choice of it), three segments: the single pass's figures
    const split = await measureAdmMaster(
      { audioPath: file, atmosPath: null, bedTracks: [0, 1, 2, 3, 4, 5], bedLabels: ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'], layouts: ['5.1', '2.0'], sampleRate: RATE, analyzers: [{ id: 'loudness' }] },
      n,
      3,
    );
    split.renders!.forEach((r, l) => {
      const want = one.renders![l]!.loudness!;
      for (const k of Object.keys(want) as Array<keyof typeof want>) expect(r.loudness[k as keyof typeof r.loudness]).toBe(want[k]);
    });
    expect((split.bed.loudness as { loudness: unknown }).loudness).toEqual(one.loudness);
  }, 120_000);

  it('an objects-only master: its renders equal the single pass, and no bed figure is invented', async () => {
    const spec: RenderAdmSpec = { objects: [{ blocks: circling(0.5, 0.2, true) }, { blocks: circling(0.3, 0.7, false) }] };
    const file = path.join(dir, 'objects-only.wav');
    writeRenderAdm(file, spec, [programme(n, 7, 0.3, [[2, 4]]), programme(n, 8, 0.2)]);
    const one = await measure(file, 1, ['5.1']);
    const two = await measure(file, 2, ['5.1']);
    expect(two.loudness!.integratedLufs).toBeNull();
    expect(two.renders).toEqual(one.renders);
    expect(two.renders![0]!.loudness!.integratedLufs).toBeGreaterThan(-40);
  }, 120_000);

  it('a Dolby Atmos master set (5.1 bed + 3 objects): bed and renders equal the single pass exactly', async () => {
    const sub = path.join(dir, 'damf');
    mkdirSync(sub);
    const samples = Array.from({ length: 9 }, (_, k) => programme(n, 200 + k, k === 3 ? 0.05 : 0.2, k === 7 ? [[4, 9]] : []));
    const atmos = writeDamf(sub, { name: 'Reel1_PM', bed: ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'], objects: 3, samples });
    const one = await measure(atmos, 1);
    const two = await measure(atmos, 2);
    expect(one.error).toBeUndefined();
    expect(two.error).toBeUndefined();
    expect(two.loudness).toEqual(one.loudness);
    expect(two.renders).toEqual(one.renders);
    expect(two.renders![0]!.loudness!.integratedLufs).toBeGreaterThan(-40);
  }, 120_000);

  it('a renderer started deep in the master (a segment pre-roll) renders what the whole pass renders there', async () => {
    const spec: RenderAdmSpec = { objects: [{ blocks: circling(0.5, 0, true) }, { blocks: circling(0.02, 0.5, false) }] };
    const file = path.join(dir, 'seek.wav');
    writeRenderAdm(file, spec, [programme(n, 1, 0.3), programme(n, 2, 0.3)]);
    const src = await openAudio({ path: file });
    const layouts = [targetLayout('5.1')];
    const setup = renderSetup(null, src.header);
    const all = [new Float32Array(n), new Float32Array(n)];
    src.seek(0);
    src.read(all, n);
    // both read blocks of one second from frame 0 as the single pass does: the same slices and ramps
    const whole = new AdmRenderer(setup.makeFeed(), layouts, RATE, RATE);
    const wholeOut = Array.from({ length: 6 }, () => new Float32Array(n));
    for (let f = 0; f < n; f += RATE) {
      const k = Math.min(RATE, n - f);
      whole.render(all.map((c) => c.subarray(f, f + k)), k);
      for (let c = 0; c < 6; c++) wholeOut[c]!.set(whole.outputs[0]![c]!.subarray(0, k), f);
    }
    const start = 7 * RATE;
    const part = new AdmRenderer(setup.makeFeed(), layouts, RATE, RATE);
    part.reset(start);
    for (let f = start; f < n; f += RATE) {
      const k = Math.min(RATE, n - f);
      part.render(all.map((c) => c.subarray(f, f + k)), k);
      for (let c = 0; c < 6; c++) expect(part.outputs[0]![c]!.subarray(0, k)).toEqual(wholeOut[c]!.subarray(f, f + k));
    }
    expect(wholeOut[0]!.some((v) => v !== 0)).toBe(true);
    whole.close();
    part.close();
    src.close();
  }, 120_000);

  it('a cursor jumps to the last block before a start without parsing the ones before; with a comment among them it parses all', () => {
    const blocks: BlockSpec[] = Array.from({ length: 20 }, (_, b) => ({ rtime: ts(b * 0.5), duration: ts(0.5), cartesian: [0, 1, 0] as [number, number, number] }));
    const built = buildRenderAdm({ objects: [{ blocks }] });
    for (const [name, xml, firstId] of [
      ['jump.wav', built.xml, 'AB_00031001_00000006'],
      ['comment.wav', built.xml.replace('</audioBlockFormat>', '</audioBlockFormat><!-- moved -->'), 'AB_00031001_00000001'],
    ] as const) {
      const file = path.join(dir, name);
      writeBw64(file, { form: 'RIFF', sampleRate: RATE, bitDepth: 24, channelCount: 1, frames: RATE, after: [{ id: 'chna', data: built.chna }, { id: 'axml', data: new TextEncoder().encode(xml) }] });
      const axml = readAudioHeader(file).chunks.find((c) => c.id === 'axml')!;
      const scan = scanAdm(file, axml.dataOffset, axml.size);
      const fd = openForCursors(file);
      const cursor = new BlockCursor(file, fd, scan.channels.get('AC_00031001')!, 'Objects', false, null, null);
      // 3.2 s: the block [2.5, 3.0) is the last to end by then
      cursor.skipTo({ n: 32n, d: 10n });
      expect(cursor.next()!.id).toBe(firstId);
      closeSync(fd);
    }
  });

  it('a block out of time order late in the master: the split names it as the single pass does, the bed is still measured', async () => {
    const blocks = circling(0.5, 0, true);
    // block 24 (12 s) starts before block 23 ends
    blocks[23] = { ...blocks[23]!, rtime: ts(11.25) };
    const spec: RenderAdmSpec = { bed: { packId: 'AP_00010002', channelIds: [AC.L, AC.R] }, objects: [{ blocks }] };
    const file = path.join(dir, 'late-order.wav');
    writeRenderAdm(file, spec, [programme(n, 41, 0.2), programme(n, 42, 0.2), programme(n, 43, 0.3)]);
    const one = await measure(file, 1, ['5.1']);
    const two = await measure(file, 2, ['5.1']);
    expect(one.renders![0]!.error!.message).toMatch(/AB_00031001_00000018 of AC_00031001 starts at 11\.25000 s, before the previous block ends/);
    expect(two.renders![0]!.error).toEqual(one.renders![0]!.error);
    expect(two.loudness).toEqual(one.loudness);
    expect(two.loudness!.integratedLufs).toBeGreaterThan(-40);
  }, 120_000);

  it('a float master with NaN and Inf in an object track: finite renders, equal to the same master with zeros there', async () => {
    const spec: RenderAdmSpec = { bed: { packId: 'AP_00010002', channelIds: [AC.L, AC.R] }, objects: [{ blocks: circling(0.5, 0, true) }] };
    const bed = [programme(n, 3, 0.2), programme(n, 4, 0.2)];
    const clean = programme(n, 5, 0.3);
    const dirty = Float32Array.from(clean);
    const spots = [Math.round(2.5 * RATE), Math.round(9 * RATE) + 3];
    dirty[spots[0]!] = Number.NaN;
    dirty[spots[1]!] = Number.POSITIVE_INFINITY;
    const withZeros = Float32Array.from(clean);
    for (const i of spots) withZeros[i] = 0;
    const a = path.join(dir, 'nan.wav');
    const b = path.join(dir, 'zeros.wav');
    writeRenderAdm(a, spec, [...bed, dirty], { float: true });
    writeRenderAdm(b, spec, [...bed, withZeros], { float: true });
    const two = await measure(a, 2, ['5.1']);
    const ref = await measure(b, 2, ['5.1']);
    expect(two.error).toBeUndefined();
    expect(Number.isFinite(two.renders![0]!.loudness!.integratedLufs)).toBe(true);
    expect(Number.isFinite(two.renders![0]!.loudness!.truePeakDbtp)).toBe(true);
    expect(two.renders).toEqual(ref.renders);
    // the NaN and the Inf are reported on the object's track, as the single pass reports them
    const one = await measure(a, 1, ['5.1']);
    expect(one.renders).toEqual(two.renders);
    expect(two.nonFinite).toEqual(one.nonFinite);
    expect(two.nonFinite).toBeTruthy();
    expect(JSON.stringify(two.nonFinite)).toMatch(/Ch3/);
  }, 120_000);
});
