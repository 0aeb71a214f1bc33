// The corpus sessions through premix: every AAF renders without error; where the media exist (LibAAF's
// embedded essence and its two linked WAVs) each single-clip track measures as `measure` of the same
// media range does.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSession } from '../../native-adapters/index.js';
import { measureFile } from '../../src/analysis/measure.js';
import { premix } from '../../src/render/premix.js';
import { toSeconds } from '../../src/session/time.js';
import { samplesDir } from '../helpers/corpus.js';

function aafFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? aafFiles(p) : /\.aaf$/i.test(n) ? [p] : [];
  });
}

describe('premix over the corpus AAFs', () => {
  const files = aafFiles(samplesDir('aaf'));

  it('renders every one without error', async () => {
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) {
      const run = await premix(await readSession(f));
      expect(run.result.schema, f).toBe(1);
    }
  }, 600_000);

  it('measures the tracks whose media exist as measure measures that media range', async () => {
    const withMedia = ['PT_PCM_Internal.aaf', 'PR_WAV_Internal.aaf', 'PR_AIFF_Internal.aaf', 'PT_WAV_External_same_directory.aaf', 'PT_WAV_External_sub_directory.aaf'];
    for (const name of withMedia) {
      const file = files.find((f) => path.basename(f) === name)!;
      const session = await readSession(file);
      const run = await premix(session);
      const track = run.result.tracks[0]!;
      expect(track.missingClips, name).toBe(0);
      const clip = session.tracks[0]!.clips[0]!;
      const media = session.media.find((m) => m.id === clip.mediaId)!;
      const address = media.embedded ? `${file}#${media.id}` : media.resolvedPath!;
      const from = toSeconds(clip.sourceStart);
      const m = await measureFile(address, { threads: 1, fromSeconds: from, toSeconds: from + toSeconds(clip.duration) });
      expect(Math.abs(track.loudness.integratedLufs! - m.loudness!.integratedLufs!), name).toBeLessThanOrEqual(0.05);
      expect(Math.abs(track.loudness.samplePeakDbfs! - m.loudness!.samplePeakDbfs!), name).toBeLessThanOrEqual(0.05);
    }
  }, 120_000);
});
