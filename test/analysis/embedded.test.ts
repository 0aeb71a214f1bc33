/** Audio embedded in an AAF is measured through the same host as a file (FILE.aaf#<mediaId>). */
import { describe, expect, it } from 'vitest';
import { embeddedMediaPaths, isEmbeddedPath } from '../../src/analysis/embedded.js';
import { measureFile } from '../../src/analysis/measure.js';
import { samplesDir } from '../helpers/corpus.js';

describe('embedded AAF essence', () => {
  it('lists and measures Pro Tools raw PCM and Premiere AIFC essence', async () => {
    for (const [name, container, rate] of [
      ['PT_PCM_Internal.aaf', 'wav', 16000],
      ['PR_AIFF_Internal.aaf', 'aifc', 48000],
    ] as const) {
      const paths = await embeddedMediaPaths(samplesDir('aaf', 'agfline__LibAAF', name));
      expect(paths.length).toBeGreaterThan(0);
      expect(isEmbeddedPath(paths[0]!)).toBe(true);
      const m = await measureFile(paths[0]!);
      expect(m.error).toBeUndefined();
      expect(m.format).toMatchObject({ container, sampleRate: rate, channels: 1 });
      expect(m.loudness!.samplePeakDbfs).toBeLessThan(0);
      expect(m.loudness!.samplePeakDbfs).toBeGreaterThan(-60);
    }
  });

  it('has nothing to measure in a linked-media AAF', async () => {
    expect(await embeddedMediaPaths(samplesDir('aaf', 'agfline__LibAAF', 'MC_Fades.aaf'))).toEqual([]);
  });

  it('reports a bad media id as an error, not a crash', async () => {
    const m = await measureFile(`${samplesDir('aaf', 'agfline__LibAAF', 'PT_PCM_Internal.aaf')}#no-such-media`);
    expect(m.error?.message).toMatch(/no embedded essence/);
  });
});
