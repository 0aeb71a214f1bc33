/**
 * A short Netflix-style near-field delivery built by code: 5.1 and 2.0 printmasters, 5.1 DX/MX/FX
 * stems and a 5.1 M&E, 4 s at 48 kHz / 24-bit, all starting at 01:00:00:00. The 5.1 printmaster is the
 * exact sum of the stems and the M&E the sum of music and effects, so every expected answer is known
 * by construction. Planted defects: none, one, or several at once; a foley stem optional; a reel's folder,
 * name prefix and programme (seed) chosen by the caller.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureFile } from '../../src/analysis/measure.js';
import { noise, sine, writeTestWav } from '../helpers/wav-writer.js';

export type Defect =
  | 'true-peak'
  | 'sample-rate'
  | 'lfe-full-band'
  | 'stem-gain'
  | 'stem-late'
  | 'missing-effect'
  | 'two-pop-sync'
  /** A foley stem delivered, carried by the printmaster and (fully filled) by the M&E. */
  | 'foley'
  /** A foley stem delivered and in the printmaster, but the M&E left without it (not filled). */
  | 'me-without-foley'
  /** The whole dialogue stem left in the M&E 12 dB under the effects (noise-like lines: no speech detector finds them). */
  | 'dialogue-leak'
  /** The 2.0 printmaster's data chunk cut 1 s short (its header still declares 4 s). */
  | 'truncated';

/** Where and under which names to build: a reel's folder, its name prefix, and a seed for different programme. */
export interface BuildOptions {
  dir?: string;
  prefix?: string;
  seed?: number;
}

export const RATE = 48000;
export const SECONDS = 4;
const FRAMES = RATE * SECONDS;
const START = 3600 * RATE; // 01:00:00:00
const MASK_51 = 0x60f;
const MASK_20 = 0x3;

type Planar = Float32Array[];

function zeros(n: number): Planar {
  return Array.from({ length: n }, () => new Float32Array(FRAMES));
}

function add(a: Planar, b: Planar): Planar {
  return a.map((ch, c) => ch.map((v, i) => v + b[c]![i]!));
}

function scale(p: Planar, g: number): Planar {
  return p.map((ch) => ch.map((v) => v * g));
}

/** Dialogue-like bursts of noise in C over a -70 dBFS floor (stems carry room tone, not digital zero). */
function dialogue(seed = 0): Planar {
  const p = zeros(6);
  const n = noise(FRAMES, 11 + seed);
  const floor = noise(FRAMES, 12 + seed);
  for (let i = 0; i < FRAMES; i++) {
    const t = i / RATE;
    const on = (t > 0.4 && t < 1.6) || (t > 2.1 && t < 3.5);
    p[2]![i] = (on ? 0.25 * n[i]! : 0) + 0.0003 * floor[i]!;
  }
  return p;
}

function music(seed = 0): Planar {
  const p = zeros(6);
  const n1 = noise(FRAMES, 21 + seed);
  const n2 = noise(FRAMES, 22 + seed);
  p[0] = sine(FRAMES, RATE, 220, 0.1).map((v, i) => v + 0.01 * n1[i]!);
  p[1] = sine(FRAMES, RATE, 330, 0.1).map((v, i) => v + 0.01 * n2[i]!);
  return p;
}

function effects(fullBandLfe: boolean, seed = 0): Planar {
  const p = zeros(6);
  p[4] = noise(FRAMES, 31 + seed).map((v) => 0.05 * v);
  p[5] = noise(FRAMES, 32 + seed).map((v) => 0.05 * v);
  p[3] = fullBandLfe ? noise(FRAMES, 33 + seed).map((v) => 0.2 * v) : sine(FRAMES, RATE, 50, 0.2);
  return p;
}

/** Footsteps: 120 ms noise steps every half second in L, C and R, over a -70 dBFS floor (room tone, not digital zero). */
function foley(seed = 0): Planar {
  const p = zeros(6);
  const n = noise(FRAMES, 51 + seed);
  const floor = noise(FRAMES, 52 + seed);
  for (const ch of [0, 1, 2]) for (let i = 0; i < FRAMES; i++) p[ch]![i] = 0.0003 * floor[i]!;
  for (let step = 0; step < SECONDS * 2; step++) {
    const from = Math.round((step + 0.25) * RATE * 0.5);
    for (let i = from; i < Math.min(FRAMES, from + RATE * 0.12); i++) {
      const ch = step % 3 === 0 ? 0 : step % 3 === 1 ? 2 : 1;
      p[ch]![i]! += 0.08 * n[i]!;
    }
  }
  return p;
}

function rms(p: Planar): number {
  let e = 0;
  for (const ch of p) for (const v of ch) e += v * v;
  return Math.sqrt(e / (p.length * FRAMES));
}

/** A 300 ms effect (a door) in L at 2.0 s: in the printmaster, left out of the delivered FX stem. */
function door(): Planar {
  const p = zeros(6);
  const n = noise(FRAMES, 41);
  for (let i = RATE * 2; i < RATE * 2.3; i++) p[0]![i] = 0.2 * n[i]!;
  return p;
}

/** Leader for the 2-pop case: nothing before FFOA at 3 s but a one-frame 1 kHz pop at 1 s (-20 dBFS). */
function withLeader(p: Planar, popAtSeconds: number): Planar {
  return p.map((ch) => {
    const out = ch.slice();
    out.fill(0, 0, RATE * 3);
    const from = Math.round(popAtSeconds * RATE);
    for (let i = 0; i < RATE / 24; i++) out[from + i] = 0.1 * Math.sin((2 * Math.PI * 1000 * i) / RATE);
    return out;
  });
}

function shift(p: Planar, frames: number): Planar {
  return p.map((ch) => {
    const out = new Float32Array(ch.length);
    out.set(ch.subarray(0, ch.length - frames), frames);
    return out;
  });
}

function downmix20(pm: Planar): Planar {
  const g = Math.SQRT1_2;
  const [l, r, c, , ls, rs] = pm as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  return [l.map((v, i) => v + g * c[i]! + g * ls[i]!), r.map((v, i) => v + g * c[i]! + g * rs[i]!)];
}

async function integratedOf(file: string, channels: Planar, mask: number): Promise<number> {
  writeTestWav(file, { channels, channelMask: mask, timeReferenceSamples: START });
  const m = await measureFile(file);
  const lufs = m.loudness?.integratedLufs;
  if (lufs === null || lufs === undefined) throw new Error(`fixture: no loudness for ${file}`);
  return lufs;
}

/** Write the delivery into a new temp folder (or `options.dir`); returns the folder. One defect, several, or none. */
export async function buildDelivery(defects?: Defect | Defect[], options: BuildOptions = {}): Promise<string> {
  const list = defects === undefined ? [] : Array.isArray(defects) ? defects : [defects];
  const has = (d: Defect): boolean => list.includes(d);
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), `dubstage-qc-${list.join('+') || 'clean'}-`));
  fs.mkdirSync(dir, { recursive: true });
  const seed = options.seed ?? 0;
  const prefix = options.prefix ?? 'SHOW';
  const withFoley = has('foley') || has('me-without-foley');
  let dx = dialogue(seed);
  let mx = music(seed);
  let fx = effects(has('lfe-full-band'), seed);
  let fol = withFoley ? foley(seed) : zeros(6);
  // Calibrate the 5.1 printmaster to -24 LUFS (Netflix's full-programme target) by scaling every stem.
  const g51 = 10 ** ((-24 - (await integratedOf(path.join(dir, 'cal.wav'), add(add(add(dx, mx), fx), fol), MASK_51))) / 20);
  dx = scale(dx, g51);
  mx = scale(mx, g51);
  fx = scale(fx, g51);
  fol = scale(fol, g51);
  if (has('true-peak')) {
    // A two-sample transient near full scale in the effects, so it is in the PM and the M&E too.
    fx[2]![RATE * 2.5] = 0.98;
    fx[2]![RATE * 2.5 + 1] = -0.98;
  }
  if (has('two-pop-sync')) {
    dx = withLeader(dx, 1);
    mx = withLeader(mx, 1);
    fx = withLeader(fx, 1);
  }
  // What the printmaster and M&E were made from (the stems as mixed).
  const fxMixed = has('missing-effect') ? add(fx, scale(door(), g51)) : fx;
  const pm51 = add(add(add(dx, mx), fxMixed), fol);
  let me = add(mx, fxMixed);
  if (has('foley')) me = add(me, fol);
  // the dialogue stem left in the M&E, its level 12 dB under the effects'
  const leakGain = (rms(fx) / rms(dx)) * 10 ** (-12 / 20);
  if (has('dialogue-leak')) me = add(me, scale(dx, leakGain));
  // The stems as delivered, with the planted defect.
  const dxOut = has('two-pop-sync') ? withLeader(dx.map((ch) => ch.slice()), 1 + 1 / 24) : dx;
  const mxOut = has('stem-gain') ? scale(mx, 10 ** (3 / 20)) : mx;
  const fxOut = has('stem-late') ? shift(fx, RATE / 24) : fx;
  let pm20 = downmix20(pm51);
  pm20 = scale(pm20, 10 ** ((-24 - (await integratedOf(path.join(dir, 'cal.wav'), pm20, MASK_20))) / 20));
  fs.unlinkSync(path.join(dir, 'cal.wav'));

  const files: Array<[string, Planar, number, number?]> = [
    [`${prefix}_PM_51.wav`, pm51, MASK_51],
    [`${prefix}_PM_20.wav`, pm20, MASK_20],
    [`${prefix}_DX_51.wav`, dxOut, MASK_51],
    [`${prefix}_MX_51.wav`, mxOut, MASK_51, has('sample-rate') ? 44100 : undefined],
    [`${prefix}_FX_51.wav`, fxOut, MASK_51],
    [`${prefix}_ME_51.wav`, me, MASK_51],
  ];
  if (withFoley) files.push([`${prefix}_FOLEY_51.wav`, fol, MASK_51]);
  for (const [name, channels, mask, rate] of files) {
    const sampleRate = rate ?? RATE;
    writeTestWav(path.join(dir, name), { channels, channelMask: mask, sampleRate, timeReferenceSamples: 3600 * sampleRate });
  }
  if (has('truncated')) {
    // a copy cut short: the last second of the 2.0 printmaster's data is gone, its header unchanged
    const file = path.join(dir, `${prefix}_PM_20.wav`);
    fs.truncateSync(file, fs.statSync(file).size - RATE * 2 * 3);
  }
  return dir;
}

/** The leak's gain in dB (the dialogue stem's level in the M&E): 12 dB under the effects' RMS, relative to the stem. */
export function dialogueLeakGainDb(): number {
  return 20 * Math.log10((rms(effects(false)) / rms(dialogue())) * 10 ** (-12 / 20));
}
