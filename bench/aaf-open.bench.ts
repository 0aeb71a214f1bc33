/**
 * AAF open benchmark (issue 4): time and peak memory to open the largest AAF in the corpus
 * (pyaaf2's test_file_01.aaf, Media Composer 6.5, 2.3 MB, ~7,400 directory entries) with our CFB
 * reader, to walk every storage, and to read it whole into a Session.
 *
 *   npx tsx bench/aaf-open.bench.ts [FILE.aaf]
 *   npx tsx bench/aaf-open.bench.ts --big     # also a 3 GiB compound file (one essence stream,
 *                                             # sparse on disk): open and read its last MiB
 *
 * Anchors (reference/dependencies.md §5, another machine): npm `cfb` 1.2.2 parses this file in 61 ms
 * and holds every stream in memory (peak RSS ≈ 2.5 × file size); the 50-line lazy prototype opened it
 * in 7.5 ms. Never a timed test: the machine is shared; read the ratio, not the seconds.
 */
import { closeSync, ftruncateSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfbFile, type DirEntry } from '../native-adapters/aaf/cfb.js';
import { readAafSession } from '../native-adapters/aaf/read.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const samples = process.env.DUBSTAGE_SHARED
  ? path.join(path.resolve(process.env.DUBSTAGE_SHARED), 'samples')
  : path.resolve(here, '..', '..', 'shared', 'samples');

function largestAaf(dir: string): string {
  let best = '';
  let bestSize = -1;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (/\.aaf$/i.test(name) && st.size > bestSize) {
        best = p;
        bestSize = st.size;
      }
    }
  };
  walk(dir);
  if (!best) throw new Error(`no AAF under ${dir}`);
  return best;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(runs: number, fn: () => void): number {
  for (let i = 0; i < 5; i++) fn(); // warm-up: the JIT and the page cache
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(out);
}

/**
 * A v4 compound file holding one essence stream of `bytes` (zeros, left sparse): sectors 0..n-1 the
 * stream, then the directory, the FAT and the DIFAT. What cfb 1.2.2 cannot open (over 2 GiB).
 */
function writeBigCfb(file: string, bytes: number): void {
  const ss = 4096;
  const perFat = ss / 4;
  const n = Math.ceil(bytes / ss);
  let nFat = 1;
  let nDifat = 0;
  for (;;) {
    const total = n + 1 + nFat + nDifat;
    const f = Math.ceil(total / perFat);
    const d = f > 109 ? Math.ceil((f - 109) / (perFat - 1)) : 0;
    if (f === nFat && d === nDifat) break;
    nFat = f;
    nDifat = d;
  }
  const dirSector = n;
  const fatStart = n + 1;
  const difatStart = fatStart + nFat;
  const fat = new Uint32Array(nFat * perFat).fill(0xffffffff);
  for (let i = 0; i < n; i++) fat[i] = i === n - 1 ? 0xfffffffe : i + 1;
  fat[dirSector] = 0xfffffffe;
  for (let i = 0; i < nFat; i++) fat[fatStart + i] = 0xfffffffd;
  for (let i = 0; i < nDifat; i++) fat[difatStart + i] = 0xfffffffc;
  const header = Buffer.alloc(ss);
  Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(4, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(12, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(1, 0x28);
  header.writeUInt32LE(nFat, 0x2c);
  header.writeUInt32LE(dirSector, 0x30);
  header.writeUInt32LE(4096, 0x38);
  header.writeUInt32LE(0xfffffffe, 0x3c);
  header.writeUInt32LE(nDifat > 0 ? difatStart : 0xfffffffe, 0x44);
  header.writeUInt32LE(nDifat, 0x48);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i < nFat ? fatStart + i : 0xffffffff, 0x4c + i * 4);
  const dir = Buffer.alloc(ss);
  const entry = (i: number, name: string, type: number, child: number, start: number, size: number) => {
    const e = dir.subarray(i * 128, (i + 1) * 128);
    const nm = Buffer.from(name + '\0', 'utf16le');
    nm.copy(e);
    e.writeUInt16LE(nm.length, 0x40);
    e[0x42] = type;
    e[0x43] = 1;
    e.writeUInt32LE(0xffffffff, 0x44);
    e.writeUInt32LE(0xffffffff, 0x48);
    e.writeUInt32LE(child, 0x4c);
    e.writeUInt32LE(start >>> 0, 0x74);
    e.writeBigUInt64LE(BigInt(size), 0x78);
  };
  entry(0, 'Root Entry', 5, 1, 0xfffffffe, 0);
  entry(1, 'Data-2702', 2, 0xffffffff, 0, bytes);
  for (let i = 2; i < 32; i++) entry(i, '', 0, 0xffffffff, 0, 0);
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, header, 0, ss, 0);
    ftruncateSync(fd, (dirSector + 1) * ss); // the stream's sectors stay sparse zeros
    writeSync(fd, dir, 0, ss, (dirSector + 1) * ss);
    const fatBytes = Buffer.from(fat.buffer, fat.byteOffset, fat.byteLength);
    writeSync(fd, fatBytes, 0, fatBytes.length, (fatStart + 1) * ss);
    const rest = Array.from({ length: nFat - Math.min(nFat, 109) }, (_, i) => fatStart + 109 + i);
    for (let i = 0; i < nDifat; i++) {
      const d = Buffer.alloc(ss, 0xff);
      rest.slice(i * (perFat - 1), (i + 1) * (perFat - 1)).forEach((v, k) => d.writeUInt32LE(v, k * 4));
      d.writeUInt32LE(i === nDifat - 1 ? 0xfffffffe : difatStart + i + 1, (perFat - 1) * 4);
      writeSync(fd, d, 0, ss, (difatStart + i + 1) * ss);
    }
  } finally {
    closeSync(fd);
  }
}

const big = process.argv.includes('--big');
const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? largestAaf(samples);
const sizeMb = statSync(file).size / 1e6;
const rssBefore = process.memoryUsage().rss;

let entries = 0;
const openMs = time(20, () => {
  const f = CfbFile.open(file);
  f.close();
});
const walkMs = time(20, () => {
  const f = CfbFile.open(file);
  entries = 0;
  const walk = (e: DirEntry) => {
    for (const c of f.children(e).values()) {
      entries++;
      if (c.type === 'storage') walk(c);
    }
  };
  walk(f.root);
  f.close();
});
let summary = '';
const sessionMs = time(10, () => {
  const s = readAafSession(file, {});
  summary = `${s.tracks.length} audio tracks, ${s.tracks.reduce((n, t) => n + t.clips.length, 0)} clips, ${s.media.length} media, start ${s.startTimecode}`;
});
const peakRssMb = process.resourceUsage().maxRSS / 1024;

const anchorCfbMs = 61;
console.log(`file            ${path.relative(samples, file)} (${sizeMb.toFixed(2)} MB, ${entries} directory entries)`);
console.log(`open (header, DIFAT, FAT, directory)   ${openMs.toFixed(2)} ms`);
console.log(`open + walk every storage              ${walkMs.toFixed(2)} ms   (npm cfb 1.2.2 parse: ${anchorCfbMs} ms → ratio ${(walkMs / anchorCfbMs).toFixed(2)})`);
console.log(`read whole Session                     ${sessionMs.toFixed(2)} ms   (${summary})`);
console.log(`peak RSS ${peakRssMb.toFixed(0)} MB (process at start ${(rssBefore / 1e6).toFixed(0)} MB; cfb would hold ≈ ${(2.5 * sizeMb).toFixed(1)} MB of stream copies on top)`);

if (big) {
  const bigFile = path.join(os.tmpdir(), 'dubstage-bench-3gib.cfb');
  const bytes = 3 * 1024 ** 3;
  writeBigCfb(bigFile, bytes);
  try {
    const rss0 = process.memoryUsage().rss;
    const t0 = process.hrtime.bigint();
    const f = CfbFile.open(bigFile);
    const s = f.openStream(f.child(f.root, 'Data-2702')!);
    const buf = Buffer.alloc(1024 * 1024);
    const n = s.read(buf, 0, buf.length, bytes - buf.length);
    f.close();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(
      `3 GiB compound file: open + read the last MiB (${n} B) ${ms.toFixed(1)} ms; RSS grew ${((process.memoryUsage().rss - rss0) / 1e6).toFixed(1)} MB ` +
        `(the FAT: ${((bytes / 4096) * 4 / 1e6).toFixed(1)} MB; the sector chain: ${((bytes / 4096) * 4 / 1e6).toFixed(1)} MB); cfb 1.2.2 refuses files over 2 GiB`,
    );
  } finally {
    rmSync(bigFile, { force: true });
  }
}