/**
 * A short Netflix-style near-field delivery built by code: 5.1 and 2.0 printmasters, 5.1 DX/MX/FX
 * stems and a 5.1 M&E, 4 s at 48 kHz / 24-bit, all starting at 01:00:00:00. The 5.1 printmaster is the
 * exact sum of the stems and the M&E the sum of music and effects, so every expected answer is known
 * by construction. One optional planted defect.
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
  | 'two-pop-sync';

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
function dialogue(): Planar {
  const p = zeros(6);
  const n = noise(FRAMES, 11);
  const floor = noise(FRAMES, 12);
  for (let i = 0; i < FRAMES; i++) {
    const t = i / RATE;
    const on = (t > 0.4 && t < 1.6) || (t > 2.1 && t < 3.5);
    p[2]![i] = (on ? 0.25 * n[i]! : 0) + 0.0003 * floor[i]!;
  }
  return p;
}

function music(): Planar {
  const p = zeros(6);
  const n1 = noise(FRAMES, 21);
  const n2 = noise(FRAMES, 22);
  p[0] = sine(FRAMES, RATE, 220, 0.1).map((v, i) => v + 0.01 * n1[i]!);
  p[1] = sine(FRAMES, RATE, 330, 0.1).map((v, i) => v + 0.01 * n2[i]!);
  return p;
}

function effects(defect?: Defect): Planar {
  const p = zeros(6);
  p[4] = noise(FRAMES, 31).map((v) => 0.05 * v);
  p[5] = noise(FRAMES, 32).map((v) => 0.05 * v);
  p[3] = defect === 'lfe-full-band' ? noise(FRAMES, 33).map((v) => 0.2 * v) : sine(FRAMES, RATE, 50, 0.2);
  return p;
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

/** Write the delivery into a new temp folder; returns the folder. */
export async function buildDelivery(defect?: Defect): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dubstage-qc-${defect ?? 'clean'}-`));
  let dx = dialogue();
  let mx = music();
  let fx = effects(defect);
  // Calibrate the 5.1 printmaster to -24 LUFS (Netflix's full-programme target) by scaling every stem.
  const g51 = 10 ** ((-24 - (await integratedOf(path.join(dir, 'cal.wav'), add(add(dx, mx), fx), MASK_51))) / 20);
  dx = scale(dx, g51);
  mx = scale(mx, g51);
  fx = scale(fx, g51);
  if (defect === 'true-peak') {
    // A two-sample transient near full scale in the effects, so it is in the PM and the M&E too.
    fx[2]![RATE * 2.5] = 0.98;
    fx[2]![RATE * 2.5 + 1] = -0.98;
  }
  if (defect === 'two-pop-sync') {
    dx = withLeader(dx, 1);
    mx = withLeader(mx, 1);
    fx = withLeader(fx, 1);
  }
  // What the printmaster and M&E were made from (the stems as mixed).
  const fxMixed = defect === 'missing-effect' ? add(fx, scale(door(), g51)) : fx;
  const pm51 = add(add(dx, mx), fxMixed);
  const me = add(mx, fxMixed);
  // The stems as delivered, with the planted defect.
  const dxOut = defect === 'two-pop-sync' ? withLeader(dx.map((ch) => ch.slice()), 1 + 1 / 24) : dx;
  const mxOut = defect === 'stem-gain' ? scale(mx, 10 ** (3 / 20)) : mx;
  const fxOut = defect === 'stem-late' ? shift(fx, RATE / 24) : fx;
  let pm20 = downmix20(pm51);
  pm20 = scale(pm20, 10 ** ((-24 - (await integratedOf(path.join(dir, 'cal.wav'), pm20, MASK_20))) / 20));
  fs.unlinkSync(path.join(dir, 'cal.wav'));

  const files: Array<[string, Planar, number, number?]> = [
    ['SHOW_PM_51.wav', pm51, MASK_51],
    ['SHOW_PM_20.wav', pm20, MASK_20],
    ['SHOW_DX_51.wav', dxOut, MASK_51],
    ['SHOW_MX_51.wav', mxOut, MASK_51, defect === 'sample-rate' ? 44100 : undefined],
    ['SHOW_FX_51.wav', fxOut, MASK_51],
    ['SHOW_ME_51.wav', me, MASK_51],
  ];
  for (const [name, channels, mask, rate] of files) {
    const sampleRate = rate ?? RATE;
    writeTestWav(path.join(dir, name), { channels, channelMask: mask, sampleRate, timeReferenceSamples: 3600 * sampleRate });
  }
  return dir;
}
