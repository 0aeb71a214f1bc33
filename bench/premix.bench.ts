/**
 * Premix benchmark (issue 16): a 90-minute REAPER session of 40 mono and 8 stereo tracks, a few thousand
 * clips over linked 48 kHz 24-bit WAVs (made here, once, in the temp folder), rendered and measured by
 * `dubstage premix --json`, beside its anchor in the same run: the same tracks bounced by ffmpeg
 * (atrim/volume/afade/adelay/amix of the same clips, one ffmpeg per track) and measured by
 * `dubstage measure`. Prints wall time, realtime factor and peak memory of each, the ratio, and how far
 * the two agree per track.
 *
 *   node dist/bench/premix.bench.js [--minutes 90] [--no-anchor] [--no-flat] [--threads N]
 *
 * Before the long session it renders a 10-minute one of the same make: the two peaks side by side show
 * the memory is flat in the session's length (`--no-flat` skips it). CPU seconds (all threads) are
 * printed beside wall time, and the load average, since the machine is shared. Never a timed test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WavWriter } from '../src/audio/writer.js';
import { timed, type Run } from './timed.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '..', 'src', 'cli', 'main.js');
const args = process.argv.slice(2);
const minutes = Number(args[args.indexOf('--minutes') + 1]) > 0 && args.includes('--minutes') ? Number(args[args.indexOf('--minutes') + 1]) : 90;
const anchor = !args.includes('--no-anchor');
const flat = !args.includes('--no-flat');
const threadsArg = args.includes('--threads') ? ['--threads', args[args.indexOf('--threads') + 1]!] : [];
const rate = 48000;
const workDir = path.join(os.tmpdir(), 'dubstage-premix-bench');
const mediaSeconds = 240;

let seed = 987654321;
function rand(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
}

/** Noise through a one-pole low-pass, under a slow envelope: programme-like, different per file. */
function makeMedia(name: string, channels: number, index: number): string {
  const file = path.join(workDir, name);
  if (existsSync(file) && existsSync(`${file}.done`)) return file;
  const w = new WavWriter(file, { sampleRate: rate, channels, encoding: 's24le' });
  const block = rate;
  const out = Array.from({ length: channels }, () => new Float32Array(block));
  const lp = new Array<number>(channels).fill(0);
  const coef = 0.05 + 0.1 * (index % 5);
  for (let s = 0; s < mediaSeconds; s++) {
    for (let i = 0; i < block; i++) {
      const env = 0.15 * Math.pow(10, (8 * Math.sin((2 * Math.PI * (s + i / rate)) / (11 + index))) / 20);
      for (let c = 0; c < channels; c++) {
        lp[c] = lp[c]! + coef * (rand() * 2 - 1 - lp[c]!);
        out[c]![i] = lp[c]! * env * 3;
      }
    }
    w.append(out, block);
  }
  w.close();
  writeFileSync(`${file}.done`, '');
  return file;
}

interface BenchClip {
  file: string;
  position: number;
  length: number;
  soffs: number;
  gainDb: number;
  fade: number;
}

interface BenchTrack {
  name: string;
  channels: number;
  clips: BenchClip[];
}

function makeSession(minutes: number): { rpp: string; tracks: BenchTrack[]; clipCount: number } {
  mkdirSync(workDir, { recursive: true });
  const mono = Array.from({ length: 10 }, (_, i) => makeMedia(`mono_${i + 1}.wav`, 1, i));
  const stereo = Array.from({ length: 3 }, (_, i) => makeMedia(`stereo_${i + 1}.wav`, 2, 20 + i));
  // the clips from a fixed seed: the same session whether or not the media were made in this run
  seed = 123456789;
  const total = minutes * 60;
  const names = [
    ...Array.from({ length: 14 }, (_, i) => `DX ${i + 1}`),
    ...Array.from({ length: 14 }, (_, i) => `FX ${i + 1}`),
    ...Array.from({ length: 12 }, (_, i) => `FOLEY ${i + 1}`),
  ];
  const tracks: BenchTrack[] = [
    ...names.map((name) => ({ name, channels: 1, clips: [] as BenchClip[] })),
    ...Array.from({ length: 8 }, (_, i) => ({ name: i < 4 ? `MX ${i + 1}` : `BG ${i - 3}`, channels: 2, clips: [] as BenchClip[] })),
  ];
  let clipCount = 0;
  for (const t of tracks) {
    let pos = rand() * 5;
    while (pos < total - 10) {
      const length = Math.min(total - pos, 20 + rand() * 60);
      const pool = t.channels === 1 ? mono : stereo;
      const file = pool[Math.floor(rand() * pool.length)]!;
      const soffs = Math.floor(rand() * (mediaSeconds - length - 1) * 1000) / 1000;
      t.clips.push({ file, position: Math.round(pos * 1000) / 1000, length: Math.round(length * 1000) / 1000, soffs, gainDb: Math.round((rand() * 12 - 6) * 10) / 10, fade: 0.5 });
      clipCount++;
      pos += length + 0.5 + rand() * 10;
    }
  }
  const lines = ['<REAPER_PROJECT 0.1 "7.51/linux64" 1700000000', '  SAMPLERATE 48000 0 0', '  TIMEMODE 1 5 -1 24 0 0 -1'];
  for (let m = 0; m * 300 < total; m++) lines.push(`  MARKER ${m + 1} ${m * 300} "Scene ${m + 1}" 0`);
  for (const t of tracks) {
    lines.push('  <TRACK', `    NAME "${t.name}"`, '    VOLPAN 1 0 -1 -1 1', `    NCHAN ${t.channels === 1 ? 2 : 2}`);
    for (const c of t.clips) {
      lines.push(
        '    <ITEM',
        `      POSITION ${c.position}`,
        `      LENGTH ${c.length}`,
        `      FADEIN 0 ${c.fade} 0 0 0 0 0`,
        `      FADEOUT 0 ${c.fade} 0 0 0 0 0`,
        `      VOLPAN ${Math.pow(10, c.gainDb / 20)} 0 1 -1`,
        `      SOFFS ${c.soffs}`,
        '      <SOURCE WAVE',
        `        FILE "${path.basename(c.file)}"`,
        '      >',
        '    >',
      );
    }
    lines.push('  >');
  }
  lines.push('>');
  return { rpp: `${lines.join('\n')}\n`, tracks, clipCount };
}

/** One track bounced by ffmpeg: each clip trimmed, gained, faded (linear) and delayed, all mixed unnormalised. */
async function bounceTrack(t: BenchTrack, out: string): Promise<{ wall: number; peak: number; cpu: number }> {
  const files = [...new Set(t.clips.map((c) => c.file))];
  const chains: string[] = [];
  t.clips.forEach((c, i) => {
    const input = files.indexOf(c.file);
    const delayMs = Math.round(c.position * 1000 * 1000) / 1000;
    chains.push(
      `[${input}:a]atrim=start=${c.soffs}:duration=${c.length},asetpts=PTS-STARTPTS,volume=${c.gainDb}dB,` +
        `afade=t=in:d=${c.fade},afade=t=out:st=${c.length - c.fade}:d=${c.fade},adelay=delays=${delayMs}:all=1[c${i}]`,
    );
  });
  const graph = `${chains.join(';')};${t.clips.map((_, i) => `[c${i}]`).join('')}amix=inputs=${t.clips.length}:normalize=0:dropout_transition=0[out]`;
  const script = `${out}.filter`;
  writeFileSync(script, graph);
  const r = await timed('ffmpeg', ['-v', 'error', '-y', ...files.flatMap((f) => ['-i', f]), '-filter_complex_script', script, '-map', '[out]', '-c:a', 'pcm_f32le', out]);
  if (r.code !== 0) throw new Error(`ffmpeg failed for ${t.name}: ${r.stderr.slice(0, 500)}`);
  return { wall: r.wallSeconds, peak: r.peakRssMb, cpu: r.cpuSeconds };
}

function load(): string {
  return os.loadavg().map((x) => x.toFixed(1)).join(' ');
}

function ffmpegPresent(): boolean {
  return spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
}

/** Render and measure one session with `dubstage premix --json`; prints its line. */
async function premixRun(minutes: number): Promise<{ tracks: BenchTrack[]; result: PremixJson; run: Run }> {
  const { rpp, tracks, clipCount } = makeSession(minutes);
  const session = path.join(workDir, `premix_${minutes}min.RPP`);
  writeFileSync(session, rpp);
  const programme = minutes * 60;
  console.log(`session: ${minutes} min, ${tracks.filter((t) => t.channels === 1).length} mono + ${tracks.filter((t) => t.channels === 2).length} stereo tracks, ${clipCount} clips over linked 48 kHz 24-bit WAVs (${workDir})`);
  // read the media once so both sides start from the page cache
  for (const f of new Set(tracks.flatMap((t) => t.clips.map((c) => c.file)))) readFileSync(f);
  const run = await timed(process.execPath, [cli, 'premix', session, '--json', ...threadsArg]);
  if (run.code !== 0) throw new Error(`premix failed: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as PremixJson;
  console.log(
    `dubstage premix   wall ${run.wallSeconds.toFixed(2)} s   ${(programme / run.wallSeconds).toFixed(1)}x realtime   cpu ${run.cpuSeconds.toFixed(1)} s (${(programme / run.cpuSeconds).toFixed(1)}x realtime per cpu-second)   peak ${run.peakRssMb.toFixed(0)} MB   (${result.tracks.length} tracks, ${result.groups.length} groups measured; load average ${load()})`,
  );
  return { tracks, result, run };
}

interface PremixJson {
  tracks: { name: string; loudness: { integratedLufs: number | null; truePeakDbtp: number | null } }[];
  groups: unknown[];
}

async function main(): Promise<void> {
  console.log(`${os.cpus().length} cores, Node ${process.versions.node}, load average ${load()} (1, 5, 15 min)`);
  const short = flat && minutes > 10 ? await premixRun(10) : null;
  const { tracks, result, run } = await premixRun(minutes);
  if (short) console.log(`memory: peak ${short.run.peakRssMb.toFixed(0)} MB for 10 min, ${run.peakRssMb.toFixed(0)} MB for ${minutes} min`);
  const programme = minutes * 60;
  if (!anchor) return;
  if (!ffmpegPresent()) {
    console.log('anchor skipped: ffmpeg is not on PATH (Debian: apt-get install -y ffmpeg); no ratio printed');
    return;
  }

  let bounceWall = 0;
  let bounceCpu = 0;
  let bouncePeak = 0;
  const bounces: string[] = [];
  for (const t of tracks) {
    const out = path.join(workDir, `bounce_${t.name.replace(/\s+/g, '_')}.wav`);
    const b = await bounceTrack(t, out);
    bounceWall += b.wall;
    bounceCpu += b.cpu;
    bouncePeak = Math.max(bouncePeak, b.peak);
    bounces.push(out);
  }
  const measure = await timed(process.execPath, [cli, 'measure', '--json', '--no-group', ...bounces]);
  if (measure.code !== 0) throw new Error(`measure failed: ${measure.stderr}`);
  const measured = (JSON.parse(measure.stdout) as { files: { loudness: { integratedLufs: number | null; truePeakDbtp: number | null } }[] }).files;
  const anchorWall = bounceWall + measure.wallSeconds;
  const anchorCpu = bounceCpu + measure.cpuSeconds;
  console.log(`ffmpeg bounce     wall ${bounceWall.toFixed(2)} s   cpu ${bounceCpu.toFixed(1)} s   peak ${bouncePeak.toFixed(0)} MB (48 runs, one per track)`);
  console.log(`dubstage measure  wall ${measure.wallSeconds.toFixed(2)} s   cpu ${measure.cpuSeconds.toFixed(1)} s   peak ${measure.peakRssMb.toFixed(0)} MB (48 bounces)`);
  console.log(`anchor total      wall ${anchorWall.toFixed(2)} s   ${(programme / anchorWall).toFixed(1)}x realtime   cpu ${anchorCpu.toFixed(1)} s`);
  console.log(`premix vs anchor: ${(anchorWall / run.wallSeconds).toFixed(2)}x faster by wall, ${(anchorCpu / run.cpuSeconds).toFixed(2)}x by cpu (load average now ${load()})`);
  let worstI = 0;
  let worstTp = 0;
  tracks.forEach((t, i) => {
    const a = result.tracks.find((x) => x.name === t.name)!.loudness;
    const b = measured[i]!.loudness;
    if (a.integratedLufs !== null && b.integratedLufs !== null) worstI = Math.max(worstI, Math.abs(a.integratedLufs - b.integratedLufs));
    if (a.truePeakDbtp !== null && b.truePeakDbtp !== null) worstTp = Math.max(worstTp, Math.abs(a.truePeakDbtp - b.truePeakDbtp));
  });
  console.log(`agreement per track: integrated within ${worstI.toFixed(3)} LU, true peak within ${worstTp.toFixed(3)} dB`);
}

await main();
