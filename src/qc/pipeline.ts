/**
 * `dubstage qc` from paths to an outcome: find the files (folders, files, session media), group
 * multi-mono sets, assign roles and layouts, measure each deliverable in one streaming pass with the
 * QC analyzers riding along, run the cross-file engines, then the rules. A file that cannot be read
 * is reported and the others are still checked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { measureFile, type MeasureOptions } from '../analysis/measure.js';
import type { Analyzer } from '../analysis/types.js';
import { clippingAnalyzer } from '../analyzers/clipping.js';
import { dcOffsetAnalyzer } from '../analyzers/dc-offset.js';
import { lfeBandAnalyzer } from '../analyzers/lfe-band.js';
import { phaseAnalyzer } from '../analyzers/phase.js';
import { silenceAnalyzer } from '../analyzers/silence.js';
import { createSpeechAnalyzer, type SpeechAnalyzer } from '../analyzers/speech.js';
import { twoPopAnalyzer } from '../analyzers/two-pop.js';
import { dialogueLoudness } from '../analysis/dialogue.js';
import { nullTest, summarizeNullTest, type NamedSource, type NullTestResult } from '../analysis/stems.js';
import { openAudio } from '../audio/open.js';
import type { AudioSource } from '../audio/types.js';
import { groupInputs, type AudioInput } from '../audio/multimono.js';
import { readAudioHeader } from '../audio/open.js';
import type { AudioHeader } from '../audio/types.js';
import { assignDeliverables, type Candidate } from '../delivery/assign.js';
import { loadManifest } from '../delivery/manifest.js';
import { DubstageError, toErrorInfo, type ErrorInfo } from '../errors.js';
import { findAdapter, readSession } from '../../native-adapters/index.js';
import { readAdm } from '../../native-adapters/adm/index.js';
import { resolveMedia } from '../session/media.js';
import { parseFrameRate, rational, type Rational } from '../session/time.js';
import type { Spec } from '../specs/schema.js';
import { runRules, type QcOutcome } from './engine.js';
import { thresholds } from './kit.js';
import { PeakOversAnalyzer } from './peak-overs.js';
import type { AdmSummary, CheckedDeliverable, CrossFileResults, QcContext, StemsNullResult } from './types.js';

const AUDIO_EXT = /\.(wav|wave|bwf|rf64|w64|bw64|aif|aiff|aifc)$/i;

export interface QcRunOptions {
  paths: string[];
  spec: Spec;
  manifest?: string;
  fps?: string;
  onProgress?: (message: string) => void;
}

export interface QcRun {
  spec: Spec;
  outcome: QcOutcome;
  deliverables: CheckedDeliverable[];
  fps: Rational;
  dropFrame: boolean;
  fpsSource: string;
  /** Things the run could not do (not findings): an engine missing, a rate assumed. */
  warnings: string[];
  /** Inputs that could not be read; the exit code is 2 when there are any. */
  inputErrors: ErrorInfo[];
}

interface Discovered {
  files: string[];
  sessionFps: Rational | null;
  sessionDropFrame: boolean;
  errors: ErrorInfo[];
}

async function discover(paths: string[]): Promise<Discovered> {
  const out: Discovered = { files: [], sessionFps: null, sessionDropFrame: false, errors: [] };
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (err) {
      out.errors.push(toErrorInfo(err, p));
      continue;
    }
    if (stat.isDirectory()) {
      const entries = fs.readdirSync(p, { withFileTypes: true });
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.isFile() && AUDIO_EXT.test(e.name) && !e.name.startsWith('.')) out.files.push(path.join(p, e.name));
      }
      continue;
    }
    if (AUDIO_EXT.test(p)) {
      out.files.push(p);
      continue;
    }
    // A session file: its media are the deliverables.
    try {
      if (!findAdapter(p)) throw new DubstageError({ code: 'not-audio', message: 'neither an audio file nor a session file dubstage reads', path: p });
      const session = await readSession(p);
      resolveMedia(session, p);
      out.sessionFps = session.frameRate;
      out.sessionDropFrame = session.dropFrame ?? false;
      for (const m of session.media) if (m.resolvedPath && AUDIO_EXT.test(m.resolvedPath)) out.files.push(m.resolvedPath);
    } catch (err) {
      out.errors.push(toErrorInfo(err, p));
    }
  }
  out.files = [...new Set(out.files.map((f) => path.resolve(f)))];
  return out;
}

/** ADM counts for the Atmos rules; the reader's bed names ("7.1.2-smpte") become profile names ("7.1.2"). */
export function admSummary(report: { beds: { layout: string; channels: number }[]; bedChannels: number; objects: number }): AdmSummary {
  const raw = report.beds[0]?.layout ?? null;
  const bedLayout = raw === null ? null : (/^(LCR|mono|\d+\.\d+(?:\.\d+)?)/i.exec(raw)?.[1] ?? raw);
  return { bedLayout, bedChannels: report.bedChannels, objectCount: report.objects };
}

function deliveryFps(opts: QcRunOptions, headers: AudioHeader[], found: Discovered, warnings: string[]): { fps: Rational; dropFrame: boolean; source: string } {
  if (opts.fps) {
    try {
      return { fps: parseFrameRate(opts.fps), dropFrame: /DF$|;/.test(opts.fps) && !/NDF$/i.test(opts.fps), source: '--fps' };
    } catch (err) {
      throw new DubstageError({ code: 'usage', message: `--fps: ${(err as Error).message}` });
    }
  }
  for (const h of headers) {
    const rate = h.ixml?.timecodeRate;
    if (rate) {
      try {
        return { fps: parseFrameRate(rate), dropFrame: (h.ixml?.timecodeFlag ?? '').toUpperCase() === 'DF', source: `iXML timecode rate of ${path.basename(h.path)}` };
      } catch {
        // an unreadable rate in one file: try the next
      }
    }
  }
  if (found.sessionFps) return { fps: found.sessionFps, dropFrame: found.sessionDropFrame, source: 'the session' };
  warnings.push('frame rate not given (--fps) nor found in the files or a session: timecodes are at 24 fps');
  return { fps: rational(24), dropFrame: false, source: 'assumed' };
}

export async function runQc(opts: QcRunOptions): Promise<QcRun> {
  const warnings: string[] = [];
  const found = await discover(opts.paths);
  const inputErrors = [...found.errors];

  // Manifest entries first: their files are spoken for.
  const manifest = opts.manifest ? loadManifest(opts.manifest) : [];
  const claimed = new Set(manifest.flatMap((m) => m.files.map((f) => path.resolve(f))));
  const candidates: Candidate[] = [];
  const pending: Array<{ input: AudioInput; manifest?: (typeof manifest)[number] }> = [];
  for (const m of manifest) {
    const grouped = m.files.length > 1 ? groupInputs(m.files, { group: true }) : [{ path: m.files[0]! }];
    const input: AudioInput = grouped.length === 1 ? grouped[0]! : { path: m.files[0]!, files: m.files };
    pending.push({ input, manifest: m });
  }
  const rest = found.files.filter((f) => !claimed.has(f));
  for (const input of groupInputs(rest, { group: true })) pending.push({ input });
  if (pending.length === 0 && inputErrors.length === 0) {
    throw new DubstageError({ code: 'usage', message: 'no audio files found in the given paths' });
  }

  for (const p of pending) {
    let header: AudioHeader | null = null;
    let adm: AdmSummary | null = null;
    try {
      header = readAudioHeader(p.input.files?.[0] ?? p.input.path);
      if (header.hasAxml) adm = admSummary(await readAdm(header.path, header));
    } catch (err) {
      if (!header) inputErrors.push(toErrorInfo(err, p.input.path));
      else warnings.push(`${path.basename(header.path)}: ADM not read: ${(err as Error).message}`);
    }
    const c: Candidate = { input: p.input, header, adm };
    if (p.manifest) c.manifest = p.manifest;
    candidates.push(c);
  }
  const assigned = assignDeliverables(candidates);
  const headers = assigned.map((a) => a.header).filter((h): h is AudioHeader => h !== null);
  const { fps, dropFrame, source: fpsSource } = deliveryFps(opts, headers, found, warnings);

  const specStub: QcContext = { spec: opts.spec, deliverables: [], fps, dropFrame, cross: { stems: [], me: [] } };
  const phaseT = thresholds(specStub, 'phase');
  const lfeT = thresholds(specStub, 'lfe');
  const clipT = thresholds(specStub, 'clipping');
  const tpLimit = opts.spec.loudness?.maxTruePeakDbtp;
  const deliverables: CheckedDeliverable[] = [];
  const inputs = new Map<string, AudioInput>();
  for (const a of assigned) {
    const { input, header, adm, ...d } = a;
    if (!header) {
      deliverables.push({ ...d, measurement: null, timeReferenceSamples: null });
      continue;
    }
    opts.onProgress?.(`measuring ${d.id}`);
    // Speech rides the same pass on printmasters (dialogue-gated loudness) and M&Es (dialogue leak).
    let wantSpeech = d.role === 'printmaster' || d.role === 'me';
    let speech: SpeechAnalyzer | null = null;
    const analyzers = (): Analyzer<unknown>[] => {
      speech = wantSpeech ? createSpeechAnalyzer() : null;
      return [
        clippingAnalyzer({ thresholdDbfs: clipT.ceilingDbfs }),
        silenceAnalyzer(),
        dcOffsetAnalyzer(),
        phaseAnalyzer({ negativeLimit: phaseT.minCorrelation }),
        lfeBandAnalyzer({ cutoffsHz: [lfeT.cutoffHz], limitDb: lfeT.maxAboveCutoffDb }),
        twoPopAnalyzer({ fps: fps.num / fps.den }),
        ...(tpLimit !== undefined ? [new PeakOversAnalyzer(tpLimit)] : []),
        ...(speech ? [speech] : []),
      ];
    };
    const measureOptions: MeasureOptions = {
      series: true,
      fps,
      analyzers,
      onLoudness: (loudness, m) => {
        if (!speech || !m.loudness) return;
        const activity = (speech as SpeechAnalyzer).activity();
        if (d.role === 'printmaster') {
          m.loudness.dialogue = dialogueLoudness(loudness.blockEnergies(), activity, { programmeLufs: m.loudness.integratedLufs });
        }
        const summary = m.analyzers?.speech as Record<string, unknown> | undefined;
        if (summary) summary.regions = speechRegions(activity.speechFraction, activity.hopFrames / activity.sampleRate);
      },
    };
    let measurement = await measureFile(input, measureOptions);
    if (measurement.error && wantSpeech) {
      // The speech model failing (ONNX runtime missing) must not make the file unreadable: measure
      // again without it, and say that dialogue gating and the leak check did not run.
      wantSpeech = false;
      const retry = await measureFile(input, measureOptions);
      if (!retry.error) {
        warnings.push(`${d.id}: speech detection failed (${measurement.error.message}); measured without it`);
        measurement = retry;
      }
    }
    if (measurement.error) inputErrors.push(measurement.error);
    const cd: CheckedDeliverable = { ...d, measurement, timeReferenceSamples: header.bext ? header.bext.timeReferenceSamples : null };
    if (adm) cd.adm = adm;
    deliverables.push(cd);
    inputs.set(cd.id, input);
  }

  const cross = await crossFile(deliverables, inputs, opts.spec, fps, specStub, warnings);
  const ctx: QcContext = { spec: opts.spec, deliverables, fps, dropFrame, cross };
  return { spec: opts.spec, outcome: runRules(ctx), deliverables, fps, dropFrame, fpsSource, warnings, inputErrors };
}

/** Merge speech hops (share >= 0.5) into stretches, for findings that point at the speech. */
function speechRegions(fraction: Float32Array, hopSeconds: number): Array<{ startSeconds: number; endSeconds: number }> {
  const out: Array<{ startSeconds: number; endSeconds: number }> = [];
  let start = -1;
  for (let h = 0; h <= fraction.length; h++) {
    const on = h < fraction.length && fraction[h]! >= 0.5;
    if (on && start < 0) start = h;
    if (!on && start >= 0) {
      const prev = out[out.length - 1];
      // Gaps under half a second belong to the same line.
      if (prev && start * hopSeconds - prev.endSeconds < 0.5) prev.endSeconds = h * hopSeconds;
      else out.push({ startSeconds: start * hopSeconds, endSeconds: h * hopSeconds });
      start = -1;
    }
  }
  return out;
}

/** Stems vs printmaster and M&E vs music + effects, per layout, with the stems engine. */
async function crossFile(
  deliverables: CheckedDeliverable[],
  inputs: Map<string, AudioInput>,
  spec: Spec,
  fps: Rational,
  specStub: QcContext,
  warnings: string[],
): Promise<CrossFileResults> {
  const cross: CrossFileResults = { stems: [], me: [] };
  const ok = deliverables.filter((d) => d.measurement && !d.measurement.error && d.measurement.format);
  const stemsT = thresholds(specStub, 'stems');
  const meT = thresholds(specStub, 'me');
  const run = async (ref: CheckedDeliverable, parts: CheckedDeliverable[], residualLimitDbfs: number): Promise<{ result: StemsNullResult | null; error?: string }> => {
    const opened: AudioSource[] = [];
    try {
      const refSource = await openAudio(inputs.get(ref.id)!);
      opened.push(refSource);
      const named: NamedSource[] = [];
      for (const p of parts) {
        const source = await openAudio(inputs.get(p.id)!);
        opened.push(source);
        named.push({ name: p.id, source });
      }
      // A 2-pop printed on every stem sums to several pops against the printmaster's one: null from FFOA.
      const pop = ref.measurement?.analyzers?.['two-pop'] as { present?: boolean; ffoaSeconds?: number | null } | undefined;
      const fromSeconds = pop?.present && pop.ffoaSeconds ? pop.ffoaSeconds : undefined;
      const full: NullTestResult = nullTest({ name: ref.id, source: refSource }, named, {
        fromSeconds,
        fps: fps.num / fps.den,
        residualLimitDbfs,
        sustainSeconds: stemsT.sustainMs / 1000,
        ceilingMarginDb: stemsT.limiterMarginDb,
      });
      for (const w of full.warnings) warnings.push(`${ref.id}: ${w}`);
      const summary = summarizeNullTest(full);
      const partOffsets = full.parts
        .filter((p) => p.offsetFrames !== null && p.offsetFrames !== 0)
        .map((p) => ({ stem: p.name, offsetSamples: p.offsetFrames! }));
      return { result: { ...summary, partOffsets } };
    } catch (err) {
      return { result: null, error: (err as Error).message };
    } finally {
      for (const s of opened) s.close();
    }
  };
  for (const pm of ok.filter((d) => d.role === 'printmaster')) {
    const stems = ok.filter((d) => d.role === 'stem' && d.layout === pm.layout);
    if (stems.length === 0) continue;
    const r = await run(pm, stems, stemsT.residualRmsMaxDbfs);
    cross.stems.push({ printmaster: pm.id, stems: stems.map((s) => s.id), ...r });
  }
  for (const me of ok.filter((d) => d.role === 'me')) {
    const music = ok.find((d) => d.role === 'stem' && d.stem === 'music' && d.layout === me.layout);
    const effects = ok.find((d) => d.role === 'stem' && d.stem === 'effects' && d.layout === me.layout);
    if (!music || !effects) continue;
    const r = await run(me, [music, effects], meT.residualRmsMaxDbfs);
    cross.me.push({ me: me.id, stems: [music.id, effects.id], ...r });
  }
  void spec;
  return cross;
}
