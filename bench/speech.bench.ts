/**
 * Speech detector benchmark (issue 7): makes a 5.1 48 kHz 24-bit file (10 minutes by default) with
 * the committed espeak-ng lines in C over a music-like bed and surround noise, then prints the
 * realtime factor (programme seconds per wall second) and memory of
 *   1. the 16 kHz downmix + resampler alone,
 *   2. the speech analyzer alone in the analysis host (downmix, resample, Silero v5 on one thread),
 *   3. measureFile without and with the dialogue hooks (the full `measure --dialogue` pass).
 * Memory: resident set before and after each run, and the peak; it must not grow with length
 * (try --minutes 60).
 *
 *   npx tsx bench/speech.bench.ts [--minutes 10]
 *
 * Prints numbers; never a timed test (the machine is shared: read the ratios, not the seconds).
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openAudio } from '../src/audio/open.js';
import { WavWriter } from '../src/audio/writer.js';
import { runAnalyzers } from '../src/analysis/host.js';
import { measureFile } from '../src/analysis/measure.js';
import { dialogueHooks } from '../src/analysis/dialogue.js';
import { createSpeechAnalyzer, speechDownmixWeights } from '../src/analyzers/speech.js';
import { StreamingResampler } from '../src/dsp/resample.js';
import { committedClips } from '../test/fixtures/speech/clips.js';
import { musicBed, resampleClip, rng, trimClip } from '../test/analysis/dialogue-fixtures.js';

const RATE = 48000;
const argMinutes = process.argv.indexOf('--minutes');
const minutes = argMinutes > 0 ? Number(process.argv[argMinutes + 1]) : 10;
const seconds = Math.round(minutes * 60);
const workDir = path.join(os.tmpdir(), 'dubstage-bench');

function makeFile(): string {
  const file = path.join(workDir, `speech_5p1_${seconds}s.wav`);
  if (existsSync(file) && existsSync(`${file}.done`) && statSync(file).size > seconds * RATE * 18) return file;
  mkdirSync(workDir, { recursive: true });
  const lines = committedClips().map((c) => trimClip(resampleClip(c, RATE)));
  const w = new WavWriter(file, { sampleRate: RATE, channels: 6, encoding: 's24le', channelMask: 0x3f });
  const chunk = 60 * RATE; // one minute at a time: flat memory while writing
  const rand = rng(7);
  let line = 0;
  let linePos = 0;
  let gap = RATE;
  for (let start = 0; start < seconds * RATE; start += chunk) {
    const n = Math.min(chunk, seconds * RATE - start);
    const music = musicBed(RATE, n, start);
    const ch = Array.from({ length: 6 }, () => new Float32Array(n));
    for (let i = 0; i < n; i++) {
      // lines one after another with 0.5-2.5 s between them
      let v = 0;
      if (gap > 0) gap--;
      else {
        const l = lines[line % lines.length]!;
        v = 0.5 * l[linePos++]!;
        if (linePos >= l.length) {
          line++;
          linePos = 0;
          gap = Math.round((0.5 + 2 * rand()) * RATE);
        }
      }
      const noise = 0.01 * (rand() * 2 - 1);
      ch[0]![i] = 0.3 * music.front[0][i]!;
      ch[1]![i] = 0.3 * music.front[1][i]!;
      ch[2]![i] = v + 0.1 * music.front[0][i]!;
      ch[3]![i] = 0.3 * music.bass[i]!;
      ch[4]![i] = noise;
      ch[5]![i] = 0.01 * (rand() * 2 - 1);
    }
    w.append(ch, n);
  }
  w.close();
  writeFileSync(`${file}.done`, '');
  return file;
}

const mb = (b: number) => (b / 1048576).toFixed(0);

async function run(name: string, fn: () => Promise<void> | void): Promise<void> {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const poll = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  await fn();
  const wall = (performance.now() - t0) / 1000;
  clearInterval(poll);
  const after = process.memoryUsage().rss;
  peak = Math.max(peak, after);
  process.stdout.write(
    `${name.padEnd(44)} ${wall.toFixed(2).padStart(7)} s   ${(seconds / wall).toFixed(0).padStart(6)}x realtime   rss ${mb(before)} -> ${mb(after)} MB (peak ${mb(peak)})\n`,
  );
}

const file = makeFile();
process.stdout.write(`file: ${file} (${minutes} min, 5.1, 48 kHz, 24-bit)\n`);

await run('downmix + resample to 16 kHz', async () => {
  const source = await openAudio(file);
  const weights = speechDownmixWeights(source.header.format.channelLabels);
  const r = new StreamingResampler(RATE, 16000);
  const block = 48000;
  const chs = Array.from({ length: 6 }, () => new Float32Array(block));
  const mono = new Float32Array(block);
  const out = new Float32Array(r.maxOutputFrames(block));
  for (;;) {
    const n = source.read(chs, block);
    if (n === 0) break;
    mono.fill(0);
    for (let c = 0; c < 6; c++) if (weights[c]) for (let i = 0; i < n; i++) mono[i]! += weights[c]! * chs[c]![i]!;
    r.push(mono, n, out);
  }
  source.close();
});

let speechPercent = 0;
await run('speech analyzer alone (Silero v5, 1 thread)', async () => {
  const source = await openAudio(file);
  const a = createSpeechAnalyzer();
  await runAnalyzers(source, [a]);
  speechPercent = a.finish().speechPercent;
  source.close();
});
process.stdout.write(`  speech found: ${speechPercent.toFixed(1)} % of the programme\n`);

let plain = '';
await run('measure (loudness, true peak)', async () => {
  const m = await measureFile(file);
  plain = m.error ? m.error.message : `programme ${m.loudness?.integratedLufs} LUFS`;
});
process.stdout.write(`  ${plain}\n`);

let dialogue = '';
await run('measure --dialogue (same pass + speech)', async () => {
  const m = await measureFile(file, dialogueHooks());
  const d = m.loudness?.dialogue;
  dialogue = d ? `gatedLufs ${d.gatedLufs} speech ${d.speechPercent} % programme ${m.loudness?.integratedLufs} LUFS` : String(m.error?.message);
});
process.stdout.write(`  ${dialogue}\n`);
