/**
 * Dialogue-gated loudness from the BS.1770 gating-block energies of a file and a speech activity:
 * either the open speech detector's (method "detector", src/analyzers/speech.ts) or a dialogue stem's
 * own level (method "stem"). See ../shared/reference/dialogue-gating.md for what the specs ask.
 *
 * Block j is the 400 ms gating block over frames [j·hop, j·hop + 4·hop), hop = round(rate/10); its
 * energy is the channel-weighted mean square Σ G_i z_ij (LoudnessAnalyzer.blockEnergies()).
 */
import type { DialogueLoudness } from './results.js';
import { loudnessRange } from '../analyzers/loudness.js';
import { createSpeechAnalyzer, NOT_DOLBY_NOTE, SPEECH_DETECTOR, type SpeechActivity, type SpeechAnalyzer } from '../analyzers/speech.js';
import { DubstageError } from '../errors.js';
import { measureFile, type MeasureOptions } from './measure.js';

const ABSOLUTE_GATE_LUFS = -70;
/** Netflix, AWS MediaConvert: below this share of speech the programme loudness is judged instead. */
export const DEFAULT_SPEECH_THRESHOLD_PERCENT = 15;
/** Stem method: a stem block is dialogue when it is no more than this far below the stem's loudness. */
export const DEFAULT_STEM_GATE_LU = 20;
/** Hops per 400 ms block, and hops per 3 s short-term window (Tech 3342). */
const HOPS_PER_BLOCK = 4;
const HOPS_PER_SHORT_TERM = 30;

export const STEM_NOTE =
  'gated by the dialogue stem\'s own activity (stem blocks within 20 LU of the stem\'s integrated loudness); no speech detector involved, and not Dolby Dialogue Intelligence';

function lufs(meanSquare: number): number {
  return -0.691 + 10 * Math.log10(meanSquare);
}

const ABSOLUTE_GATE_ENERGY = 10 ** ((ABSOLUTE_GATE_LUFS + 0.691) / 10);

/**
 * BS.1770 integrated loudness over the blocks where `include` is set (all blocks without it):
 * absolute gate −70 LUFS, then the relative gate `relativeGateLu` below the abs-gated mean
 * (−10 for BS.1770-2..5; null for none, as BS.1770-1 with a speech gate). Null when nothing passes.
 */
export function gatedLoudness(energies: Float64Array, include: Uint8Array | null, relativeGateLu: number | null): number | null {
  let sum = 0;
  let n = 0;
  for (let j = 0; j < energies.length; j++) {
    if (include && !include[j]) continue;
    if (energies[j] >= ABSOLUTE_GATE_ENERGY) {
      sum += energies[j];
      n++;
    }
  }
  if (n === 0) return null;
  if (relativeGateLu === null) return lufs(sum / n);
  const relEnergy = (sum / n) * 10 ** (relativeGateLu / 10);
  let sum2 = 0;
  let n2 = 0;
  for (let j = 0; j < energies.length; j++) {
    if (include && !include[j]) continue;
    if (energies[j] >= ABSOLUTE_GATE_ENERGY && energies[j] >= relEnergy) {
      sum2 += energies[j];
      n2++;
    }
  }
  return n2 === 0 ? null : lufs(sum2 / n2);
}

/**
 * When a 400 ms block counts as speech: when the detector marked at least half of its time as
 * speech, i.e. the mean of its four 100 ms hops' speech fractions is >= 0.5 (200 ms of 400 ms).
 * Hops past the end of the activity count as non-speech.
 */
export function speechBlockMask(speechFraction: Float32Array, blockCount: number, minShare = 0.5): Uint8Array {
  const mask = new Uint8Array(blockCount);
  for (let j = 0; j < blockCount; j++) {
    let s = 0;
    for (let h = j; h < j + HOPS_PER_BLOCK && h < speechFraction.length; h++) s += speechFraction[h];
    mask[j] = s / HOPS_PER_BLOCK >= minShare - 1e-6 ? 1 : 0;
  }
  return mask;
}

/**
 * Loudness range of the dialogue (EBU Tech 3342 applied to the speech-gated signal): the short-term
 * (3 s) integrator advances only while the speech gate is open, as a meter that pauses between lines.
 * Short-term value i is the mean of speech blocks i ... i+26 in gated order (27 blocks at a 100 ms hop
 * span 3 s of speech; the edges weigh a little less, a trapezoid instead of a rectangle). Music or
 * effects between lines therefore never enter a window. Then Tech 3342's gates (−70 LUFS, −20 LU)
 * and P95 − P10 (LoudnessAnalyzer's loudnessRange). Null with under 3 s of speech.
 */
export function gatedLoudnessRange(energies: Float64Array, mask: Uint8Array): number | null {
  const span = HOPS_PER_SHORT_TERM - HOPS_PER_BLOCK + 1; // blocks inside one short-term window
  const speech: number[] = [];
  for (let j = 0; j < energies.length; j++) if (mask[j]) speech.push(energies[j]);
  if (speech.length < span) return null;
  const values = new Float64Array(speech.length - span + 1);
  let run = 0;
  for (let j = 0; j < span; j++) run += speech[j];
  for (let i = 0; i < values.length; i++) {
    if (i > 0) run += speech[i + span - 1] - speech[i - 1];
    values[i] = Math.max(run, 0) / span;
  }
  return loudnessRange(values);
}

export interface DialogueOptions {
  /** Below this speech percentage the fallback applies (15 unless a profile says otherwise). */
  speechThresholdPercent?: number;
  /** The file's BS.1770-4 integrated loudness; computed from the block energies when absent. */
  programmeLufs?: number | null;
}

function round(x: number | null, places = 2): number | null {
  if (x === null || !Number.isFinite(x)) return null;
  const f = 10 ** places;
  return Math.round(x * f) / f;
}

function assemble(
  energies: Float64Array,
  mask: Uint8Array,
  speechPercent: number,
  method: 'detector' | 'stem',
  options: DialogueOptions,
): DialogueLoudness {
  const threshold = options.speechThresholdPercent ?? DEFAULT_SPEECH_THRESHOLD_PERCENT;
  const programme = options.programmeLufs !== undefined ? options.programmeLufs : gatedLoudness(energies, null, -10);
  let speechBlocks = 0;
  for (let j = 0; j < mask.length; j++) speechBlocks += mask[j];
  // Netflix's dialogue-gated figure is BS.1770-1 behind the speech gate: no relative gate.
  const gated = speechBlocks > 0 ? gatedLoudness(energies, mask, null) : null;
  const gatedRelative = speechBlocks > 0 ? gatedLoudness(energies, mask, -10) : null;
  const fallbackUsed = speechPercent < threshold;
  return {
    gatedLufs: round(gated),
    speechPercent: round(speechPercent, 1) ?? 0,
    method,
    fallbackUsed,
    loudnessRangeLu: round(speechBlocks > 0 ? gatedLoudnessRange(energies, mask) : null),
    ldrLu: gated !== null && programme !== null ? round(programme - gated) : null,
    judgedLufs: round(fallbackUsed ? programme : gated),
    gatedRelativeLufs: round(gatedRelative),
    speechThresholdPercent: threshold,
    speechBlocks,
    detector: method === 'detector' ? SPEECH_DETECTOR : 'dialogue stem level gate (not Dolby Dialogue Intelligence)',
    note: method === 'detector' ? NOT_DOLBY_NOTE : STEM_NOTE,
  };
}

/**
 * Dialogue-gated loudness of a file from its block energies and the detector's activity (same pass).
 */
export function dialogueLoudness(
  blockEnergies: Float64Array,
  activity: SpeechActivity,
  options: DialogueOptions = {},
): DialogueLoudness {
  const mask = speechBlockMask(activity.speechFraction, blockEnergies.length);
  const speechPercent = activity.durationSeconds > 0 ? (100 * activity.speechSeconds) / activity.durationSeconds : 0;
  return assemble(blockEnergies, mask, speechPercent, 'detector', options);
}

/**
 * Which blocks of a dialogue stem carry dialogue: the stem block's loudness is above −70 LUFS and no
 * more than `gateLu` (20) below the stem's own BS.1770-4 integrated loudness. Room tone and noise
 * floor between lines sit well below that; whispers more than 20 LU under the average line do too.
 */
export function stemActivityMask(stemEnergies: Float64Array, gateLu = DEFAULT_STEM_GATE_LU): Uint8Array {
  const mask = new Uint8Array(stemEnergies.length);
  const stemLufs = gatedLoudness(stemEnergies, null, -10);
  if (stemLufs === null) return mask;
  const threshold = Math.max(ABSOLUTE_GATE_ENERGY, 10 ** ((stemLufs - gateLu + 0.691) / 10));
  for (let j = 0; j < stemEnergies.length; j++) mask[j] = stemEnergies[j] > threshold ? 1 : 0;
  return mask;
}

export interface StemAnchoredOptions extends DialogueOptions {
  /** See stemActivityMask. */
  stemGateLu?: number;
  /** The detector's result for the same printmaster, to report the difference. */
  detector?: DialogueLoudness;
}

/**
 * Stem-anchored dialogue loudness: the printmaster gated by the dialogue stem's activity
 * (`gatedLufs`, `method: "stem"`), and the stem's own BS.1770-4 integrated loudness (`stemLufs`).
 * The two files must be the same length and rate (block j of one is block j of the other); blocks
 * past the shorter one are not dialogue. speechPercent is the share of blocks the stem marks.
 */
export function stemAnchoredDialogue(
  printmasterEnergies: Float64Array,
  stemEnergies: Float64Array,
  options: StemAnchoredOptions = {},
): DialogueLoudness {
  const stemMask = stemActivityMask(stemEnergies, options.stemGateLu ?? DEFAULT_STEM_GATE_LU);
  const mask = new Uint8Array(printmasterEnergies.length);
  let active = 0;
  for (let j = 0; j < mask.length && j < stemMask.length; j++) {
    mask[j] = stemMask[j];
    active += stemMask[j];
  }
  const speechPercent = mask.length > 0 ? (100 * active) / mask.length : 0;
  const result = assemble(printmasterEnergies, mask, speechPercent, 'stem', options);
  result.stemLufs = round(gatedLoudness(stemEnergies, null, -10));
  if (options.stemGateLu !== undefined && options.stemGateLu !== DEFAULT_STEM_GATE_LU) {
    result.note = STEM_NOTE.replace('20 LU', `${options.stemGateLu} LU`);
  }
  if (options.detector) {
    result.detectorGatedLufs = options.detector.gatedLufs;
    result.detectorDifferenceLu =
      options.detector.gatedLufs !== null && result.gatedLufs !== null ? round(options.detector.gatedLufs - result.gatedLufs) : null;
  }
  return result;
}

/** A dialogue stem measured for anchoring (measureDialogueStem). */
export interface DialogueStem {
  path: string;
  sampleRate: number;
  frames: number;
  blockEnergies: Float64Array;
}

/** Measure a dialogue stem's gating blocks in its own pass (for `--dialogue-stem FILE`). */
export async function measureDialogueStem(stemPath: string, options: MeasureOptions = {}): Promise<DialogueStem> {
  let blocks: Float64Array | null = null;
  const m = await measureFile(stemPath, {
    ...options,
    analyzers: undefined,
    series: false,
    onLoudness: (loudness) => {
      blocks = loudness.blockEnergies().slice();
    },
  });
  if (m.error) throw new DubstageError({ ...m.error, message: `dialogue stem: ${m.error.message}` });
  return { path: stemPath, sampleRate: m.format?.sampleRate ?? 0, frames: m.format?.frames ?? 0, blockEnergies: blocks ?? new Float64Array(0) };
}

export interface DialogueHookOptions {
  /** Speech percentage below which the fallback applies (a profile's value; 15 by default). */
  speechThresholdPercent?: number;
  /** Anchor to this measured dialogue stem as well (method "stem"); the detector still runs. */
  stem?: DialogueStem;
}

/**
 * The two measureFile hooks that add `loudness.dialogue` to each measurement: a fresh speech analyzer
 * per file in the same pass, and the gating once the loudness meter has finished. With a stem, the
 * result is the stem-anchored one (method "stem", stemLufs) carrying the detector's figure beside it.
 */
export function dialogueHooks(hook: DialogueHookOptions = {}): Required<Pick<MeasureOptions, 'analyzers' | 'onLoudness'>> {
  let speech: SpeechAnalyzer | null = null;
  return {
    analyzers: () => {
      speech = createSpeechAnalyzer();
      return [speech];
    },
    onLoudness: (loudness, m) => {
      if (!m.loudness || !speech) return;
      const options: DialogueOptions = { programmeLufs: m.loudness.integratedLufs };
      if (hook.speechThresholdPercent !== undefined) options.speechThresholdPercent = hook.speechThresholdPercent;
      const blocks = loudness.blockEnergies();
      const detector = dialogueLoudness(blocks, speech.activity(), options);
      const stem = hook.stem;
      if (!stem) {
        m.loudness.dialogue = detector;
        return;
      }
      const rate = m.format?.sampleRate ?? 0;
      if (stem.sampleRate !== rate) {
        m.warnings.push(`dialogue stem ${stem.path} is at ${stem.sampleRate} Hz and this file at ${rate} Hz: blocks cannot be lined up, so the detector's figure is reported instead`);
        m.loudness.dialogue = detector;
        return;
      }
      const frames = m.format?.frames ?? 0;
      if (Math.abs(stem.frames - frames) > Math.round(rate / 10)) {
        m.warnings.push(`dialogue stem ${stem.path} is ${stem.frames} frames long and this file ${frames}: gated over the common length from the first frame`);
      }
      m.loudness.dialogue = stemAnchoredDialogue(blocks, stem.blockEnergies, { ...options, detector });
    },
  };
}
