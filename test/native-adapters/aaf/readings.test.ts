/**
 * Hand-checked readings of real AAFs: values worked out from the files' own sequences (clip
 * pieces, transitions, timecode segments, descriptors), in samples or frames, then to seconds.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aafAdapter, openEmbeddedEssence } from '../../../native-adapters/aaf/index.js';
import { readSession } from '../../../native-adapters/index.js';
import { openByteSource, readHeaderFrom } from '../../../src/audio/open.js';
import { sessionToJson } from '../../../src/session/json.js';
import type { Session } from '../../../src/session/model.js';
import { toSeconds } from '../../../src/session/time.js';
import { samplesDir } from '../../helpers/corpus.js';

const libaaf = (name: string) => samplesDir('aaf', 'agfline__LibAAF', name);
const otio = (name: string) => samplesDir('aaf', 'OpenTimelineIO__otio-aaf-adapter', name);
const read = (file: string, composition?: string): Promise<Session> =>
  aafAdapter.read(file, composition === undefined ? {} : { composition });

describe('Pro Tools rendered fades are folded into their clips', () => {
  // PT_Fades track 1 pieces (samples at 44100): SAE 1295070, Fade 1296540, SAE 1315650,
  // clip A 1317120 (src 22050), SAE 1375920, Fade 1377390, SAE 1406790, clip B 1408260 (src 32340),
  // SAE 1489110, Fade 1490580, SAE 1508220, end 1509690
  const sr = 44100;
  it('mono track: fade-in, a rendered crossfade both clips span, fade-out', async () => {
    const s = await read(libaaf('PT_Fades.aaf'));
    const t = s.tracks[0]!;
    expect(t.clips.map((c) => c.name)).toEqual(['1000hz-18dbs16b44.1k-01', '1000hz-18dbs16b44.1k']);
    const [a, b] = t.clips as [typeof t.clips[0], typeof t.clips[0]];
    expect(toSeconds(a.start)).toBeCloseTo(1295070 / sr, 9);
    expect(toSeconds(a.duration)).toBeCloseTo((1408260 - 1295070) / sr, 9);
    expect(a.fadeInSeconds).toBeCloseTo((1317120 - 1295070) / sr, 9);
    expect(a.fadeOutSeconds).toBeCloseTo((1408260 - 1375920) / sr, 9);
    expect(toSeconds(a.sourceStart)).toBeCloseTo(0, 9);
    expect(toSeconds(b.start)).toBeCloseTo(1375920 / sr, 9);
    expect(toSeconds(b.start) + toSeconds(b.duration)).toBeCloseTo(1509690 / sr, 9);
    expect(b.fadeInSeconds).toBeCloseTo((1408260 - 1375920) / sr, 9);
    expect(b.fadeOutSeconds).toBeCloseTo((1509690 - 1489110) / sr, 9);
    expect(s.warnings).toEqual([]);
    // the renders' media went with the pieces: 2 mono files on track 1, 2 × L/R on track 2
    expect(s.media).toHaveLength(6);
  });

  it('stereo track: one 2-channel track, same folding', async () => {
    const s = await read(libaaf('PT_Fades.aaf'));
    const t = s.tracks[1]!;
    expect(t.channels).toBe(2);
    expect(t.clips).toHaveLength(2);
    const [a, b] = t.clips as [typeof t.clips[0], typeof t.clips[0]];
    expect(toSeconds(a.start)).toBeCloseTo(1347990 / sr, 9);
    expect(toSeconds(a.start) + toSeconds(a.duration)).toBeCloseTo(1408260 / sr, 9);
    expect(a.fadeInSeconds).toBeCloseTo(16170 / sr, 9);
    expect(a.fadeOutSeconds).toBeCloseTo(33810 / sr, 9);
    expect(toSeconds(b.start)).toBeCloseTo(1374450 / sr, 9);
    expect(toSeconds(b.sourceStart)).toBeCloseTo((45570 - 33810) / sr, 9);
    expect(b.fadeOutSeconds).toBeCloseTo(17640 / sr, 9);
  });

  it('without handles the extents and fades are the same; the source start stays on the media', async () => {
    const withHandles = await read(libaaf('PT_Fades.aaf'));
    const without = await read(libaaf('PT_Fades_no_handles.aaf'));
    const shape = (s: Session) => s.tracks.map((t) => t.clips.map((c) => [toSeconds(c.start), toSeconds(c.duration), c.fadeInSeconds, c.fadeOutSeconds]));
    expect(shape(without)).toEqual(shape(withHandles));
    // each real clip's media begins one frame (1470 samples) in: no audio before it to move back to
    for (const t of without.tracks) for (const c of t.clips) expect(toSeconds(c.sourceStart)).toBeCloseTo(1470 / sr, 9);
  });

  it('localised piece names (French, Japanese) fold the same way', async () => {
    for (const f of ['PT_lang_fr.aaf', 'PT_lang_ja.aaf']) {
      const s = await read(libaaf(f));
      expect(s.tracks[0]!.clips).toHaveLength(1);
      const c = s.tracks[0]!.clips[0]!;
      // frames at 30/1: pieces from 9002 to 9055; the real clip 9013-9042 with source 31
      expect(toSeconds(c.start)).toBeCloseTo(9002 / 30, 9);
      expect(toSeconds(c.duration)).toBeCloseTo(53 / 30, 9);
      expect(toSeconds(c.sourceStart)).toBeCloseTo(20 / 30, 9);
      expect(c.fadeInSeconds).toBeCloseTo(11 / 30, 9);
      expect(c.fadeOutSeconds).toBeCloseTo(13 / 30, 9);
    }
  });
});

describe('Media Composer', () => {
  it('transitions overlap their neighbours and set fades (MC_Fades)', async () => {
    const s = await read(libaaf('MC_Fades.aaf'));
    const t = s.tracks[0]!;
    const frame = 1001 / 30000;
    expect(t.clips).toHaveLength(4);
    // clip 1: 30 frames with a 5-frame fade at each end (Transitions next to Filler)
    expect(toSeconds(t.clips[0]!.duration)).toBeCloseTo(30 * frame, 9);
    expect(t.clips[0]!.fadeInSeconds).toBeCloseTo(5 * frame, 9);
    expect(t.clips[0]!.fadeOutSeconds).toBeCloseTo(5 * frame, 9);
    // clips 2 and 3 cross-fade over 5 frames: 3 starts 5 frames before 2 ends
    const end2 = toSeconds(t.clips[1]!.start) + toSeconds(t.clips[1]!.duration);
    expect(end2 - toSeconds(t.clips[2]!.start)).toBeCloseTo(5 * frame, 9);
    expect(t.clips[1]!.fadeOutSeconds).toBeCloseTo(5 * frame, 9);
    expect(t.clips[2]!.fadeInSeconds).toBeCloseTo(5 * frame, 9);
    expect(s.tracks[2]!.channels).toBe(2);
  });

  it('timecode start, rate and drop-frame from the primary timecode track', async () => {
    const cases: [string, string, number, number, boolean][] = [
      ['MC_TC_23.976.aaf', '01:00:00:00', 24000, 1001, false],
      ['MC_TC_24.aaf', '01:00:00:00', 24, 1, false],
      ['MC_TC_25.aaf', '01:00:00:00', 25, 1, false],
      ['MC_TC_29.97_NDF.aaf', '01:00:00:00', 30000, 1001, false],
      ['MC_TC_29.97_DF.aaf', '01:00:00;00', 30000, 1001, true],
      ['MC_TC_59.94_DF.aaf', '01:00:00;00', 60000, 1001, true],
      // written as 11988/100 by Media Composer 23.12
      ['MC_TC_119.88_DF.aaf', '01:00:00;000', 120000, 1001, true],
    ];
    for (const [f, tc, num, den, df] of cases) {
      const s = await read(libaaf(f));
      expect([f, s.startTimecode, s.frameRate, s.dropFrame]).toEqual([f, tc, { num, den }, df]);
    }
    const pr = await read(otio('2997fps-DFTC.aaf'));
    expect(pr.startTimecode).toBe('05:00:00;00');
    expect(pr.dropFrame).toBe(true);
  });

  it('clip mute, clip gain, subclips and markers', async () => {
    const mute = await read(libaaf('MC_Clip_Mute.aaf'));
    expect(mute.tracks[0]!.clips[0]!.muted).toBe(true);

    const levels = await read(libaaf('MC_Audio_Levels.aaf'));
    expect(levels.tracks.map((t) => t.clips.map((c) => Number(c.gainDb.toFixed(1))))).toEqual([[0, 3], [0], [2], [1.5], [6]]);
    expect(levels.tracks[2]!.clips[0]!.name).toBe('1000hz-18dbs16b44.1k.wav.Sub.01');
    expect(levels.tracks[2]!.clips[0]!.mediaId).not.toBeNull();

    const m = await read(libaaf('MC_Markers.aaf'));
    const frame = 1001 / 30000;
    expect(m.markers.map((k) => [k.name, Number((toSeconds(k.start) / frame).toFixed(6))])).toEqual([
      ['XYZ', 0],
      ['ABC', 10],
      ['DEF', 29],
    ]);
    expect(m.markers[1]!.comment).toMatch(/my name is ABC/);
  });
});

describe('Resolve and Pro Tools multichannel tracks are one track of N channels', () => {
  it('channel layouts', async () => {
    const cases: [string, number][] = [
      ['DR_Multichannel_stereo_single_source.aaf', 2],
      ['DR_Multichannel_5.1_single_source.aaf', 6],
      ['DR_Multichannel_7.1_single_source.aaf', 8],
      ['PT_Multichannel_stereo_multi_source.aaf', 2],
      ['PT_Multichannel_5.1_multi_source.aaf', 6],
      ['PT_Multichannel_7.1_multi_source.aaf', 8],
    ];
    for (const [f, ch] of cases) {
      const s = await read(libaaf(f));
      expect([f, s.tracks.length, s.tracks[0]!.channels, s.tracks[0]!.clips.length]).toEqual([f, 1, ch, 1]);
    }
    const dr = await read(libaaf('DR_Multichannel_5.1_single_source.aaf'));
    const media = dr.media.find((m) => m.id === dr.tracks[0]!.clips[0]!.mediaId)!;
    expect(media.channels).toBe(6);
    expect(media.path).toBe('C:/Users/user/Desktop/res/5.1-SMPTE-channel-identif.wav');
  });

  it('mono tracks playing one channel of a multichannel file say which channel', async () => {
    // Premiere: six mono tracks on one 6-channel file; Media Composer: a 2-channel and a 6-channel file
    const pr = await read(otio('2997fps-DFTC.aaf'));
    expect(pr.tracks.map((t) => t.clips[0]!.channel)).toEqual([1, 2, 3, 4, 5, 6]);
    const mc = await read(libaaf('MC_Audio_Warp.aaf'));
    expect(mc.tracks.map((t) => t.clips[0]!.channel)).toEqual([1, 2, 1, 2, 3, 4, 5, 6]);
    expect(mc.tracks.map((t) => mc.media.find((m) => m.id === t.clips[0]!.mediaId)!.channels)).toEqual([2, 2, 6, 6, 6, 6, 6, 6]);
  });

  it('Pro Tools clip gain by operation id (its name is empty), sample-rate edit units', async () => {
    const s = await read(libaaf('PT_Audio_Levels-noEMCC-noExpTracksAsMultiChannel.aaf'));
    const clip4 = s.tracks[0]!.clips[3]!;
    // first automation point 3.935501 linear; positions are samples at 44100
    expect(clip4.gainDb).toBeCloseTo(20 * Math.log10(3.935501), 3);
    expect(toSeconds(clip4.start)).toBe(3969000 / 44100);
  });
});

describe('media references', () => {
  it('decodes URL-encoded UTF-8 paths and Windows drive letters', async () => {
    const pt = await read(libaaf('PT_UTF8_EssencePath.aaf'));
    expect(pt.media[0]!.path).toBe('c:/Users/user/localshare/aaf/الفوضى/PT_UTF8_EsszxcxBYZCdpbxHBBB.wav');
    const pr = await read(libaaf('PR_WAV_External_sub_sub_directory_UTF8.aaf'));
    expect(pr.media[0]!.path).toBe('G:/subdir1/Média AAF/花/bb6deb92-04b8-4b2a-9d6f-cd840000007c.wav');
  });

  it('resolves a linked WAV beside the session through the registry', async () => {
    const s = await readSession(libaaf('PT_WAV_External_sub_directory.aaf'));
    expect(s.media[0]!.resolvedPath).toBe(libaaf(path.join('PT_WAV_External_sub_directory', 'PT_WAV_ExterqqqHXSBxbzcJCBB.wav')));
  });

  it('embedded essence reads as WAVE/AIFC through the audio readers', async () => {
    const cases: [string, string, number, number][] = [
      // raw PCM behind a header made from the PCMDescriptor: 2 s at 16 kHz, 16-bit mono
      ['PT_PCM_Internal.aaf', 'RIFF', 16000, 32000],
      ['PR_WAV_Internal.aaf', 'RIFF', 48000, 51252],
      // the AIFC's own COMM chunk says 51256 frames (0x0000C838)
      ['PR_AIFF_Internal.aaf', 'FORM', 48000, 51256],
    ];
    for (const [f, magic, rate, frames] of cases) {
      const s = await read(libaaf(f));
      const media = s.media.find((m) => m.embedded)!;
      expect(media.path).toBeNull();
      const src = openEmbeddedEssence(libaaf(f), media.id);
      try {
        const head = Buffer.alloc(12);
        src.read(head, 0, 12, 0);
        expect(head.toString('latin1', 0, 4)).toBe(magic);
        const declared = magic === 'RIFF' ? head.readUInt32LE(4) : head.readUInt32BE(4);
        expect(declared + 8).toBe(src.size);
        const header = readHeaderFrom(src);
        expect([header.format.sampleRate, header.format.channels, header.format.frames]).toEqual([rate, 1, frames]);
      } finally {
        src.close();
      }
    }
  });

  it('decodes embedded PCM to the end', async () => {
    const s = await read(libaaf('PT_PCM_Internal.aaf'));
    const src = openEmbeddedEssence(libaaf('PT_PCM_Internal.aaf'), s.media[0]!.id);
    const audio = openByteSource(src);
    try {
      const out = [new Float32Array(4096)];
      let total = 0;
      let peak = 0;
      for (let n = audio.read(out, 4096); n > 0; n = audio.read(out, 4096)) {
        total += n;
        for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(out[0]![i]!));
      }
      expect(total).toBe(32000);
      expect(peak).toBeGreaterThan(0.01);
    } finally {
      audio.close();
    }
  });
});

describe('the Session JSON edge', () => {
  it('markers carry the timecode their own comments state', async () => {
    // MC_Markers' comments say where the editor put them: "at pos 01:00:00:10", "01:00:00:29", "01:00:00:00"
    const session = await readSession(libaaf('MC_Markers.aaf'));
    const json = sessionToJson(session);
    expect(json.format).toBe('aaf');
    expect(json.markers).toHaveLength(3);
    json.markers.forEach((m, i) => {
      const stated = /at pos (\d\d:\d\d:\d\d:\d\d)/.exec(session.markers[i]!.comment ?? '')?.[1];
      expect([m.name, m.timecode]).toEqual([session.markers[i]!.name, stated]);
    });
  });

  it('Pro Tools clips in seconds from the session start', async () => {
    const json = sessionToJson(await readSession(libaaf('PT_Fades.aaf')));
    const clip = json.tracks[0]!.clips[0]!;
    expect(clip.startSeconds).toBeCloseTo(1295070 / 44100, 9);
    expect(clip.fadeInSeconds).toBeCloseTo(0.5, 9);
    expect(json.startTimecode).toBe('00:00:00:00');
    expect(json.media.every((m) => m.path!.startsWith('c:/Users/user/localshare/aaf/'))).toBe(true);
  });
});

describe('compositions', () => {
  it('several top-level compositions: the one with the most audio, the others in warnings', async () => {
    const s = await read(otio('multiple_top_level_mobs.aaf'));
    expect(s.warnings.some((w) => /top-level compositions/.test(w) && w.includes(s.name))).toBe(true);
    const other = /Others: '([^']*)'/.exec(s.warnings.find((w) => /top-level/.test(w))!)![1]!;
    const chosen = await read(otio('multiple_top_level_mobs.aaf'), other);
    expect(chosen.name).toBe(other);
    await expect(read(otio('multiple_top_level_mobs.aaf'), 'no such sequence')).rejects.toMatchObject({ code: 'usage' });
  });

  it('a 512-byte-sector file from Pro Tools 12.8 reads like the 4096-byte ones', async () => {
    const s = await read(samplesDir('aaf', 'markreidvfx__pyaaf2', 'sector_size_512.aaf'));
    expect(s.tracks.map((t) => t.clips.map((c) => c.name))).toEqual([
      ['clip1_trk1', 'clip2_trk1'],
      ['clip1_trk2', 'clip2_trk2'],
    ]);
    expect(toSeconds(s.tracks[0]!.clips[0]!.start)).toBe(5);
    expect(s.startTimecode).toBe('01:00:00:00');
  });
});
