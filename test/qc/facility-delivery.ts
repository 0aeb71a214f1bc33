/**
 * A delivery laid out and printed the way facilities do it, built by code (12 s, 48 kHz / 24-bit, from
 * 01:00:00:00), for a title that contains role words:
 *
 *   DELIVERY/PRINTMASTERS/CATCH_ME_IF_YOU_CAN_PM_51.wav
 *   DELIVERY/PRINTMASTERS/CATCH_ME_IF_YOU_CAN_PM_20.wav     a symbolic link to SAN/ (another volume)
 *   DELIVERY/STEMS/DX/CATCH_ME_IF_YOU_CAN_DX_51.L.wav ...   a Pro Tools multi-mono set, six files
 *   DELIVERY/STEMS/MX/CATCH_ME_IF_YOU_CAN_MX_51.wav
 *   DELIVERY/STEMS/FX/CATCH_ME_IF_YOU_CAN_FX_51.w64         Sony Wave64
 *   DELIVERY/ME/CATCH_ME_IF_YOU_CAN_ME_51.wav
 *   DELIVERY/QC_NOTES.pdf                                   paperwork, ignored
 *
 * Stems are sparse, as printed: the dialogue stem's L/R (reverb returns) are cut to digital zero
 * between lines, the music enters at 2 s after digital zero, and the effects stem's LFE (explosions and
 * sub hits under noise, on a bus low-passed at 120 Hz 24 dB/oct) is digital zero for 7 s between
 * events. The printmaster is the exact sum of the stems and the M&E of music and effects. One optional
 * planted fault.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureFile } from '../../src/analysis/measure.js';
import { explosions, subHits, whiteNoise } from '../helpers/lfe-content.js';
import { lowpass } from '../helpers/lowpass.js';
import { writeTestW64 } from '../helpers/w64-writer.js';
import { noise, sine, writeTestWav } from '../helpers/wav-writer.js';

export type FacilityFault = 'dropout-40ms' | 'lfe-unfiltered' | 'lfe-300hz';

const RATE = 48000;
const SECONDS = 12;
const FRAMES = RATE * SECONDS;
const START = 3600 * RATE;
const MASK_51 = 0x60f;
const MASK_20 = 0x3;
export const TITLE = 'CATCH_ME_IF_YOU_CAN';

type Planar = Float32Array[];
const zeros = (n: number): Planar => Array.from({ length: n }, () => new Float32Array(FRAMES));
const add = (a: Planar, b: Planar): Planar => a.map((ch, c) => ch.map((v, i) => v + b[c]![i]!));
const scale = (p: Planar, g: number): Planar => p.map((ch) => ch.map((v) => v * g));
const at = (s: number) => Math.round(s * RATE);

const LINES: Array<[number, number]> = [[0.5, 2.4], [3.3, 5.9], [7.0, 10.6]];

function dialogue(): Planar {
  const p = zeros(6);
  const n = noise(FRAMES, 11);
  const floor = noise(FRAMES, 12);
  const verbL = noise(FRAMES, 13);
  const verbR = noise(FRAMES, 14);
  for (const [from, to] of LINES) {
    for (let i = at(from); i < at(to); i++) {
      p[2]![i] = 0.25 * n[i]!;
      // reverb returns: hard-cut with the line, digital zero between lines
      p[0]![i] = 0.03 * verbL[i]!;
      p[1]![i] = 0.03 * verbR[i]!;
    }
  }
  for (let i = 0; i < FRAMES; i++) p[2]![i]! += 0.0003 * floor[i]!; // room tone under the lines
  return p;
}

function music(): Planar {
  const p = zeros(6);
  const l = sine(FRAMES, RATE, 220, 0.1);
  const r = sine(FRAMES, RATE, 330, 0.1);
  const n1 = noise(FRAMES, 21);
  const n2 = noise(FRAMES, 22);
  for (let i = at(2); i < FRAMES; i++) {
    p[0]![i] = l[i]! + 0.01 * n1[i]!;
    p[1]![i] = r[i]! + 0.01 * n2[i]!;
    p[4]![i] = 0.3 * l[i]!;
    p[5]![i] = 0.3 * r[i]!;
  }
  return p;
}

/** The effects LFE before its bus low-pass: an explosion at 0.5 s and sub hits from 9 s, hard-cut clips. */
function lfeClips(): Float32Array {
  const x = explosions(FRAMES, RATE, 31, [0.5]);
  const hits = subHits(FRAMES, RATE, 32, 1.2);
  const rumbleNoise = whiteNoise(FRAMES, 33, 0.5); // the LFE send of a noisy, broadband hit
  for (let i = 0; i < FRAMES; i++) {
    const t = i / RATE;
    if (t < 0.5 || (t >= 2 && t < 9)) x[i] = 0; // digital zero between the clips
    else if (t >= 9) x[i] = hits[i - at(9)]! + rumbleNoise[i]!;
  }
  return x;
}

function effects(fault?: FacilityFault): Planar {
  const p = zeros(6);
  p[4] = noise(FRAMES, 34).map((v) => 0.05 * v);
  p[5] = noise(FRAMES, 35).map((v) => 0.05 * v);
  const clips = lfeClips();
  // The LFE bus low-pass: 120 Hz 24 dB/oct (Linkwitz-Riley), as Amazon and Netflix ask; the faults
  // print it unfiltered or low-passed at 300 Hz.
  p[3] = fault === 'lfe-unfiltered' ? clips : fault === 'lfe-300hz' ? lowpass(clips, RATE, 300, 24) : lowpass(clips, RATE, 120, 24, 'linkwitz-riley');
  // a door in L at 4 s
  const door = noise(FRAMES, 36);
  for (let i = at(4); i < at(4.4); i++) p[0]![i] = 0.2 * door[i]!;
  return p;
}

function downmix20(pm: Planar): Planar {
  const g = Math.SQRT1_2;
  const [l, r, c, , ls, rs] = pm as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  return [l.map((v, i) => v + g * c[i]! + g * ls[i]!), r.map((v, i) => v + g * c[i]! + g * rs[i]!)];
}

async function integratedOf(file: string, channels: Planar, mask: number): Promise<number> {
  writeTestWav(file, { channels, channelMask: mask, timeReferenceSamples: START });
  const m = await measureFile(file);
  fs.unlinkSync(file);
  const lufs = m.loudness?.integratedLufs;
  if (lufs === null || lufs === undefined) throw new Error(`fixture: no loudness for ${file}`);
  return lufs;
}

export interface FacilityDelivery {
  /** The temp folder holding DELIVERY/ and SAN/ (remove it after). */
  root: string;
  /** The folder to give qc. */
  delivery: string;
}

export async function buildFacilityDelivery(fault?: FacilityFault): Promise<FacilityDelivery> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `dubstage-facility-${fault ?? 'clean'}-`));
  const delivery = path.join(root, 'DELIVERY');
  for (const d of ['PRINTMASTERS', 'STEMS/DX', 'STEMS/MX', 'STEMS/FX', 'ME']) fs.mkdirSync(path.join(delivery, d), { recursive: true });
  fs.mkdirSync(path.join(root, 'SAN'));
  let dx = dialogue();
  let mx = music();
  let fx = effects(fault);
  const g51 = 10 ** ((-24 - (await integratedOf(path.join(root, 'cal.wav'), add(add(dx, mx), fx), MASK_51))) / 20);
  dx = scale(dx, g51);
  mx = scale(mx, g51);
  fx = scale(fx, g51);
  const pm51 = add(add(dx, mx), fx);
  const me = add(mx, fx);
  let pm20 = downmix20(pm51);
  pm20 = scale(pm20, 10 ** ((-24 - (await integratedOf(path.join(root, 'cal.wav'), pm20, MASK_20))) / 20));
  // The fault in the printmaster alone: a 40 ms hole in every channel (a lost buffer in the print).
  if (fault === 'dropout-40ms') for (const ch of pm51) ch.fill(0, at(6.5), at(6.54));

  const file = (rel: string) => path.join(delivery, rel);
  const tc = { timeReferenceSamples: START };
  writeTestWav(file(`PRINTMASTERS/${TITLE}_PM_51.wav`), { channels: pm51, channelMask: MASK_51, ...tc });
  const san = path.join(root, 'SAN', `${TITLE}_PM_20.wav`);
  writeTestWav(san, { channels: pm20, channelMask: MASK_20, ...tc });
  fs.symlinkSync(san, file(`PRINTMASTERS/${TITLE}_PM_20.wav`));
  ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'].forEach((c, i) => writeTestWav(file(`STEMS/DX/${TITLE}_DX_51.${c}.wav`), { channels: [dx[i]!], ...tc }));
  writeTestWav(file(`STEMS/MX/${TITLE}_MX_51.wav`), { channels: mx, channelMask: MASK_51, ...tc });
  writeTestW64(file(`STEMS/FX/${TITLE}_FX_51.w64`), { channels: fx, channelMask: MASK_51, ...tc });
  writeTestWav(file(`ME/${TITLE}_ME_51.wav`), { channels: me, channelMask: MASK_51, ...tc });
  fs.writeFileSync(file('QC_NOTES.pdf'), '%PDF-1.4\n');
  return { root, delivery };
}
