// EDL reading time must grow in proportion to the list: lists built here with n and 8n events of every
// kind that once cost a pass over what came before (dissolves looking up their outgoing clip, a media
// per event, odd lines), timed in the same process; the ratio, not the seconds, is asserted.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEdl } from '../../../native-adapters/edl/index.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-edl-linear-'));

function tc(frames: number, fps = 24): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(Math.floor(frames / (fps * 3600)))}:${p(Math.floor(frames / (fps * 60)) % 60)}:${p(Math.floor(frames / fps) % 60)}:${p(frames % fps)}`;
}

/** An Avid-style audio list of `events` events: cuts and dissolves on four channels, a file each, odd notes. */
function bigEdl(events: number): string {
  const lines = ['TITLE: LONG REEL', 'FCM: NON-DROP FRAME'];
  const rec = new Array<number>(5).fill(86400);
  for (let i = 1; i <= events; i++) {
    const ch = 1 + (i % 4);
    const len = 48 + (i % 37);
    const num = String(i % 1000).padStart(3, '0');
    const channel = ch === 1 ? 'A' : `A${ch}`;
    const srcIn = 86400 + (i % 500) * 24;
    // every third event dissolves in from the clip before it on its channel
    const trans = i % 3 === 0 && i > 4 ? 'D    012' : 'C       ';
    lines.push(`${num} R${i % 997} ${channel} ${trans.replace(/ +/g, ' ')} ${tc(srcIn)} ${tc(srcIn + len)} ${tc(rec[ch]!)} ${tc(rec[ch]! + len)}`);
    lines.push(`* FROM CLIP NAME: DX${i}.WAV`);
    if (i % 10 === 0) lines.push(`${num} odd note`, 'GARBLED');
    rec[ch]! += len;
  }
  return lines.join('\r\n') + '\r\n';
}

async function fastestRead(file: string, runs: number): Promise<{ ms: number; clips: number }> {
  let ms = Infinity;
  let clips = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const s = await readEdl(file, {});
    ms = Math.min(ms, performance.now() - t0);
    clips = s.tracks.reduce((n, t) => n + t.clips.length, 0);
  }
  return { ms, clips };
}

describe('EDL reading is linear in the list', () => {
  it('reads 16× the events in well under 16² the time (ratio of the fastest of several runs)', async () => {
    const small = path.join(dir, 'small.edl');
    const large = path.join(dir, 'large.edl');
    writeFileSync(small, bigEdl(1000));
    writeFileSync(large, bigEdl(16000));
    await fastestRead(small, 2); // warm the JIT
    const a = await fastestRead(small, 5);
    const b = await fastestRead(large, 3);
    expect(a.clips).toBe(1000);
    expect(b.clips).toBe(16000);
    // linear gives 16; a pass over the earlier events per event gives 256. 48 leaves room for a loaded machine.
    expect(b.ms / a.ms, `1000 events: ${a.ms.toFixed(1)} ms, 16000: ${b.ms.toFixed(1)} ms`).toBeLessThan(48);
  }, 120_000);
});
