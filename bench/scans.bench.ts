/**
 * Scan benchmark (issue 8): the per-sample QC analyzers that ride every measuring pass of `dubstage qc`
 * (silence, clipping, peak overs, DC offset, phase), plain JS vs the WASM block scans, in one run.
 *
 *   npm run build && node dist/bench/scans.bench.js [--file X.wav] [--seconds 60]
 *
 * Default signal: 60 s of 5.1 at 48 kHz shaped like a delivery stem: programme with room tone dipping
 * under -60 dBFS, exact-zero samples and holes, a silent LFE. With --file, the first --seconds of that
 * file instead (e.g. a stem of the qc bench's delivery). Blocks of 48000 frames as the host feeds them;
 * the WASM rows read the blocks in place from the scan's memory with one shared scan per block, as the
 * host does (the last rows: copied into WASM memory instead, once per block or once per analyzer). Only
 * process() is timed (the decode is the same for both). Best of 3 after a warm-up.
 * Never a timed test: the machine is shared.
 */
import type { ChannelLabel } from '../src/audio/channels.js';
import { openAudio } from '../src/audio/open.js';
import type { Analyzer, AudioBlock } from '../src/analyzers/types.js';
import { BlockScan, scanModule } from '../src/dsp/block-scan.js';
import { ClippingAnalyzer } from '../src/analyzers/clipping.js';
import { DcOffsetAnalyzer } from '../src/analyzers/dc-offset.js';
import { PhaseAnalyzer } from '../src/analyzers/phase.js';
import { SilenceAnalyzer } from '../src/analyzers/silence.js';
import { PeakOversAnalyzer } from '../src/analyzers/peak-overs.js';

const rate = 48000;
const blockFrames = 48000;
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const seconds = Number(arg('--seconds') ?? 60);
const file = arg('--file');

function delivery(): { channels: Float32Array[]; labels: ChannelLabel[] } {
  let seed = 12345;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const labels: ChannelLabel[] = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];
  const frames = seconds * rate;
  const channels = labels.map((label, c) => {
    const x = new Float32Array(frames);
    if (label === 'LFE') return x;
    let p = 0;
    for (let i = 0; i < frames; i++) {
      // a slow swell between about -70 and -20 dBFS: crosses the -60 dBFS activity level often
      const env = 10 ** ((-45 + 25 * Math.sin((2 * Math.PI * i) / rate / (7 + c))) / 20);
      p = 0.95 * p + (rand() - 0.5);
      // quantized to 24 bits, so quiet stretches hold exact zeros as real stems do
      x[i] = Math.round(env * p * 0.5 * 8388608) / 8388608;
    }
    for (let h = 0; h < seconds; h++) {
      const at = Math.floor(rand() * (frames - 2000));
      x.fill(0, at, at + Math.floor(rand() * 1500));
    }
    return x;
  });
  return { channels, labels };
}

async function fromFile(path: string): Promise<{ channels: Float32Array[]; labels: ChannelLabel[] }> {
  const src = await openAudio(path);
  const f = src.header.format;
  const frames = Math.min(f.frames, Math.round(seconds * f.sampleRate));
  const channels = Array.from({ length: f.channels }, () => new Float32Array(frames));
  const bufs = Array.from({ length: f.channels }, () => new Float32Array(blockFrames));
  for (let at = 0; at < frames; ) {
    const got = src.read(bufs, Math.min(blockFrames, frames - at));
    if (got === 0) break;
    bufs.forEach((b, c) => channels[c]!.set(b.subarray(0, got), at));
    at += got;
  }
  src.close();
  return { channels, labels: f.channelLabels };
}

const signal = file ? await fromFile(file) : delivery();
const frames = signal.channels[0]!.length;
const module = scanModule();
if (module === null) throw new Error('no dist/wasm/block-scan.wasm: run npm run build');

/**
 * How the WASM rows get their samples: 'in place' reads the host's buffers in the scan's memory (what the
 * host does); 'copied once' has plain buffers copied into one shared scan once per channel per block;
 * 'copied per analyzer' has no shared scan, so each analyzer copies the block into its own.
 */
type Feed = 'in place' | 'copied once' | 'copied per analyzer';

/** Time the analyzers' process() over the whole signal, block by block; the decode-like fill is not timed. */
function pass(make: () => Analyzer<unknown>[], wasm: boolean, feed: Feed = 'in place'): { seconds: number; results: unknown[] } {
  const analyzers = make();
  const labels = signal.labels;
  for (const a of analyzers) a.start({ sampleRate: rate, channelCount: labels.length, channelLabels: labels, frames });
  const scan = wasm && feed !== 'copied per analyzer' ? BlockScan.create(module)! : null;
  const bufs = scan && feed === 'in place' ? scan.allocate(labels.length, blockFrames)! : labels.map(() => new Float32Array(blockFrames));
  const block: AudioBlock = { channels: bufs, frames: 0, frameOffset: 0 };
  if (scan) block.scan = scan;
  let ns = 0n;
  for (let at = 0; at < frames; at += blockFrames) {
    const n = Math.min(blockFrames, frames - at);
    signal.channels.forEach((x, c) => bufs[c]!.set(x.subarray(at, at + n)));
    block.frames = n;
    block.frameOffset = at;
    const t0 = process.hrtime.bigint();
    scan?.reset(block);
    for (const a of analyzers) void a.process(block);
    ns += process.hrtime.bigint() - t0;
  }
  return { seconds: Number(ns) / 1e9, results: analyzers.map((a) => a.finish()) };
}

function best(make: () => Analyzer<unknown>[], wasm: boolean, feed?: Feed): { seconds: number; results: unknown[] } {
  let r = pass(make, wasm, feed);
  let s = Infinity;
  for (let k = 0; k < 3; k++) {
    r = pass(make, wasm, feed);
    s = Math.min(s, r.seconds);
  }
  return { seconds: s, results: r.results };
}

const all = (useWasm: boolean): Analyzer<unknown>[] => [
  new ClippingAnalyzer({ useWasm }),
  new SilenceAnalyzer({ useWasm }),
  new DcOffsetAnalyzer({ useWasm }),
  new PhaseAnalyzer({ useWasm }),
  new PeakOversAnalyzer(-2, 200, { useWasm }),
];
const rows: Array<[string, (useWasm: boolean) => Analyzer<unknown>[], Feed?]> = [
  ['silence', (useWasm) => [new SilenceAnalyzer({ useWasm })]],
  ['clipping', (useWasm) => [new ClippingAnalyzer({ useWasm })]],
  ['peak overs (-2 dBTP)', (useWasm) => [new PeakOversAnalyzer(-2, 200, { useWasm })]],
  ['phase', (useWasm) => [new PhaseAnalyzer({ useWasm })]],
  ['dc offset', (useWasm) => [new DcOffsetAnalyzer({ useWasm })]],
  ['all five (WASM: shared, in place)', all],
  ['all five (WASM: shared, copied once)', all, 'copied once'],
  ['all five (WASM: copied per analyzer)', all, 'copied per analyzer'],
];

const samples = frames * signal.labels.length;
console.log(`${file ?? 'synthetic 5.1 delivery stem'}: ${(frames / rate).toFixed(0)} s, ${signal.labels.length} channels, blocks of ${blockFrames}`);
console.log(`${'analyzer'.padEnd(38)} ${'JS s'.padStart(7)} ${'WASM s'.padStart(7)} ${'JS/WASM'.padStart(8)} ${'JS ns/sample'.padStart(13)} ${'WASM ns/sample'.padStart(15)}  same result`);
for (const [name, make, feed] of rows) {
  const js = best(() => make(false), false);
  const wasm = best(() => make(true), true, feed);
  const same = JSON.stringify(js.results) === JSON.stringify(wasm.results);
  console.log(
    `${name.padEnd(38)} ${js.seconds.toFixed(3).padStart(7)} ${wasm.seconds.toFixed(3).padStart(7)} ${(js.seconds / wasm.seconds).toFixed(2).padStart(7)}x ${((js.seconds / samples) * 1e9).toFixed(2).padStart(13)} ${((wasm.seconds / samples) * 1e9).toFixed(2).padStart(15)}  ${same ? 'yes' : 'NO'}`,
  );
}
