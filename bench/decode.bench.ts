/**
 * Kernel benchmark (issue 8): PCM decoding, interleaved bytes -> planar Float32, plain JS
 * (decodeInterleavedJs) vs the WASM SIMD decoder (decodeInterleaved), in ns per sample, same run.
 *
 *   npm run build && node dist/bench/decode.bench.js [FILE.wav]     (or npx tsx bench/decode.bench.ts)
 *
 * Then read + decode of a cached file (FILE, by default the qc bench's 5.1 dialogue stem when it is
 * there): the reader's old path (the block read into a buffer, then copied into the kernel) vs today's
 * (read straight into the kernel's input), and the plain-JS decoder, in GB/s of file bytes, same run.
 *
 * 10 s of random bytes per layout, decoded as the WAV reader does: blocks of 48000 frames (the host's
 * block) into the same reused planar buffers. Best of 5 after a warm-up. Each row also says whether the
 * two paths gave the same floats. Never a timed test: the machine is shared.
 */
import { existsSync } from 'node:fs';
import { openFileSource } from '../src/audio/bytesource.js';
import { openByteSource, readHeaderFrom } from '../src/audio/open.js';
import { bytesPerSample, decodeInterleaved, decodeInterleavedJs, usingPcmWasm, type SampleEncoding } from '../src/audio/pcm.js';
import { wasmPath } from '../src/dsp/wasm/load.js';

const rate = 48000;
const seconds = 10;
const block = 48000;

function randomBytes(n: number): Uint8Array {
  let a = 12345;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = a >>> 24;
  }
  return out;
}

type Decode = (bytes: Uint8Array, frames: number, out: Float32Array[]) => void;

/** Best seconds of 5 passes over the whole buffer, block by block. */
function best(bytes: Uint8Array, frames: number, blockAlign: number, out: Float32Array[], decode: Decode): number {
  const pass = () => {
    for (let f0 = 0; f0 < frames; f0 += block) {
      decode(bytes.subarray(f0 * blockAlign), Math.min(block, frames - f0), out);
    }
  };
  pass();
  let bestSeconds = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    pass();
    bestSeconds = Math.min(bestSeconds, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return bestSeconds;
}

function sameFloats(a: Float32Array[], b: Float32Array[]): boolean {
  return a.every((x, c) => {
    const u = new Uint32Array(x.buffer);
    const v = new Uint32Array(b[c]!.buffer);
    return u.every((bits, i) => bits === v[i] || (Number.isNaN(x[i]) && Number.isNaN(b[c]![i])));
  });
}

console.log(`PCM decode, ${seconds} s at ${rate} Hz per layout, blocks of ${block} frames into reused planar buffers`);
console.log(`wasm: ${usingPcmWasm() ? wasmPath('pcm') : 'not built (npm run build:wasm): JS rows only'}`);
console.log(`${'layout'.padEnd(16)} ${'JS ns/sample'.padStart(13)} ${'WASM ns/sample'.padStart(15)} ${'WASM vs JS'.padStart(11)}`);
const layouts: [SampleEncoding, number][] = [
  ['s24le', 6],
  ['s24le', 2],
  ['s24le', 1],
  ['s24le', 3],
  ['s24le', 12],
  ['s16le', 6],
  ['s32le', 6],
  ['f32le', 6],
  ['s24be', 6],
];
for (const [enc, channels] of layouts) {
  const blockAlign = channels * bytesPerSample(enc);
  const frames = rate * seconds;
  const bytes = randomBytes(frames * blockAlign);
  const samples = frames * channels;
  const jsOut = Array.from({ length: channels }, () => new Float32Array(block));
  const wasmOut = Array.from({ length: channels }, () => new Float32Array(block));
  const js = best(bytes, frames, blockAlign, jsOut, (b, n, out) => decodeInterleavedJs(b, n, channels, blockAlign, enc, out, 0));
  let line = `${`${enc} ${channels} ch`.padEnd(16)} ${((js / samples) * 1e9).toFixed(3).padStart(13)}`;
  if (usingPcmWasm()) {
    const wasm = best(bytes, frames, blockAlign, wasmOut, (b, n, out) => decodeInterleaved(b, n, channels, blockAlign, enc, out, 0));
    line += ` ${((wasm / samples) * 1e9).toFixed(3).padStart(15)} ${`${(js / wasm).toFixed(2)}x`.padStart(11)}  ${sameFloats(jsOut, wasmOut) ? 'same floats' : 'DIFFERS'}`;
  }
  console.log(line);
}

const file = process.argv[2] ?? '/tmp/dubstage-bench/qc_delivery_v3_1200s/REEL1_DX_51.wav';
if (!existsSync(file)) {
  console.log(`\nread + decode: ${file} not found (run node dist/bench/qc.bench.js once, or name a WAV): skipped`);
} else {
  type Run = { seconds: number; sum: number; bytes: number };
  /** One pass over the whole file through the reader (openByteSource), blocks of `block` frames. */
  const viaReader = (useWasm: boolean) => (): Run => {
    const source = openByteSource(openFileSource(file), { pcm: { useWasm } });
    const out = Array.from({ length: source.header.format.channels }, () => new Float32Array(block));
    let sum = 0;
    const t0 = process.hrtime.bigint();
    for (let got; (got = source.read(out, block)) > 0; ) sum += out[0]![got >> 1]!;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    source.close();
    return { seconds, sum, bytes: source.header.format.frames * source.header.blockAlign };
  };
  // The reader before the direct path: the whole block read into a buffer, then decodeInterleaved
  // (which copies it into the kernel chunk by chunk).
  const oldPath = (): Run => {
    const src = openFileSource(file);
    const h = readHeaderFrom(src);
    const n = h.format.channels;
    const out = Array.from({ length: n }, () => new Float32Array(block));
    const scratch = new Uint8Array(block * h.blockAlign);
    let sum = 0;
    const t0 = process.hrtime.bigint();
    for (let f = 0; f < h.format.frames; f += block) {
      const frames = Math.min(block, h.format.frames - f);
      const whole = Math.floor(src.read(scratch, 0, frames * h.blockAlign, h.dataOffset + f * h.blockAlign) / h.blockAlign);
      decodeInterleaved(scratch, whole, n, h.blockAlign, h.encoding, out, 0);
      sum += out[0]![whole >> 1]!;
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    src.close();
    return { seconds, sum, bytes: h.format.frames * h.blockAlign };
  };
  const rows: [string, () => Run][] = [['plain JS (useWasm: false)', viaReader(false)]];
  if (usingPcmWasm()) rows.push(['WASM, read then copy in (old)', oldPath], ['WASM, read into the kernel (new)', viaReader(true)]);
  // Rounds of every row in turn (the machine is shared: a busy spell hits all rows alike); best of 5.
  const results: [string, Run][] = rows.map(([name, pass]) => [name, pass()]);
  for (let r = 0; r < 5; r++) {
    rows.forEach(([, pass], i) => {
      const run = pass();
      if (r === 0 || run.seconds < results[i]![1].seconds) results[i]![1] = run;
    });
  }
  const base = results[1]?.[1] ?? results[0]![1];
  console.log(`\nread + decode of ${file} (cached), blocks of ${block} frames, best of 5 rounds (after a warm-up)`);
  for (const [name, r] of results) {
    console.log(`${name.padEnd(34)} ${(r.bytes / r.seconds / 1e9).toFixed(2).padStart(6)} GB/s ${`${(base.seconds / r.seconds).toFixed(2)}x`.padStart(7)}  ${r.sum === base.sum ? 'same checksum' : 'DIFFERS'}`);
  }
}
