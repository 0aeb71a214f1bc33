// dubstage qc end to end on deliveries laid out and printed as facilities do (test/qc/facility-delivery.ts):
// the clean one passes with no error finding; each planted fault is found by its rule, once per deliverable.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runQc } from '../../src/qc/pipeline.js';
import { loadSpec } from '../../src/specs/loader.js';
import { buildFacilityDelivery, TITLE, type FacilityFault } from './facility-delivery.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

async function qc(fault?: FacilityFault, spec = 'netflix') {
  const built = await buildFacilityDelivery(fault);
  roots.push(built.root);
  return runQc({ paths: [built.delivery], spec: loadSpec(spec).spec, fps: '24', threads: 1 });
}

type Run = Awaited<ReturnType<typeof qc>>;
const errors = (run: Run) => run.outcome.findings.filter((f) => f.severity === 'error');
const ofRule = (run: Run, rule: string) => errors(run).filter((f) => f.rule === rule);

describe('qc on a facility-style delivery: nested folders, multi-mono, Wave64, a symbolic link, sparse stems, a title with role words', () => {
  it('the clean delivery against Amazon: no LFE or silence finding (the mix sits at Netflix\'s -24 LUFS programme fallback, so Amazon\'s -27 dialogue-gated target fails it, rightly)', async () => {
    const run = await qc(undefined, 'amazon-originals');
    expect(run.inputErrors).toEqual([]);
    expect(run.outcome.findings.filter((f) => f.rule === 'lfe/band-limit' || (f.rule === 'signal/silence' && f.severity !== 'info'))).toEqual([]);
    expect(new Set(errors(run).map((f) => f.rule))).toEqual(new Set(['loudness/integrated']));
  }, 60_000);

  for (const spec of ['netflix']) {
    it(`the clean delivery passes ${spec} with no error finding`, async () => {
      const run = await qc(undefined, spec);
      expect(run.inputErrors).toEqual([]);
      expect(run.deliverables.map((d) => d.id).sort()).toEqual(['me 5.1', 'printmaster 2.0', 'printmaster 5.1', 'stem dialogue 5.1', 'stem effects 5.1', 'stem music 5.1']);
      // the title's ME does not make the printmasters M&Es
      expect(run.deliverables.find((d) => d.id === 'printmaster 2.0')!.reasons).toEqual(['role printmaster from name token "PM"', 'layout 2.0 from name token "20"']);
      const dx = run.deliverables.find((d) => d.id === 'stem dialogue 5.1')!;
      expect(dx.files.map((f) => path.basename(f))).toEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs'].map((c) => `${TITLE}_DX_51.${c}.wav`));
      expect(run.deliverables.find((d) => d.id === 'stem effects 5.1')!.measurement!.format!.container).toBe('w64');
      expect(errors(run)).toEqual([]);
      if (spec === 'netflix') expect(run.outcome.verdict).toBe('pass');
      // The sparse stems' digital zero is neither an error nor a warning.
      expect(run.outcome.findings.filter((f) => f.rule === 'signal/silence' && f.severity !== 'info')).toEqual([]);
      expect(run.outcome.findings.filter((f) => f.rule === 'lfe/band-limit')).toEqual([]);
    }, 60_000);
  }

  it('a 40 ms hole in every channel of the 5.1 printmaster: one signal/silence finding naming the channels that were playing', async () => {
    const run = await qc('dropout-40ms');
    // At 6.5 s C carries only room tone (between lines) and the LFE is digital zero (between events):
    // the hole is heard in L, R, Ls and Rs.
    expect(ofRule(run, 'signal/silence')).toMatchObject([
      { deliverable: 'printmaster 5.1', channel: 'L, R, Ls, Rs', startTimecode: '01:00:06:12', measured: 40 },
    ]);
    expect(ofRule(run, 'lfe/band-limit')).toEqual([]);
  }, 60_000);

  for (const fault of ['lfe-unfiltered', 'lfe-300hz'] as const) {
    it(`an LFE ${fault === 'lfe-unfiltered' ? 'printed without its low-pass' : 'low-passed at 300 Hz'}: one lfe/band-limit finding, on the printmaster, naming the stem and M&E that carry it too`, async () => {
      const run = await qc(fault);
      const f = ofRule(run, 'lfe/band-limit');
      // one defect, one finding (issue 13): the printmaster's, with the effects stem and the M&E in details.alsoIn
      expect(f).toHaveLength(1);
      const also = ((f[0]!.details?.alsoIn ?? []) as Array<{ deliverable: string; measured: unknown }>);
      expect([f[0]!.deliverable, ...also.map((a) => a.deliverable)].sort()).toEqual(['me 5.1', 'printmaster 5.1', 'stem effects 5.1']);
      expect([f[0]!, ...also].every((x) => typeof x.measured === 'number' && x.measured > -6 + 1)).toBe(true);
      expect(f[0]!.channel).toBe('LFE');

      expect(ofRule(run, 'signal/silence')).toEqual([]);
    }, 60_000);
  }
});
