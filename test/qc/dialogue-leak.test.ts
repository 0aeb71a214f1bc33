/**
 * The "dialogue in the M&E" defect end to end, with real (espeak-ng) sentences: a delivery whose M&E
 * carries one dialogue line is failed by me/dialogue-leak at that line's time (the null engine finds the
 * dialogue stem in the M&E's residual), while the clean delivery has no leak finding.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runQc } from '../../src/qc/pipeline.js';
import { loadSpec } from '../../src/specs/loader.js';
import { delivery, dirs } from './speech-delivery.js';

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('dialogue in the M&E', () => {
  const spec = loadSpec('netflix').spec;

  it('the clean M&E has no leak finding', async () => {
    const { dir } = await delivery(false);
    const run = await runQc({ paths: [dir], spec, fps: '24' });
    expect(run.inputErrors).toEqual([]);
    expect(run.outcome.findings.filter((f) => f.rule === 'me/dialogue-leak' && f.severity === 'error')).toEqual([]);
  });

  it('a printmaster in Film order under an SMPTE mask is a likely mis-order, with its evidence', async () => {
    const { dir } = await delivery(false, true);
    const run = await runQc({ paths: [dir], spec, fps: '24' });
    const f = run.outcome.findings.filter((x) => x.rule === 'format/channel-order' && x.deliverable === 'printmaster 5.1');
    expect(f.some((x) => x.severity === 'warning' && /likely channel mis-order/.test(x.message) && /SpeechBandDbfs/.test(String(x.measured)))).toBe(true);
    // the clean delivery's printmaster raises nothing of the kind
    const clean = await runQc({ paths: [(await delivery(false)).dir], spec, fps: '24' });
    expect(clean.outcome.findings.filter((x) => x.rule === 'format/channel-order' && /likely/.test(x.message))).toEqual([]);
  });

  it('gates the printmasters by the dialogue stem in the delivery (method "stem")', async () => {
    const { dir } = await delivery(false);
    const run = await runQc({ paths: [dir], spec, fps: '24' });
    const dx = run.deliverables.find((d) => d.id === 'stem dialogue 5.1')!.measurement!.loudness!;
    for (const id of ['printmaster 5.1', 'printmaster 2.0']) {
      const d = run.deliverables.find((x) => x.id === id)!.measurement!.loudness!.dialogue!;
      expect(d.method).toBe('stem');
      // the stem's own figure is its BS.1770 integrated loudness
      expect(Math.abs(d.stemLufs! - dx.integratedLufs!)).toBeLessThan(0.01);
      expect(d.fallbackUsed).toBe(false);
      expect(d.note).toMatch(/not Dolby/);
    }
  });

  it('a dialogue line left in the M&E is found by me/dialogue-leak at its time', async () => {
    const { dir, leakedLine } = await delivery(true);
    const run = await runQc({ paths: [dir], spec, fps: '24' });
    const leaks = run.outcome.findings.filter((f) => f.rule === 'me/dialogue-leak' && f.severity === 'error');
    expect(leaks.length).toBeGreaterThan(0);
    expect(leaks.every((f) => f.deliverable === 'me 5.1')).toBe(true);
    // the finding's range overlaps the leaked line (timecodes at 24 fps from 01:00:00:00)
    const toSeconds = (tc: string) => {
      const [h, m, s, f] = tc.split(/[:;]/).map(Number) as [number, number, number, number];
      return h * 3600 + m * 60 + s + f / 24 - 3600;
    };
    expect(leaks.some((f) => toSeconds(f.startTimecode!) < leakedLine[1] && toSeconds(f.endTimecode ?? f.startTimecode!) + 1 / 24 > leakedLine[0])).toBe(true);
    // issue 13 (one finding per defect): the M&E's residual against music + effects is the dialogue stem at
    // 0 dB, so the null engine names it a leak (one finding, with its gain and stretch) and it is no longer
    // also a music-effects mismatch (this test asserted an me/music-effects-match error before)
    expect(leaks).toHaveLength(1);
    expect(leaks[0]!.details).toMatchObject({ method: 'null', dialogueStem: 'stem dialogue 5.1' });
    expect(leaks[0]!.measured as number).toBeCloseTo(0, 0);
    expect(leaks[0]!.channel).toBe('C');
    expect(run.outcome.findings.filter((f) => f.rule === 'me/music-effects-match' && f.severity === 'error')).toEqual([]);
  });
});
