/**
 * Null engine benchmark (issue 8): nullTest's lockstep pass with the plain-JS loops vs the WASM SIMD sums
 * (src/dsp/wasm/null-sums.as.ts), on the two null tests `qc` runs: a 5.1 printmaster vs DX+MX+FX and a
 * 5.1 M&E vs MX+FX, 30 s at 48 kHz (BENCH_SECONDS), from memory (no decode), offsets and ceiling given (as qc gives the
 * ceiling; alignment is the same code on both paths). Prints CPU ms (user + system: steadier than wall
 * time on a shared machine), ns per frame-channel and the ratio, best of 3 after warm-up runs, and checks
 * that both paths give the same result. Never a timed test.
 *
 *   npm run build && node dist/bench/nulltest.bench.js
 */
import type { ChannelLabel } from '../src/audio/channels.js';
import type { AudioSource } from '../src/audio/types.js';
import { nullTest, type NamedSource, type NullTestOptions, type NullTestResult } from '../src/analysis/stems/index.js';
import { defaultNullSumsWasm } from '../src/dsp/null-sums.js';
import { memorySource as memorySourceOf } from '../test/helpers/memory-source.js';

const rate = 48000;
const seconds = Number(process.env.BENCH_SECONDS ?? 30);
const frames = rate * seconds;
const labels: ChannelLabel[] = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];

const memorySource = (path: string, channels: Float32Array[]): AudioSource => memorySourceOf(path, channels, { labels, sampleRate: rate, maxRead: Infinity });

/** A stem: noise with a slow envelope per channel, 24-bit quantised (as a delivered file). */
function stem(seed: number, level: number): Float32Array[] {
  let s = seed >>> 0;
  return labels.map((_, c) => {
    const x = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      s = (s * 1664525 + 1013904223) >>> 0;
      const v = level * (2 * (s / 2 ** 32) - 1) * (0.6 + 0.4 * Math.sin((2 * Math.PI * i) / (rate * (3 + c))));
      x[i] = Math.round(v * 2 ** 23) / 2 ** 23;
    }
    return x;
  });
}

const sum = (...parts: Float32Array[][]): Float32Array[] =>
  labels.map((_, c) => {
    const out = new Float32Array(frames);
    for (const p of parts) for (let i = 0; i < frames; i++) out[i]! += p[c]![i]!;
    return out;
  });

const dx = stem(1, 0.1);
const mx = stem(2, 0.08);
const fx = stem(3, 0.12);
const tests: Array<{ name: string; ref: Float32Array[]; parts: Array<[string, Float32Array[]]> }> = [
  { name: '5.1 printmaster vs DX+MX+FX', ref: sum(dx, mx, fx), parts: [['DX', dx], ['MX', mx], ['FX', fx]] },
  { name: '5.1 M&E vs MX+FX', ref: sum(mx, fx), parts: [['MX', mx], ['FX', fx]] },
];

function run(t: (typeof tests)[number], options: NullTestOptions): { seconds: number; result: NullTestResult; loops: string } {
  let loops = '';
  const parts: NamedSource[] = t.parts.map(([name, x]) => ({ name, source: memorySource(`${name}.wav`, x) }));
  const t0 = process.cpuUsage();
  const result = nullTest({ name: 'ref', source: memorySource('ref.wav', t.ref) }, parts, {
    ...options,
    offsetsFrames: parts.map(() => 0),
    referenceCeilingLinear: 0.9,
    onLoops: (l) => (loops = l),
  });
  const cpu = process.cpuUsage(t0);
  return { seconds: (cpu.user + cpu.system) / 1e6, result, loops };
}

const paths: Array<[string, NullTestOptions]> = [['JS', { useWasm: false }], ['WASM', {}]];
// Warm-up: the JS loops keep getting faster over the first runs (V8's tiers), so every test and path
// runs WARMUP times first; then rounds alternate the paths and each keeps its best.
const warmup = Number(process.env.BENCH_WARMUP ?? 4);
for (let i = 0; i < warmup; i++) for (const t of tests) for (const [, options] of paths) run(t, options);
const bests = tests.map(() => paths.map((): ReturnType<typeof run> | null => null));
for (let round = 0; round < 3; round++) {
  tests.forEach((t, i) =>
    paths.forEach(([, options], p) => {
      const r = run(t, options);
      if (bests[i]![p] === null || r.seconds < bests[i]![p]!.seconds) bests[i]![p] = r;
    }),
  );
}

if (defaultNullSumsWasm() === null) console.log('(no dist/wasm/null-sums.wasm: run npm run build:wasm; the WASM rows fall back to JS)');
console.log(`nullTest, ${seconds} s of 5.1 at 48 kHz from memory, CPU time, best of 3 after ${warmup} warm-up runs`);
let jsTotal = 0;
let wasmTotal = 0;
for (const [i, t] of tests.entries()) {
  const [js, wasm] = bests[i]! as [ReturnType<typeof run>, ReturnType<typeof run>];
  const same = JSON.stringify(js.result) === JSON.stringify(wasm.result);
  const fc = frames * labels.length;
  for (const [what, r] of [[`JS (${js.loops})`, js], [`WASM (${wasm.loops})`, wasm]] as const) {
    console.log(`  ${t.name.padEnd(30)} ${what.padEnd(16)} ${(r.seconds * 1000).toFixed(0).padStart(6)} ms  ${((r.seconds * 1e9) / fc).toFixed(2).padStart(6)} ns/frame-channel`);
  }
  console.log(`  ${t.name.padEnd(30)} ratio JS/WASM ${(js.seconds / wasm.seconds).toFixed(2)}x, results ${same ? 'identical' : 'DIFFER'}`);
  jsTotal += js.seconds;
  wasmTotal += wasm.seconds;
}
console.log(`both null tests: JS ${(jsTotal * 1000).toFixed(0)} ms, WASM ${(wasmTotal * 1000).toFixed(0)} ms, ratio ${(jsTotal / wasmTotal).toFixed(2)}x`);
