/**
 * Kernel benchmark (issue 8): the true-peak oversampler and the K-weighting in plain JS vs WASM SIMD
 * on 6 channels x 60 s at 48 kHz, in Msamples/s of input and realtime factor (of the 6-channel audio).
 *
 *   npm run build:wasm && npx tsx bench/kernels.bench.ts      (or node dist/bench/kernels.bench.js)
 *
 * Rows: the bare kernel over whole channels (JS; WASM f64x2, exact; WASM f32x4 screen alone, as when
 * nothing can beat the running maximum); TruePeakMeter with skipping off (every 128-sample stretch
 * oversampled: the kernel plus the meter's bookkeeping) and on (what a measurement runs); K-weighting
 * per channel (kWeightSumSquares) and all channels per call (KWeightingFilters, JS and WASM). Best of 3
 * after a warm-up on the same buffers. Never a timed test: the machine is shared.
 * "TP skip" rows: the share of samples oversampled and ns/sample of the meter, JS and WASM, with the old
 * skip test (worstCaseGain × max |x| per 128-sample stretch) vs the signed-range bound, alone and with
 * sub-stretches of 32 (the default) or 16, on programme-like signals: the pink noise above, a music bed,
 * dialogue with pauses, noise bursts over a floor, a 30 dB crescendo.
 */
import { KWeightingFilters, kWeightingCoefficients, kWeightSumSquares } from '../src/dsp/kweighting.js';
import { loadWasm } from '../src/dsp/wasm/load.js';
import {
  compileKernel,
  defaultTruePeakWasm,
  defaultWasmPath,
  designInterpolator,
  TruePeakMeter,
  wasmOversampler,
  type Kernel,
} from '../src/dsp/truepeak.js';

const rate = 48000;
const seconds = 60;
const channels = 6;
const frames = rate * seconds;

/** Six independent pink-ish noises with slow +-6 dB envelopes (the performance-anchors signal). */
function makeSignal(): Float32Array[] {
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  const periods = [23, 29, 31, 37, 41, 27];
  return Array.from({ length: channels }, (_, c) => {
    const x = new Float32Array(frames);
    let p0 = 0;
    let p1 = 0;
    let p2 = 0;
    for (let i = 0; i < frames; i++) {
      const white = rand() * 2 - 1;
      p0 = 0.99765 * p0 + white * 0.099046;
      p1 = 0.963 * p1 + white * 0.2965164;
      p2 = 0.57 * p2 + white * 1.0526913;
      const v = (p0 + p1 + p2 + white * 0.1848) * 0.05;
      x[i] = v * Math.pow(10, (6 * Math.sin((2 * Math.PI * i) / rate / periods[c]!)) / 20);
    }
    return x;
  });
}

function best(run: () => number): { seconds: number; value: number } {
  let value = run(); // warm-up on correctly sized input
  let bestSeconds = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = process.hrtime.bigint();
    value = run();
    bestSeconds = Math.min(bestSeconds, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { seconds: bestSeconds, value };
}

function row(name: string, r: { seconds: number; value: number }, note = ''): void {
  const msps = (channels * frames) / r.seconds / 1e6;
  const realtime = seconds / r.seconds;
  console.log(
    `${name.padEnd(44)} ${r.seconds.toFixed(3).padStart(7)} s ${msps.toFixed(0).padStart(6)} Msamples/s ${realtime
      .toFixed(0)
      .padStart(6)}x realtime  ${note}`,
  );
}

const signal = makeSignal();
const ip = designInterpolator(4);
const H = ip.tapsPerPhase - 1;
const exts = signal.map((x) => {
  const ext = new Float32Array(H + frames);
  ext.set(x, H);
  return ext;
});

const inputPeaks = exts.map((ext) => ext.reduce((a, v) => Math.max(a, Math.abs(v)), 0));

/** Whole channels; runningMax 0 makes every kernel compute its exact peak. */
function bareKernel(kernel: Kernel): number {
  let peak = 0;
  exts.forEach((ext, c) => (peak = Math.max(peak, kernel(ext, frames, 0, inputPeaks[c]!))));
  return peak;
}

function meters(useWasm: boolean, skip: boolean): number {
  let peak = 0;
  for (const x of signal) {
    const m = new TruePeakMeter(rate, { useWasm });
    m.skipEnabled = skip;
    // 10 ms sub-blocks, as the loudness analyzer feeds it
    for (let i = 0; i < frames; i += 480) m.process(x, i, Math.min(frames, i + 480));
    peak = Math.max(peak, m.truePeak);
  }
  return peak;
}

const db = (v: number) => `${(20 * Math.log10(v)).toFixed(6)} dB`;
// --kw: only the K-weighting rows
const tpRows = !process.argv.includes('--kw');
const module = tpRows ? defaultTruePeakWasm() : null;
if (tpRows) console.log(`true peak, 4x, ${ip.tapsPerPhase} taps x ${ip.factor - 1} fractional phases; ${channels} ch x ${seconds} s @ ${rate} Hz`);
if (tpRows) console.log(`wasm: ${module ? defaultWasmPath() : 'not built (npm run build:wasm): JS rows only'}`);

const js = tpRows ? best(() => bareKernel(compileKernel(ip))) : { seconds: 0, value: 0 };
if (tpRows) row('TP kernel, JS (taps inlined, double)', js, db(js.value));
const oversampler = module ? wasmOversampler(module, ip) : null;
const wasm = oversampler?.exact;
if (wasm) {
  const w = best(() => bareKernel(wasm));
  row('TP kernel, WASM SIMD (f64x2, same sums)', w, `${db(w.value)}  ${(js.seconds / w.seconds).toFixed(2)}x JS, ${w.value === js.value ? 'bit-identical' : 'DIFFERS'}`);
  // the f32x4 screen alone: a running maximum nothing beats, so no stretch falls through to f64x2 (nor,
  // here, past the screen's first pass over the central half of the taps)
  const screened = oversampler!.screened;
  const f = best(() => {
    let peak = 0;
    exts.forEach((ext, c) => {
      for (let i = 0; i + 128 <= frames; i += 128) peak = Math.max(peak, screened(ext.subarray(i, i + H + 128), 128, 10, inputPeaks[c]!));
    });
    return peak;
  });
  row('TP kernel, WASM f32x4 screen, central taps only', f, `${(js.seconds / f.seconds).toFixed(2)}x JS`);
}
for (const skip of tpRows ? [false, true] : []) {
  const mj = best(() => meters(false, skip));
  row(`TruePeakMeter JS, skip ${skip ? 'on' : 'off'}`, mj, db(mj.value));
  if (module) {
    const mw = best(() => meters(true, skip));
    row(`TruePeakMeter WASM, skip ${skip ? 'on' : 'off'}`, mw, `${db(mw.value)}  ${(mj.seconds / mw.seconds).toFixed(2)}x JS, ${mw.value === mj.value ? 'bit-identical' : 'DIFFERS'}`);
  }
}

// The skip bound (TruePeakMeter.rangeBound) and stretch lengths: the old test (worstCaseGain × max |x|
// on 128-sample stretches) vs the signed-range bound on 128-sample stretches, alone and with sub-stretches
// of 32 or 16 tested again where a stretch may beat the maximum; on programme-like channels of 60 s fed
// in 1 s blocks as the analyzers do. Same true peak by construction (checked here); what changes is the
// share of samples oversampled and so the time.
function programme(kind: string): Float32Array {
  let seed = 777;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  const x = new Float32Array(frames);
  let p = 0;
  for (let i = 0; i < frames; i++) {
    const t = i / rate;
    const white = rand() * 2 - 1;
    p = 0.97 * p + 0.1 * white;
    if (kind === 'music bed') {
      // a slow chord change every 4 s: three partials each with two harmonics, a bass an octave down
      const root = [110, 98, 123.47, 82.41][Math.floor(t / 4) % 4]!;
      let v = 0.12 * Math.sin(2 * Math.PI * root * 0.5 * t);
      for (const r of [1, 1.26, 1.5]) v += 0.08 * Math.sin(2 * Math.PI * root * r * 2 * t) + 0.03 * Math.sin(2 * Math.PI * root * r * 4 * t);
      x[i] = v * (0.8 + 0.2 * Math.sin(2 * Math.PI * t / 7)) + 0.01 * p;
    } else if (kind === 'dialogue') {
      // syllables of voiced buzz (~4 per second, varying level), phrase pauses on room tone
      const phrase = t % 6 < 4.2;
      const syl = Math.max(0, Math.sin(2 * Math.PI * 4.1 * t)) ** 2;
      const level = 0.3 * (0.6 + 0.4 * Math.sin(2 * Math.PI * t / 3.3));
      const buzz = Math.sin(2 * Math.PI * 140 * t) + 0.5 * Math.sin(2 * Math.PI * 280 * t) + 0.3 * p;
      x[i] = (phrase ? level * syl * buzz : 0) + 0.002 * p;
    } else if (kind === 'noise bursts') {
      // 200 ms bursts of noise at random levels every ~2 s over a quiet floor
      const burst = t % 2.1 < 0.2;
      const level = 0.1 + 0.5 * ((Math.floor(t / 2.1) * 0.6180339) % 1);
      x[i] = (burst ? level * white : 0) + 0.003 * p;
    } else {
      // crescendo: pink-ish noise rising 30 dB over the minute (the worst case for time order)
      x[i] = 5 * p * 0.02 * Math.pow(10, (30 * (t / seconds)) / 20);
    }
  }
  return x;
}

function skipMeters(channelsIn: Float32Array[], useWasm: boolean, rangeBound: boolean, subStretchSamples: number): { seconds: number; value: number; share: number } {
  let share = 0;
  const r = best(() => {
    let peak = 0;
    let over = 0;
    let all = 0;
    for (const x of channelsIn) {
      const m = new TruePeakMeter(rate, { useWasm, stretchSamples: 128, subStretchSamples });
      m.rangeBound = rangeBound;
      for (let i = 0; i < frames; i += 48000) m.process(x, i, Math.min(frames, i + 48000));
      peak = Math.max(peak, m.truePeak);
      // counts are in sub-stretches: weigh them by their length
      over += m.oversampled * subStretchSamples;
      all += (m.oversampled + m.skipped) * subStretchSamples;
    }
    share = over / all;
    return peak;
  });
  return { ...r, share };
}

const programmes: Array<[string, Float32Array[]]> = !tpRows ? [] : [
  ['pink ±6 dB (above)', signal],
  ...['music bed', 'dialogue', 'noise bursts', 'crescendo'].map((k): [string, Float32Array[]] => [k, [programme(k)]]),
];
for (const useWasm of !tpRows ? [] : module ? [false, true] : [false]) {
  for (const [name, chans] of programmes) {
    const n = chans.length * frames;
    const ns = (r: { seconds: number }) => ((r.seconds * 1e9) / n).toFixed(3);
    const cell = (r: { seconds: number; share: number }) => `${(100 * r.share).toFixed(1).padStart(5)}% ${ns(r).padStart(6)} ns`;
    const old = skipMeters(chans, useWasm, false, 128);
    const range = [128, 32, 16].map((len) => skipMeters(chans, useWasm, true, len));
    const same = range.every((r) => r.value === old.value);
    console.log(
      `TP skip ${useWasm ? 'WASM' : 'JS  '} ${name.padEnd(18)} oversampled, ns/sample: old ${cell(old)} | range ${cell(range[0]!)} | range, subs 32 ${cell(range[1]!)} | subs 16 ${cell(range[2]!)}  ${same ? 'same peak' : 'DIFFERS'}`,
    );
  }
}

// K-weighting and the unweighted Σx², fed 10 ms sub-blocks as the loudness analyzer does: per channel
// (the analyzer's loops today) and all channels per call through KWeightingFilters (its plain-JS twin and
// WASM f64x2, two channels per vector)
const k = kWeightingCoefficients(rate);
/** Per-channel sums in the analyzer's order (sub-block by sub-block), folded into one number to compare. */
function fold(sums: Float64Array): number {
  return sums.reduce((a, v, c) => a + v * (c + 1), 0);
}
const kw = best(() => {
  const states = signal.map(() => new Float64Array(8));
  const sums = new Float64Array(channels);
  const plainSums = new Float64Array(channels);
  for (let i = 0; i < frames; i += 480) {
    const end = Math.min(frames, i + 480);
    for (let c = 0; c < channels; c++) {
      const x = signal[c]!;
      sums[c]! += kWeightSumSquares(x, i, end, k, states[c]!);
      let ss = 0;
      for (let j = i; j < end; j++) ss += x[j]! * x[j]!;
      plainSums[c]! += ss;
    }
  }
  return fold(sums) + fold(plainSums);
});
row('K-weighting + Σx², JS per channel', kw);
const out = new Float64Array(channels);
const plainOut = new Float64Array(channels);
const filters = (useWasm: boolean) => () => {
  const f = new KWeightingFilters(rate, channels, { useWasm });
  const sums = new Float64Array(channels);
  const plainSums = new Float64Array(channels);
  for (let i = 0; i < frames; i += 480) {
    f.sumSquares(signal, i, Math.min(frames, i + 480), out, plainOut);
    for (let c = 0; c < channels; c++) {
      sums[c]! += out[c]!;
      plainSums[c]! += plainOut[c]!;
    }
  }
  return fold(sums) + fold(plainSums);
};
const kj = best(filters(false));
row('K-weighting + Σx², KWeightingFilters JS', kj, kj.value === kw.value ? 'same sums' : 'DIFFERS');
const kwWasm = new KWeightingFilters(rate, 1).usingWasm;
if (kwWasm) {
  const kwa = best(filters(true));
  row('K-weighting + Σx², KWeightingFilters WASM', kwa, `${(kj.seconds / kwa.seconds).toFixed(2)}x its JS twin, ${(kw.seconds / kwa.seconds).toFixed(2)}x per channel, ${kwa.value === kw.value ? 'same sums' : 'DIFFERS'}`);
} else console.log('K-weighting WASM not built (npm run build:wasm)');

// K-weighting + Σx² in ns per channel-sample by channel count (10 s, 10 ms calls as the analyzer makes):
// the JS twin, the WASM filters, and with KW_OLD_WASM=<path of an earlier dist/wasm/kweighting.wasm,
// e.g. /work/main's> that kernel driven by the protocol it was built for (planar input, state and sums
// copied in and out per call, as its KWeightingFilters did), so old and new run in the same process.
// "WASM segments": KWeightingFilters.sumSquaresSegments on 1 s blocks (one call per block, each channel
// copied in once per 4096 samples). Run with --kw for these rows alone.
const oldPath = process.env.KW_OLD_WASM;
const oldModule = oldPath ? loadWasm(oldPath) : null;
if (oldPath && !oldModule) console.log(`KW_OLD_WASM: cannot load ${oldPath}`);
function oldFilters(channelCount: number): (chans: Float32Array[], from: number, to: number, out: Float64Array, plainOut: Float64Array) => void {
  const e = new WebAssembly.Instance(oldModule!, {}).exports as unknown as {
    memory: WebAssembly.Memory;
    inputPointer(): number;
    statePointer(): number;
    coefsPointer(): number;
    sumsPointer(): number;
    plainPointer(): number;
    capacity(): number;
    run(channels: number, count: number): void;
  };
  const { shelf: s, highPass: h } = k;
  new Float64Array(e.memory.buffer, e.coefsPointer(), 10).set([s.b0, s.b1, s.b2, s.a1, s.a2, h.b0, h.b1, h.b2, h.a1, h.a2]);
  const cap = e.capacity();
  const input = new Float32Array(e.memory.buffer, e.inputPointer(), 32 * cap);
  const state = new Float64Array(e.memory.buffer, e.statePointer(), 32 * 8);
  const wsums = new Float64Array(e.memory.buffer, e.sumsPointer(), 32);
  const wplain = new Float64Array(e.memory.buffer, e.plainPointer(), 32);
  const states = Array.from({ length: channelCount }, () => new Float64Array(8));
  return (chans, from, to, out, plainOut) => {
    const n = chans.length;
    const lanes = n + (n & 1);
    for (let c = 0; c < n; c++) for (let j = 0; j < 8; j++) state[c * 8 + j] = states[c]![j]!;
    state.fill(0, n * 8, lanes * 8);
    wsums.fill(0, 0, lanes);
    wplain.fill(0, 0, lanes);
    for (let c = 0; c < n; c++) input.set(chans[c]!.subarray(from, to), c * cap);
    if (lanes > n) input.fill(0, n * cap, n * cap + to - from);
    e.run(lanes, to - from);
    for (let c = 0; c < n; c++) {
      const st = states[c]!;
      for (let j = 0; j < 8; j++) st[j] = state[c * 8 + j]!;
      if (Math.abs(st[2]!) < 1e-30) st[2] = 0;
      if (Math.abs(st[3]!) < 1e-30) st[3] = 0;
      if (Math.abs(st[6]!) < 1e-30) st[6] = 0;
      if (Math.abs(st[7]!) < 1e-30) st[7] = 0;
      out[c] = wsums[c]!;
      plainOut[c] = wplain[c]!;
    }
  };
}
const kwFrames = rate * 10;
console.log(`K-weighting + Σx², ns per channel-sample, 10 s @ ${rate} Hz in 10 ms calls (best of 3)${oldModule ? `; old = ${oldPath}` : ''}`);
function kwRow(count: number): string {
  const chans = Array.from({ length: count }, (_, c) => signal[c % channels]!.subarray((c >> 1) * 1000, (c >> 1) * 1000 + kwFrames));
  const timeIt = (make: () => (from: number, to: number, out: Float64Array, plainOut: Float64Array) => void) =>
    best(() => {
      const call = make();
      const o = new Float64Array(count);
      const p = new Float64Array(count);
      let acc = 0;
      for (let i = 0; i < kwFrames; i += 480) {
        call(i, Math.min(kwFrames, i + 480), o, p);
        acc += fold(o) + fold(p);
      }
      return acc;
    });
  const ns = (r: { seconds: number }) => `${((r.seconds * 1e9) / (count * kwFrames)).toFixed(3).padStart(6)} ns`;
  const bank = (useWasm: boolean) => () => {
    const f = new KWeightingFilters(rate, count, { useWasm });
    return (from: number, to: number, o: Float64Array, p: Float64Array) => f.sumSquares(chans, from, to, o, p);
  };
  const j = timeIt(bank(false));
  const cells = [`JS ${ns(j)}`];
  if (oldModule) {
    const o = timeIt(() => {
      const f = oldFilters(count);
      return (from, to, out, p) => f(chans, from, to, out, p);
    });
    cells.push(`WASM old ${ns(o)} ${o.value === j.value ? 'same' : 'DIFFERS'}`);
  }
  if (kwWasm) {
    const w = timeIt(bank(true));
    cells.push(`WASM ${ns(w)} ${w.value === j.value ? 'same' : 'DIFFERS'}`);
    // sumSquaresSegments over 1 s blocks, the 10 ms sub-blocks out in one call per block
    const seg = best(() => {
      const f = new KWeightingFilters(rate, count);
      const segs = new Float64Array(100 * count);
      const segsPlain = new Float64Array(100 * count);
      let acc = 0;
      for (let i = 0; i < kwFrames; i += rate) {
        const m = f.sumSquaresSegments(chans, i, Math.min(kwFrames, i + rate), 480, 480, segs, segsPlain);
        for (let s = 0; s < m; s++) acc += fold(segs.subarray(s * count, (s + 1) * count)) + fold(segsPlain.subarray(s * count, (s + 1) * count));
      }
      return acc;
    });
    cells.push(`WASM segments ${ns(seg)} ${seg.value === j.value ? 'same' : 'DIFFERS'}`);
  }
  return `K-weighting ${String(count).padStart(2)} ch: ${cells.join(' | ')}`;
}
// a first pass unprinted: each wasm module starts in its baseline tier and is optimized in the background
kwRow(1);
for (const count of [1, 2, 6, 8, 12]) console.log(kwRow(count));
