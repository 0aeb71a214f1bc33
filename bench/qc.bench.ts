/**
 * QC benchmark (issue 8, "a 20-minute reel's full delivery through `dubstage qc --spec netflix` in
 * under 15 seconds"): builds once, in the temp folder, a Netflix-style near-field delivery — 5.1 and 2.0
 * printmasters, 5.1 DX / MX / FX stems and a 5.1 M&E, 48 kHz 24-bit — where the 5.1 printmaster is the
 * exact (integer) sum of the stems and the M&E the exact sum of music and effects. The DX stem carries
 * the committed espeak-ng lines tiled in C over room tone, the MX a chord bed, the FX noise bursts over
 * a rumble in the LFE. Then it runs `node dist/src/cli/main.js qc DIR --spec netflix --json` and prints
 * wall time, peak resident memory (VmHWM sampled from /proc) and the pipeline's per-stage times
 * (DUBSTAGE_QC_TIMINGS=1 makes the pipeline print them to stderr).
 *
 *   npm run build && node dist/bench/qc.bench.js [--minutes 20] [--threads N] [--repeats N] [--plain] [--against OTHER/dist/src/cli/main.js]
 *
 * --repeats N times the run N times and reports the median one. --plain also runs the inline single-thread path (DUBSTAGE_THREADS=1) and --against another build
 * (say the commit before the speed work); each prints its time and whether its findings (rule,
 * severity, file, channel, timecodes, measured, limit, message) and its deliverables (roles, layouts,
 * every loudness figure) equal this build's.
 *
 * Never a timed test: the machine is shared; read the stage breakdown and ratios, not the seconds.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WavWriter } from '../src/audio/writer.js';
import { timed } from './timed.js';
import { committedClips } from '../test/fixtures/speech/clips.js';
import { effectsBed, musicBed, resampleClip, rng, trimClip } from '../test/analysis/dialogue-fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '..', 'src', 'cli', 'main.js');
const RATE = 48000;
const FULL = 8388608; // 2^23
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const minutes = Number(arg('--minutes') ?? 20);
const seconds = Math.round(minutes * 60);

/** 24-bit little-endian interleaved bytes from planar integer samples. */
function encode24(ch: Int32Array[], frames: number): Buffer {
  const n = ch.length;
  const out = Buffer.allocUnsafe(frames * n * 3);
  let p = 0;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < n; c++) {
      const v = ch[c]![i]!;
      out[p] = v & 0xff;
      out[p + 1] = (v >> 8) & 0xff;
      out[p + 2] = (v >> 16) & 0xff;
      p += 3;
    }
  }
  return out;
}

const q = (x: number): number => Math.max(-FULL, Math.min(FULL - 1, Math.round(x * FULL)));

/** Build the delivery folder (once per length); returns it. */
function makeDelivery(): string {
  const dir = path.join(os.tmpdir(), 'dubstage-bench', `qc_delivery_v3_${seconds}s`);
  if (existsSync(path.join(dir, '.done'))) return dir;
  mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  const lines = committedClips().map((c) => trimClip(resampleClip(c, RATE)));
  const names = ['PM_51', 'PM_20', 'DX_51', 'MX_51', 'FX_51', 'ME_51'] as const;
  const writers = Object.fromEntries(
    names.map((n) => [n, new WavWriter(path.join(dir, `REEL1_${n}.wav`), { sampleRate: RATE, channels: n === 'PM_20' ? 2 : 6, encoding: 's24le', channelMask: n === 'PM_20' ? 0x3 : 0x3f })]),
  ) as Record<(typeof names)[number], WavWriter>;
  const chunk = 10 * RATE; // ten seconds at a time (a multiple of the music bed's 2 s chords)
  const rand = rng(8);
  const tone = rng(9);
  const mk = (c: number) => Array.from({ length: c }, () => new Int32Array(chunk));
  const dx = mk(6), mx = mk(6), fx = mk(6), pm = mk(6), me = mk(6), pm20 = mk(2);
  let line = 0;
  let linePos = 0;
  let lfeLp1 = 0;
  let lfeLp2 = 0;
  const LFE_K = 1 - Math.exp((-2 * Math.PI * 40) / RATE);
  let gap = 2 * RATE;
  for (let start = 0; start < seconds * RATE; start += chunk) {
    const n = Math.min(chunk, seconds * RATE - start);
    const music = musicBed(RATE, n, start / RATE);
    const effects = effectsBed(RATE, n, 1000 + start / RATE);
    // The music swells and dips over a minute; effects sit under it.
    for (let i = 0; i < n; i++) {
      const t = (start + i) / RATE;
      // Dialogue: lines one after another with 0.5-3 s between, on room tone at about -66 dBFS.
      let v = 0;
      if (gap > 0) gap--;
      else {
        const l = lines[line % lines.length]!;
        v = 0.27 * l[linePos++]!;
        if (linePos >= l.length) {
          line++;
          linePos = 0;
          gap = Math.round((0.5 + 2.5 * rand()) * RATE);
        }
      }
      const room = 0.0005 * (tone() * 2 - 1);
      dx[0]![i] = q(0.5 * room);
      dx[1]![i] = q(0.00025 * (tone() * 2 - 1));
      dx[2]![i] = q(v + room);
      dx[3]![i] = 0; // a dialogue stem's LFE is silent
      dx[4]![i] = 0;
      dx[5]![i] = 0;
      // Music under the dialogue: it swells and dips over a minute; R shares most of L (a stereo bed, not
      // two unrelated tones), the surrounds carry it 6 dB down, the LFE its bass line.
      const swell = 0.25 + 0.15 * Math.sin((2 * Math.PI * t) / 60);
      const mL = music.front[0][i]! * swell;
      const mR = (0.7 * music.front[0][i]! + 0.3 * music.front[1][i]!) * swell;
      mx[0]![i] = q(mL);
      mx[1]![i] = q(mR);
      mx[2]![i] = 0;
      mx[3]![i] = q(0.5 * music.bass[i]! * swell);
      mx[4]![i] = q(0.5 * mL);
      mx[5]![i] = q(0.5 * mR);
      // Effects: bursts panned around the room over an ambience floor (about -66 dBFS: never digital
      // zero), a rumble in the LFE low-passed again at 40 Hz so little sits above 120 Hz.
      const b = 0.4 * effects.bursts[i]!;
      const pan = 0.5 + 0.5 * Math.sin((2 * Math.PI * t) / 7);
      const amb = 0.0005 * (tone() * 2 - 1);
      lfeLp1 += LFE_K * (effects.rumble[i]! - lfeLp1);
      lfeLp2 += LFE_K * (lfeLp1 - lfeLp2);
      fx[0]![i] = q(0.5 * b * pan + amb);
      fx[1]![i] = q(0.5 * b * (1 - pan) + amb);
      fx[2]![i] = q(0.15 * b + 0.5 * amb);
      fx[3]![i] = q(0.3 * lfeLp2);
      fx[4]![i] = q(0.3 * b * (1 - pan) + amb);
      fx[5]![i] = q(0.3 * b * pan + amb);
      for (let c = 0; c < 6; c++) {
        me[c]![i] = mx[c]![i]! + fx[c]![i]!;
        pm[c]![i] = dx[c]![i]! + me[c]![i]!;
      }
      // The 2.0 printmaster: an Lo/Ro fold-down of the 5.1 (its own file, not nulled against 5.1 stems).
      const g = Math.SQRT1_2;
      pm20[0]![i] = q((pm[0]![i]! + g * pm[2]![i]! + g * pm[4]![i]!) / FULL);
      pm20[1]![i] = q((pm[1]![i]! + g * pm[2]![i]! + g * pm[5]![i]!) / FULL);
    }
    writers.PM_51.appendEncoded(encode24(pm, n));
    writers.PM_20.appendEncoded(encode24(pm20, n));
    writers.DX_51.appendEncoded(encode24(dx, n));
    writers.MX_51.appendEncoded(encode24(mx, n));
    writers.FX_51.appendEncoded(encode24(fx, n));
    writers.ME_51.appendEncoded(encode24(me, n));
  }
  for (const w of Object.values(writers)) w.close();
  writeFileSync(path.join(dir, '.done'), '');
  console.log(`built ${dir} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}

interface Finding {
  rule: string;
  severity: string;
  file: string | null;
  channel: string | null;
  startTimecode: string | null;
  measured: unknown;
}

/** Read every file of the folder once (4 MB at a time) so it sits in the page cache. */
function warmPageCache(dir: string): { bytes: number; seconds: number } {
  const t0 = process.hrtime.bigint();
  const buf = Buffer.allocUnsafe(4 << 20);
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.wav')) continue;
    const fd = openSync(path.join(dir, name), 'r');
    try {
      for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) bytes += n;
    } finally {
      closeSync(fd);
    }
  }
  return { bytes, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

async function main(): Promise<void> {
  const dir = makeDelivery();
  const threads = arg('--threads');
  const env: NodeJS.ProcessEnv = { ...process.env, DUBSTAGE_QC_TIMINGS: '1' };
  if (threads) env.DUBSTAGE_THREADS = threads;
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`dubstage qc benchmark — ${os.cpus().length} cores, node ${process.version}, load ${load}`);
  console.log(`delivery: ${dir} (${minutes} min; 5.1 + 2.0 PM, 5.1 DX/MX/FX, 5.1 M&E; 48 kHz 24-bit)`);
  // Every run reads the delivery from the page cache (as right after the mix was printed): read it
  // once first, so a file evicted by something else on the machine does not turn a run into a disk test.
  const warm = warmPageCache(dir);
  console.log(`page cache: read the delivery once first (${(warm.bytes / 1e9).toFixed(1)} GB in ${warm.seconds.toFixed(1)} s)`);
  const repeats = Math.max(1, Number(arg('--repeats') ?? 1));
  const runs: Array<Awaited<ReturnType<typeof timed>>> = [];
  for (let i = 0; i < repeats; i++) runs.push(await timed(process.execPath, [cli, 'qc', dir, '--spec', 'netflix', '--fps', '24', '--json'], env));
  if (repeats > 1) console.log(`  runs (wall s): ${runs.map((x) => x.wallSeconds.toFixed(2)).join(', ')}; the median run follows`);
  const r = [...runs].sort((a, b) => a.wallSeconds - b.wallSeconds)[Math.floor((repeats - 1) / 2)]!;
  if (r.code !== 0 && r.code !== 1) throw new Error(`qc exited ${r.code}: ${r.stderr.slice(-800)}`);
  const doc = JSON.parse(r.stdout) as { verdict: string; findings: Finding[]; deliverables: unknown[] };
  console.log(`  wall ${r.wallSeconds.toFixed(2)} s (${(seconds / r.wallSeconds).toFixed(0)}x realtime per reel), peak RSS ${r.peakRssMb.toFixed(0)} MB, verdict ${doc.verdict}, ${doc.findings.length} findings`);
  const counts = new Map<string, number>();
  for (const f of doc.findings) counts.set(`${f.severity} ${f.rule}`, (counts.get(`${f.severity} ${f.rule}`) ?? 0) + 1);
  for (const [k, n] of [...counts].sort()) console.log(`    ${k} x${n}`);
  const timing = /^dubstage-qc-timings (.*)$/m.exec(r.stderr);
  if (timing) {
    const stages = JSON.parse(timing[1]!) as Array<{ stage: string; seconds: number; cpuSeconds?: number }>;
    console.log('  stages (wall s):');
    for (const s of stages) console.log(`    ${s.stage.padEnd(44)} ${s.seconds.toFixed(2).padStart(7)}`);
  } else console.log('  (no stage timings printed: is the build current?)');
  if (process.argv.includes('--findings')) console.log(JSON.stringify(doc.findings, null, 1));
  const others: Array<[string, string, NodeJS.ProcessEnv]> = [];
  if (process.argv.includes('--plain')) others.push(['inline single-thread path (DUBSTAGE_THREADS=1)', cli, { ...env, DUBSTAGE_THREADS: '1' }]);
  const against = arg('--against');
  if (against) others.push([`other build ${against}`, path.resolve(against), env]);
  for (const [what, main, e] of others) {
    const o = await timed(process.execPath, [main, 'qc', dir, '--spec', 'netflix', '--fps', '24', '--json'], e);
    if (o.code !== 0 && o.code !== 1) throw new Error(`qc exited ${o.code}: ${o.stderr.slice(-800)}`);
    const od = JSON.parse(o.stdout) as { verdict: string; findings: Finding[]; deliverables: unknown[] };
    const same = JSON.stringify(od.findings) === JSON.stringify(doc.findings) && od.verdict === doc.verdict;
    // The deliverables table too: every loudness figure of every file (dialogue-gated included).
    const sameDeliverables = JSON.stringify(od.deliverables) === JSON.stringify(doc.deliverables);
    console.log(
      `  ${what}: wall ${o.wallSeconds.toFixed(2)} s, peak RSS ${o.peakRssMb.toFixed(0)} MB, ${od.findings.length} findings — same findings: ${same ? 'yes' : 'NO'}, same deliverables and loudness: ${sameDeliverables ? 'yes' : 'NO'}`,
    );
    if (!same) {
      const a = new Set(doc.findings.map((f) => JSON.stringify(f)));
      const b = new Set(od.findings.map((f) => JSON.stringify(f)));
      for (const f of [...b].filter((x) => !a.has(x)).slice(0, 5)) console.log(`    only there: ${f.slice(0, 300)}`);
      for (const f of [...a].filter((x) => !b.has(x)).slice(0, 5)) console.log(`    only here:  ${f.slice(0, 300)}`);
    }
  }
}

await main();
