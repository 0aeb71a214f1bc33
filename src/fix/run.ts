/**
 * `dubstage fix` from paths to an outcome: measure the delivery as qc does (runQc: same discovery,
 * roles, layouts, dialogue gating by the DX stem), plan one gain per layout family, refuse when a gain
 * would break the true-peak limit, then write every file of the corrected families into a temporary
 * folder inside --out (one streaming pass per file, on the worker pool), measure the outputs again with
 * the same pipeline, set each output's bext loudness from that measurement, hash them, and only then
 * rename them into --out with an MD5 manifest beside them. Any failure removes what was written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { defaultThreads, WorkerPool } from '../analysis/pool.js';
import { DubstageError, type ErrorInfo } from '../errors.js';
import { POOL_MIN_SECONDS, runQc, type QcRun } from '../qc/pipeline.js';
import { allRules } from '../qc/rules/index.js';
import { StageTimer } from '../qc/timings.js';
import type { CheckedDeliverable } from '../qc/types.js';
import { secondsToTimecode } from '../session/time.js';
import type { Spec } from '../specs/schema.js';
import { bextWithLoudness } from './bext.js';
import { FIX_JOBS_MODULE, type JobOutcome } from './jobs.js';
import { locateTruePeak } from './locate.js';
import { headroomShortfall, judgedFigure, planFamilies, type FamilyPlan } from './plan.js';
import type { RewriteJob, RewriteResult } from './rewrite.js';
import type { FixFamily, FixFile, FixRefusal, FixRun } from './types.js';

export interface FixOptions {
  paths: string[];
  spec: Spec;
  /** The folder the corrected delivery is written into (created when missing). */
  out: string;
  /** The delivery manifest (roles), as for qc. */
  manifest?: string;
  /** Replaces the spec's target for the judged figure. */
  targetLufs?: number;
  dryRun?: boolean;
  fps?: string;
  /** Worker threads (1: inline). Default: defaultThreads() on long deliveries. */
  threads?: number;
  onProgress?: (message: string) => void;
}

/** The MD5 manifest's name, beside the outputs. */
export const CHECKSUMS_FILE = 'checksums.md5';

/**
 * The profile fix measures with: the one given, with only the loudness rules on. Discovery, roles,
 * layouts and dialogue gating do not depend on the rules; the other rules' analyzers (speech on the M&E,
 * the null tests, the scans) would only cost time here. `dubstage qc` on the output checks the rest.
 */
export function measuringSpec(spec: Spec): Spec {
  const rules: NonNullable<Spec['rules']> = { ...(spec.rules ?? {}) };
  for (const r of allRules()) if (!r.id.startsWith('loudness/')) rules[r.id] = 'off';
  return { ...spec, rules };
}

function usage(message: string, file?: string): DubstageError {
  return new DubstageError({ code: 'usage', message, ...(file !== undefined ? { path: file } : {}) });
}

function realDir(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}

/** --out must be a folder of its own: never an input, never an input's folder. */
function checkOutAgainstInputs(outDir: string, inputs: string[]): void {
  const out = realDir(outDir) ?? path.resolve(outDir);
  for (const f of inputs) {
    const file = realDir(f) ?? path.resolve(f);
    if (file === out) throw usage(`--out ${outDir} is an input of the delivery; fix never writes over an input`, f);
    const dir = realDir(path.dirname(f)) ?? path.resolve(path.dirname(f));
    if (dir === out) throw usage(`--out ${outDir} is the folder of the input ${f}; fix writes the corrected delivery into a folder of its own`, f);
  }
}

function fpsArgument(run: QcRun): string {
  const rate = run.fps.den === 1 ? String(run.fps.num) : `${run.fps.num}/${run.fps.den}`;
  return run.dropFrame ? `${rate}DF` : rate;
}

function timecodeOf(run: QcRun, d: CheckedDeliverable, seconds: number): string {
  const rate = d.measurement?.format?.sampleRate;
  const start = d.timeReferenceSamples !== null && rate ? d.timeReferenceSamples / rate : 0;
  return secondsToTimecode(start + seconds, run.fps, run.dropFrame);
}

const signed = (db: number): string => `${db >= 0 ? '+' : ''}${db.toFixed(2)}`;

function refusalFromError(e: ErrorInfo, more: number): FixRefusal {
  return {
    code: e.code,
    message: `${e.message}${more > 0 ? ` (and ${more} more unreadable input${more > 1 ? 's' : ''})` : ''}; fix stops: nothing written (a partial delivery is never written)`,
    file: e.path ?? null,
    timecode: e.timecode ?? null,
    headroomDb: null,
  };
}

function requantization(r: RewriteResult): string {
  if (r.encoding.startsWith('f')) {
    return r.encoding.startsWith('f64')
      ? '64-bit float stays 64-bit float, scaled through the reader\'s 32-bit float (24-bit precision)'
      : '32-bit float stays 32-bit float (scaled, not requantized)';
  }
  // the rounding error is at most half an LSB: -6.02 dB per bit below full scale, one more bit down
  const floor = `error at most ½ LSB, about ${Math.round(-6.02 * r.validBits)} dBFS`;
  if (r.encoding.startsWith('s32')) return `rounded to nearest at ${r.validBits} bits, no dither (${floor}); read through 32-bit float (24-bit precision)`;
  return `rounded to nearest at ${r.validBits} bits, no dither (${floor})`;
}

export async function runFix(opts: FixOptions): Promise<FixRun> {
  if (!opts.out) throw usage('--out DIR is required: fix writes the corrected delivery into a folder of its own');
  const outDir = path.resolve(opts.out);
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) throw usage(`--out ${opts.out} is a file, not a folder`);
  // the obvious mistakes before the measuring pass: --out the delivery folder itself, or an input
  for (const p of opts.paths) {
    const real = realDir(p);
    if (real && fs.statSync(real).isDirectory() && real === realDir(outDir)) throw usage(`--out ${opts.out} is the delivery folder ${p}; fix writes the corrected delivery into a folder of its own`, p);
  }
  if (opts.targetLufs !== undefined && !Number.isFinite(opts.targetLufs)) throw usage(`--target ${opts.targetLufs}: a loudness in LUFS, e.g. -27`);
  const mSpec = measuringSpec(opts.spec);
  const progress = opts.onProgress;
  progress?.('measuring the delivery');
  const timer = new StageTimer();
  const before = await timer.time('measure', () => runQc({ paths: opts.paths, spec: mSpec, manifest: opts.manifest, fps: opts.fps, threads: opts.threads, onProgress: progress }));
  const run: FixRun = {
    spec: opts.spec,
    targetLufs: opts.targetLufs ?? null,
    outDir,
    dryRun: opts.dryRun === true,
    families: [],
    files: [],
    written: false,
    refusal: null,
    checksumsFile: null,
    notes: [],
    before,
    after: null,
  };
  if (before.inputErrors.length > 0) {
    run.refusal = refusalFromError(before.inputErrors[0]!, before.inputErrors.length - 1);
    return run;
  }
  checkOutAgainstInputs(outDir, before.deliverables.flatMap((d) => d.files));

  const { families, problems } = planFamilies(opts.spec, before.deliverables, opts.targetLufs);
  const outputs = new Map<string, string>();
  for (const f of families) {
    for (const d of f.members) {
      for (const file of d.files) {
        if (f.leftAlone) continue;
        const out = path.join(outDir, path.basename(file));
        const clash = [...outputs].find(([, o]) => o === out);
        if (clash) throw usage(`${file} and ${clash[0]} have the same name; fix writes both into --out: rename one`, file);
        outputs.set(file, out);
      }
    }
  }
  run.families = families.map((f) => familyOut(f));
  run.files = families.flatMap((f) =>
    f.members.flatMap((d) =>
      d.files.map(
        (file): FixFile => ({
          deliverable: d.id,
          role: d.role,
          layout: d.layout,
          input: file,
          output: outputs.get(file) ?? null,
          gainDb: f.leftAlone ? null : f.gainDb,
          before: d.measurement?.loudness ?? null,
          after: null,
          md5: null,
          requantized: null,
        }),
      ),
    ),
  );
  for (const f of families) if (f.note) run.notes.push(f.note);
  if (problems.length > 0) {
    const p = problems[0]!;
    run.refusal = { code: p.code, message: `${p.message}; nothing written`, file: p.file, timecode: null, headroomDb: null };
    return run;
  }
  const short = headroomShortfall(opts.spec, families);
  if (short) {
    progress?.(`locating the true peak of ${path.basename(short.file)}`);
    const place = await locateTruePeak(short.file, short.channelInFile);
    const timecode = timecodeOf(before, short.deliverable, place.seconds);
    const j = short.family.judged;
    const why = j ? `${j.judgedBy} ${j.lufs.toFixed(2)} LUFS to ${j.targetLufs} LUFS` : 'no printmaster to judge';
    const already = short.truePeakDbtp > short.limitDbtp ? ' (already over it before any gain)' : '';
    const what = short.kind === 'true-peak' ? `true peak ${short.truePeakDbtp.toFixed(2)} dBTP` : `sample peak ${short.truePeakDbtp.toFixed(2)} dBFS`;
    const limit = short.kind === 'true-peak' ? `the spec's ${short.limitDbtp} dBTP maximum` : 'full scale (the spec sets no true-peak maximum)';
    run.refusal = {
      code: short.kind === 'true-peak' ? 'true-peak-headroom' : 'clipping',
      message:
        `the ${short.family.layout} family needs ${signed(short.family.gainDb!)} dB (${why}), ` +
        `but ${path.basename(short.file)} (${short.deliverable.id}) has its ${what} on ${short.label} at ${timecode}: ` +
        `${(-short.headroomDb).toFixed(2)} dB short of headroom under ${limit}${already}; nothing written ` +
        '(fix applies gain only: no limiter; bring that peak down in the mix, or give a lower --target)',
      file: short.file,
      timecode,
      headroomDb: Math.round(short.headroomDb * 100) / 100,
    };
    return run;
  }
  if (opts.dryRun) return run;

  // Nothing in --out is written over: a name already there stops the run before anything is written.
  for (const out of [...outputs.values(), path.join(outDir, CHECKSUMS_FILE)]) {
    if (fs.existsSync(out)) throw usage(`${out} already exists; fix never writes over a file: empty --out or pick another folder`, out);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(outDir, '.dubstage-fix-'));
  const renamed: string[] = [];
  try {
    const written = await writeAll(run, families, outputs, tmp, opts, before, timer);
    if (run.refusal) return run;
    const renaming = performance.now();
    for (const out of outputs.values()) {
      fs.renameSync(path.join(tmp, path.basename(out)), out);
      renamed.push(out);
    }
    const sums = run.files.filter((f) => f.output && f.md5).map((f) => `${f.md5}  ${path.basename(f.output!)}\n`).join('');
    const sumsTmp = path.join(tmp, CHECKSUMS_FILE);
    fs.writeFileSync(sumsTmp, sums);
    fs.renameSync(sumsTmp, path.join(outDir, CHECKSUMS_FILE));
    renamed.push(path.join(outDir, CHECKSUMS_FILE));
    run.checksumsFile = path.join(outDir, CHECKSUMS_FILE);
    run.written = written;
    timer.stages.push({ stage: 'rename', seconds: (performance.now() - renaming) / 1000 });
    reportTimes(timer);
    return run;
  } catch (err) {
    // whole or not at all: what was already renamed into --out goes too
    for (const f of renamed) fs.rmSync(f, { force: true });
    throw err;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function familyOut(f: FamilyPlan): FixFamily {
  return {
    layout: f.layout,
    gainDb: f.leftAlone ? null : f.gainDb,
    judgedBy: f.judged?.judgedBy ?? null,
    targetLufs: f.judged?.targetLufs ?? null,
    beforeLufs: f.judged?.lufs ?? null,
    afterLufs: null,
    deliverables: [...(f.printmaster ? [f.printmaster.id] : []), ...f.members.filter((d) => d !== f.printmaster).map((d) => d.id)],
    leftAlone: f.leftAlone,
    note: f.note,
  };
}

/**
 * Write the outputs into `tmp`, measure them again, set their bext loudness and hash them. Sets
 * run.refusal (and returns false) when an output cannot be written or breaks the true-peak limit.
 */
/** Stage times on stderr as one JSON line when DUBSTAGE_QC_TIMINGS=1 (bench/fix.bench.ts reads them). */
function reportTimes(timer: StageTimer): void {
  if (process.env.DUBSTAGE_QC_TIMINGS !== '1') return;
  process.stderr.write(`dubstage-fix-timings ${JSON.stringify(timer.stages)}\n`);
}

async function writeAll(run: FixRun, families: FamilyPlan[], outputs: Map<string, string>, tmp: string, opts: FixOptions, before: QcRun, timer: StageTimer): Promise<boolean> {
  const progress = opts.onProgress;
  const gainOf = new Map<string, number>();
  for (const f of families) for (const d of f.members) for (const file of d.files) if (!f.leftAlone && f.gainDb !== null) gainOf.set(file, f.gainDb);
  const jobs: RewriteJob[] = [...outputs.keys()].map((input) => ({ input, output: path.join(tmp, path.basename(outputs.get(input)!)), gainDb: gainOf.get(input)! }));
  const seconds = before.deliverables.reduce((t, d) => t + (d.measurement?.format?.durationSeconds ?? 0), 0);
  const threads = opts.threads ?? (seconds >= POOL_MIN_SECONDS ? defaultThreads() : 1);
  const pool = new WorkerPool(Math.max(1, Math.min(threads, jobs.length)), { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  try {
    // largest first, so the two workers finish together
    const bySize = [...jobs].sort((a, b) => fs.statSync(b.input).size - fs.statSync(a.input).size);
    const results = await timer.time('write', () => Promise.all(
      bySize.map((job) => {
        progress?.(`writing ${path.basename(job.output)} (${signed(job.gainDb)} dB)`);
        return pool.run({ module: FIX_JOBS_MODULE, fn: 'writeJob', arg: job }) as Promise<JobOutcome<RewriteResult>>;
      }),
    ));
    const failed = results.find((r) => !r.ok);
    if (failed && !failed.ok) {
      run.refusal = refusalFromError(failed.error, 0);
      return false;
    }
    const written = new Map(results.map((r) => (r as { value: RewriteResult }).value).map((r) => [r.input, r]));

    // Measured again with the same pipeline, the roles given by a manifest of the temporary files.
    progress?.('measuring the outputs');
    const entries: Array<Record<string, unknown>> = [];
    const loose: string[] = [];
    const tmpOf = (file: string): string => path.join(tmp, path.basename(outputs.get(file)!));
    for (const f of families) {
      if (f.leftAlone) continue;
      for (const d of f.members) {
        const files = d.files.map(tmpOf);
        if (d.role === null) loose.push(...files);
        else entries.push({ role: d.role, ...(d.stem ? { stem: d.stem } : {}), ...(d.layout ? { layout: d.layout } : {}), files: files.map((x) => path.basename(x)) });
      }
    }
    const manifest = path.join(tmp, '.manifest.yaml');
    fs.writeFileSync(manifest, stringify({ deliverables: entries }));
    const after = await timer.time('measure again', () => runQc({ paths: loose, spec: measuringSpec(opts.spec), manifest, fps: fpsArgument(before), threads: opts.threads, onProgress: progress }));
    run.after = after;
    if (after.inputErrors.length > 0) {
      run.refusal = refusalFromError(after.inputErrors[0]!, after.inputErrors.length - 1);
      return false;
    }
    const afterByTmp = new Map<string, CheckedDeliverable>();
    for (const d of after.deliverables) for (const file of d.files) afterByTmp.set(path.resolve(file), d);

    // Every output under the limit, measured (rounding to nearest may add a fraction of an LSB).
    const max = opts.spec.loudness?.maxTruePeakDbtp;
    for (const d of after.deliverables) {
      const tp = d.measurement?.loudness?.truePeakDbtp ?? null;
      if (max !== undefined && tp !== null && tp > max + 1e-9) {
        run.refusal = {
          code: 'true-peak-after',
          message: `${d.id} measures ${tp.toFixed(4)} dBTP after the gain, over the ${max} dBTP maximum (requantization); nothing written`,
          file: d.files[0] ?? null,
          timecode: null,
          headroomDb: Math.round((max - tp) * 10000) / 10000,
        };
        return false;
      }
    }

    for (const ff of run.files) {
      if (!ff.output) continue;
      const t = tmpOf(ff.input);
      const d = afterByTmp.get(path.resolve(t));
      ff.after = d?.measurement?.loudness ?? null;
      const w = written.get(ff.input)!;
      ff.requantized = requantization(w);
      if (!w.bext) {
        run.notes.push(`${path.basename(ff.output)}: no bext chunk, so the loudness is not written into the file (fix adds no chunk)`);
      } else if (ff.after) {
        const fd = fs.openSync(t, 'r+');
        try {
          const body = Buffer.alloc(w.bext.size);
          fs.readSync(fd, body, 0, body.length, w.bext.offset);
          const patched = bextWithLoudness(body, ff.after);
          if (patched) fs.writeSync(fd, patched, 0, patched.length, w.bext.offset);
          else run.notes.push(`${path.basename(ff.output)}: bext is ${w.bext.size} bytes, too short for the v2 loudness fields (602 expected); left as it was`);
        } finally {
          fs.closeSync(fd);
        }
      }
    }
    for (const fam of run.families) {
      const plan = families.find((f) => f.layout === fam.layout && !f.leftAlone);
      if (!plan?.printmaster || fam.leftAlone) continue;
      const d = afterByTmp.get(path.resolve(tmpOf(plan.printmaster.files[0]!)));
      const j = d ? judgedFigure(opts.spec, d.measurement?.loudness, opts.targetLufs) : null;
      fam.afterLufs = j?.lufs ?? null;
    }

    progress?.('checksums');
    await timer.time('md5', () => Promise.all(
      run.files.filter((f) => f.output).map(async (f) => {
        const r = (await pool.run({ module: FIX_JOBS_MODULE, fn: 'md5Job', arg: tmpOf(f.input) })) as JobOutcome<string>;
        if (!r.ok) throw new DubstageError(r.error);
        f.md5 = r.value;
      }),
    ));
    const kinds = new Set(run.files.map((f) => f.requantized).filter((x): x is string => x !== null));
    for (const k of kinds) run.notes.push(`samples: ${k}`);
    return true;
  } finally {
    await pool.close();
  }
}
