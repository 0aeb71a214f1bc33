/**
 * The EBU Tech 3341/3342 test signals synthesized from their definitions (cases.json descriptions),
 * quantized to the stated bit depth so they match the official files' arithmetic.
 */
export interface EbuCase {
  id: string;
  description: string;
  samplerate?: number;
  bits?: number;
  frames?: number;
  channels?: number;
  channel_mask?: number | null;
  synthesizable: boolean;
  official_file: string | null;
  official_present?: boolean;
  checks: Array<{
    metric: string;
    expected: number | null;
    tol_minus: number;
    tol_plus: number;
    from_s?: number;
    segments?: Array<[number, number, number]>;
  }>;
}

export interface Synth {
  sampleRate: number;
  channels: Float32Array[];
  labels: string[];
}

const amp = (dbfs: number) => Math.pow(10, dbfs / 20);

/** Stereo 1 kHz sine through a list of (seconds, dBFS | null for silence) segments. */
function toneSequence(rate: number, parts: Array<[number, number | null]>, totalFrames?: number, freq = 1000): Float32Array {
  let n = 0;
  for (const [s] of parts) n += Math.round(s * rate);
  const out = new Float32Array(totalFrames ?? n);
  let i = 0;
  for (const [s, level] of parts) {
    const len = Math.round(s * rate);
    const a = level === null ? 0 : amp(level);
    for (let k = 0; k < len && i < out.length; k++, i++) out[i] = a * Math.sin((2 * Math.PI * freq * i) / rate);
  }
  return out;
}

function quantize(x: Float32Array, bits: number): Float32Array {
  const q = Math.pow(2, bits - 1);
  for (let i = 0; i < x.length; i++) x[i] = Math.max(-q, Math.min(q - 1, Math.round(x[i]! * q))) / q;
  return x;
}

function stereo(x: Float32Array): Float32Array[] {
  return [x, Float32Array.from(x)];
}

/** fs/k sine with 10 ms linear fades (cases 15-19). */
function peakTone(rate: number, frames: number, divisor: number, amplitude: number, phaseDeg: number): Float32Array {
  const out = new Float32Array(frames);
  const fade = Math.round(0.01 * rate);
  for (let i = 0; i < frames; i++) {
    const g = Math.min(1, i / fade, (frames - 1 - i) / fade);
    out[i] = g * amplitude * Math.sin((2 * Math.PI * i) / divisor + (phaseDeg * Math.PI) / 180);
  }
  return out;
}

/**
 * Cases 20-23: an fs/6 sine at 0.5 FFS holding one period of fs/4 at 1.0 FFS (phase-continuous),
 * built at 4 fs, low-passed (Kaiser-windowed sinc at 22.8 kHz) and decimated by 4 at `offset`.
 */
function interSamplePeak(rate: number, frames: number, offset: number): Float32Array {
  const up = 4;
  const hi = new Float64Array((frames + 64) * up);
  const burstStart = Math.floor(hi.length / 2);
  const burstLen = up * 4; // one period of fs/4 at 4 fs
  let phase = 0;
  for (let i = 0; i < hi.length; i++) {
    const inBurst = i >= burstStart && i < burstStart + burstLen;
    const f = inBurst ? rate / 4 : rate / 6;
    hi[i] = (inBurst ? 1.0 : 0.5) * Math.sin(phase);
    phase += (2 * Math.PI * f) / (rate * up);
  }
  // Kaiser-windowed sinc low-pass at 22.8 kHz, 129 taps, beta 8
  const taps = 129;
  const fc = 22800 / (rate * up);
  const h = new Float64Array(taps);
  const i0 = (x: number) => {
    let s = 1;
    let t = 1;
    for (let k = 1; k < 40; k++) {
      t *= (x / (2 * k)) ** 2;
      s += t;
    }
    return s;
  };
  let sum = 0;
  for (let j = 0; j < taps; j++) {
    const m = j - (taps - 1) / 2;
    const sinc = m === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * m) / (Math.PI * m);
    const r = m / ((taps - 1) / 2);
    h[j] = (sinc * i0(8 * Math.sqrt(1 - r * r))) / i0(8);
    sum += h[j]!;
  }
  for (let j = 0; j < taps; j++) h[j]! /= sum;
  const half = (taps - 1) / 2;
  const filtered = (c: number) => {
    let acc = 0;
    for (let j = 0; j < taps; j++) {
      const idx = c + j - half;
      if (idx >= 0 && idx < hi.length) acc += h[j]! * hi[idx]!;
    }
    return acc;
  };
  // the expected true peak is 0 dBTP by definition: scale so the band-limited 4 fs signal peaks at 1.0
  let truePeak = 0;
  for (let c = burstStart - 8 * taps; c < burstStart + 8 * taps; c++) truePeak = Math.max(truePeak, Math.abs(filtered(c)));
  const out = new Float32Array(frames);
  for (let n = 0; n < frames; n++) out[n] = filtered(n * up + offset + 32 * up) / truePeak;
  // 10 ms fades so the file edges do not add their own peaks
  const fade = Math.round(0.01 * rate);
  for (let i = 0; i < fade; i++) {
    out[i]! *= i / fade;
    out[frames - 1 - i]! *= i / fade;
  }
  return out;
}

/** Synthesize a case by id, or null when the test set does not define it as synthesizable. */
export function synthesize(c: EbuCase): Synth | null {
  const rate = c.samplerate ?? 48000;
  const bits = c.bits ?? 24;
  const st = (x: Float32Array): Synth => ({ sampleRate: rate, channels: stereo(quantize(x, bits)), labels: ['L', 'R'] });
  const id = c.id.replace(/^D-/, '').replace(/@\d+$/, '');
  let m: RegExpExecArray | null;
  switch (id) {
    case '3341-1':
      return st(toneSequence(rate, [[20, -23]]));
    case '3341-2':
      return st(toneSequence(rate, [[20, -33]]));
    case '3341-3':
      return st(toneSequence(rate, [[10, -36], [60, -23], [10, -36]]));
    case '3341-4':
      return st(toneSequence(rate, [[10, -72], [10, -36], [60, -23], [10, -36], [10, -72]]));
    case '3341-5':
      return st(toneSequence(rate, [[20, -26], [20.1, -20], [20, -26]]));
    case '3341-6a':
    case '3341-6b': {
      const levels: Array<[string, number | null]> = [['L', -28], ['R', -28], ['C', -24], ...(id === '3341-6b' ? [['LFE', null] as [string, null]] : []), ['Ls', -30], ['Rs', -30]];
      return {
        sampleRate: rate,
        channels: levels.map(([, l]) => quantize(toneSequence(rate, [[20, l]]), bits)),
        labels: levels.map(([n]) => n),
      };
    }
    case '3341-9': {
      const parts: Array<[number, number]> = [];
      for (let i = 0; i < 5; i++) parts.push([1.34, -20], [1.66, -30]);
      return st(toneSequence(rate, parts, c.frames));
    }
    case '3341-11': {
      const parts: Array<[number, number | null]> = [];
      for (let i = 0; i < 20; i++) parts.push([i * 0.15, null], [3, -38 + i], [3 - i * 0.15, null]);
      return st(toneSequence(rate, parts, c.frames));
    }
    case '3341-12': {
      const parts: Array<[number, number]> = [];
      for (let i = 0; i < 25; i++) parts.push([0.18, -20], [0.22, -30]);
      return st(toneSequence(rate, parts, c.frames));
    }
    case '3341-14': {
      const parts: Array<[number, number | null]> = [];
      for (let i = 0; i < 20; i++) parts.push([i * 0.02, null], [0.4, -38 + i], [0.4 - i * 0.02, null]);
      return st(toneSequence(rate, parts, c.frames));
    }
    case '3341-15':
      return st(peakTone(rate, c.frames!, 4, 0.5, 0));
    case '3341-16':
      return st(peakTone(rate, c.frames!, 4, 0.5, 45));
    case '3341-17':
      return st(peakTone(rate, c.frames!, 6, 0.5, 60));
    case '3341-18':
      return st(peakTone(rate, c.frames!, 8, 0.5, 67.5));
    case '3341-19':
      return st(peakTone(rate, c.frames!, 4, 1.41, 45));
    case '3342-1':
      return st(toneSequence(rate, [[20, -20], [20, -30]]));
    case '3342-2':
      return st(toneSequence(rate, [[20, -20], [20, -15]]));
    case '3342-3':
      return st(toneSequence(rate, [[20, -40], [20, -20]]));
    case '3342-4':
      return st(toneSequence(rate, [[20, -50], [20, -35], [20, -20], [20, -35], [20, -50]]));
  }
  if ((m = /^3341-10-(\d+)$/.exec(id))) {
    const k = Number(m[1]);
    return st(toneSequence(rate, [[(k - 1) * 0.15, null], [3, -23], [1, null]], c.frames));
  }
  if ((m = /^3341-13-(\d+)$/.exec(id))) {
    const k = Number(m[1]);
    return st(toneSequence(rate, [[(k - 1) * 0.02, null], [0.4, -23], [1, null]], c.frames));
  }
  if ((m = /^3341-(20|21|22|23)$/.exec(id))) {
    return st(interSamplePeak(rate, c.frames!, Number(m[1]) - 20));
  }
  if ((m = /^51-check-(\w+)$/.exec(id))) {
    const target = m[1]!;
    const labels = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];
    const level = Number(/at (-[\d.]+) dBFS/.exec(c.description)![1]);
    return {
      sampleRate: rate,
      channels: labels.map((l) => quantize(toneSequence(rate, [[20, l === target ? level : null]]), bits)),
      labels,
    };
  }
  return null;
}
