import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAudio } from '../../src/audio/open.js';
import { runQc } from '../../src/qc/pipeline.js';
import { writeTestWav } from '../helpers/wav-writer.js';
import { loadSpec } from '../../src/specs/loader.js';
import { buildDelivery, type Defect } from './delivery-fixture.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function qc(defect?: Defect, spec = loadSpec('netflix').spec) {
  const dir = await buildDelivery(defect);
  dirs.push(dir);
  return runQc({ paths: [dir], spec, fps: '24' });
}

const errorsOf = (run: Awaited<ReturnType<typeof qc>>, rule: string) =>
  run.outcome.findings.filter((f) => f.rule === rule && f.severity === 'error');

describe('dubstage qc on deliveries built by code', () => {
  it('the clean delivery: roles from name tokens, passes with no error finding', async () => {
    const run = await qc();
    expect(run.inputErrors).toEqual([]);
    expect(run.deliverables.map((d) => d.id).sort()).toEqual(
      ['me 5.1', 'printmaster 2.0', 'printmaster 5.1', 'stem dialogue 5.1', 'stem effects 5.1', 'stem music 5.1'],
    );
    expect(run.deliverables.find((d) => d.id === 'stem dialogue 5.1')!.reasons).toEqual([
      'role stem dialogue from name token "DX"',
      'layout 5.1 from name token "51"',
    ]);
    expect(run.outcome.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(run.outcome.verdict).toBe('pass');
    // A dialogue stem's LFE silent for the whole file is info, not a dropout.
    expect(run.outcome.findings.some((f) => f.rule === 'signal/silence' && f.severity === 'info' && f.deliverable === 'stem dialogue 5.1' && f.channel === 'L, R, LFE, Ls, Rs')).toBe(true);
  });

  // issue 13 (one finding per defect): the over in the effects is one finding on the printmaster that names
  // the effects stem and the M&E where it also is (details.alsoIn), no longer three findings
  it('true peak over: found by loudness/true-peak on the printmaster, naming the effects stem and the M&E', async () => {
    const run = await qc('true-peak');
    const errors = run.outcome.findings.filter((f) => f.rule === 'loudness/true-peak' && f.severity === 'error');
    expect(errors.map((f) => f.deliverable)).toEqual(['printmaster 5.1']);
    const also = (errors[0]!.details!.alsoIn as Array<{ deliverable: string }>).map((a) => a.deliverable);
    for (const id of ['stem effects 5.1', 'me 5.1']) expect(also).toContain(id);
    expect(also).not.toContain('stem music 5.1');
    expect(errors[0]!.message).toMatch(/\(also in stem effects 5\.1, me 5\.1\)$/);
    // Located where the samples reach the limit: the transient at 2.5 s.
    expect(errors.find((f) => f.deliverable === 'printmaster 5.1')).toMatchObject({ channel: 'C', startTimecode: '01:00:02:12' });
    expect(run.outcome.verdict).toBe('fail');
  });

  it('wrong sample rate: found by format/sample-rate on the music stem', async () => {
    const run = await qc('sample-rate');
    const f = run.outcome.findings.filter((x) => x.rule === 'format/sample-rate');
    expect(f).toMatchObject([{ deliverable: 'stem music 5.1', severity: 'error', measured: 44100 }]);
  });

  // issue 13: one finding on the printmaster naming the effects stem and the M&E (was one finding each)
  it('LFE carrying full band: found by lfe/band-limit on the printmaster, naming the effects stem and the M&E', async () => {
    const run = await qc('lfe-full-band');
    const f = run.outcome.findings.filter((x) => x.rule === 'lfe/band-limit' && x.severity === 'error');
    const where = new Set(f.flatMap((x) => [x.deliverable, ...((x.details?.alsoIn ?? []) as Array<{ deliverable: string }>).map((a) => a.deliverable)]));
    expect(where).toEqual(new Set(['printmaster 5.1', 'stem effects 5.1', 'me 5.1']));
    expect(f.every((x) => x.deliverable === 'printmaster 5.1')).toBe(true);
    expect(f.every((x) => x.channel === 'LFE' && x.startTimecode!.startsWith('01:00:0'))).toBe(true);
  });

  it('a stem at the wrong gain: found by stems/sum-to-printmaster, naming the stem and its gain', async () => {
    const run = await qc('stem-gain');
    const f = errorsOf(run, 'stems/sum-to-printmaster');
    const gain = f.find((x) => x.message.startsWith('stem music 5.1 is +'));
    expect(gain).toBeDefined();
    expect(gain!.measured as number).toBeCloseTo(3, 0);
    expect(errorsOf(run, 'me/music-effects-match').length).toBeGreaterThan(0);
  });

  it('a stem one frame late: found by stems/sum-to-printmaster with the 2000-sample offset', async () => {
    const run = await qc('stem-late');
    const f = errorsOf(run, 'stems/sum-to-printmaster');
    expect(f.find((x) => x.measured === 2000)?.message).toBe('stem effects 5.1 is 2000 samples (1.00 frames) late against printmaster 5.1');
  });

  it('an effect missing from the stems: found by stems/sum-to-printmaster on L at the door, 01:00:02:00', async () => {
    const run = await qc('missing-effect');
    const f = errorsOf(run, 'stems/sum-to-printmaster');
    expect(f.length).toBeGreaterThan(0);
    expect(f[0]).toMatchObject({ deliverable: 'printmaster 5.1', channel: 'L' });
    expect(f[0]!.startTimecode!.startsWith('01:00:02:0')).toBe(true);
    expect(errorsOf(run, 'stems/sum-to-printmaster').every((x) => x.channel === 'L')).toBe(true);
  });

  it('a 2-pop out of sync: found by leader/two-pop on the dialogue stem (pops required)', async () => {
    const spec = { ...loadSpec('netflix').spec, leader: { twoPop: 'required' as const } };
    const run = await qc('two-pop-sync', spec);
    const f = errorsOf(run, 'leader/two-pop');
    expect(f.length).toBeGreaterThan(0);
    expect(f.every((x) => x.deliverable === 'stem dialogue 5.1')).toBe(true);
    expect(f.some((x) => x.message.includes('out of sync') && x.startTimecode === '01:00:01:01')).toBe(true);
  });

  it('a session file whose media are the deliverables; a manifest overrides names; the frame rate falls back', async () => {
    const dir = await buildDelivery();
    dirs.push(dir);
    const edl = path.join(dir, 'delivery.edl');
    const names = ['SHOW_PM_51', 'SHOW_PM_20', 'SHOW_DX_51'];
    fs.writeFileSync(
      edl,
      'TITLE: DEL\r\nFCM: NON-DROP FRAME\r\n' +
        names.map((n, i) => `00${i + 1}  AX  A  C  00:00:00:00 00:00:04:00 01:00:00:00 01:00:04:00\r\n* SOURCE FILE: ${n}.wav\r\n`).join(''),
    );
    const fromSession = await runQc({ paths: [edl], spec: loadSpec('netflix').spec });
    expect(fromSession.deliverables.map((d) => d.id)).toEqual(['printmaster 5.1', 'printmaster 2.0', 'stem dialogue 5.1']);
    expect(fromSession.fpsSource).toBe('the session');

    const manifest = path.join(dir, 'delivery.yaml');
    fs.writeFileSync(manifest, 'deliverables:\n  - { role: stem, stem: foley, files: [SHOW_FX_51.wav] }\n');
    const withManifest = await runQc({ paths: [path.join(dir, 'SHOW_FX_51.wav'), path.join(dir, 'SHOW_PM_51.wav')], spec: loadSpec('netflix').spec, manifest });
    const foley = withManifest.deliverables.find((d) => d.stem === 'foley')!;
    expect(foley.reasons).toEqual(['role stem foley from the manifest', 'layout 5.1 from name token "51"']);
    expect(withManifest.fpsSource).toBe('assumed');
    expect(withManifest.warnings.some((w) => w.includes('timecodes are at 24 fps'))).toBe(true);
  });

  it('a multi-mono stem set (six mono files) is one deliverable and still nulls against the printmaster', async () => {
    const dir = await buildDelivery('stem-late');
    dirs.push(dir);
    const fx = path.join(dir, 'SHOW_FX_51.wav');
    const src = await openAudio(fx);
    const frames = src.header.format.frames;
    const planar = Array.from({ length: 6 }, () => new Float32Array(frames));
    expect(src.read(planar, frames)).toBe(frames);
    src.close();
    fs.unlinkSync(fx);
    ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'].forEach((c, i) =>
      writeTestWav(path.join(dir, `SHOW_FX_51_${c}.wav`), { channels: [planar[i]!], timeReferenceSamples: 3600 * 48000 }),
    );
    const run = await runQc({ paths: [dir], spec: loadSpec('netflix').spec, fps: '24' });
    const set = run.deliverables.find((d) => d.id === 'stem effects 5.1')!;
    expect(set.files.map((f) => path.basename(f))).toEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs'].map((c) => `SHOW_FX_51_${c}.wav`));
    expect(set.measurement?.format?.channelLabels).toEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
    expect(errorsOf(run, 'stems/sum-to-printmaster').map((f) => f.message)).toContain(
      'stem effects 5.1 is 2000 samples (1.00 frames) late against printmaster 5.1',
    );
  });
});
