/**
 * Issue 14's AAF items. Fixtures are real corpus files changed by code in the one way the issue is
 * about (piece names in other languages, the CFB version field), so everything else stays real.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { timecodeFrameRate } from '../../../native-adapters/aaf/read.js';
import { aafAdapter } from '../../../native-adapters/aaf/index.js';
import { readSession } from '../../../native-adapters/index.js';
import { mediaReport } from '../../../src/session/media.js';
import { toSeconds } from '../../../src/session/time.js';
import { samplesDir } from '../../helpers/corpus.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-aaf14-'));
const libaaf = (name: string) => samplesDir('aaf', 'agfline__LibAAF', name);

/** Replace every UTF-16LE, NUL-terminated occurrence of `from` by `to` (same length) in a copy. */
function renamed(src: string, name: string, swaps: [string, string][]): { file: string; count: number } {
  const bytes = readFileSync(src);
  let count = 0;
  for (const [from, to] of swaps) {
    expect(to.length).toBe(from.length);
    const a = Buffer.from(`${from}\0`, 'utf16le');
    const b = Buffer.from(`${to}\0`, 'utf16le');
    for (let at = bytes.indexOf(a); at >= 0; at = bytes.indexOf(a, at + b.length)) {
      b.copy(bytes, at);
      count++;
    }
  }
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return { file, count };
}

describe('Pro Tools rendered fades are recognised by structure, in any language', () => {
  const swaps: Record<string, [string, string][]> = {
    // Spanish, Korean and Chinese Pro Tools name the pieces in their language; lengths kept equal
    es: [['Sample accurate edit', 'Edición a la muestra'], ['Fade ', 'Fundi']],
    ko: [['Sample accurate edit', '샘플 정확도 편집'.padEnd(20)], ['Fade ', '페이드'.padEnd(5)]],
    zh: [['Sample accurate edit', '采样精确编辑'.padEnd(20)], ['Fade ', '淡入淡出'.padEnd(5)]],
  };
  for (const [lang, pairs] of Object.entries(swaps)) {
    it(`PT_Fades with ${lang} piece names folds to the same two clips with fades`, async () => {
      const english = await aafAdapter.read(libaaf('PT_Fades.aaf'), {});
      const { file, count } = renamed(libaaf('PT_Fades.aaf'), `PT_Fades_${lang}.aaf`, pairs);
      expect(count).toBeGreaterThan(10);
      const s = await aafAdapter.read(file, {});
      const shape = (x: typeof s) => x.tracks.map((t) => t.clips.map((c) => [c.name, toSeconds(c.start), toSeconds(c.duration), c.fadeInSeconds, c.fadeOutSeconds, toSeconds(c.sourceStart)]));
      expect(shape(s)).toEqual(shape(english));
      expect(s.tracks[0]!.clips).toHaveLength(2);
      expect(s.tracks[0]!.clips[0]!.fadeInSeconds).toBeGreaterThan(0);
    });
  }

  it('a real clip whose media has one-frame handles (PT_Fades_no_handles) is not taken for a fade', async () => {
    const s = await aafAdapter.read(libaaf('PT_Fades_no_handles.aaf'), {});
    expect(s.tracks[0]!.clips.map((c) => c.name)).toEqual(['1000hz-18dbs16b44.1k-01', '1000hz-18dbs16b44.1k']);
  });
});

describe('CFB major version 4 with 512-byte sectors (pyaaf2, OpenTimelineIO)', () => {
  it('reads it, with a warning', async () => {
    // the corpus pyaaf2 test file is version 3 with 512-byte sectors: give it pyaaf2's version 4 header
    const file = path.join(dir, 'v4_512.aaf');
    copyFileSync(samplesDir('aaf', 'markreidvfx__pyaaf2', 'sector_size_512.aaf'), file);
    const bytes = readFileSync(file);
    expect(bytes.readUInt16LE(0x1e)).toBe(9);
    bytes.writeUInt16LE(4, 0x1a);
    writeFileSync(file, bytes);
    const s = await readSession(file);
    const original = await readSession(samplesDir('aaf', 'markreidvfx__pyaaf2', 'sector_size_512.aaf'));
    expect(s.tracks.map((t) => t.clips.length)).toEqual(original.tracks.map((t) => t.clips.length));
    expect(s.warnings.some((w) => /CFB major version 4 with 512-byte sectors/.test(w))).toBe(true);
  });
});

describe('timecode rate from the Timecode segment, not the slot edit rate (Logic Pro)', () => {
  it('FPS 30 + Drop on a 48000/1 slot is 29.97 drop frame', () => {
    expect(timecodeFrameRate(30, true, { num: 48000, den: 1 })).toEqual({ num: 30000, den: 1001 });
    expect(timecodeFrameRate(25, false, { num: 48000, den: 1 })).toEqual({ num: 25, den: 1 });
    // a slot at a frame rate near FPS says the exact rate (Media Composer 23.976)
    expect(timecodeFrameRate(24, false, { num: 24000, den: 1001 })).toEqual({ num: 24000, den: 1001 });
    expect(timecodeFrameRate(30, true, { num: 30000, den: 1001 })).toEqual({ num: 30000, den: 1001 });
  });
});

describe('multichannel clips made of mono files name every file', () => {
  it('PT_Multichannel_5.1_multi_source: six media per clip channel, none "used by no clip"', async () => {
    const s = await readSession(libaaf('PT_Multichannel_5.1_multi_source.aaf'));
    const clip = s.tracks[0]!.clips[0]!;
    expect(clip.channelMedia).toHaveLength(6);
    expect(new Set(clip.channelMedia!.map((c) => c.mediaId)).size).toBe(6);
    expect(clip.mediaId).toBe(clip.channelMedia![0]!.mediaId);
    const missing = mediaReport(s).missing;
    expect(missing).toHaveLength(6);
    for (const p of missing) expect(p.clips).toEqual([{ track: s.tracks[0]!.name, clip: clip.name }]);
  });
});

describe('source starts are exact rational times, whatever the edit rates in between', () => {
  it('a 29.97 fps start of one frame into 48 kHz media (Premiere) is one frame, not 1601.6 samples', async () => {
    const s = await readSession(libaaf('PR_WAV_Internal.aaf'));
    const clip = s.tracks[0]!.clips[0]!;
    expect(clip.sourceStart).toEqual({ value: 1, rate: { num: 30000, den: 1001 } });
    expect(toSeconds(clip.sourceStart)).toBe(1001 / 30000);
  });

  it('a 25 fps composition over 30 fps media (Media Composer audio warp) keeps its 25 fps start', async () => {
    const s = await readSession(libaaf('MC_Audio_Warp.aaf'));
    for (const t of s.tracks) for (const c of t.clips) expect(c.sourceStart).toEqual({ value: 6514, rate: { num: 25, den: 1 } });
  });

  it('every time of every corpus AAF is a whole count at its rate', async () => {
    const files = ['PR_WAV_Internal.aaf', 'PR_AIFF_Internal.aaf', 'MC_Audio_Warp.aaf', 'PT_Fades.aaf', 'PT_Fades_no_handles.aaf', 'MC_Fades.aaf', 'DR_Mono_Clip_Positioning.aaf', 'MC_TC_29.97_DF.aaf'];
    let clips = 0;
    for (const name of files) {
      const s = await readSession(libaaf(name));
      for (const t of s.tracks) {
        for (const c of t.clips) {
          for (const time of [c.start, c.duration, c.sourceStart]) expect(Number.isSafeInteger(time.value), `${name} ${c.name}`).toBe(true);
          clips++;
        }
      }
    }
    expect(clips).toBeGreaterThan(20);
  });
});
