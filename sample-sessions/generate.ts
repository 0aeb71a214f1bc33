/**
 * The bundled sample production, made by code (deterministic: a seeded generator, no clock, no
 * randomness from outside): a 5.1 printmaster, its 2.0 fold-down, its dialogue, music and effects
 * stems and the 5.1 M&E, 24-bit 48 kHz BWF starting at first frame of action, 01:00:00:00, with no
 * leader or sync pop (the Netflix profile forbids them), dialogue near -27 LKFS dialogue-gated.
 *
 * The printmaster is the exact sum of the stems (before 24-bit rounding), so the stems-sum and M&E
 * checks have a clean delivery to pass. Audio is written on first use and never committed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openFileSource } from '../src/audio/bytesource.js';
import { openByteSource, readAudioHeader } from '../src/audio/open.js';
import { WavWriter } from '../src/audio/writer.js';
import { StreamingResampler } from '../src/dsp/resample.js';

export const SAMPLE_RATE = 48000;
export const FPS = 24;
/** No leader: the files start at first frame of action. */
export const LEADER_SECONDS = 0;
export const PROGRAMME_SECONDS = 48;
export const TAIL_SECONDS = 0;
/** Overall mix gain: dialogue lands near -27 LKFS dialogue-gated. */
const MIX_GAIN = 0.72;
/** espeak-ng renders near full scale; this sets the dialogue line's level in the mix. */
const SPEECH_GAIN = 0.52;
/** Bump when the signals change, so old generated audio is replaced. */
const GENERATOR_VERSION = 10;

export const SAMPLE_TITLE = 'DUBSTAGE_SAMPLE';

export interface SampleFiles {
  folder: string;
  printmaster51: string;
  printmaster20: string;
  dialogue: string;
  music: string;
  effects: string;
  musicAndEffects: string;
  /** Every deliverable, for measure and qc. */
  all: string[];
}

/** mulberry32: a tiny seeded PRNG so every run writes the same samples. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TWO_PI = 2 * Math.PI;
const L = 0, R = 1, C = 2, LFE = 3, LS = 4, RS = 5;

/** One-pole-cascade pink-ish noise (Paul Kellet's economy filter), deterministic. */
function pinkNoise(rand: () => number) {
  let b0 = 0, b1 = 0, b2 = 0;
  return () => {
    const white = rand() * 2 - 1;
    b0 = 0.99765 * b0 + white * 0.099046;
    b1 = 0.963 * b1 + white * 0.2965164;
    b2 = 0.57 * b2 + white * 1.0526913;
    return (b0 + b1 + b2 + white * 0.1848) * 0.2;
  };
}

/** Speech-like dialogue: voiced harmonics on a gliding pitch, syllable envelopes, sentence pauses. */
function dialogueSample(t: number, rand: () => number, state: { phase: number }): number {
  // sentences: 3.2 s of speech, 1.3 s pause, repeating; a longer pause mid-programme. Sentences fade in
  // and out (a cut to digital zero mid-word would be a dropout, and real dialogue never does it)
  const cycle = t % 4.5;
  if (cycle > 3.2 || (t > 18 && t < 22.5)) return 0;
  const sentence = Math.min(1, cycle / 0.08, (3.2 - cycle) / 0.08);
  const syllable = 0.5 - 0.5 * Math.cos(TWO_PI * 4.375 * cycle); // 14 syllables, ending at zero
  const pitch = 130 + 30 * Math.sin(TWO_PI * 0.7 * t) + 10 * Math.sin(TWO_PI * 3.1 * t);
  state.phase += (TWO_PI * pitch) / SAMPLE_RATE;
  // harmonics shaped by two formant-ish bumps around 500 Hz and 1.5 kHz
  let v = 0;
  for (let h = 1; h <= 16; h++) {
    const f = h * pitch;
    const formant = Math.exp(-(((f - 500) / 250) ** 2)) + 0.6 * Math.exp(-(((f - 1500) / 400) ** 2)) + 0.05;
    v += (formant / h ** 0.3) * Math.sin(h * state.phase);
  }
  const breath = (rand() * 2 - 1) * 0.02;
  return (v * 0.085 + breath) * syllable * sentence;
}

/**
 * Real sentences for the dialogue stem: the espeak-ng clips committed under sample-sessions/speech
 * (see its README), resampled to 48 kHz. A speech detector hears them as speech, which the
 * dialogue-gated loudness of the printmaster needs.
 */
function loadSpeechClips(): Float32Array[] {
  const dir = path.join(sampleSessionsDir(), 'speech');
  if (!existsSync(dir)) return [];
  const clips: Float32Array[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.wav')).sort()) {
    const header = readAudioHeader(path.join(dir, name));
    const src = openByteSource(openFileSource(path.join(dir, name)));
    const raw = new Float32Array(header.format.frames);
    src.read([raw], raw.length);
    src.close();
    const rs = new StreamingResampler(header.format.sampleRate, SAMPLE_RATE);
    const out = new Float32Array(rs.maxOutputFrames(raw.length) * 2);
    let n = rs.push(raw, raw.length, out);
    n += rs.flush(out.subarray(n));
    clips.push(out.slice(0, n));
  }
  return clips;
}

/** Lay the clips one after another with pauses, leaving the mid-programme pause free of dialogue. */
function dialogueTimeline(clips: Float32Array[], frames: number): Float32Array {
  const line = new Float32Array(frames);
  let at = Math.round(0.5 * SAMPLE_RATE);
  for (let k = 0; clips.length > 0; k++) {
    const clip = clips[k % clips.length]!;
    if (at / SAMPLE_RATE > 18 && at / SAMPLE_RATE < 22.5) at = Math.round(22.5 * SAMPLE_RATE);
    if (at + clip.length > frames) break;
    line.set(clip, at);
    at += clip.length + Math.round(1.1 * SAMPLE_RATE);
  }
  return line;
}

/** Write the sample production into `folder` (default sample-sessions/out/delivery) unless it is current. */
export function ensureSampleSession(folder = path.join(sampleSessionsDir(), 'out', 'delivery')): SampleFiles {
  const files: SampleFiles = {
    folder,
    printmaster51: path.join(folder, `${SAMPLE_TITLE}_PM_51.wav`),
    printmaster20: path.join(folder, `${SAMPLE_TITLE}_PM_20.wav`),
    dialogue: path.join(folder, `${SAMPLE_TITLE}_DX_51.wav`),
    music: path.join(folder, `${SAMPLE_TITLE}_MX_51.wav`),
    effects: path.join(folder, `${SAMPLE_TITLE}_FX_51.wav`),
    musicAndEffects: path.join(folder, `${SAMPLE_TITLE}_ME_51.wav`),
    all: [],
  };
  files.all = [files.printmaster51, files.printmaster20, files.dialogue, files.music, files.effects, files.musicAndEffects];
  const stamp = path.join(folder, '.generator-version');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === String(GENERATOR_VERSION) && files.all.every((f) => existsSync(f))) {
    return files;
  }
  mkdirSync(folder, { recursive: true });
  writeSampleAudio(files);
  writeFileSync(stamp, `${GENERATOR_VERSION}\n`);
  return files;
}

export function sampleSessionsDir(): string {
  // works from sources (sample-sessions/) and from dist/sample-sessions/
  const here = path.dirname(new URL(import.meta.url).pathname);
  return path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '..', '..', 'sample-sessions') : here;
}

function bext(description: string, timeReferenceSamples: number): Uint8Array {
  const b = Buffer.alloc(602);
  b.write(description.slice(0, 255), 0, 'latin1');
  b.write('dubstage sample generator', 256, 'latin1');
  b.write('2026-01-01', 320, 'latin1');
  b.write('00:00:00', 330, 'latin1');
  b.writeUInt32LE(timeReferenceSamples % 4294967296, 338);
  b.writeUInt32LE(Math.floor(timeReferenceSamples / 4294967296), 342);
  b.writeUInt16LE(1, 346);
  return b;
}

/** iXML: the timecode rate (so QC finds the delivery's frame rate in the files) and the track names. */
function ixml(labels: string[]): Uint8Array {
  const tracks = labels
    .map((l, i) => `<TRACK><CHANNEL_INDEX>${i + 1}</CHANNEL_INDEX><INTERLEAVE_INDEX>${i + 1}</INTERLEAVE_INDEX><NAME>${l}</NAME></TRACK>`)
    .join('');
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><BWFXML><IXML_VERSION>2.1</IXML_VERSION><PROJECT>${SAMPLE_TITLE}</PROJECT>` +
      `<SPEED><TIMECODE_RATE>${FPS}/1</TIMECODE_RATE><TIMECODE_FLAG>NDF</TIMECODE_FLAG></SPEED>` +
      `<TRACK_LIST><TRACK_COUNT>${labels.length}</TRACK_COUNT>${tracks}</TRACK_LIST></BWFXML>`,
    'utf8',
  );
}

function writeSampleAudio(files: SampleFiles): void {
  const total = (LEADER_SECONDS + PROGRAMME_SECONDS + TAIL_SECONDS) * SAMPLE_RATE;
  const ffoa = LEADER_SECONDS * SAMPLE_RATE;
  const lfoa = ffoa + PROGRAMME_SECONDS * SAMPLE_RATE;
  // 01:00:00:00 since midnight
  const timeReference = 3600 * SAMPLE_RATE;
  const mask51 = 0x3f;
  const spec51 = { sampleRate: SAMPLE_RATE, channels: 6, encoding: 's24le' as const, channelMask: mask51 };
  const writer = (file: string, what: string, channels: number) =>
    new WavWriter(file, {
      ...spec51,
      channels,
      channelMask: channels === 6 ? mask51 : 0x3,
      chunksBeforeData: [
        { id: 'bext', body: bext(`${SAMPLE_TITLE} ${what}`, timeReference) },
        { id: 'iXML', body: ixml(channels === 6 ? ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'] : ['L', 'R']) },
      ],
    });
  const out = {
    pm51: writer(files.printmaster51, 'printmaster 5.1', 6),
    pm20: writer(files.printmaster20, 'printmaster 2.0 (Lo/Ro)', 2),
    dx: writer(files.dialogue, 'dialogue stem 5.1', 6),
    mx: writer(files.music, 'music stem 5.1', 6),
    fx: writer(files.effects, 'effects stem 5.1', 6),
    me: writer(files.musicAndEffects, 'M&E 5.1', 6),
  };
  const block = SAMPLE_RATE / 10;
  const mk = (n: number) => Array.from({ length: n }, () => new Float64Array(block));
  const dx = mk(6), mx = mk(6), fx = mk(6), pm = mk(6), me = mk(6), pm20 = mk(2);
  const randDx = prng(1), randFx = prng(2);
  const pinkA = pinkNoise(prng(3)), pinkB = pinkNoise(prng(4)), pinkC = pinkNoise(prng(5)), pinkD = pinkNoise(prng(6));
  const pinkE = pinkNoise(prng(7)), roomTone = pinkNoise(prng(8));
  const voice = { phase: 0 };
  const clips = loadSpeechClips();
  const speech = clips.length > 0 ? dialogueTimeline(clips, lfoa - ffoa) : null;
  let rumblePhase = 0;
  try {
    for (let start = 0; start < total; start += block) {
      const n = Math.min(block, total - start);
      for (const set of [dx, mx, fx, pm, me, pm20]) for (const ch of set) ch.fill(0);
      for (let i = 0; i < n; i++) {
        const s = start + i;
        if (s < ffoa || s >= lfoa) continue;
        const t = (s - ffoa) / SAMPLE_RATE;
        // dialogue in the centre
        // production dialogue sits on its room tone (about -66 dBFS), so C never drops to digital zero
        const words = speech ? SPEECH_GAIN * speech[s - ffoa]! : dialogueSample(t, randDx, voice);
        dx[C]![i] = words + 0.0015 * roomTone();
        // music: a slow chord progression across the front and the surrounds
        const chord = [220, 277.18, 329.63, 440][Math.floor(t / 5) % 4]!;
        const swell = 0.55 + 0.45 * Math.sin((TWO_PI * t) / 17);
        const tone = (f: number, ph: number) => Math.sin(TWO_PI * f * t + ph) * (1 + 0.003 * Math.sin(TWO_PI * 5 * t));
        const m = 0.04 * swell * (tone(chord, 0) + 0.6 * tone(chord * 1.5, 1) + 0.4 * tone(chord * 2, 2));
        mx[L]![i] = m;
        mx[R]![i] = 0.04 * swell * (tone(chord, 0.3) + 0.6 * tone(chord * 1.5, 1.4) + 0.4 * tone(chord * 2.01, 2));
        mx[LS]![i] = 0.4 * m;
        mx[RS]![i] = 0.4 * mx[R]![i]!;
        // effects: a room-tone bed, a passing noise swell, and low rumble in the LFE
        const bed = 0.011;
        const swellFx = t > 10 && t < 16 ? Math.sin((Math.PI * (t - 10)) / 6) * 0.12 : 0;
        fx[L]![i] = bed * pinkA() + swellFx * pinkC();
        fx[R]![i] = bed * pinkB() + swellFx * pinkD();
        fx[LS]![i] = 0.7 * bed * pinkC();
        fx[RS]![i] = 0.7 * bed * pinkD();
        rumblePhase += (TWO_PI * (40 + 8 * Math.sin(TWO_PI * 0.2 * t))) / SAMPLE_RATE;
        fx[LFE]![i] = (t > 24 && t < 32 ? 0.15 : 0.03) * Math.sin(rumblePhase);
        fx[C]![i] = 0.4 * bed * pinkE() + (randFx() < 0.00002 ? 0.05 : 0); // a little bed and the odd tick
      }
      for (let c = 0; c < 6; c++) {
        for (let i = 0; i < n; i++) {
          dx[c]![i]! *= MIX_GAIN;
          mx[c]![i]! *= MIX_GAIN;
          fx[c]![i]! *= MIX_GAIN;
          me[c]![i] = mx[c]![i]! + fx[c]![i]!;
          pm[c]![i] = dx[c]![i]! + me[c]![i]!;
        }
      }
      // Lo/Ro: L + 0.707 C + 0.707 Ls, R + 0.707 C + 0.707 Rs, LFE dropped (ITU-R BS.775 fold-down)
      for (let i = 0; i < n; i++) {
        pm20[0]![i] = (pm[L]![i]! + 0.7071 * pm[C]![i]! + 0.7071 * pm[LS]![i]!);
        pm20[1]![i] = (pm[R]![i]! + 0.7071 * pm[C]![i]! + 0.7071 * pm[RS]![i]!);
      }
      out.pm51.append(pm, n);
      out.pm20.append(pm20, n);
      out.dx.append(dx, n);
      out.mx.append(mx, n);
      out.fx.append(fx, n);
      out.me.append(me, n);
    }
  } finally {
    for (const w of Object.values(out)) w.close();
  }
}
