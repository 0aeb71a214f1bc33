/**
 * Dolby Atmos master sets (DAMF) rendered like ADM masters: sets built by code (the .atmos root, a
 * time-ordered .atmos.metadata, a CAF .atmos.audio of 24-bit big-endian PCM written here), with known
 * answers: an object at the front-left corner renders to L alone; a bed-only set's 5.1 render is its
 * bed; the same programme as an ADM BWF and as a DAMF set renders to the same samples. Bad CAF headers
 * and out-of-order events are refused with the byte offset or line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDolbyAtmos } from '../../../src/audio/dolby-atmos/index.js';
import { openAudio } from '../../../src/audio/open.js';
import { measureFile } from '../../../src/analysis/measure.js';
import { damfFeed } from '../../../src/render/adm/damf.js';
import { targetLayout } from '../../../src/render/adm/layouts.js';
import { renderAdmFile } from '../../../src/render/adm/index.js';
import { renderHook } from '../../../src/render/adm/measure-renders.js';
import { AdmRenderer } from '../../../src/render/adm/renderer.js';
import { DubstageError } from '../../../src/errors.js';
import { AC } from '../../audio/adm/build-adm.js';
import { writeRenderAdm } from './build-render-adm.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-damf-render-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const RATE = 48000;
const q24 = (v: number): number => Math.round(v * 2 ** 23) / 2 ** 23;

/** CAF, linear PCM 24-bit big-endian integer (flags 0), the samples given per channel. */
function writeCaf24(file: string, samples: Float32Array[], opts: { formatId?: string; bytesPerPacket?: number } = {}): void {
  const channels = samples.length;
  const frames = samples[0]!.length;
  const head = Buffer.alloc(8);
  head.write('caff', 0, 'latin1');
  head.writeUInt16BE(1, 4);
  const desc = Buffer.alloc(12 + 32);
  desc.write('desc', 0, 'latin1');
  desc.writeBigInt64BE(32n, 4);
  desc.writeDoubleBE(RATE, 12);
  desc.write(opts.formatId ?? 'lpcm', 20, 'latin1');
  desc.writeUInt32BE(0, 24);
  desc.writeUInt32BE(opts.bytesPerPacket ?? channels * 3, 28);
  desc.writeUInt32BE(1, 32);
  desc.writeUInt32BE(channels, 36);
  desc.writeUInt32BE(24, 40);
  const bytes = frames * channels * 3;
  const data = Buffer.alloc(12 + 4 + bytes);
  data.write('data', 0, 'latin1');
  data.writeBigInt64BE(BigInt(4 + bytes), 4);
  for (let i = 0, p = 16; i < frames; i++) {
    for (let c = 0; c < channels; c++, p += 3) {
      const v = Math.max(-(2 ** 23), Math.min(2 ** 23 - 1, Math.round(samples[c]![i]! * 2 ** 23)));
      data.writeIntBE(v, p, 3);
    }
  }
  fs.writeFileSync(file, Buffer.concat([head, desc, data]));
}

interface DamfEvent {
  id: number;
  samplePos: number;
  pos?: [number, number, number];
  gain?: string;
  rampLength?: number;
  active?: boolean;
}

/** A set: bed channel names (IDs 0..), objects (IDs 10..), events written in the order given (time order). */
function writeSet(name: string, bed: string[], objects: number, events: DamfEvent[], samples: Float32Array[]): string {
  const root = [
    'version: 0.5.1',
    'presentations:',
    '  - type: home',
    '    simplified: false',
    `    metadata: ${name}.atmos.metadata`,
    `    audio: ${name}.atmos.audio`,
    '    offset: 0.0',
    '    fps: 24',
    ...(bed.length ? ['    bedInstances:', '      - channels:', ...bed.flatMap((c, i) => [`          - channel: ${c}`, `            ID: ${i}`])] : ['    bedInstances: []']),
    ...(objects ? ['    objects:', ...Array.from({ length: objects }, (_, k) => `      - ID: ${10 + k}`)] : ['    objects: []']),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, `${name}.atmos`), root);
  const lines = [`sampleRate: ${RATE}`, 'events:'];
  for (const e of events) {
    lines.push(`  - ID: ${e.id}`, `    samplePos: ${e.samplePos}`);
    if (e.active !== undefined) lines.push(`    active: ${e.active}`);
    if (e.pos) lines.push(`    pos: [${e.pos.join(', ')}]`);
    if (e.gain !== undefined) lines.push(`    gain: ${e.gain}`);
    if (e.rampLength !== undefined) lines.push(`    rampLength: ${e.rampLength}`);
  }
  fs.writeFileSync(path.join(dir, `${name}.atmos.metadata`), `${lines.join('\n')}\n`);
  writeCaf24(path.join(dir, `${name}.atmos.audio`), samples);
  return path.join(dir, `${name}.atmos`);
}

/** Render a set to one layout, whole, in blocks of `block` frames. */
async function renderSet(root: string, layout: string, block = 4800): Promise<Float32Array[]> {
  const report = await readDolbyAtmos(root);
  const source = await openAudio({ path: report.files.audio });
  const frames = source.header.format.frames;
  const l = targetLayout(layout);
  const r = new AdmRenderer(damfFeed(report, RATE), [l], RATE, block);
  const out = l.speakers.map(() => new Float32Array(frames));
  const input = Array.from({ length: source.header.format.channels }, () => new Float32Array(block));
  let at = 0;
  for (;;) {
    const got = source.read(input, block);
    if (got === 0) break;
    r.render(input, got);
    r.outputs[0]!.forEach((o, c) => out[c]!.set(o.subarray(0, got), at));
    at += got;
  }
  r.close();
  source.close();
  return out;
}

const noise = (n: number, seed: number, amp: number): Float32Array => {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return q24(amp * (s / 4294967296 - 0.5));
  });
};
const peak = (x: Float32Array): number => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('DAMF sets render like ADM masters', () => {
  it('an object at the front-left corner (pos [-1, 1, 0]) renders to L alone in 5.1 and 7.1.4', async () => {
    const n = RATE;
    const root = writeSet('left', [], 1, [{ id: 10, samplePos: 0, active: true, pos: [-1, 1, 0], gain: '0', rampLength: 0 }], [noise(n, 3, 0.5)]);
    for (const layout of ['5.1', '7.1.4']) {
      const out = await renderSet(root, layout);
      const labels = targetLayout(layout).speakers.map((s) => s.label);
      const L = labels.indexOf('L');
      expect(Array.from(out[L]!)).toEqual(Array.from(noise(n, 3, 0.5)));
      out.forEach((o, c) => {
        if (c !== L) expect(peak(o)).toBe(0);
      });
    }
  });

  it('positions are -1..1 with +y the front (truehdd, Cavern): pos [1, -1, 0] is the back-right corner, Rs alone in 5.1', async () => {
    const n = RATE / 2;
    const root = writeSet('backright', [], 1, [{ id: 10, samplePos: 0, pos: [1, -1, 0], gain: '0' }], [noise(n, 4, 0.5)]);
    const out = await renderSet(root, '5.1');
    const Rs = targetLayout('5.1').speakers.findIndex((s) => s.label === 'Rs');
    expect(Array.from(out[Rs]!)).toEqual(Array.from(noise(n, 4, 0.5)));
    out.forEach((o, c) => {
      if (c !== Rs) expect(peak(o)).toBe(0);
    });
  });

  it('a bed-only 5.1 set renders to 5.1 as its bed, bit for bit; gain in dB and -inf apply', async () => {
    const n = RATE / 2;
    const bed = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];
    const samples = bed.map((_, i) => noise(n, 10 + i, 0.4));
    const events: DamfEvent[] = bed.map((_, i) => ({ id: i, samplePos: 0, active: true, gain: i === 2 ? '"-6.0206"' : i === 5 ? '-inf' : '0' }));
    const out = await renderSet(writeSet('bed51', bed, 0, events, samples), '5.1');
    const labels = targetLayout('5.1').speakers.map((s) => s.label);
    bed.forEach((b, i) => {
      const got = out[labels.indexOf(b as never)]!;
      if (i === 2) got.forEach((v, k) => expect(Math.abs(v - samples[i]![k]! * 10 ** (-6.0206 / 20))).toBeLessThan(1e-7));
      else if (i === 5) expect(peak(got)).toBe(0);
      else expect(Array.from(got)).toEqual(Array.from(samples[i]!));
    });
  });

  it('the same programme as an ADM BWF and as a DAMF set (bed + a moving, ramped object) renders to the same samples', async () => {
    const n = (RATE * 3) / 2;
    const bed = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];
    const samples = [...bed.map((_, i) => noise(n, 20 + i, 0.2)), noise(n, 40, 0.5), noise(n, 41, 0.3)];
    // object 10 moves: front-left, then (ramped over 480 samples) right-middle half up, then top centre
    // object 11 has one event (held to the end: the renderer's blocks are cut at the reader's horizon)
    const events: DamfEvent[] = [
      ...bed.map((_, i) => ({ id: i, samplePos: 0, gain: '0' })),
      { id: 10, samplePos: 0, pos: [-1, 1, 0], gain: '0', rampLength: 0 },
      { id: 11, samplePos: 0, pos: [-0.5, -0.5, 0.5], gain: '-3', rampLength: 0 },
      { id: 10, samplePos: 24000, pos: [1, 0, 0.5], rampLength: 480 },
      { id: 10, samplePos: 48000, pos: [0, 0.5, 1], rampLength: 0 },
    ];
    const root = writeSet('same', bed, 2, events, samples);
    const adm = path.join(dir, 'same.wav');
    writeRenderAdm(
      adm,
      {
        bed: { packId: 'AP_00010003', channelIds: bed.map((l) => AC[l]!) },
        objects: [
          {
            blocks: [
              { rtime: '00:00:00.00000', duration: '00:00:00.50000', cartesian: [-1, 1, 0], jump: { interpolationLength: 0 } },
              { rtime: '00:00:00.50000', duration: '00:00:00.50000', cartesian: [1, 0, 0.5], jump: { interpolationLength: 0.01 } },
              { rtime: '00:00:01.00000', duration: '00:00:00.50000', cartesian: [0, 0.5, 1], jump: { interpolationLength: 0 } },
            ],
          },
          { blocks: [{ cartesian: [-0.5, -0.5, 0.5], gain: 10 ** (-3 / 20) }] },
        ],
      },
      samples,
    );
    for (const layout of ['5.1', '2.0', '7.1.4']) {
      const fromDamf = await renderSet(root, layout, 1000);
      const fromAdm: Float32Array[] = fromDamf.map(() => new Float32Array(n));
      let at = 0;
      await renderAdmFile(adm, [targetLayout(layout)], (outs, frames) => {
        outs[0]!.forEach((o, c) => fromAdm[c]!.set(o.subarray(0, frames), at));
        at += frames;
      }, 1000);
      // the ADM object gain is applied in the gains (float64), DAMF's too: same gains, same samples
      fromDamf.forEach((o, c) => {
        const k = o.findIndex((v, i) => Math.abs(v - fromAdm[c]![i]!) >= 1e-7);
        expect({ layout, c, k, d: k < 0 ? 0 : o[k], a: k < 0 ? 0 : fromAdm[c]![k] }).toEqual({ layout, c, k: -1, d: 0, a: 0 });
      });
      expect(peak(fromDamf[0]!)).toBeGreaterThan(0.05);
    }
  });

  it('measure x.atmos --render 5.1,2.0: the bed measured, renders on the result, labelled a BS.2127 render', async () => {
    const n = RATE * 2;
    const root = writeSet('measure', ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'], 1, [
      ...[0, 1, 2, 3, 4, 5].map((id) => ({ id, samplePos: 0, gain: '0' })),
      { id: 10, samplePos: 0, pos: [0, 1, 0] as [number, number, number], gain: '0' },
    ], [...[0, 1, 2, 3, 4, 5].map((i) => (i === 2 ? noise(n, 50, 0.2) : new Float32Array(n))), noise(n, 51, 0.2)]);
    const hook = renderHook(() => ({ layouts: ['5.1', '2.0'] }));
    const m = await measureFile(root, { admRender: hook.hook });
    hook.attach(m);
    expect(m.error).toBeUndefined();
    expect(m.format?.channels).toBe(7); // the file's format; the bed's six channels are metered
    expect(m.channels?.length).toBe(6);
    expect(m.renders?.map((r) => r.layout)).toEqual(['5.1', '2.0']);
    // the object sits on C with the bed's C: the 5.1 render is louder than the bed alone
    expect(m.renders![0]!.loudness!.integratedLufs!).toBeGreaterThan(m.loudness!.integratedLufs! + 2);
    expect(m.renders![0]!.method).toMatch(/BS\.2127/);
    expect(m.warnings.join('\n')).toMatch(/Dolby Atmos master set: the bed \(5\.1[^)]*\) is measured alone/);
  });

  it('bad input: a CAF that is not linear PCM, a wrong packet size, events out of time order', async () => {
    const root = writeSet('bad', [], 1, [{ id: 10, samplePos: 0, pos: [-1, 1, 0] }], [noise(100, 1, 0.1)]);
    const audio = path.join(dir, 'bad.atmos.audio');
    writeCaf24(audio, [noise(100, 1, 0.1)], { formatId: 'aac ' });
    await expect(openAudio({ path: audio })).rejects.toThrow(/format 'aac ' at byte 28 is not linear PCM/);
    writeCaf24(audio, [noise(100, 1, 0.1)], { bytesPerPacket: 4 });
    const err = await openAudio({ path: audio }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DubstageError);
    expect((err as DubstageError).message).toMatch(/4 bytes per packet at byte 36, but 1 channels of 24 bits make 3/);
    writeCaf24(audio, [noise(100, 1, 0.1)]);
    fs.writeFileSync(
      path.join(dir, 'bad.atmos.metadata'),
      ['sampleRate: 48000', 'events:', '  - ID: 10', '    samplePos: 50', '    pos: [-1, 1, 0]', '  - ID: 10', '    samplePos: 10', ''].join('\n'),
    );
    await expect(renderSet(root, '5.1', 32)).rejects.toThrow(/line 6: element 10: samplePos 10 is before its previous event's \(50, line 3\)/);
    fs.writeFileSync(path.join(dir, 'bad.atmos.metadata'), ['sampleRate: 48000', 'events:', '  - ID: 10', '    samplePos: 0', '    pos: [1.5, 0, 0]', ''].join('\n'));
    await expect(renderSet(root, '5.1', 32)).rejects.toThrow(/line 5: pos x = 1.5 is outside -1..1/);
  });
});
