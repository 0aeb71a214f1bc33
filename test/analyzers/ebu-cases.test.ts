/**
 * Every case of ../shared/ebu-testset/cases.json within its tolerance: the official files as they are,
 * and every synthesizable case generated here from its definition.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LoudnessAnalyzer } from '../../src/analyzers/loudness.js';
import { measureFile } from '../../src/analysis/measure.js';
import { runAnalyzers } from '../../src/analysis/host.js';
import { memorySource } from '../../src/audio/compressed.js';
import type { ChannelLabel } from '../../src/audio/channels.js';
import type { AudioHeader } from '../../src/audio/types.js';
import { sharedDir } from '../helpers/corpus.js';
import { synthesize, type EbuCase } from '../helpers/ebu-synth.js';

const testsetDir = path.join(sharedDir(), 'ebu-testset');
const cases = (JSON.parse(readFileSync(path.join(testsetDir, 'cases.json'), 'utf8')) as { cases: EbuCase[] }).cases;

interface Observed {
  integratedLufs: number | null;
  lraLu: number | null;
  truePeakDbtp: number | null;
  momentaryMax: number | null;
  shortTermMax: number | null;
  steps: Array<{ t: number; m: number | null; s: number | null }>;
}

function checkCase(c: EbuCase, o: Observed): string[] {
  const failures: string[] = [];
  const within = (what: string, v: number | null, expected: number, lo: number, hi: number) => {
    if (v === null || v < expected - lo - 1e-9 || v > expected + hi + 1e-9) failures.push(`${what}: ${v} not in [${expected - lo}, ${expected + hi}]`);
  };
  for (const k of c.checks) {
    const e = k.expected ?? 0;
    switch (k.metric) {
      case 'integrated_lufs':
        within('I', o.integratedLufs, e, k.tol_minus, k.tol_plus);
        break;
      case 'lra_lu':
        within('LRA', o.lraLu, e, k.tol_minus, k.tol_plus);
        break;
      case 'true_peak_max_dbtp':
        within('TP', o.truePeakDbtp, e, k.tol_minus, k.tol_plus);
        break;
      case 'momentary_max':
        within('max M', o.momentaryMax, e, k.tol_minus, k.tol_plus);
        break;
      case 'shortterm_max':
        within('max S', o.shortTermMax, e, k.tol_minus, k.tol_plus);
        break;
      case 'momentary_const_after':
      case 'shortterm_const_after': {
        const useM = k.metric.startsWith('momentary');
        let n = 0;
        for (const st of o.steps) {
          if (st.t < k.from_s! - 1e-9) continue;
          n++;
          within(`${useM ? 'M' : 'S'} at ${st.t.toFixed(2)} s`, useM ? st.m : st.s, e, k.tol_minus, k.tol_plus);
          if (failures.length > 3) break;
        }
        if (n === 0) failures.push(`no ${useM ? 'M' : 'S'} values after ${k.from_s} s`);
        break;
      }
      case 'segment_momentary_max':
      case 'segment_shortterm_max': {
        const useM = k.metric.includes('momentary');
        for (const [start, end, expected] of k.segments!) {
          let max: number | null = null;
          for (const st of o.steps) {
            const v = useM ? st.m : st.s;
            if (st.t > start + 1e-9 && st.t <= end + 1e-9 && v !== null && (max === null || v > max)) max = v;
          }
          within(`${useM ? 'M' : 'S'} max in [${start}, ${end})`, max, expected, k.tol_minus, k.tol_plus);
        }
        break;
      }
      case 'integrated_is_silent':
        if (o.integratedLufs !== null) failures.push(`I should be silent (no block above -70 LUFS), got ${o.integratedLufs}`);
        break;
      default:
        failures.push(`unknown metric ${k.metric}`);
    }
  }
  return failures;
}

async function measureOfficial(c: EbuCase): Promise<Observed> {
  const steps: Observed['steps'] = [];
  const m = await measureFile(path.join(testsetDir, c.official_file!), { onStep: (t, mm, s) => steps.push({ t, m: mm, s }) });
  if (m.error) throw new Error(m.error.message);
  const l = m.loudness!;
  return { integratedLufs: l.integratedLufs, lraLu: l.loudnessRangeLu, truePeakDbtp: l.truePeakDbtp, momentaryMax: l.momentaryMaxLufs, shortTermMax: l.shortTermMaxLufs, steps };
}

async function measureSynth(c: EbuCase): Promise<Observed> {
  const s = synthesize(c);
  if (!s) throw new Error(`no synthesizer for ${c.id}`);
  const frames = s.channels[0]!.length;
  const header = {
    path: c.id,
    format: { container: 'wav', sampleRate: s.sampleRate, bitDepth: 24, sampleFormat: 'int', channels: s.channels.length, channelLabels: s.labels as ChannelLabel[], labelSource: 'user', frames, durationSeconds: frames / s.sampleRate },
  } as unknown as AudioHeader;
  const steps: Observed['steps'] = [];
  const a = new LoudnessAnalyzer({ onStep: (t, m, st) => steps.push({ t, m, s: st }) });
  await runAnalyzers(memorySource(header, s.channels), [a]);
  const l = a.finish().loudness;
  return { integratedLufs: l.integratedLufs, lraLu: l.loudnessRangeLu, truePeakDbtp: l.truePeakDbtp, momentaryMax: l.momentaryMaxLufs, shortTermMax: l.shortTermMaxLufs, steps };
}

describe('EBU Tech 3341/3342 and BS.2217: official files', () => {
  const official = cases.filter((c) => c.official_present && c.official_file);
  it('finds the official test set', () => {
    expect(official.length).toBeGreaterThan(40);
  });
  for (const c of official) {
    it(`${c.id}: ${c.description}`, async () => {
      expect(checkCase(c, await measureOfficial(c))).toEqual([]);
    });
  }
});

describe('EBU Tech 3341/3342: synthesized cases', () => {
  const synth = cases.filter((c) => c.synthesizable);
  it('has every synthesizable case', () => {
    expect(synth.length).toBeGreaterThan(60);
  });
  for (const c of synth) {
    it(`${c.id}: ${c.description}`, async () => {
      expect(checkCase(c, await measureSynth(c))).toEqual([]);
    });
  }
});
