// Long EDLs with every kind of event that once cost a pass over what came before (dissolves looking up
// their outgoing clip, a media per event, odd lines) read whole and right. How the reading time grows
// with the list is measured by bench/edl-read.bench.ts (never by a timed unit test).
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

describe('long EDLs', () => {
  it('reads 1,000 and 16,000 events of cuts, dissolves and odd lines whole', async () => {
    for (const events of [1000, 16000]) {
      const file = path.join(dir, `list-${events}.edl`);
      writeFileSync(file, bigEdl(events));
      const s = await readEdl(file, {});
      expect(s.tracks.reduce((n, t) => n + t.clips.length, 0)).toBe(events);
      expect(s.tracks.length).toBe(4);
    }
  }, 120_000);
});
