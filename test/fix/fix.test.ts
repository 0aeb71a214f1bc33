// `dubstage fix` on deliveries built by code at the wrong level: one gain per layout family, written whole.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileSource } from '../../src/audio/bytesource.js';
import { parseBext, readRiffHeader } from '../../src/audio/riff.js';
import { runFix, CHECKSUMS_FILE } from '../../src/fix/run.js';
import { headroomShortfall, judgedFigure, planFamilies } from '../../src/fix/plan.js';
import type { CheckedDeliverable } from '../../src/qc/types.js';
import type { ChannelLabel } from '../../src/audio/channels.js';
import { runQc } from '../../src/qc/pipeline.js';
import { fixJson } from '../../src/report/fix-json.js';
import { loadSpec } from '../../src/specs/loader.js';
import { buildFixDelivery, codesOf, type FixDelivery } from './fixture.js';

const netflix = loadSpec('netflix').spec;
const ebu = loadSpec('ebu-r128').spec;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function outDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-fix-out-'));
  dirs.push(d);
  // fix creates it: start from a path that does not exist yet
  fs.rmSync(d, { recursive: true });
  return d;
}

const md5 = (file: string) => createHash('md5').update(fs.readFileSync(file)).digest('hex');
const sums = (files: string[]) => new Map(files.map((f) => [f, md5(f)]));

function header(file: string) {
  const src = openFileSource(file);
  try {
    return readRiffHeader(src);
  } finally {
    src.close();
  }
}

/** Every byte outside the sample data and the bext's version and loudness fields is the input's. */
function expectSameBytesButAudio(input: string, output: string): void {
  const a = fs.readFileSync(input);
  const b = fs.readFileSync(output);
  expect(b.length).toBe(a.length);
  const h = header(input);
  const bext = h.chunks.find((c) => c.id === 'bext');
  const skip = (i: number): boolean =>
    (i >= h.dataOffset && i < h.dataOffset + h.dataBytes) ||
    (bext !== undefined && (i === bext.dataOffset + 346 || i === bext.dataOffset + 347 || (i >= bext.dataOffset + 412 && i < bext.dataOffset + 422)));
  let differing = -1;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !skip(i)) {
      differing = i;
      break;
    }
  }
  expect(differing, `${path.basename(output)}: byte ${differing} differs outside the audio`).toBe(-1);
  // and the chunk lists are the same, in the same order
  expect(header(output).chunks).toEqual(h.chunks);
}

/** Most |sum of the parts - reference| in 24-bit codes, over every channel and sample. */
function worstResidual(reference: Int32Array[], parts: Int32Array[][]): number {
  let worst = 0;
  reference.forEach((ch, c) => {
    for (let i = 0; i < ch.length; i++) {
      const s = parts.reduce((t, p) => t + p[c]![i]!, 0);
      worst = Math.max(worst, Math.abs(s - ch[i]!));
    }
  });
  return worst;
}

async function dxCodes(dir: string): Promise<Int32Array[]> {
  const out: Int32Array[] = [];
  for (const l of ['L', 'R', 'C', 'LFE', 'Ls', 'Rs']) out.push((await codesOf(path.join(dir, `SHOW_DX_51.${l}.wav`)))[0]!);
  return out;
}

describe('a whole delivery 4 dB low (Netflix: dialogue-gated -27)', () => {
  let delivery: FixDelivery;
  let out: string;
  let run: Awaited<ReturnType<typeof runFix>>;
  let inputSums: Map<string, string>;
  let dialogue51 = 0;

  beforeAll(async () => {
    // The clean fixture's dialogue-gated figures, then the same delivery built 4 dB under the target.
    const probe = await buildFixDelivery(0, 0);
    dirs.push(probe.dir);
    const measured = await runQc({ paths: [probe.dir], spec: netflix, fps: '24' });
    const dlg = (id: string) => measured.deliverables.find((d) => d.id === id)!.measurement!.loudness!.dialogue!.gatedLufs!;
    dialogue51 = -31 - dlg('printmaster 5.1');
    delivery = await buildFixDelivery(dialogue51, -31 - dlg('printmaster 2.0'));
    dirs.push(delivery.dir);
    inputSums = sums(delivery.files);
    out = outDir();
    run = await runFix({ paths: [delivery.dir], spec: netflix, out, fps: '24' });
  }, 240_000);

  it('judges the dialogue-gated figure, one gain per family, and writes everything', () => {
    expect(run.refusal).toBeNull();
    expect(run.written).toBe(true);
    const f51 = run.families.find((f) => f.layout === '5.1')!;
    const f20 = run.families.find((f) => f.layout === '2.0')!;
    expect(f51).toMatchObject({ judgedBy: 'dialogue-gated', targetLufs: -27 });
    expect(f51.beforeLufs!).toBeCloseTo(-31, 1);
    expect(f51.gainDb!).toBeCloseTo(4, 1);
    expect(f20.gainDb!).toBeCloseTo(4, 1);
    expect(f51.deliverables).toEqual(['printmaster 5.1', 'stem dialogue 5.1', 'stem music 5.1', 'stem effects 5.1', 'me 5.1']);
    expect(f20.deliverables).toEqual(['printmaster 2.0']);
    // every 5.1 file, the DX set's six members included, takes the 5.1 family's one gain
    const files51 = run.files.filter((f) => f.layout === '5.1');
    expect(files51).toHaveLength(10);
    for (const f of files51) expect(f.gainDb).toBe(f51.gainDb);
    expect(run.files.every((f) => f.output !== null && fs.existsSync(f.output))).toBe(true);
    // multi-mono stays multi-mono, with the same names; nothing but the outputs and the manifest in --out
    expect(fs.readdirSync(out).sort()).toEqual([...delivery.files.map((f) => path.basename(f)), CHECKSUMS_FILE].sort());
  });

  it('the printmasters land within 0.1 LU of the target, and qc passes on the output', async () => {
    for (const f of run.families) expect(Math.abs(f.afterLufs! - -27)).toBeLessThan(0.1);
    const qc = await runQc({ paths: [out], spec: netflix, fps: '24' });
    expect(qc.inputErrors).toEqual([]);
    expect(qc.outcome.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(qc.outcome.verdict).toBe('pass');
    for (const id of ['printmaster 5.1', 'printmaster 2.0']) {
      const l = qc.deliverables.find((d) => d.id === id)!.measurement!.loudness!;
      expect(Math.abs(l.dialogue!.gatedLufs! - -27)).toBeLessThan(0.1);
    }
    // the programme loudness moved by the gain (what a plain BS.1770 meter checks)
    const pmBefore = run.files.find((f) => f.deliverable === 'printmaster 5.1')!;
    expect(pmBefore.after!.integratedLufs! - pmBefore.before!.integratedLufs!).toBeCloseTo(pmBefore.gainDb!, 1);
  }, 120_000);

  it('the stems still null against the printmaster, and the M&E against music + effects, within requantization', async () => {
    const [pm, mx, fx, me] = await Promise.all(['SHOW_PM_51.wav', 'SHOW_MX_51.wav', 'SHOW_FX_51.wav', 'SHOW_ME_51.wav'].map((n) => codesOf(path.join(out, n))));
    const dx = await dxCodes(out);
    // before: exact integer sums
    const [pmIn, mxIn, fxIn] = await Promise.all(['SHOW_PM_51.wav', 'SHOW_MX_51.wav', 'SHOW_FX_51.wav'].map((n) => codesOf(path.join(delivery.dir, n))));
    expect(worstResidual(pmIn!, [await dxCodes(delivery.dir), mxIn!, fxIn!])).toBe(0);
    // after: four roundings to nearest of half an LSB each at most
    expect(worstResidual(pm!, [dx, mx!, fx!])).toBeLessThanOrEqual(2);
    expect(worstResidual(me!, [mx!, fx!])).toBeLessThanOrEqual(1);
    // and each sample is its input times the gain, rounded to nearest
    const g = 10 ** (run.families.find((f) => f.layout === '5.1')!.gainDb! / 20);
    for (let i = 0; i < pm![2]!.length; i += 997) expect(pm![2]![i]).toBe(Math.round(pmIn![2]![i]! * g));
  }, 60_000);

  it('every non-audio chunk is byte-identical, RF64 stays RF64, and inputs are unchanged', () => {
    for (const f of run.files) expectSameBytesButAudio(f.input, f.output!);
    expect(header(path.join(out, 'SHOW_PM_51.wav')).format.container).toBe('rf64');
    expect(sums(delivery.files)).toEqual(inputSums);
  });

  it('bext: version 2, loudness fields equal the measured output, the rest as it was', async () => {
    const qc = await runQc({ paths: [out], spec: netflix, fps: '24' });
    for (const f of run.files) {
      const h = header(f.output!);
      const d = qc.deliverables.find((x) => x.files.includes(f.output!))!;
      const l = d.measurement!.loudness!;
      const r = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
      expect(h.bext, f.output!).toMatchObject({
        version: 2,
        loudnessValueLufs: r(l.integratedLufs),
        loudnessRangeLu: r(l.loudnessRangeLu),
        maxTruePeakDbtp: r(l.truePeakDbtp),
        maxMomentaryLufs: r(l.momentaryMaxLufs),
        maxShortTermLufs: r(l.shortTermMaxLufs),
      });
      const before = header(f.input).bext!;
      expect(h.bext).toMatchObject({ description: before.description, originator: before.originator, timeReferenceSamples: before.timeReferenceSamples, codingHistory: before.codingHistory });
      expect(h.bext!.umid).toBe(before.umid);
    }
  }, 120_000);

  it('the MD5 manifest lists every output as `md5  name`', () => {
    const lines = fs.readFileSync(path.join(out, CHECKSUMS_FILE), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(delivery.files.length);
    for (const line of lines) {
      const m = /^([0-9a-f]{32}) {2}(\S.*)$/.exec(line)!;
      expect(m).not.toBeNull();
      expect(md5(path.join(out, m[2]!))).toBe(m[1]);
    }
  });

  it('--json is the issue\'s contract', () => {
    const j = fixJson(run);
    expect(Object.keys(j).sort()).toEqual(['families', 'files', 'schema', 'spec', 'written']);
    expect(j.spec).toEqual({ id: 'netflix', name: netflix.name, version: netflix.version });
    for (const f of j.families) expect(Object.keys(f).sort()).toEqual(['afterLufs', 'beforeLufs', 'gainDb', 'judgedBy', 'layout']);
    for (const f of j.files) expect(Object.keys(f).sort()).toEqual(['after', 'before', 'gainDb', 'input', 'output']);
    expect(j.files[0]!.before).toMatchObject({ integratedLufs: expect.any(Number), truePeakDbtp: expect.any(Number) });
  });
});

describe('a 2.0 printmaster 2 dB hot while the 5.1 is right (EBU R 128: programme -23)', () => {
  it('the 5.1 family keeps 0 dB, the 2.0 takes -2 dB, and qc passes', async () => {
    const d = await buildFixDelivery(1, 3);
    dirs.push(d.dir);
    const out = outDir();
    const run = await runFix({ paths: [d.dir], spec: ebu, out, fps: '24' });
    expect(run.refusal).toBeNull();
    const f51 = run.families.find((f) => f.layout === '5.1')!;
    const f20 = run.families.find((f) => f.layout === '2.0')!;
    expect(f51.judgedBy).toBe('programme');
    expect(Math.abs(f51.gainDb!)).toBeLessThanOrEqual(0.02);
    expect(f20.gainDb!).toBeCloseTo(-2, 1);
    for (const f of run.families) expect(Math.abs(f.afterLufs! - -23)).toBeLessThan(0.1);
    const qc = await runQc({ paths: [out], spec: ebu, fps: '24' });
    expect(qc.outcome.verdict).toBe('pass');
    // each 5.1 sample is its input times the family's (near-unity) gain, rounded to nearest
    const g = 10 ** (f51.gainDb! / 20);
    const a = await codesOf(path.join(d.dir, 'SHOW_MX_51.wav'));
    const b = await codesOf(path.join(out, 'SHOW_MX_51.wav'));
    for (let i = 0; i < a[0]!.length; i += 101) expect(b[0]![i]).toBe(Math.round(a[0]![i]! * g));
  }, 240_000);
});

describe('refusals write nothing', () => {
  it('a gain that would take a true peak over the maximum: the shortfall, the file and the timecode', async () => {
    // 4 dB low, with a -4 dBFS transient in the effects at 2.5 s: +4 dB would put it near 0 dBTP, over -2
    const d = await buildFixDelivery(-4, -4, { hotFxDbfs: -4 });
    dirs.push(d.dir);
    const before = sums(d.files);
    const out = outDir();
    const run = await runFix({ paths: [d.dir], spec: ebu, out, fps: '24' });
    expect(run.written).toBe(false);
    expect(run.refusal).toMatchObject({ code: 'true-peak-headroom', timecode: '01:00:02:12' });
    // the worst file is one that carries the transient (the effects, the printmaster or the M&E)
    expect(['SHOW_PM_51.wav', 'SHOW_FX_51.wav', 'SHOW_ME_51.wav']).toContain(path.basename(run.refusal!.file!));
    const tp = run.before!.deliverables.find((x) => x.files.includes(run.refusal!.file!))!.measurement!.loudness!.truePeakDbtp!;
    const gain = run.families.find((f) => f.layout === '5.1')!.gainDb!;
    expect(run.refusal!.headroomDb!).toBeCloseTo(-1 - (tp + gain), 2);
    expect(run.refusal!.headroomDb!).toBeLessThan(0);
    expect(run.refusal!.message).toMatch(/dB short of headroom under the spec's -1 dBTP maximum/);
    expect(fs.existsSync(out)).toBe(false);
    expect(sums(d.files)).toEqual(before);
  }, 240_000);

  it('an unreadable file stops fix, naming it; nothing is written', async () => {
    const d = await buildFixDelivery(-4, -4);
    dirs.push(d.dir);
    const bad = path.join(d.dir, 'SHOW_MX_51.wav');
    const bytes = fs.readFileSync(bad);
    bytes.write('JUNKJUNK', 12, 'latin1'); // the chunk walk meets garbage where 'ds64'/'fmt ' should be
    bytes.writeUInt32LE(0xfffffff0, 16);
    fs.writeFileSync(bad, bytes);
    const out = outDir();
    const run = await runFix({ paths: [d.dir], spec: ebu, out, fps: '24' });
    expect(run.written).toBe(false);
    expect(run.refusal!.file).toBe(bad);
    expect(run.refusal!.message).toContain('SHOW_MX_51.wav');
    expect(run.refusal!.message).toContain('nothing written');
    expect(fs.existsSync(out)).toBe(false);
  }, 240_000);

  it('--dry-run computes the gains and writes nothing; --out may not be the delivery folder or hold an output already', async () => {
    const d = await buildFixDelivery(-4, -4);
    dirs.push(d.dir);
    const out = outDir();
    const dry = await runFix({ paths: [d.dir], spec: ebu, out, fps: '24', dryRun: true });
    expect(dry.written).toBe(false);
    expect(dry.refusal).toBeNull();
    expect(dry.families.find((f) => f.layout === '5.1')!.gainDb!).toBeCloseTo(5, 1);
    expect(dry.files.every((f) => f.output?.startsWith(out))).toBe(true);
    expect(fs.existsSync(out)).toBe(false);
    await expect(runFix({ paths: [d.dir], spec: ebu, out: d.dir, fps: '24' })).rejects.toThrow(/delivery folder|folder of the input/);
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'SHOW_PM_20.wav'), 'an earlier print');
    await expect(runFix({ paths: [d.dir], spec: ebu, out, fps: '24' })).rejects.toThrow(/already exists/);
    expect(fs.readdirSync(out)).toEqual(['SHOW_PM_20.wav']);
  }, 240_000);
});

describe('the judged figure follows loudness/integrated', () => {
  const loud = { integratedLufs: -25, momentaryMaxLufs: null, shortTermMaxLufs: null, loudnessRangeLu: null, truePeakDbtp: null, samplePeakDbfs: null, plrLu: null };
  const dialogue = (gatedLufs: number | null, fallbackUsed: boolean) => ({ ...loud, dialogue: { gatedLufs, speechPercent: 30, method: 'stem' as const, fallbackUsed, loudnessRangeLu: null, ldrLu: null } });
  it('dialogue-gated when usable, else programme against the fallback target; --target replaces the target', () => {
    expect(judgedFigure(netflix, dialogue(-29, false))).toEqual({ judgedBy: 'dialogue-gated', lufs: -29, targetLufs: -27 });
    expect(judgedFigure(netflix, dialogue(-29, true))).toEqual({ judgedBy: 'programme', lufs: -25, targetLufs: -24 });
    expect(judgedFigure(netflix, loud)).toEqual({ judgedBy: 'programme', lufs: -25, targetLufs: -24 });
    expect(judgedFigure(netflix, dialogue(-29, false), -26)).toEqual({ judgedBy: 'dialogue-gated', lufs: -29, targetLufs: -26 });
    expect(judgedFigure(ebu, dialogue(-29, false))).toEqual({ judgedBy: 'programme', lufs: -25, targetLufs: -23 });
    expect(judgedFigure(ebu, { ...loud, integratedLufs: null })).toBeNull();
  });
});

describe('families', () => {
  const loud = (integratedLufs: number, truePeakDbtp: number) => ({ integratedLufs, momentaryMaxLufs: null, shortTermMaxLufs: null, loudnessRangeLu: null, truePeakDbtp, samplePeakDbfs: truePeakDbtp - 0.5, plrLu: null });
  const d = (id: string, role: CheckedDeliverable['role'], layout: CheckedDeliverable['layout'], integrated: number, tp: number, files = [`/in/${id}.wav`]): CheckedDeliverable => ({
    id,
    role,
    layout,
    files,
    roleSource: 'name',
    layoutSource: 'name',
    reasons: [],
    timeReferenceSamples: null,
    measurement: { path: files[0]!, warnings: [], loudness: loud(integrated, tp), channels: files.map((_, i) => ({ label: (['L', 'R', 'C'] as ChannelLabel[])[i]!, truePeakDbtp: tp - i, samplePeakDbfs: tp - i - 0.5, rmsDbfs: null })) },
  });

  it('one gain per layout, the M&E with its printmaster; Atmos left alone; no printmaster means 0 dB', () => {
    const { families, problems } = planFamilies(ebu, [
      d('printmaster 5.1', 'printmaster', '5.1', -27, -10),
      d('atmos 7.1.2', 'atmos', '7.1.2', -27, -10),
      d('stem dialogue 5.1', 'stem', '5.1', -30, -12),
      d('me 5.1', 'me', '5.1', -29, -11),
      d('me 2.0', 'me', '2.0', -29, -11),
    ]);
    expect(problems).toEqual([]);
    expect(families.map((f) => [f.layout, f.gainDb, f.leftAlone, f.members.map((m) => m.id)])).toEqual([
      ['7.1.2', null, true, ['atmos 7.1.2']],
      ['5.1', 4, false, ['printmaster 5.1', 'stem dialogue 5.1', 'me 5.1']],
      ['2.0', 0, false, ['me 2.0']],
    ]);
    expect(families[0]!.note).toMatch(/Atmos master is left alone/);
    expect(families[2]!.note).toMatch(/no 2.0 printmaster/);
    // +4 dB on a -10 dBTP printmaster leaves 5 dB under EBU's -1: fits; the stems and M&E too
    expect(headroomShortfall(ebu, families)).toBeNull();
  });

  it('the least headroom sets the refusal, per member of a multi-mono set; two printmasters of a layout are refused', () => {
    const set = d('stem effects 5.1', 'stem', '5.1', -30, -3, ['/in/FX.L.wav', '/in/FX.R.wav', '/in/FX.C.wav']);
    const { families } = planFamilies(ebu, [d('printmaster 5.1', 'printmaster', '5.1', -27, -6), set]);
    const s = headroomShortfall(ebu, families)!;
    // +4 dB: the set's L member (-3 dBTP) would reach +1, 2 dB over -1; its C member (-5) only 0 dB
    expect(s).toMatchObject({ file: '/in/FX.L.wav', channelInFile: 0, truePeakDbtp: -3, kind: 'true-peak' });
    expect(s.headroomDb).toBeCloseTo(-2, 9);
    const two = planFamilies(ebu, [d('printmaster 5.1', 'printmaster', '5.1', -27, -6), d('printmaster 5.1 (2)', 'printmaster', '5.1', -25, -6)]);
    expect(two.problems).toMatchObject([{ code: 'ambiguous-family' }]);
    // a file already over the limit is found even where the gain is 0 dB (a family with no printmaster)
    const over = planFamilies(ebu, [d('printmaster 5.1', 'printmaster', '5.1', -23, -6), d('me 2.0', 'me', '2.0', -20, -0.5)]);
    expect(headroomShortfall(ebu, over.families)).toMatchObject({ family: { layout: '2.0', gainDb: 0, judged: null }, truePeakDbtp: -0.5 });
  });
});
