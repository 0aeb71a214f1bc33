/**
 * MXF and IMF reading speed against a WAV of the same samples (issue 18), same run:
 *
 *   npm run build && node dist/bench/mxf.bench.js [--minutes N] [--repeats N]
 *
 * Writes N minutes (default 3) of 5.1 48 kHz 24-bit PCM as a WAV, a clip-wrapped OP1a MXF, a
 * frame-wrapped OP1a MXF with a video track (25 fps, 40 KB picture elements skipped unread) and an
 * IMF package playing the clip-wrapped file, to the system temp folder (page cache warm after the
 * first pass). Then, interleaved and best of the repeats:
 *   1. read + decode through openAudio (the host's 1 s blocks), GB/s of PCM, ratio to the WAV (the
 *      open, which walks the KLV headers once, is timed apart: "open ms");
 *   2. `dubstage measure --threads 1 --json`, wall seconds, ratio to the WAV (the IMF row also
 *      computes the track file's SHA-1 in the pass).
 * The target: MXF at >= 90 % of the WAV's speed. Never a timed test: the machine is shared.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openAudio } from '../src/audio/open.js';
import '../src/imf/index.js';
import { buildMxf, testPcm } from '../test/audio/mxf/mxf-writer.js';
import { writePackage } from '../test/imf/imf-writer.js';
import { fmtBody, riffFile } from '../test/helpers/audio-fixtures.js';
import { timed } from './timed.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const minutes = arg('--minutes', 3);
const repeats = arg('--repeats', 3);
const frames = minutes * 60 * 48000;
const dir = path.join(os.tmpdir(), `dubstage-mxf-bench-${process.pid}`);
mkdirSync(dir, { recursive: true });

const L51 = ['chL', 'chR', 'chC', 'chLFE', 'chLs', 'chRs'];
console.log(`writing ${minutes} min of 5.1 48 kHz 24-bit (${((frames * 18) / 1e6).toFixed(0)} MB of PCM) to ${dir}`);
const pcm = testPcm(frames, 6, 24, 7);
const wav = path.join(dir, 'pm51.wav');
writeFileSync(wav, riffFile([{ id: 'fmt ', body: fmtBody({ channels: 6, sampleRate: 48000, bits: 24 }) }, { id: 'data', body: pcm }]));
const clip = path.join(dir, 'pm51_clip.mxf');
writeFileSync(clip, buildMxf({ pattern: 'OP1a', wrapping: 'clip', audio: [{ bits: 24, channels: 6, pcm, mca: { channels: L51, group: 'sg51', language: 'en' } }] }).bytes);
const frame = path.join(dir, 'pm51_frame_video.mxf');
writeFileSync(frame, buildMxf({ pattern: 'OP1a', wrapping: 'frame', editRate: [25, 1], video: { frames: (frames / 48000) * 25, elementBytes: 40_000 }, audio: [{ bits: 24, channels: 6, pcm }] }).bytes);
const imp = writePackage(path.join(dir, 'imp'), { trackFiles: [{ name: 'PM51.mxf', channels: 6, pcm, mca: { channels: L51, group: 'sg51', language: 'en' } }], cpls: [{ name: 'CPL.xml', title: 'bench', segments: [{ audio: { a: [{ file: 'PM51.mxf' }] } }] }] });
const vt = `${imp.cplPaths[0]}#track1`;

const bestOpen = new Map<string, number>();
async function readSeconds(address: string, name: string): Promise<number> {
  const o0 = process.hrtime.bigint();
  const src = await openAudio(address);
  const open = Number(process.hrtime.bigint() - o0) / 1e9;
  bestOpen.set(name, Math.min(bestOpen.get(name) ?? Infinity, open));
  const out = Array.from({ length: 6 }, () => new Float32Array(48000));
  const t0 = process.hrtime.bigint();
  let total = 0;
  for (;;) {
    const n = src.read(out, 48000);
    if (n === 0) break;
    total += n;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  src.close();
  if (total !== frames) throw new Error(`${address}: read ${total} frames, ${frames} expected`);
  return s;
}

const rows: Array<[string, string]> = [['WAV', wav], ['MXF clip-wrapped', clip], ['MXF frame-wrapped + video', frame], ['IMF virtual track (+ SHA-1)', vt]];
const bestRead = new Map<string, number>();
const bestMeasure = new Map<string, number>();
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');
const results = new Map<string, string>();
for (let r = 0; r < repeats + 1; r++) {
  for (const [name, p] of rows) {
    const s = await readSeconds(p, name);
    if (r > 0) bestRead.set(name, Math.min(bestRead.get(name) ?? Infinity, s));
  }
}
for (let r = 0; r < repeats; r++) {
  for (const [name, p] of rows) {
    const run = await timed(process.execPath, [cli, 'measure', '--threads', '1', '--json', p]);
    if (run.code !== 0) throw new Error(`${name}: measure failed: ${run.stderr || run.stdout.slice(0, 400)}`);
    const doc = JSON.parse(run.stdout) as { files: Array<{ loudness: unknown; channels: unknown }> };
    results.set(name, JSON.stringify([doc.files[0]!.loudness, doc.files[0]!.channels]));
    bestMeasure.set(name, Math.min(bestMeasure.get(name) ?? Infinity, run.wallSeconds));
  }
}
const pcmGb = (frames * 18) / 1e9;
const wavRead = bestRead.get('WAV')!;
const wavMeasure = bestMeasure.get('WAV')!;
console.log(`\n${'source'.padEnd(30)} ${'open ms'.padStart(8)} ${'read GB/s'.padStart(10)} ${'vs WAV'.padStart(8)} ${'measure s'.padStart(10)} ${'vs WAV'.padStart(8)}  same numbers as the WAV`);
for (const [name] of rows) {
  const rd = bestRead.get(name)!;
  const ms = bestMeasure.get(name)!;
  console.log(
    `${name.padEnd(30)} ${(bestOpen.get(name)! * 1000).toFixed(1).padStart(8)} ${(pcmGb / rd).toFixed(2).padStart(10)} ${`${((wavRead / rd) * 100).toFixed(0)} %`.padStart(8)} ${ms.toFixed(2).padStart(10)} ${`${((wavMeasure / ms) * 100).toFixed(0)} %`.padStart(8)}  ${results.get(name) === results.get('WAV') ? 'yes' : 'NO'}`,
  );
}
rmSync(dir, { recursive: true, force: true });
