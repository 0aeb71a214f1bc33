/**
 * The dialogue validation set, built by code: speech clips (test/fixtures/speech) placed at known
 * times in the centre channel over music-like and effects-like beds at chosen speech-to-bed ratios.
 * Truth is known by construction: a 100 ms hop is speech when at least half of it lies inside a
 * sentence (the clip trimmed to its first and last sample within 45 dB of its peak), and a 400 ms
 * block when at least half of it does, the detector's own block rule (src/analysis/dialogue.ts).
 */
import type { ChannelLabel } from '../../src/audio/channels.js';
import { LoudnessAnalyzer } from '../../src/analyzers/loudness.js';
import { StreamingResampler } from '../../src/dsp/resample.js';
import { gatedLoudness } from '../../src/analysis/dialogue.js';
import type { Clip } from '../fixtures/speech/clips.js';

/** Seeded uniform random numbers in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

// --- BS.1770 through the project's meter -------------------------------------------------------

export interface Metered {
  blocks: Float64Array;
  shortTerm: Float64Array;
  integratedLufs: number | null;
}

/** Run LoudnessAnalyzer over planar audio in memory, in host-sized blocks. */
export function meter(channels: Float32Array[], rate: number, labels: ChannelLabel[]): Metered {
  const a = new LoudnessAnalyzer({ noTruePeakSkip: false });
  const frames = channels[0].length;
  a.start({ sampleRate: rate, channelCount: channels.length, channelLabels: labels, frames });
  const step = 48000;
  for (let off = 0; off < frames; off += step) {
    const n = Math.min(step, frames - off);
    a.process({ channels: channels.map((c) => c.subarray(off, off + n)), frames: n, frameOffset: off });
  }
  const r = a.finish();
  return { blocks: a.blockEnergies().slice(), shortTerm: a.shortTermEnergies().slice(), integratedLufs: r.loudness.integratedLufs };
}

/** Σ G_i · mean square of each 400 ms block at a 100 ms hop (LoudnessAnalyzer.blockEnergies()). */
export function blockEnergies(channels: Float32Array[], rate: number, labels: ChannelLabel[]): Float64Array {
  return meter(channels, rate, labels).blocks;
}

export function integratedLufs(channels: Float32Array[], rate: number, labels: ChannelLabel[]): number | null {
  return gatedLoudness(blockEnergies(channels, rate, labels), null, -10);
}

// --- Clips -------------------------------------------------------------------------------------

export function resampleClip(clip: Clip, rate: number): Float32Array {
  if (clip.sampleRate === rate) return clip.samples.slice();
  const r = new StreamingResampler(clip.sampleRate, rate);
  const out = new Float32Array(r.maxOutputFrames(clip.samples.length) + r.maxOutputFrames(0));
  let n = r.push(clip.samples, clip.samples.length, out);
  n += r.flush(out.subarray(n));
  return out.slice(0, n);
}

/** The clip cut to its first and last sample within 45 dB of its peak (espeak-ng pads with silence). */
export function trimClip(x: Float32Array): Float32Array {
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  const floor = peak * 10 ** (-45 / 20);
  let a = 0;
  while (a < x.length && Math.abs(x[a]) < floor) a++;
  let b = x.length;
  while (b > a && Math.abs(x[b - 1]) < floor) b--;
  return x.slice(a, b);
}

// --- Beds --------------------------------------------------------------------------------------

const TWO_PI = 2 * Math.PI;

const SINE_TABLE_SIZE = 4096;
const SINE_TABLE = Float64Array.from({ length: SINE_TABLE_SIZE + 1 }, (_, i) => Math.sin((TWO_PI * i) / SINE_TABLE_SIZE));

/** sin(2π·cycles) from a table with linear interpolation (the beds need speed, not precision). */
function sinCycles(cycles: number): number {
  const x = (cycles - Math.floor(cycles)) * SINE_TABLE_SIZE;
  const i = Math.floor(x);
  return SINE_TABLE[i] + (x - i) * (SINE_TABLE[i + 1] - SINE_TABLE[i]);
}

/** Sustained chords (harmonic notes with vibrato), changing every 2 s: the music-like bed. */
export function musicBed(rate: number, frames: number, seed: number): { front: [Float32Array, Float32Array]; bass: Float32Array } {
  const rand = rng(seed);
  const chords = [
    [220.0, 261.63, 329.63],
    [174.61, 220.0, 261.63],
    [196.0, 246.94, 293.66],
    [164.81, 207.65, 246.94],
  ];
  const L = new Float32Array(frames);
  const R = new Float32Array(frames);
  const bass = new Float32Array(frames);
  const chordFrames = 2 * rate;
  const fade = Math.round(0.05 * rate);
  const phases = new Float64Array(2 * 3 * 4); // in cycles
  let bassPhase = 0;
  const vibratoRate = 5 + rand();
  for (let i = 0; i < frames; i++) {
    const chord = chords[Math.floor(i / chordFrames) % chords.length];
    const posInChord = i % chordFrames;
    const env = Math.min(1, posInChord / fade, (chordFrames - posInChord) / fade);
    const vib = 1 + 0.006 * sinCycles((vibratoRate * i) / rate);
    let l = 0;
    let r = 0;
    for (let n = 0; n < 3; n++) {
      for (let h = 1; h <= 4; h++) {
        // the right side is detuned a little so the two channels are not identical
        const kl = n * 4 + (h - 1);
        const kr = 12 + kl;
        phases[kl] += (chord[n] * h * vib) / rate;
        phases[kr] += (chord[n] * h * vib * 1.002) / rate;
        l += sinCycles(phases[kl]) / h;
        r += sinCycles(phases[kr]) / h;
      }
    }
    L[i] = 0.05 * env * l;
    R[i] = 0.05 * env * r;
    bassPhase += (chord[0] * 0.25) / rate;
    bass[i] = 0.1 * env * sinCycles(bassPhase);
  }
  return { front: [L, R], bass };
}

/** Noise bursts (doors, hits, whooshes) over a continuous low rumble: the effects-like bed. */
export function effectsBed(rate: number, frames: number, seed: number): { bursts: Float32Array; rumble: Float32Array } {
  const rand = rng(seed);
  const bursts = new Float32Array(frames);
  const rumble = new Float32Array(frames);
  let next = Math.round(0.2 * rate);
  while (next < frames) {
    const length = Math.round((0.05 + 0.35 * rand()) * rate);
    const decay = 1 / ((0.02 + 0.1 * rand()) * rate);
    const amp = 0.1 + 0.3 * rand();
    const smooth = 0.2 + 0.7 * rand(); // one-pole low-pass: darker or brighter bursts
    let lp = 0;
    for (let i = 0; i < length && next + i < frames; i++) {
      lp += smooth * (rand() * 2 - 1 - lp);
      bursts[next + i] += amp * Math.exp(-i * decay) * lp;
    }
    next += Math.round((0.3 + 0.9 * rand()) * rate);
  }
  let a = 0;
  let b = 0;
  const k = 1 - Math.exp((-TWO_PI * 60) / rate);
  for (let i = 0; i < frames; i++) {
    a += k * (rand() * 2 - 1 - a);
    b += k * (a - b);
    rumble[i] = 3 * b;
  }
  return { bursts, rumble };
}

/** A crowd murmur: every clip looped at a different offset and level, summed. */
export function wallaBed(clips: Float32Array[], frames: number, seed: number): Float32Array {
  const rand = rng(seed);
  const out = new Float32Array(frames);
  for (const c of clips) {
    const gain = 0.3 + 0.4 * rand();
    let pos = -Math.floor(rand() * c.length);
    while (pos < frames) {
      for (let i = 0; i < c.length; i++) {
        const t = pos + i;
        if (t >= 0 && t < frames) out[t] += gain * c[i];
      }
      pos += c.length + Math.floor(rand() * 0.3 * c.length);
    }
  }
  return out;
}

/** A sung vowel line: a sawtooth melody with vibrato through /a/ formants (700, 1220, 2600 Hz). */
export function singingLine(rate: number, frames: number): Float32Array {
  const notes = [220, 246.94, 261.63, 293.66, 329.63, 293.66, 261.63, 246.94];
  const noteFrames = Math.round(0.6 * rate);
  const src = new Float32Array(frames);
  let phase = 0;
  for (let i = 0; i < frames; i++) {
    const f = notes[Math.floor(i / noteFrames) % notes.length] * (1 + 0.01 * Math.sin((TWO_PI * 5.5 * i) / rate));
    phase = (phase + f / rate) % 1;
    src[i] = 2 * phase - 1;
  }
  const out = new Float32Array(frames);
  for (const [fc, bw, g] of [[700, 110, 1], [1220, 120, 0.5], [2600, 160, 0.25]] as const) {
    // two-pole resonator
    const r = Math.exp((-Math.PI * bw) / rate);
    const a1 = -2 * r * Math.cos((TWO_PI * fc) / rate);
    const a2 = r * r;
    let y1 = 0;
    let y2 = 0;
    for (let i = 0; i < frames; i++) {
      const y = (1 - r) * src[i] - a1 * y1 - a2 * y2;
      y2 = y1;
      y1 = y;
      out[i] += g * y;
    }
  }
  return out;
}

// --- Mixes -------------------------------------------------------------------------------------

export type BedKind = 'music' | 'effects' | 'walla' | 'singing' | 'none';

export interface MixSpec {
  name: string;
  rate: number;
  layout: '5.1' | 'stereo';
  bed: BedKind;
  /** Speech loudness over its sentences minus the bed's integrated loudness, in dB. */
  speechToBedDb: number;
  /** Lines of dialogue to place (from the clips, in order); 0 for a bed-only mix. */
  lines: number;
  seed: number;
  /** Seconds of bed before the first line, and between lines. */
  leadInSeconds?: number;
  gapSeconds?: number;
  /** Extra bed-only seconds at the end (to make low-speech programmes). */
  tailSeconds?: number;
}

export interface BuiltMix {
  spec: MixSpec;
  labels: ChannelLabel[];
  rate: number;
  channels: Float32Array[];
  /** The dialogue alone, laid out like the mix (the DX stem). */
  dialogue: Float32Array[];
  /** Sentence spans in frames. */
  spans: Array<[number, number]>;
}

/** Speech level on its sentences: −27 LUFS, the Netflix dialogue target. */
export const SPEECH_LUFS = -27;

export function buildMix(spec: MixSpec, speech: Float32Array[]): BuiltMix {
  const { rate } = spec;
  const lead = spec.leadInSeconds ?? 1.2;
  const gap = spec.gapSeconds ?? 1.3;
  const lines = speech.slice(0, spec.lines);
  let frames = Math.round(lead * rate);
  const spans: Array<[number, number]> = [];
  for (const s of lines) {
    spans.push([frames, frames + s.length]);
    frames += s.length + Math.round(gap * rate);
  }
  frames += Math.round((spec.tailSeconds ?? 0) * rate);
  frames = Math.max(frames, Math.round(10 * rate));
  const labels: ChannelLabel[] = spec.layout === '5.1' ? ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'] : ['L', 'R'];
  const idx = (l: ChannelLabel) => labels.indexOf(l);
  const mono = new Float32Array(frames);
  lines.forEach((s, i) => mono.set(s, spans[i][0]));
  const dialogue = labels.map(() => new Float32Array(frames));
  if (spec.layout === '5.1') dialogue[idx('C')].set(mono);
  else for (const l of ['L', 'R'] as const) dialogue[idx(l)].set(mono.map((v) => v * Math.SQRT1_2));

  // Speech at SPEECH_LUFS over its sentences.
  if (lines.length > 0) {
    const mask = spanBlockMask(spans, rate, frames);
    // The mono line track measures the same as the layout: C has weight 1, and L/R at −3 dB each sum to it.
    const level = gatedLoudness(blockEnergies([mono], rate, ['C']), mask, null);
    if (level !== null) scale(dialogue, 10 ** ((SPEECH_LUFS - level) / 20));
  }

  const bed = labels.map(() => new Float32Array(frames));
  const put = (l: ChannelLabel, x: Float32Array, g: number) => {
    const i = idx(l);
    if (i >= 0) for (let k = 0; k < frames; k++) bed[i][k] += g * x[k];
  };
  if (spec.bed === 'music') {
    const m = musicBed(rate, frames, spec.seed);
    put('L', m.front[0], 1);
    put('R', m.front[1], 1);
    put('C', m.front[0], 0.35);
    put('Ls', m.front[1], 0.5);
    put('Rs', m.front[0], 0.5);
    put('LFE', m.bass, 1);
    if (spec.layout === 'stereo') {
      put('L', m.bass, 0.5);
      put('R', m.bass, 0.5);
    }
  } else if (spec.bed === 'effects') {
    const a = effectsBed(rate, frames, spec.seed);
    const b = effectsBed(rate, frames, spec.seed + 1);
    put('L', a.bursts, 1);
    put('R', b.bursts, 1);
    put('C', a.bursts, 0.5);
    put('Ls', b.bursts, 0.7);
    put('Rs', a.bursts, 0.7);
    for (const l of ['L', 'R', 'C'] as const) put(l, a.rumble, 0.7);
    put('LFE', a.rumble, 1);
  } else if (spec.bed === 'walla') {
    const w = wallaBed(speech, frames, spec.seed);
    const w2 = wallaBed(speech.slice().reverse(), frames, spec.seed + 7);
    put('L', w, 1);
    put('R', w2, 1);
    put('C', w, 0.5);
    put('C', w2, 0.5);
    put('Ls', w2, 0.6);
    put('Rs', w, 0.6);
  } else if (spec.bed === 'singing') {
    const v = singingLine(rate, frames);
    put('C', v, 1);
    put('L', v, 0.4);
    put('R', v, 0.4);
  }
  if (spec.bed !== 'none') {
    const bedLevel = integratedLufs(bed, rate, labels);
    if (bedLevel !== null) scale(bed, 10 ** ((SPEECH_LUFS - spec.speechToBedDb - bedLevel) / 20));
  }
  const channels = labels.map((_, c) => {
    const out = new Float32Array(frames);
    for (let k = 0; k < frames; k++) out[k] = dialogue[c][k] + bed[c][k];
    return out;
  });
  return { spec, labels, rate, channels, dialogue, spans };
}

function scale(chs: Float32Array[], g: number): void {
  for (const x of chs) for (let i = 0; i < x.length; i++) x[i] *= g;
}

/** Share (0..1) of each 100 ms hop that lies inside a sentence. */
export function spanHopFractions(spans: Array<[number, number]>, rate: number, frames: number): Float32Array {
  const hop = Math.round(rate / 10);
  const hops = Math.ceil(frames / hop);
  const f = new Float32Array(hops);
  for (const [a, b] of spans) {
    for (let h = Math.floor(a / hop); h * hop < b && h < hops; h++) {
      const lo = Math.max(a, h * hop);
      const hi = Math.min(b, (h + 1) * hop);
      if (hi > lo) f[h] += (hi - lo) / hop;
    }
  }
  return f;
}

/** Truth speech blocks: at least half of the 400 ms block inside sentences (the detector's rule). */
export function spanBlockMask(spans: Array<[number, number]>, rate: number, frames: number): Uint8Array {
  const hop = Math.round(rate / 10);
  const blocks = Math.max(0, Math.floor(frames / hop) - 3);
  const f = spanHopFractions(spans, rate, frames);
  const mask = new Uint8Array(blocks);
  for (let j = 0; j < blocks; j++) mask[j] = f[j] + f[j + 1] + f[j + 2] + f[j + 3] >= 2 - 1e-6 ? 1 : 0;
  return mask;
}

/**
 * Truth for the stem method: the blocks where the dialogue placed in the mix is present at a level
 * that counts, no more than 20 LU under the −27 LUFS it was placed at (measured on the clean lines,
 * which the stem method never sees: its stem carries room tone, and it only knows its own loudness).
 */
export function dialoguePresentMask(mix: BuiltMix): Uint8Array {
  const mono = mix.dialogue[mix.labels.indexOf(mix.labels.includes('C') ? 'C' : 'L')];
  const gain = mix.labels.includes('C') ? 1 : Math.SQRT2;
  const e = blockEnergies([mono.map((v) => v * gain)], mix.rate, ['C']);
  const floor = 10 ** ((SPEECH_LUFS - 20 + 0.691) / 10);
  return Uint8Array.from(e, (v) => (v >= floor ? 1 : 0));
}

// --- Scoring -----------------------------------------------------------------------------------

export interface MixScore {
  name: string;
  truthLufs: number | null;
  detectorLufs: number | null;
  /** detector − truth, LU. */
  errorLu: number | null;
  /** Per 100 ms hop: a hop is speech for the detector when >= half of it was marked. */
  precision: number | null;
  recall: number | null;
  truthSpeechPercent: number;
  detectorSpeechPercent: number;
}

export function scoreHops(detected: Float32Array, truth: Float32Array): { precision: number | null; recall: number | null } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let h = 0; h < truth.length; h++) {
    const d = (detected[h] ?? 0) >= 0.5;
    const t = truth[h] >= 0.5;
    if (d && t) tp++;
    else if (d) fp++;
    else if (t) fn++;
  }
  return { precision: tp + fp > 0 ? tp / (tp + fp) : null, recall: tp + fn > 0 ? tp / (tp + fn) : null };
}
