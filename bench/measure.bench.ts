/**
 * Measure benchmark (issue "measuring core" and "speed"): makes a 10-minute 5.1 48 kHz 24-bit file
 * (the performance-anchors file: six independent pink noises with slow +-6 dB envelopes, LFE low-passed)
 * and prints dubstage's realtime factor and peak memory beside ffmpeg `ebur128=peak=true` (and the
 * libebur128 oracle when built) on the same file in the same run, with the ratios.
 *
 *   npm run bench                 # 10-minute file
 *   npm run bench -- --long       # also a 3-hour RF64 (over 4 GB): peak memory must stay the same
 *
 * Never a timed test: the machine is shared; read the ratio, not the seconds.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WavWriter } from '../src/audio/writer.js';
import { timed, type Run } from './timed.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '..', 'src', 'cli', 'main.js');
const workDir = path.join(os.tmpdir(), 'dubstage-bench');

function makeFile(seconds: number): string {
  const file = path.join(workDir, `bench_5p1_${seconds}s.wav`);
  if (existsSync(file) && statSync(file).size > seconds * 48000 * 18 && existsSync(`${file}.v2`)) return file;
  mkdirSync(workDir, { recursive: true });
  const rate = 48000;
  const w = new WavWriter(file, { sampleRate: rate, channels: 6, encoding: 's24le', channelMask: 0x3f });
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  const pink = Array.from({ length: 6 }, () => [0, 0, 0]);
  const periods = [23, 29, 31, 37, 41, 27];
  const block = rate;
  const ch = Array.from({ length: 6 }, () => new Float32Array(block));
  let lp = 0;
  for (let s = 0; s < seconds; s++) {
    for (let i = 0; i < block; i++) {
      const t = s + i / rate;
      for (let c = 0; c < 6; c++) {
        const p = pink[c]!;
        const white = rand() * 2 - 1;
        p[0] = 0.99765 * p[0]! + white * 0.099046;
        p[1] = 0.963 * p[1]! + white * 0.2965164;
        p[2] = 0.57 * p[2]! + white * 1.0526913;
        let v = (p[0]! + p[1]! + p[2]! + white * 0.1848) * 0.01;
        if (c === 3) {
          lp += 0.015 * (v - lp); // ~120 Hz one-pole low-pass for the LFE
          v = lp * 3;
        }
        ch[c]![i] = v * Math.pow(10, (6 * Math.sin((2 * Math.PI * t) / periods[c]!)) / 20);
      }
    }
    w.append(ch, block);
  }
  w.close();
  writeFileSync(`${file}.v2`, '');
  return file;
}

/**
 * A 3-hour RF64 (over 4 GB) made by repeating the 10-minute file's sample data: what matters here is
 * the container and the length (memory must not grow), not fresh noise.
 */
function makeLongRf64(tenMinute: string, repeats: number): string {
  const file = path.join(workDir, `bench_5p1_${repeats * 10}min.rf64.wav`);
  const frameBytes = 18;
  const expected = 600 * 48000 * frameBytes * repeats;
  if (existsSync(file) && statSync(file).size > expected) return file;
  const src = openSync(tenMinute, 'r');
  const dataStart = statSync(tenMinute).size - 600 * 48000 * frameBytes;
  const w = new WavWriter(file, { sampleRate: 48000, channels: 6, encoding: 's24le', channelMask: 0x3f, container: 'rf64' });
  const buf = Buffer.alloc(48000 * frameBytes * 10);
  for (let r = 0; r < repeats; r++) {
    for (let at = 0; at < 600 * 48000 * frameBytes; at += buf.length) {
      const n = readSync(src, buf, 0, Math.min(buf.length, 600 * 48000 * frameBytes - at), dataStart + at);
      w.appendEncoded(buf.subarray(0, n));
    }
  }
  w.close();
  closeSync(src);
  return file;
}

/** The command must succeed; ffmpeg prints its summary on stderr, so both streams are kept. */
async function succeeded(cmd: string, args: string[]): Promise<Run> {
  const r = await timed(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} exited ${r.code}: ${r.stderr.slice(-500)}`);
  return { ...r, stdout: r.stdout + r.stderr };
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

async function bestOf(n: number, cmd: string, args: string[]): Promise<Run> {
  let best: Run | null = null;
  for (let i = 0; i < n; i++) {
    const r = await succeeded(cmd, args);
    const peak = Math.max(r.peakRssMb, best ? best.peakRssMb : 0);
    if (!best || r.wallSeconds < best.wallSeconds) best = { ...r, peakRssMb: peak };
    else best.peakRssMb = peak;
  }
  return best!;
}

function doc0(r: Run): Record<string, number> {
  return (JSON.parse(r.stdout) as { files: Array<{ loudness: Record<string, number> }> }).files[0]!.loudness;
}

async function main(): Promise<void> {
  const long = process.argv.includes('--long');
  const repeats = Number(process.env.BENCH_REPEATS ?? 3);
  const sizes = long ? [600, 10800] : [600];
  console.log(`dubstage measure benchmark — ${os.cpus().length} cores, node ${process.version}, best of ${repeats}`);
  for (const seconds of sizes) {
    const file = seconds === 600 ? makeFile(600) : makeLongRf64(makeFile(600), seconds / 600);
    console.log(`\nfile: ${file} (${seconds / 60} min, 5.1, 48 kHz, 24-bit, ${(statSync(file).size / 1e6).toFixed(0)} MB)`);
    const rows: Array<[string, Run]> = [];
    const ds = await bestOf(repeats, process.execPath, [cli, 'measure', '--json', file]);
    rows.push([`dubstage measure, ${os.cpus().length} threads (I, M/S max, LRA, SP+TP, per ch)`, ds]);
    const single = await bestOf(repeats, process.execPath, [cli, 'measure', '--json', '--threads', '1', file]);
    rows.push(['dubstage measure --threads 1', single]);
    const singleDoc = JSON.parse(single.stdout) as { files: Array<{ loudness: Record<string, number> }> };
    const sl = singleDoc.files[0]!.loudness;
    const same = ['integratedLufs', 'loudnessRangeLu', 'truePeakDbtp', 'momentaryMaxLufs', 'shortTermMaxLufs'].every((k) => Math.abs(sl[k]! - doc0(ds)[k]!) <= 0.01);
    console.log(`  threaded result equals the single-thread result (0.01 LU/dB): ${same ? 'yes' : 'NO'}`);
    const l = doc0(ds);
    if (have('ffmpeg')) {
      const ff = await bestOf(repeats, 'ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-af', 'ebur128=peak=true', '-f', 'null', '-']);
      rows.push(['ffmpeg ebur128=peak=true', ff]);
      const m = /Summary:[\s\S]*?I:\s+(-?[\d.]+) LUFS[\s\S]*?LRA:\s+([\d.]+) LU[\s\S]*?Peak:\s+(-?[\d.]+) dBFS/.exec(ff.stdout);
      if (m) console.log(`  ffmpeg:   I ${m[1]} LUFS  LRA ${m[2]} LU  TP ${m[3]} dBTP`);
    } else console.log('  ffmpeg not installed (apt-get install ffmpeg) — no anchor this run');
    const oracle = process.env.EBUR128_ORACLE ?? path.resolve(here, '..', '..', 'shared', 'tools', 'ebur128-oracle', 'ebur128_oracle');
    if (existsSync(oracle)) rows.push(['libebur128 oracle (I, LRA, TP)', await bestOf(repeats, oracle, ['--no-ms', file])]);
    console.log(`  dubstage: I ${l.integratedLufs} LUFS  LRA ${l.loudnessRangeLu} LU  TP ${l.truePeakDbtp} dBTP`);
    const anchor = rows.find(([n]) => n.startsWith('ffmpeg'))?.[1];
    console.log(`  ${'what'.padEnd(58)} ${'wall s'.padStart(8)} ${'x realtime'.padStart(11)} ${'peak MB'.padStart(8)} ${'vs ffmpeg'.padStart(10)}`);
    for (const [name, r] of rows) {
      const rt = seconds / r.wallSeconds;
      const ratio = anchor ? `${(anchor.wallSeconds / r.wallSeconds).toFixed(2)}x` : 'n/a';
      console.log(`  ${name.padEnd(58)} ${r.wallSeconds.toFixed(2).padStart(8)} ${rt.toFixed(0).padStart(11)} ${r.peakRssMb.toFixed(0).padStart(8)} ${ratio.padStart(10)}`);
    }
  }
}

await main();
