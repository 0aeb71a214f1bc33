/**
 * Issue 13, built by code: several deliveries in one run (two reels' folders; one folder whose names carry
 * REEL1/REEL2), an M&E filled with the foley, a file cut short, the dialogue stem left in the M&E 12 dB
 * under the effects, and a delivery with five defects at once. Each clean one passes with no error finding;
 * each planted fault is found by its rule, once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureFile } from '../../src/analysis/measure.js';
import { planDeliveries, qcExitCode, reelOf, runQc, runQcDeliveries, type QcRun } from '../../src/qc/pipeline.js';
import { qcDeliveriesJson, qcJson } from '../../src/report/json.js';
import { loadSpec } from '../../src/specs/loader.js';
import { buildDelivery, dialogueLeakGainDb, type Defect } from './delivery-fixture.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const spec = loadSpec('netflix').spec;
const LONG = 120_000;

async function qc(defects: Defect[]): Promise<QcRun> {
  const dir = await buildDelivery(defects);
  dirs.push(dir);
  return runQc({ paths: [dir], spec, fps: '24' });
}

const errors = (run: QcRun) => run.outcome.findings.filter((f) => f.severity === 'error');
const errorsOf = (run: QcRun, rule: string) => errors(run).filter((f) => f.rule === rule);

describe('reels', () => {
  it('reads reel tokens standing alone in names or folders, and nothing else', () => {
    expect(reelOf('SHOW_REEL1_PM_51.wav')).toBe('1');
    expect(reelOf('SHOW_R2_DX_51.wav')).toBe('2');
    expect(reelOf('Show Reel 03 ME 51.wav')).toBe('3');
    expect(reelOf('RL4/SHOW_PM_51.wav')).toBe('4');
    expect(reelOf(path.join('REEL_5', 'STEMS', 'SHOW_FX_51.wav'))).toBe('5');
    for (const name of ['SHOW_PM_51.wav', 'DR1VE_PM_20.wav', 'SHOW_PM_51_R.wav', 'S01E02_PM_51.wav', 'MR1X_ME_51.wav']) expect(reelOf(name)).toBeNull();
  });

  it('two reels in two folders are two deliveries, each passing on its own (not one, summed together)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-reels-'));
    dirs.push(root);
    await buildDelivery([], { dir: path.join(root, 'REEL_1'), seed: 0 });
    await buildDelivery([], { dir: path.join(root, 'REEL_2'), seed: 100 });
    const runs = await runQcDeliveries({ paths: [path.join(root, 'REEL_1'), path.join(root, 'REEL_2')], spec, fps: '24' });
    expect(runs.deliveries.map((r) => r.delivery?.name)).toEqual(['REEL_1', 'REEL_2']);
    for (const r of runs.deliveries) {
      expect(r.deliverables.map((d) => d.id).sort()).toEqual(['me 5.1', 'printmaster 2.0', 'printmaster 5.1', 'stem dialogue 5.1', 'stem effects 5.1', 'stem music 5.1']);
      expect(errors(r)).toEqual([]);
      // each reel's stems null against its own printmaster only
      expect(r.cross?.stems).toHaveLength(1);
      expect(r.cross!.stems[0]!.stems).toHaveLength(3);
      expect(r.inputErrors).toEqual([]);
    }
    expect(runs.verdict).toBe('pass');
    expect(qcExitCode(runs.deliveries)).toBe(0);
    const json = qcDeliveriesJson(runs);
    expect(json).toMatchObject({ schema: 1, verdict: 'pass', deliveries: [{ delivery: { name: 'REEL_1', reel: null }, verdict: 'pass' }, { delivery: { name: 'REEL_2' }, verdict: 'pass' }] });
    expect(json.deliveries[0]!.deliverables).toHaveLength(6);
  }, LONG);

  it('one folder whose names say REEL1 and REEL2 is split by reel; a fault in reel 2 fails reel 2 and the run only', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-reel-names-'));
    dirs.push(root);
    await buildDelivery([], { dir: root, prefix: 'SHOW_REEL1', seed: 0 });
    await buildDelivery(['stem-late'], { dir: root, prefix: 'SHOW_REEL2', seed: 100 });
    const planned = await planDeliveries([root]);
    expect(planned.map((p) => [p.delivery.name, p.delivery.reel, p.found.files.length])).toEqual([
      [`${path.basename(root)} reel 1`, '1', 6],
      [`${path.basename(root)} reel 2`, '2', 6],
    ]);
    const runs = await runQcDeliveries({ paths: [root], spec, fps: '24' });
    const [one, two] = runs.deliveries;
    expect(errors(one!)).toEqual([]);
    expect(errorsOf(two!, 'stems/sum-to-printmaster').map((f) => f.message)).toEqual(['stem effects 5.1 is 2000 samples (1.00 frames) late against printmaster 5.1']);
    expect(runs.verdict).toBe('fail');
    expect(qcExitCode(runs.deliveries)).toBe(1);
  }, LONG);

  it('an empty folder among others is an input error of its own delivery; the others are still checked', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-reel-empty-'));
    dirs.push(root);
    await buildDelivery([], { dir: path.join(root, 'REEL_1') });
    fs.mkdirSync(path.join(root, 'REEL_2'));
    const runs = await runQcDeliveries({ paths: [path.join(root, 'REEL_1'), path.join(root, 'REEL_2')], spec, fps: '24' });
    expect(errors(runs.deliveries[0]!)).toEqual([]);
    expect(runs.deliveries[1]!.inputErrors).toMatchObject([{ code: 'usage', path: path.join(root, 'REEL_2') }]);
    expect(qcExitCode(runs.deliveries)).toBe(2);
  }, LONG);
});

describe('planted faults, each found by its rule once', () => {
  it('an M&E filled with the foley passes against music + effects + foley', async () => {
    const run = await qc(['foley']);
    expect(run.deliverables.map((d) => d.id)).toContain('stem foley 5.1');
    expect(run.cross!.me).toMatchObject([{ me: 'me 5.1', stems: ['stem music 5.1', 'stem effects 5.1', 'stem foley 5.1'], foley: 'stem foley 5.1' }]);
    expect(errors(run)).toEqual([]);
  }, LONG);

  it('an M&E left without the foley is one error naming the foley stem', async () => {
    const run = await qc(['me-without-foley']);
    expect(errors(run).map((f) => [f.rule, f.message])).toEqual([['me/music-effects-match', 'stem foley 5.1 is not in me 5.1: its least-squares gain there is 0']]);
  }, LONG);

  it('a file cut short is a format/truncated error naming the file and what is missing (not a duration mismatch too)', async () => {
    const run = await qc(['truncated']);
    expect(errors(run)).toHaveLength(1);
    const [f] = errorsOf(run, 'format/truncated');
    expect(f).toMatchObject({ deliverable: 'printmaster 2.0', measured: 1, limit: 0, startTimecode: '01:00:03:00', endTimecode: '01:00:04:00' });
    expect(path.basename(f!.file!)).toBe('SHOW_PM_20.wav');
    expect(f!.message).toBe('SHOW_PM_20.wav is cut short: its header declares 4.000 s (192000 frames) but it holds 3.000 s; 1.000 s (48000 frames, 288000 bytes) missing at the end');
    // measure reports it as a warning and a typed field
    const m = await measureFile(f!.file!);
    expect(m.format?.truncation).toEqual({ declaredFrames: 192000, missingFrames: 48000, missingBytes: 288000, missingSeconds: 1 });
    expect(m.warnings.some((w) => w.includes('288000 bytes missing'))).toBe(true);
  }, LONG);

  it('the dialogue stem in the M&E 12 dB under the effects: one me/dialogue-leak error with its gain, no mismatch flood', async () => {
    const run = await qc(['dialogue-leak']);
    expect(errors(run).map((f) => f.rule)).toEqual(['me/dialogue-leak']);
    const [leak] = errorsOf(run, 'me/dialogue-leak');
    expect(leak).toMatchObject({ deliverable: 'me 5.1', channel: 'C', details: { method: 'null', dialogueStem: 'stem dialogue 5.1' } });
    // the gain the fixture planted (the stem's level in the M&E), to a tenth of a dB
    expect(leak!.measured as number).toBeCloseTo(dialogueLeakGainDb(), 1);
    // its stretch covers the fixture's two lines (0.4-1.6 s and 2.1-3.5 s), merged into one
    expect(leak!.startSeconds!).toBeGreaterThan(0.35);
    expect(leak!.startSeconds!).toBeLessThan(0.45);
    expect(leak!.endSeconds!).toBeGreaterThan(3.45);
    expect(leak!.endSeconds!).toBeLessThan(3.55);
    expect(leak!.message).toMatch(/^dialogue leak: the dialogue stem \(stem dialogue 5\.1\) is in the M&E at -\d+\.\d dB on C/);
  }, LONG);

  it('five defects at once: one finding each (true peak and LFE named where else they are), not a flood', async () => {
    const run = await qc(['stem-gain', 'missing-effect', 'true-peak', 'lfe-full-band', 'dialogue-leak']);
    const count = (rule: string) => errorsOf(run, rule).length;
    expect(count('loudness/true-peak')).toBe(1);
    expect(count('lfe/band-limit')).toBe(1);
    expect(count('stems/sum-to-printmaster')).toBe(1);
    expect(count('me/dialogue-leak')).toBe(1);
    // the music stem's gain is seen by both null tests it takes part in
    expect(count('me/music-effects-match')).toBe(1);
    expect(errors(run)).toHaveLength(5);
    // the residual the gain leaves (and the door under it) is the gain finding's detail
    const gain = errorsOf(run, 'stems/sum-to-printmaster')[0]!;
    expect(gain.message).toBe('stem music 5.1 is +3.0 dB against printmaster 5.1');
    expect((gain.details!.residual as Array<{ channels: string[] }>).flatMap((r) => r.channels)).toContain('L');
    for (const rule of ['loudness/true-peak', 'lfe/band-limit']) {
      const also = (errorsOf(run, rule)[0]!.details!.alsoIn as Array<{ deliverable: string }>).map((a) => a.deliverable);
      expect(also.sort()).toEqual(['me 5.1', 'stem effects 5.1']);
    }
  }, LONG);
});

describe('the summary: every rule that ran, with its figures even when it passes', () => {
  it('a clean delivery shows the null depths, the dialogue level and the true peaks it passed on', async () => {
    const run = await qc([]);
    const json = qcJson(run);
    expect(Object.keys(json)).toEqual(['schema', 'spec', 'verdict', 'deliverables', 'findings', 'summary']);
    const rule = (id: string) => json.summary.find((s) => s.rule === id)!;
    expect(json.summary.map((s) => s.rule)).toEqual(run.outcome.rulesRun.map((r) => r.id));
    expect(json.summary.every((s) => s.status !== 'fail')).toBe(true);
    const stems = rule('stems/sum-to-printmaster');
    expect(stems.status).toBe('pass');
    // the fixture's printmaster is the stems' exact sum, sample for sample: nothing left to measure a depth from
    expect(stems.evidence[0]).toEqual({ deliverable: 'printmaster 5.1', label: 'null depth against stem dialogue 5.1 + stem music 5.1 + stem effects 5.1', value: 'exact (no residual)', unit: '' });
    expect(stems.evidence.filter((e) => e.label.startsWith('null depth on ')).map((e) => e.label.slice(14))).toEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
    expect(rule('me/music-effects-match').evidence[0]).toMatchObject({ deliverable: 'me 5.1', value: 'exact (no residual)' });
    const loud = rule('loudness/integrated').evidence.filter((e) => e.deliverable === 'printmaster 5.1');
    expect(loud.map((e) => e.label)).toEqual(['programme loudness', expect.stringMatching(/^dialogue-gated \(stem, /)]);
    expect(loud[0]!.value as number).toBeCloseTo(-24, 0);
    const tp = rule('loudness/true-peak').evidence;
    expect(tp).toHaveLength(6);
    expect(tp.every((e) => e.unit === 'dBTP' && typeof e.value === 'number')).toBe(true);
    expect(rule('format/truncated').evidence.every((e) => e.value === 'all')).toBe(true);
  }, LONG);

  it('a failing null shows its depth in dB on the channel that fails', async () => {
    const run = await qc(['missing-effect']);
    const stems = qcJson(run).summary.find((s) => s.rule === 'stems/sum-to-printmaster')!;
    expect(stems).toMatchObject({ status: 'fail', findings: { error: 1 } });
    expect(stems.evidence[0]!.label).toMatch(/shallowest channel, L\)$/);
    expect(stems.evidence[0]!.unit).toBe('dB');
    expect(stems.evidence[0]!.value as number).toBeLessThan(40);
  }, LONG);
});
