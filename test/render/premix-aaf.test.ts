// Premix of real AAFs (LibAAF's Premiere Pro exports: fades of three curves, cross fades, clip gain, linked
// media) over media generated here under the names the AAFs link to, found with --media. The expected
// render is computed by plain loops from the LibAAF dump of each file (samples/aaf/agfline__LibAAF/expected,
// a second witness of positions, offsets, gains, fades and curves), not from our AAF reading; each track
// within 0.05 LU of `measure` on it. The AAFs are read in place, never written.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSession } from '../../native-adapters/index.js';
import { premix } from '../../src/render/premix.js';
import { samplesDir } from '../helpers/corpus.js';
import { readExpected } from '../native-adapters/aaf/libaaf-expected.js';
import { close, expectedRender, measureExpected, programme, tempDir, writeMedia, type FixtureFade, type SpecTrack } from './fixtures.js';

const libaaf = samplesDir('aaf/agfline__LibAAF');
const RATE = 44100;
const CURVES: Record<string, FixtureFade> = { CURV_LIN: 'linear', CURV_PWR: 'equal-power', CURV_LOG: 'logarithmic' };

/** The dump's tracks as fixture tracks (times in seconds from LibAAF's sample counts); clips with gain automation stop the list. */
function witnessTracks(name: string, mediaOf: (channels: number) => string): { tracks: SpecTrack[]; endSeconds: number } {
  const exp = readExpected(path.join(libaaf, 'expected', `${name}.expected`));
  const sr = exp.samplesPerSecond!;
  let endSeconds = Infinity;
  const tracks = exp.tracks
    .filter((t) => t.clips.length > 0)
    .map((t) => {
      const channels = t.format === 'STEREO' ? 2 : 1;
      const clips = [];
      for (const c of t.clips) {
        if (c.volumeAutomation) {
          endSeconds = Math.min(endSeconds, (c.startSamples - exp.compStartSamples) / sr);
          break;
        }
        clips.push({
          media: mediaOf(channels),
          start: (c.startSamples - exp.compStartSamples) / sr,
          length: c.lengthSamples / sr,
          offset: c.sourceOffsetSamples / sr,
          gainDb: c.gainDb ?? 0,
          fadeIn: c.fadeInSamples / sr,
          fadeOut: c.fadeOutSamples / sr,
          ...(c.fadeInCurve ? { fadeInShape: CURVES[c.fadeInCurve]! } : {}),
          ...(c.fadeOutCurve ? { fadeOutShape: CURVES[c.fadeOutCurve]! } : {}),
        });
      }
      return { name: t.name ?? '', channels, clips };
    });
  const last = Math.max(...tracks.flatMap((t) => t.clips.map((c) => c.start + c.length)));
  return { tracks, endSeconds: Math.min(endSeconds, last) };
}

describe('premix of LibAAF Premiere Pro AAFs over generated linked media', () => {
  const dir = tempDir();
  const media = writeMedia(
    dir,
    [
      { file: '1000hz-18dbs16b44.1k.wav', channels: [programme(30, 61, 0.3, 1.5)] },
      { file: 'stereo-identif.wav', channels: [programme(30, 62, 0.2, 2), programme(30, 63, 0.15, 3)] },
    ],
    RATE,
  );
  const mediaOf = (channels: number) => (channels === 1 ? '1000hz-18dbs16b44.1k.wav' : 'stereo-identif.wav');

  it('PR_Fades.aaf: log, linear and equal-power fades and cross fades on a mono and a stereo track', async () => {
    const { tracks, endSeconds } = witnessTracks('PR_Fades.aaf', mediaOf);
    expect(tracks.map((t) => [t.name, t.channels, t.clips.length])).toEqual([
      ['Audio 1', 1, 7],
      ['Audio 2', 2, 7],
    ]);
    expect(tracks[0]!.clips.filter((c) => (c.fadeIn ?? 0) > 0 && c.fadeInShape === 'logarithmic').length).toBe(2);
    const session = await readSession(path.join(libaaf, 'PR_Fades.aaf'), { mediaDirs: [dir] });
    expect(session.sampleRate).toBe(RATE);
    const run = await premix(session);
    const r = run.result;
    expect(r.tracks.map((t) => [t.name, t.channels, t.missingClips])).toEqual([
      ['Audio 1', 1, 0],
      ['Audio 2', 2, 0],
    ]);
    expect(Math.abs(r.session.durationSeconds - endSeconds)).toBeLessThan(0.001);
    for (const [i, t] of tracks.entries()) {
      const want = expectedRender([t], media, t.channels, 0, r.session.durationSeconds, RATE);
      close(r.tracks[i]!.loudness, await measureExpected(dir, `aaf-fades-${t.name}`, want, {}, RATE), `PR_Fades ${t.name}`);
    }
  });

  it('PR_Audio_Levels-noBTM.aaf: clip gain (+6 dB) on mono and stereo clips, up to the clip with gain automation', async () => {
    const { tracks, endSeconds } = witnessTracks('PR_Audio_Levels-noBTM.aaf', mediaOf);
    expect(tracks.map((t) => t.clips.map((c) => c.gainDb))).toEqual([
      [0, 6, 6],
      [0, 6, 6],
    ]);
    const session = await readSession(path.join(libaaf, 'PR_Audio_Levels-noBTM.aaf'), { mediaDirs: [dir] });
    const run = await premix(session, { to: String(endSeconds) });
    for (const [i, t] of tracks.entries()) {
      expect(run.result.tracks[i]!.missingClips).toBe(0);
      const want = expectedRender([t], media, t.channels, 0, endSeconds, RATE);
      close(run.result.tracks[i]!.loudness, await measureExpected(dir, `aaf-levels-${t.name}`, want, {}, RATE), `PR_Audio_Levels ${t.name}`);
    }
  });
});
