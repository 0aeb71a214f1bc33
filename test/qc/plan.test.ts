/** Each file's pass planned from the enabled rules' needs, and the rules' own option metadata. */
import { describe, expect, it } from 'vitest';
import { DubstageError } from '../../src/errors.js';
import { analyzerPlan } from '../../src/qc/plan.js';
import { defineRule, optionValues } from '../../src/qc/rule.js';
import { RULES } from '../../src/qc/rules/index.js';
import type { PlannedFile } from '../../src/qc/types.js';
import { loadSpec } from '../../src/specs/loader.js';
import type { Spec } from '../../src/specs/schema.js';

const fps = { num: 24, den: 1 };
const file = (f: Partial<PlannedFile>): PlannedFile => ({
  id: 'x',
  role: 'printmaster',
  stem: null,
  layout: '5.1',
  channels: 6,
  sampleRate: 48000,
  durationSeconds: 600,
  dialogueAnchored: false,
  ...f,
});
const ids = (spec: Spec, f: Partial<PlannedFile>) => analyzerPlan(file(f), spec, fps).map((n) => n.id);

describe('analyzer plan', () => {
  const netflix = loadSpec('netflix').spec;

  it('a Netflix 5.1 printmaster runs every signal analyzer, channel order and speech, each once, in registry order', () => {
    expect(ids(netflix, {})).toEqual(['peak-overs', 'clipping', 'silence', 'dc-offset', 'phase', 'lfe-band', 'two-pop', 'channel-order', 'speech']);
  });

  it('options come from the profile: the clip ceiling, the phase limit, the LFE cutoff, the frame rate, the sampling of long files', () => {
    const plan = analyzerPlan(file({ durationSeconds: 301 }), netflix, { num: 25, den: 1 });
    const opts = Object.fromEntries(plan.map((n) => [n.id, n.options ?? {}]));
    expect(opts['clipping']).toEqual({ thresholdDbfs: -0.45 });
    expect(opts['peak-overs']).toEqual({ limitDbfs: -2 });
    expect(opts['phase']).toEqual({ negativeLimit: -0.3 });
    expect(opts['lfe-band']).toEqual({ cutoffsHz: [120], limitDb: -6 });
    expect(opts['two-pop']).toEqual({ fps: 25 });
    expect(opts['channel-order']).toEqual({ everyNthBlock: 4 });
    expect(analyzerPlan(file({ durationSeconds: 299 }), netflix, fps).find((n) => n.id === 'channel-order')?.options).toEqual({ everyNthBlock: 1 });
  });

  it('speech only where a rule reads it: not on a stem, not on a printmaster the dialogue stem gates; on the M&E for the leak check', () => {
    expect(ids(netflix, { role: 'stem', stem: 'dialogue' })).not.toContain('speech');
    expect(ids(netflix, { dialogueAnchored: true })).not.toContain('speech');
    expect(ids(netflix, { role: 'me' })).toContain('speech');
    // programme loudness (EBU R 128) needs no detector on the printmaster
    expect(ids(loadSpec('ebu-r128').spec, {})).not.toContain('speech');
    // a 2.0 printmaster has no centre or LFE to place
    expect(ids(netflix, { layout: '2.0', channels: 2 })).not.toContain('channel-order');
  });

  it('a rule turned off takes its analyzers with it (unless another enabled rule reads them)', () => {
    const off = (rules: Record<string, string>): Spec => ({ ...netflix, rules: { ...netflix.rules, ...rules } }) as Spec;
    expect(ids(off({ 'signal/clipping': 'off' }), {})).not.toContain('clipping');
    expect(ids(off({ 'me/dialogue-leak': 'off' }), { role: 'me' })).not.toContain('speech');
    // the 2-pop is read by leader/two-pop and by the null tests (from FFOA): both off, it goes
    expect(ids(off({ 'leader/two-pop': 'off' }), {})).toContain('two-pop');
    expect(ids(off({ 'leader/two-pop': 'off', 'stems/sum-to-printmaster': 'off' }), {})).not.toContain('two-pop');
  });

  it('two rules needing one analyzer with different options is a clear error naming both', () => {
    const a = defineRule({ id: 'test/a', meta: { description: 'needs x at 1', defaultSeverity: 'error', options: {} }, needs: () => [{ id: 'clipping', options: { thresholdDbfs: -1 } }], check: () => [] });
    const b = defineRule({ id: 'test/b', meta: { description: 'needs x at 2', defaultSeverity: 'error', options: {} }, needs: () => [{ id: 'clipping', options: { thresholdDbfs: -2 } }], check: () => [] });
    const c = defineRule({ id: 'test/c', meta: { description: 'needs nothing known', defaultSeverity: 'error', options: {} }, needs: () => [{ id: 'no-such-analyzer' }], check: () => [] });
    expect(() => analyzerPlan(file({}), netflix, fps, [a, b])).toThrow(DubstageError);
    expect(() => analyzerPlan(file({}), netflix, fps, [a, b])).toThrow(/'test\/a' and 'test\/b' need analyzer 'clipping' with different options/);
    expect(() => analyzerPlan(file({}), netflix, fps, [c])).toThrow(/needs analyzer 'no-such-analyzer', which no one registered/);
  });
});

describe('rule options', () => {
  it('rules that share a thresholds section declare the same default for the same option', () => {
    const seen = new Map<string, { rule: string; value: number }>();
    for (const r of RULES) {
      for (const [section, options] of Object.entries(r.meta.options)) {
        for (const [name, o] of Object.entries(options)) {
          const key = `${section}.${name}`;
          const known = seen.get(key);
          if (known) expect(o.default, `${key}: ${r.id} vs ${known.rule}`).toBe(known.value);
          else seen.set(key, { rule: r.id, value: o.default });
          expect(o.description.length).toBeGreaterThan(10);
        }
      }
    }
    expect(seen.size).toBeGreaterThanOrEqual(15);
  });

  it('every threshold the spec schema accepts is some rule\'s option, and the reverse', () => {
    // the schema's sections and keys, read from a profile that sets none, by what validation accepts
    const declared = new Set(RULES.flatMap((r) => Object.entries(r.meta.options).flatMap(([s, o]) => Object.keys(o).map((k) => `${s}.${k}`))));
    const schemaKeys = ['stems.residualRmsMaxDbfs', 'stems.sustainMs', 'stems.nullDepthMinDb', 'stems.limiterMarginDb', 'me.residualRmsMaxDbfs', 'me.speechPercentMax', 'lfe.cutoffHz', 'lfe.maxAboveCutoffDb', 'phase.minCorrelation', 'clipping.ceilingDbfs', 'clipping.maxRuns', 'clipping.maxFullScalePercent', 'silence.dropoutMinMs', 'dcOffset.maxDbfs', 'twoPop.syncToleranceMs'];
    expect([...declared].sort()).toEqual([...schemaKeys].sort());
  });

  it('a profile value overrides the default; an unset one keeps it', () => {
    const lfe = RULES.find((r) => r.id === 'lfe/band-limit')!;
    const base = loadSpec('ebu-r128').spec;
    expect(optionValues({ ...base, thresholds: undefined } as Spec, lfe)).toEqual({ lfe: { cutoffHz: 120, maxAboveCutoffDb: -6 } });
    expect(optionValues({ ...base, thresholds: { lfe: { cutoffHz: 80 } } } as Spec, lfe)).toEqual({ lfe: { cutoffHz: 80, maxAboveCutoffDb: -6 } });
  });
});
