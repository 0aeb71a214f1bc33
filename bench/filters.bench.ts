/**
 * Filter benchmark (issue 8): the IIR analyzers that ride qc's measuring passes, plain JS vs the WASM
 * biquad-cascade kernel (src/dsp/wasm/biquad-lanes.as.ts), same run, same buffers, 5.1 at 48 kHz fed in
 * the host's 48000-frame blocks. Rows: the channel-identity analyzer as qc runs it (one block in four) and
 * on every block; the LFE band analyzer with qc's single 120 Hz cutoff and with its default pair (120 and
 * 150 Hz); the speech detector's 48 -> 16 kHz resampler on one channel (StreamingResampler, FIR
 * decimation, plain JS vs the WASM kernel src/dsp/wasm/resample.as.ts). Best of 3 after a warm-up; realtime factor of the 6-channel programme. Each WASM row says
 * whether its result deep-equals the JS one. Never a timed test: the machine is shared.
 *
 *   npm run build && node dist/bench/filters.bench.js      (or npx tsx bench/filters.bench.ts after build:wasm)
 */
import { isDeepStrictEqual } from 'node:util';
import type { Analyzer } from '../src/analyzers/types.js';
import type { ChannelLabel } from '../src/audio/channels.js';
import { ChannelOrderAnalyzer } from '../src/analyzers/channel-order.js';
import { LfeBandAnalyzer } from '../src/analyzers/lfe-band.js';
import { StreamingResampler } from '../src/dsp/resample.js';

const rate = 48000;
const seconds = Number(process.env.BENCH_SECONDS ?? 120);
const frames = rate * seconds;
const blockFrames = 48000;
const labels: ChannelLabel[] = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];

/** Six pink-ish noises with slow envelopes; the LFE a 40 Hz rumble with noise. */
function makeSignal(): Float32Array[] {
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  return labels.map((label, c) => {
    const x = new Float32Array(frames);
    let p0 = 0;
    let p1 = 0;
    for (let i = 0; i < frames; i++) {
      const white = rand() * 2 - 1;
      p0 = 0.99765 * p0 + white * 0.099046;
      p1 = 0.963 * p1 + white * 0.2965164;
      const v = label === 'LFE' ? 0.3 * Math.sin((2 * Math.PI * 40 * i) / rate) + 0.02 * white : (p0 + p1 + white * 0.18) * 0.05;
      x[i] = v * (1 + 0.5 * Math.sin((2 * Math.PI * i) / rate / (20 + c)));
    }
    return x;
  });
}

const signal = makeSignal();
const bufs = signal.map(() => new Float32Array(blockFrames));

/** The silent-LFE case: Ls zeroed and labelled LFE (the real LFE labelled Ls). */
const silentLfeLabels: ChannelLabel[] = ['L', 'R', 'C', 'Ls', 'LFE', 'Rs'];
const silent = new Float32Array(frames);

function feed<R>(analyzer: Analyzer<R>, silentLfe = false): R {
  const channelLabels = silentLfe ? silentLfeLabels : labels;
  analyzer.start({ sampleRate: rate, channelCount: signal.length, channelLabels, frames });
  for (let off = 0; off < frames; off += blockFrames) {
    const n = Math.min(blockFrames, frames - off);
    signal.forEach((x, c) => bufs[c]!.set((silentLfe && c === 4 ? silent : x).subarray(off, off + n)));
    void analyzer.process({ channels: bufs, frames: n, frameOffset: off });
  }
  return analyzer.finish();
}

function best<R>(make: () => Analyzer<R>, silentLfe: boolean): { seconds: number; value: R } {
  let value = feed(make(), silentLfe);
  let bestSeconds = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = process.hrtime.bigint();
    value = feed(make(), silentLfe);
    bestSeconds = Math.min(bestSeconds, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { seconds: bestSeconds, value };
}

function row(name: string, seconds: number, note = ''): void {
  console.log(`${name.padEnd(52)} ${seconds.toFixed(3).padStart(7)} s ${(frames / rate / seconds).toFixed(0).padStart(6)}x realtime  ${note}`);
}

console.log(`5.1 x ${seconds} s @ ${rate} Hz, ${blockFrames}-frame blocks`);
const cases: Array<[string, (useWasm: boolean) => Analyzer<unknown>]> = [
  ['channel-order, one block in four (qc)', (useWasm) => new ChannelOrderAnalyzer({ everyNthBlock: 4, useWasm })],
  ['channel-order, every block (measure)', (useWasm) => new ChannelOrderAnalyzer({ useWasm })],
  ['lfe-band, 120 Hz only (qc)', (useWasm) => new LfeBandAnalyzer({ cutoffsHz: [120], useWasm })],
  ['lfe-band, 120 + 150 Hz (default)', (useWasm) => new LfeBandAnalyzer({ useWasm })],
  // a dialogue stem's LFE is digital zero: labelled so, the silent Ls channel is read as the LFE
  ['lfe-band, 120 Hz, digital-zero LFE (a DX stem)', (useWasm) => new LfeBandAnalyzer({ cutoffsHz: [120], useWasm })],
];
const wasmBuilt = new LfeBandAnalyzer();
wasmBuilt.start({ sampleRate: rate, channelCount: 6, channelLabels: labels, frames: null });
if (!wasmBuilt.usingWasm) console.log('biquad-lanes.wasm not built (npm run build:wasm): JS rows only');
for (const [name, make] of cases) {
  const silentLfe = name.includes('digital-zero');
  const js = best(() => make(false), silentLfe);
  row(`${name}, JS`, js.seconds);
  if (!wasmBuilt.usingWasm) continue;
  const w = best(() => make(true), silentLfe);
  row(`${name}, WASM`, w.seconds, `${(js.seconds / w.seconds).toFixed(2)}x JS, ${isDeepStrictEqual(w.value, js.value) ? 'same result' : 'DIFFERS'}`);
}

// The speech detector's resampler: one mono channel, pushed in the host's blocks.
const mono = signal[0]!;
function resample(useWasm: boolean): { seconds: number; value: Float32Array } {
  const out = new Float32Array(new StreamingResampler(rate, 16000).maxOutputFrames(frames) + 4);
  const once = (): Float32Array => {
    const r = new StreamingResampler(rate, 16000, { useWasm });
    let written = 0;
    for (let off = 0; off < frames; off += blockFrames) {
      const n = Math.min(blockFrames, frames - off);
      written += r.push(mono.subarray(off, off + n), n, out.subarray(written));
    }
    written += r.flush(out.subarray(written));
    return out.slice(0, written);
  };
  let value = once();
  let bestSeconds = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = process.hrtime.bigint();
    value = once();
    bestSeconds = Math.min(bestSeconds, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { seconds: bestSeconds, value };
}
const rj = resample(false);
row('resampler 48 -> 16 kHz (one channel), JS', rj.seconds);
if (new StreamingResampler(rate, 16000).usingWasm) {
  const rw = resample(true);
  const same = rw.value.length === rj.value.length && Buffer.compare(Buffer.from(rw.value.buffer), Buffer.from(rj.value.buffer)) === 0;
  row('resampler 48 -> 16 kHz (one channel), WASM', rw.seconds, `${(rj.seconds / rw.seconds).toFixed(2)}x JS, ${same ? 'same samples' : 'DIFFERS'}`);
} else console.log('resample.wasm not built (npm run build:wasm): resampler JS row only');
