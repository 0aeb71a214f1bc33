/**
 * EDL read benchmark (issue 14): time to read Avid-style audio lists of 1/8, 1/4, 1/2 and 1 × the
 * 2 MiB cap into a Session (cuts and dissolves on four channels, a file per event, odd notes), and
 * the time per MiB against the smallest list read in the same run: linear reading keeps the ratio
 * near 1 (the reader before this round took 28 s for 4 MiB; its time per MiB grew with the size).
 *
 *   node dist/bench/edl-read.bench.js [--repeats N]
 *
 * Never a timed test: the machine is shared; read the ratio, not the seconds.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_EDL_BYTES, readEdl } from '../native-adapters/edl/index.js';

function tc(frames: number, fps = 24): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(Math.floor(frames / (fps * 3600)))}:${p(Math.floor(frames / (fps * 60)) % 60)}:${p(Math.floor(frames / fps) % 60)}:${p(frames % fps)}`;
}

/** An audio list as close to `bytes` as whole events allow. */
function list(bytes: number): string {
  const lines = ['TITLE: BENCH REEL', 'FCM: NON-DROP FRAME'];
  const rec = new Array<number>(5).fill(86400);
  let size = 40;
  for (let i = 1; ; i++) {
    const ch = 1 + (i % 4);
    const len = 48 + (i % 37);
    const srcIn = 86400 + (i % 500) * 24;
    const trans = i % 3 === 0 && i > 4 ? 'D    012' : 'C       ';
    const event = [
      `${String(i % 1000).padStart(3, '0')}  R${i % 997}  ${ch === 1 ? 'A    ' : `A${ch}   `} ${trans} ${tc(srcIn)} ${tc(srcIn + len)} ${tc(rec[ch]!)} ${tc(rec[ch]! + len)}`,
      `* FROM CLIP NAME:  DX_${i}.WAV`,
      ...(i % 10 === 0 ? ['GARBLED NOTE'] : []),
    ];
    const add = event.reduce((n, l) => n + l.length + 2, 0);
    if (size + add > bytes) break;
    lines.push(...event);
    size += add;
    rec[ch]! += len;
  }
  return lines.join('\r\n') + '\r\n';
}

const repeatsArg = process.argv.indexOf('--repeats');
const repeats = repeatsArg > 0 ? Number(process.argv[repeatsArg + 1]) : 3;
const dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-edl-bench-'));
try {
  const rows: { mib: number; events: number; ms: number }[] = [];
  for (const share of [1 / 8, 1 / 4, 1 / 2, 1]) {
    const file = path.join(dir, `list-${share}.edl`);
    writeFileSync(file, list(Math.floor(MAX_EDL_BYTES * share) - 1));
    let ms = Infinity;
    let events = 0;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      const s = await readEdl(file, {});
      ms = Math.min(ms, performance.now() - t0);
      events = s.tracks.reduce((n, t) => n + t.clips.length, 0);
    }
    rows.push({ mib: statSync(file).size / 2 ** 20, events, ms });
  }
  const anchor = rows[0]!.ms / rows[0]!.mib;
  console.log(`EDL read, best of ${repeats} (${os.cpus().length} cores, Node ${process.version})`);
  console.log('| MiB | clips | ms | ms per MiB | per MiB vs the 1/8 list |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.mib.toFixed(2)} | ${r.events} | ${r.ms.toFixed(0)} | ${(r.ms / r.mib).toFixed(0)} | ${(r.ms / r.mib / anchor).toFixed(2)}x |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
