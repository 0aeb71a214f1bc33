// MXF audio (ST 377-1, ST 382, ST 377-4): files built by the test writer measure identically to a WAV
// of the same samples, in every wrapping and pattern; structure, labels and bad input.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureFile } from '../../../src/analysis/measure.js';
import { inspectAny } from '../../../src/analysis/inspect.js';
import { openAudio, readAudioHeader } from '../../../src/audio/open.js';
import { bufferSource, openFileSource } from '../../../src/audio/bytesource.js';
import { mcaSoundfieldGroups, mxfAudioAddresses, openMxfTrack, readMxf } from '../../../src/audio/mxf/index.js';
import { renderInspectText } from '../../../src/report/inspect-text.js';
import { DubstageError } from '../../../src/errors.js';
import { fmtBody, readAll, riffFile, tempDir } from '../../helpers/audio-fixtures.js';
import { buildMxf, testPcm, type MxfSpec } from './mxf-writer.js';

const dir = tempDir('dubstage-mxf-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function write(name: string, bytes: Buffer): string {
  const p = path.join(dir, `${n++}-${name}`);
  writeFileSync(p, bytes);
  return p;
}
function wavOf(pcm: Buffer, channels: number, bits: number, sampleRate = 48000): string {
  return write('same.wav', riffFile([{ id: 'fmt ', body: fmtBody({ channels, sampleRate, bits }) }, { id: 'data', body: pcm }]));
}

const LABELS_51 = ['chL', 'chR', 'chC', 'chLFE', 'chLs', 'chRs'];

/** Where two sets of channels first differ (bit for bit), or null: toEqual is far too slow for a million floats. */
function firstDifference(a: Float32Array[], b: Float32Array[]): string | null {
  if (a.length !== b.length) return `${a.length} channels against ${b.length}`;
  for (let c = 0; c < a.length; c++) {
    const x = Buffer.from(a[c]!.buffer, a[c]!.byteOffset, a[c]!.byteLength);
    const y = Buffer.from(b[c]!.buffer, b[c]!.byteOffset, b[c]!.byteLength);
    if (x.equals(y)) continue;
    const i = a[c]!.findIndex((v, k) => !Object.is(v, b[c]![k]));
    return `channel ${c} frame ${i}: ${a[c]![i]} against ${b[c]![i]} (lengths ${a[c]!.length}, ${b[c]!.length})`;
  }
  return null;
}

async function sameAsWav(mxfAddress: string, wav: string, labels?: string[]): Promise<void> {
  const channels = labels as never;
  const [a, b] = await Promise.all([measureFile(mxfAddress, { threads: 1, ...(channels ? { channels } : {}) }), measureFile(wav, { threads: 1, ...(channels ? { channels } : {}) })]);
  expect(a.error).toBeUndefined();
  expect(b.error).toBeUndefined();
  expect(a.format!.container).toBe('mxf');
  expect(a.format!.frames).toBe(b.format!.frames);
  expect(a.format!.sampleRate).toBe(b.format!.sampleRate);
  expect(a.format!.bitDepth).toBe(b.format!.bitDepth);
  expect(a.loudness).toEqual(b.loudness);
  expect(a.channels).toEqual(b.channels);
  expect(a.loudness!.integratedLufs).not.toBeNull();
}

describe('MXF audio measures like the same samples in a WAV', () => {
  const cases: Array<{ name: string; spec: Omit<MxfSpec, 'audio'>; bits: 16 | 24; channels: number; mca: boolean; frames: number }> = [
    { name: 'OP1a clip-wrapped 24-bit 5.1 with MCA', spec: { pattern: 'OP1a', wrapping: 'clip' }, bits: 24, channels: 6, mca: true, frames: 48000 * 2 + 17 },
    { name: 'OP1a clip-wrapped 16-bit stereo, no MCA', spec: { pattern: 'OP1a', wrapping: 'clip' }, bits: 16, channels: 2, mca: false, frames: 48000 * 2 },
    { name: 'OP-Atom clip-wrapped 24-bit 16 channels', spec: { pattern: 'OP-Atom', wrapping: 'clip' }, bits: 24, channels: 16, mca: false, frames: 48000 },
    { name: 'OP1a frame-wrapped 24-bit 5.1 at 25 fps with MCA', spec: { pattern: 'OP1a', wrapping: 'frame', editRate: [25, 1] }, bits: 24, channels: 6, mca: true, frames: 48000 * 2 },
    { name: 'OP1a frame-wrapped 16-bit stereo at 29.97 (1602/1601 samples)', spec: { pattern: 'OP1a', wrapping: 'frame', editRate: [30000, 1001] }, bits: 16, channels: 2, mca: false, frames: 8008 * 12 },
    { name: 'OP-Atom frame-wrapped 16-bit 8 channels at 24 fps', spec: { pattern: 'OP-Atom', wrapping: 'frame', editRate: [24, 1] }, bits: 16, channels: 8, mca: false, frames: 48000 },
    { name: 'OP1a frame-wrapped with a video track', spec: { pattern: 'OP1a', wrapping: 'frame', editRate: [25, 1], video: { frames: 75, elementBytes: 5000 } }, bits: 24, channels: 2, mca: true, frames: 48000 * 3 },
    { name: 'OP1a clip-wrapped with a video clip before the audio', spec: { pattern: 'OP1a', wrapping: 'clip', editRate: [25, 1], video: { frames: 50, elementBytes: 4000 } }, bits: 24, channels: 6, mca: true, frames: 96000 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const pcm = testPcm(c.frames, c.channels, c.bits, n + 3);
      const stereo = c.channels === 2 ? ['chL', 'chR'] : LABELS_51;
      const mca = c.mca ? { channels: stereo.slice(0, c.channels), group: c.channels === 2 ? 'sgST' : 'sg51', language: 'de-DE' } : undefined;
      const mxf = write('x.mxf', buildMxf({ ...c.spec, audio: [{ bits: c.bits, channels: c.channels, pcm, ...(mca ? { mca } : {}) }] }).bytes);
      const wav = wavOf(pcm, c.channels, c.bits);
      // labels: MCA where present; otherwise both by count (16 channels: given explicitly, the same for both)
      const given = c.channels === 16 || c.channels === 8 ? Array.from({ length: c.channels }, (_, i) => `Ch${i + 1}`) : undefined;
      await sameAsWav(mxf, wav, given);
      const h = readAudioHeader(mxf);
      expect(h.mxf!.wrapping).toBe(c.spec.wrapping);
      expect(h.mxf!.operationalPattern).toBe(c.spec.pattern);
      if (c.mca) {
        expect(h.format.labelSource).toBe('mca');
        expect(h.format.channelLabels).toEqual(c.channels === 2 ? ['L', 'R'] : ['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
        expect(h.mxf!.language).toBe('de-DE');
        expect(h.mxf!.soundfieldGroups).toEqual([c.channels === 2 ? 'sgST' : 'sg51']);
      } else expect(h.format.labelSource).not.toBe('mca');
    });
  }

  it('reads the same floats as the WAV in odd blocks and after seeks, across element boundaries', async () => {
    const pcm = testPcm(48000, 6, 24, 9);
    const mxf = write('seek.mxf', buildMxf({ pattern: 'OP1a', wrapping: 'frame', editRate: [30000, 1001], audio: [{ bits: 24, channels: 6, pcm }] }).bytes);
    const wav = wavOf(pcm, 6, 24);
    const a = await openAudio(mxf);
    const b = await openAudio(wav);
    try {
      expect(readAll(a, 1001)).toEqual(readAll(b, 1001));
      for (const at of [0, 1, 1601, 1602, 3203, 24000, 47999]) {
        a.seek(at);
        b.seek(at);
        const out = (k: number) => Array.from({ length: 6 }, () => new Float32Array(k));
        const oa = out(2500);
        const ob = out(2500);
        expect(a.read(oa, 2500)).toBe(b.read(ob, 2500));
        expect(oa).toEqual(ob);
      }
    } finally {
      a.close();
      b.close();
    }
  });

  it('frame-wrapped reads gathered into one decode: video, system items, KLV fill, 1602/1601 elements; WASM and JS, file and memory', async () => {
    // each case read whole in blocks of several sizes and after seeks, against the WAV's floats
    const cases: Array<{ spec: Omit<MxfSpec, 'audio'>; frames: number; tracks: Array<{ bits: 16 | 24; channels: number }> }> = [
      { spec: { pattern: 'OP1a', wrapping: 'frame', editRate: [25, 1], video: { frames: 60, elementBytes: 40_000 }, systemItem: true, kag: 512 }, frames: 48000 * 2 + 1234, tracks: [{ bits: 24, channels: 6 }] },
      { spec: { pattern: 'OP1a', wrapping: 'frame', editRate: [30000, 1001], video: { frames: 72, elementBytes: 3000 }, kag: 512 }, frames: 8008 * 14, tracks: [{ bits: 24, channels: 2 }, { bits: 16, channels: 8 }] },
      { spec: { pattern: 'OP-Atom', wrapping: 'frame', editRate: [50, 1] }, frames: 48000 * 3, tracks: [{ bits: 24, channels: 12 }] },
    ];
    for (const [k, c] of cases.entries()) {
      const pcms = c.tracks.map((t, i) => testPcm(c.frames, t.channels, t.bits, 40 + k * 3 + i));
      const bytes = buildMxf({ ...c.spec, audio: c.tracks.map((t, i) => ({ ...t, pcm: pcms[i]! })) }).bytes;
      const mxf = write('gather.mxf', bytes);
      for (const [i, t] of c.tracks.entries()) {
        const wav = await openAudio(wavOf(pcms[i]!, t.channels, t.bits));
        const address = c.tracks.length > 1 ? `${mxf}#track${i + 1}` : mxf;
        const whole = readAll(wav, 48000);
        const readers = [
          () => openAudio(address),
          async () => openMxfTrack(openFileSource(mxf), address, c.tracks.length > 1 ? i + 1 : null, { useWasm: false }).source,
          async () => openMxfTrack(bufferSource('mem.mxf', bytes), address, c.tracks.length > 1 ? i + 1 : null).source,
        ];
        for (const open of readers) {
          for (const block of [48000, 1001, 7, 25000]) {
            wav.seek(0);
            const a = await open();
            try {
              expect(firstDifference(readAll(a, block), whole), `block ${block}`).toBeNull();
              for (const at of [1919, 1920, 3203, c.frames - 5000]) {
                a.seek(at);
                wav.seek(at);
                const oa = Array.from({ length: t.channels }, () => new Float32Array(6000));
                const ob = Array.from({ length: t.channels }, () => new Float32Array(6000));
                expect(a.read(oa, 6000)).toBe(wav.read(ob, 6000));
                expect(firstDifference(oa, ob), `seek ${at}`).toBeNull();
              }
            } finally {
              a.close();
            }
          }
        }
        wav.close();
      }
    }
  });

  it('a file with several audio tracks and a video track: one address per audio track, each equal to its WAV', async () => {
    const tracks = [testPcm(72000, 6, 24, 21), testPcm(72000, 2, 24, 22), testPcm(72000, 2, 16, 23)];
    const mxf = write('multi.mxf', buildMxf({
      pattern: 'OP1a', wrapping: 'frame', editRate: [24, 1], video: { frames: 36, elementBytes: 20000 },
      audio: [
        { bits: 24, channels: 6, pcm: tracks[0]!, mca: { channels: LABELS_51, group: 'sg51', language: 'en' } },
        { bits: 24, channels: 2, pcm: tracks[1]!, mca: { channels: ['chL', 'chR'], group: 'sgST', language: 'fr' } },
        { bits: 16, channels: 2, pcm: tracks[2]!, descriptor: 'aes3' },
      ],
    }).bytes);
    const addresses = mxfAudioAddresses(mxf);
    expect(addresses).toEqual([`${mxf}#track1`, `${mxf}#track2`, `${mxf}#track3`]);
    await sameAsWav(addresses[0]!, wavOf(tracks[0]!, 6, 24));
    await sameAsWav(addresses[1]!, wavOf(tracks[1]!, 2, 24));
    await sameAsWav(addresses[2]!, wavOf(tracks[2]!, 2, 16));
    expect(readAudioHeader(addresses[1]!).mxf!.language).toBe('fr');
    expect(readAudioHeader(addresses[2]!).mxf!.descriptor).toBe('aes3');
    // the plain path of a multi-track file names the addresses instead of guessing
    await expect(openAudio(mxf)).rejects.toThrow(/3 audio tracks; name one as .*#track1/);
  });

  it('the MCA group of groups and a 16-channel layout with unknown symbols keep every channel measurable', () => {
    const syms = [...LABELS_51, 'chLss', 'chRss', 'chLrs', 'chRrs', 'chHI', 'chVIN', 'chM1', 'chM2', 'chLt', 'chRt'];
    const mxf = write('16.mxf', buildMxf({ pattern: 'OP1a', wrapping: 'clip', audio: [{ bits: 24, channels: 16, pcm: testPcm(4800, 16, 24), mca: { channels: syms, group: 'sgDNS', language: 'es-419', groupOfGroups: 'ggMPg' } }] }).bytes);
    const h = readAudioHeader(mxf);
    expect(h.format.labelSource).toBe('mca');
    expect(h.format.channelLabels).toEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Ch11', 'Ch12', 'M', 'Ch14', 'Ch15', 'Ch16']);
    expect(h.warnings.some((w) => /chHI.*Ch11/.test(w))).toBe(true);
    expect(h.mxf!.language).toBe('es-419');
  });
});

describe('MXF structure', () => {
  it('partitions, index segments, timecode and run-in as written', () => {
    const pcm = testPcm(9600, 2, 24);
    const built = buildMxf({ pattern: 'OP1a', wrapping: 'clip', editRate: [25, 1], timecodeStart: 90000, runIn: 100, audio: [{ bits: 24, channels: 2, pcm }] });
    const src = bufferSource('mem.mxf', built.bytes);
    const info = readMxf(src);
    expect(info.operationalPattern).toBe('OP1a');
    expect(info.partitions.map((p) => p.kind)).toEqual(['header', 'body', 'footer']);
    expect(info.partitions[0]!.offset).toBe(100);
    expect(info.rip!.map((r) => r.offset + 100)).toEqual(info.partitions.map((p) => p.offset));
    expect(info.indexSegments).toHaveLength(1);
    expect(info.indexSegments[0]!.editUnitByteCount).toBe(6);
    expect(info.audioTracks[0]!.dataOffset).toBe(built.audioValueOffsets[0]);
    expect(info.audioTracks[0]!.frames).toBe(9600);
    expect(info.timecode!.start).toBe('01:00:00:00');
    expect(info.essenceContainers[0]!.name).toBe('ST 382 BWF clip-wrapped');
    expect(info.warnings).toContain('run-in of 100 bytes before the header partition');
  });

  it('an open, incomplete header: the footer\'s metadata is read', () => {
    const pcm = testPcm(4800, 2, 16);
    const info = readMxf(bufferSource('open.mxf', buildMxf({ pattern: 'OP1a', wrapping: 'clip', openHeader: true, audio: [{ bits: 16, channels: 2, pcm, mca: { channels: ['chL', 'chR'], group: 'sgST' } }] }).bytes));
    expect(info.partitions[0]!.status).toBe('open, incomplete');
    expect(info.audioTracks).toHaveLength(1);
    expect(info.audioTracks[0]!.mca.map((l) => l.symbol)).toEqual(['chL', 'chR', 'sgST']);
  });

  it('frame-wrapped seek points stay sparse (flat memory): one per 256 elements', () => {
    const info = readMxf(bufferSource('sp.mxf', buildMxf({ pattern: 'OP1a', wrapping: 'frame', editRate: [50, 1], audio: [{ bits: 16, channels: 2, pcm: testPcm(48000 * 12, 2, 16) }] }).bytes));
    expect(info.audioTracks[0]!.elementCount).toBe(600);
    expect(info.audioTracks[0]!.seekPoints).toHaveLength(3);
  });

  it('inspect reports pattern, wrapping, descriptor, MCA, partitions and index segments with offsets', async () => {
    const mxf = write('inspect.mxf', buildMxf({ pattern: 'OP-Atom', wrapping: 'clip', audio: [{ bits: 24, channels: 6, pcm: testPcm(4800, 6, 24), mca: { channels: LABELS_51, group: 'sg51', language: 'ja' } }] }).bytes);
    const r = await inspectAny(mxf);
    expect(r.kind).toBe('mxf');
    expect(r.mxf!.operationalPattern).toBe('OP-Atom');
    expect(r.mxf!.audioTracks[0]!.wrapping).toBe('clip');
    expect(r.mxf!.audioTracks[0]!.descriptor.kind).toBe('wave');
    expect(r.mxf!.audioTracks[0]!.soundfieldGroups[0]).toMatchObject({ symbol: 'sg51', language: 'ja', channels: [1, 2, 3, 4, 5, 6] });
    expect(r.mxf!.partitions.map((p) => p.offset)[0]).toBe(0);
    expect(r.mxf!.indexSegments[0]!.offset).toBeGreaterThan(r.mxf!.partitions[1]!.offset);
    expect(r.channelLabels).toEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
    expect(r.channelLabelSource).toBe('mca');
  });

  it('inspect gives one entry per MCA soundfield group (its channels and language), not one per channel label', async () => {
    // an 8-channel track: a 5.1 in English and a stereo in French, both in one group of groups
    const syms = [...LABELS_51, 'chL', 'chR'];
    const mxf = write('groups.mxf', buildMxf({
      pattern: 'OP1a', wrapping: 'clip',
      audio: [{ bits: 24, channels: 8, pcm: testPcm(4800, 8, 24), mca: { channels: syms, group: 'sg51', groupOfGroups: 'ggMPg', groups: [{ group: 'sg51', language: 'en', channels: 6 }, { group: 'sgST', language: 'fr-CA', channels: 2 }] } }],
    }).bytes);
    const r = await inspectAny(mxf);
    const groups = r.mxf!.audioTracks[0]!.soundfieldGroups;
    expect(groups.map((g) => [g.symbol, g.name, g.language, g.channels, g.channelSymbols.join(' ')])).toEqual([
      ['sg51', '5.1', 'en', [1, 2, 3, 4, 5, 6], 'chL chR chC chLFE chLs chRs'],
      ['sgST', 'standard stereo', 'fr-CA', [7, 8], 'chL chR'],
    ]);
    expect(groups[0]!.channelLabels).toEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
    expect(groups.map((g) => g.groupsOfGroups.map((x) => x.symbol))).toEqual([['ggMPg'], ['ggMPg']]);
    // the text: one MCA line per group
    const text = renderInspectText([r]);
    const mcaLines = text.split('\n').filter((l) => /^\s+MCA /.test(l));
    expect(mcaLines).toHaveLength(2);
    expect(mcaLines[0]).toMatch(/MCA sg51 +5\.1, 6 ch \(1:chL 2:chR 3:chC 4:chLFE 5:chLs 6:chRs\), language en, in ggMPg 'Main Program'/);
    expect(mcaLines[1]).toMatch(/MCA sgST +standard stereo, 2 ch \(7:chL 8:chR\), language fr-CA/);
    // channels no group claims are an entry of their own; one group whose channels carry no link takes them all
    expect(mcaSoundfieldGroups([
      { kind: 'channel', symbol: 'chL', name: null, channelId: 1, linkId: null, soundfieldGroupLinkId: 'a', groupLinkIds: [], language: null, title: null, titleVersion: null, audioContentKind: null, audioElementKind: null, dictionaryId: null },
      { kind: 'channel', symbol: 'chHI', name: null, channelId: 2, linkId: null, soundfieldGroupLinkId: null, groupLinkIds: [], language: 'de', title: null, titleVersion: null, audioContentKind: null, audioElementKind: null, dictionaryId: null },
      { kind: 'soundfield-group', symbol: 'sgM', name: null, channelId: null, linkId: 'a', soundfieldGroupLinkId: null, groupLinkIds: [], language: null, title: null, titleVersion: null, audioContentKind: null, audioElementKind: null, dictionaryId: null },
    ]).map((g) => [g.symbol, g.channels, g.channelLabels, g.language])).toEqual([['sgM', [1], ['L'], null], [null, [2], [null], 'de']]);
  });
});

describe('bad MXF input: clear errors with offsets, never a hang', () => {
  const good = () => buildMxf({ pattern: 'OP1a', wrapping: 'clip', audio: [{ bits: 24, channels: 2, pcm: testPcm(9600, 2, 24) }] });
  const fails = (bytes: Buffer, code: string, message: RegExp) => {
    let err: unknown;
    try {
      readMxf(bufferSource('bad.mxf', bytes));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DubstageError);
    expect((err as DubstageError).code).toBe(code);
    expect((err as DubstageError).message).toMatch(message);
    expect(typeof (err as DubstageError).byteOffset).toBe('number');
  };

  it('a file cut inside the essence: the clip KLV runs past the end', () => {
    const b = good().bytes;
    fails(b.subarray(0, Math.floor(b.length * 0.6)), 'bad-chunk', /declares \d+ bytes but the file ends .* \(truncated file\?\)/);
  });

  it('a truncated partition: the header declares metadata past the end', () => {
    const b = good().bytes;
    fails(b.subarray(0, 200), 'truncated', /truncated partition|ends/);
  });

  it('a KLV length past the end of the file', () => {
    const b = Buffer.from(good().bytes);
    const at = b.length - 40; // inside the RIP: rewrite its length
    const ripAt = b.lastIndexOf(Buffer.from('060e2b34020501010d01020101110100', 'hex'));
    b.writeUInt32BE(0x7fffffff, ripAt + 17);
    void at;
    fails(b, 'bad-chunk', /declares 2147483647 bytes/);
  });

  it('garbage where a KLV key belongs', () => {
    const b = Buffer.from(good().bytes);
    const bodyAt = b.indexOf(Buffer.from('060e2b34020501010d01020101030400', 'hex'));
    b.fill(0x41, bodyAt, bodyAt + 16);
    fails(b, 'bad-chunk', /no KLV key at byte/);
  });

  it('an index table that disagrees with the essence (CBE byte count, VBE offsets)', () => {
    const pcm = testPcm(9600, 2, 24);
    fails(buildMxf({ pattern: 'OP1a', wrapping: 'clip', badIndexByteCount: 4, audio: [{ bits: 24, channels: 2, pcm }] }).bytes, 'mismatch', /4 bytes per edit unit but the audio essence has 6/);
    fails(buildMxf({ pattern: 'OP1a', wrapping: 'frame', badIndexByteCount: 1, audio: [{ bits: 24, channels: 2, pcm }] }).bytes, 'mismatch', /no essence element starts; the index disagrees/);
  });

  it('not an MXF at all', () => {
    fails(Buffer.from('RIFF....WAVEfmt '), 'not-audio', /no MXF header partition/);
  });

  it('3000 damaged files (cut anywhere, bytes changed anywhere): each read to its end or refused with a DubstageError, quickly', () => {
    const bases = [
      buildMxf({ pattern: 'OP1a', wrapping: 'clip', audio: [{ bits: 24, channels: 6, pcm: testPcm(4800, 6, 24), mca: { channels: LABELS_51, group: 'sg51', language: 'en' } }] }).bytes,
      buildMxf({ pattern: 'OP1a', wrapping: 'frame', editRate: [25, 1], video: { frames: 10, elementBytes: 500 }, audio: [{ bits: 16, channels: 2, pcm: testPcm(19200, 2, 16) }, { bits: 24, channels: 2, pcm: testPcm(19200, 2, 24) }] }).bytes,
    ];
    let seed = 1;
    const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    let refused = 0;
    const t0 = performance.now();
    for (let i = 0; i < 3000; i++) {
      const b = Buffer.from(bases[i % 2]!);
      let bytes: Buffer = b;
      if (rnd() < 0.3) bytes = b.subarray(0, Math.floor(rnd() * b.length));
      else for (let k = 0; k < 1 + Math.floor(rnd() * 8); k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      const src = bufferSource('fuzz.mxf', bytes);
      try {
        const info = readMxf(src);
        for (const t of info.audioTracks) {
          try {
            const { source } = openMxfTrack(src, 'fuzz.mxf', info.audioTracks.length > 1 ? t.index : null, undefined, info);
            const out = Array.from({ length: source.header.format.channels }, () => new Float32Array(4096));
            while (source.read(out, 4096) > 0);
          } catch (err) {
            expect(err).toBeInstanceOf(DubstageError);
          }
        }
      } catch (err) {
        expect(err).toBeInstanceOf(DubstageError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(500);
    expect(performance.now() - t0).toBeLessThan(60_000);
  });

  it('the measure of a truncated file is an error entry naming the file (the run goes on)', async () => {
    const p = write('cut.mxf', good().bytes.subarray(0, 30000));
    const m = await measureFile(p, { threads: 1 });
    expect(m.error?.path).toBe(p);
    expect(m.error?.message).toContain(p);
    const src = openFileSource(p);
    src.close();
  });
});
