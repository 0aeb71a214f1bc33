/**
 * Premix fixtures: a timeline described once (tracks of clips over generated media), written as real
 * session files, and its expected render computed here by plain loops over the generated samples —
 * independently of src/render — so every figure premix prints can be checked against `measure` of the
 * expected render.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureFile } from '../../src/analysis/measure.js';
import type { LoudnessSummary } from '../../src/analysis/results.js';
import { expect } from 'vitest';
import { readSession } from '../../native-adapters/index.js';
import type { LoudnessFigures } from '../../src/render/premix.js';
import { probeMedia } from '../../src/render/media.js';
import { planTimeline, TimelineSource } from '../../src/render/timeline.js';
import type { ReadOptions } from '../../src/session/model.js';
import { writeTestWav } from '../helpers/wav-writer.js';

export const SR = 48000;

export interface SpecMedia {
  file: string;
  channels: Float32Array[];
}

export interface SpecClip {
  media: string;
  /** Seconds on the timeline, from the session start. */
  start: number;
  length: number;
  /** Seconds into the media. */
  offset: number;
  gainDb?: number;
  fadeIn?: number;
  fadeOut?: number;
  muted?: boolean;
  /** The media channel (0-based) the clip's first channel plays (an EDL's A2 plays source channel 2). */
  channelFrom?: number;
  /** Fade curves (default linear), written here from their definitions (src/render/fades.ts documents the same). */
  fadeInShape?: FixtureFade;
  fadeOutShape?: FixtureFade;
}

export type FixtureFade = 'linear' | 'equal-power' | 'logarithmic' | 'exponential' | 's-curve';

function curve(shape: FixtureFade | undefined, x: number): number {
  switch (shape ?? 'linear') {
    case 'equal-power':
      return Math.sin((x * Math.PI) / 2);
    case 'logarithmic':
      return 1 - (1 - x) * (1 - x);
    case 'exponential':
      return x * x;
    case 's-curve':
      return (1 - Math.cos(x * Math.PI)) / 2;
    default:
      return x;
  }
}

export interface SpecTrack {
  name: string;
  channels: number;
  clips: SpecClip[];
  volumeDb?: number;
  muted?: boolean;
}

/** Deterministic band-limited noise with a slow envelope, so LRA and maxima mean something. */
export function programme(seconds: number, seed: number, level: number, periodSeconds = 7): Float32Array {
  const n = Math.round(seconds * SR);
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  let lp = 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    lp += 0.2 * (s / 2 ** 31 - 1 - lp);
    out[i] = lp * level * Math.pow(10, (6 * Math.sin((2 * Math.PI * i) / (periodSeconds * SR))) / 20);
  }
  return out;
}

export function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'dubstage-premix-'));
}

/** Write media as 32-bit float WAVs, so the samples the renderer reads are exactly the generated ones. */
export function writeMedia(dir: string, media: SpecMedia[], rate = SR): Map<string, SpecMedia> {
  for (const m of media) writeTestWav(path.join(dir, m.file), { float: true, bitDepth: 32, channels: m.channels, sampleRate: rate });
  return new Map(media.map((m) => [m.file, m]));
}

/** The expected render of some tracks summed, over timeline seconds [from, to): plain loops, linear fades. */
export function expectedRender(tracks: SpecTrack[], media: Map<string, SpecMedia>, channels: number, from: number, to: number, rate = SR): Float32Array[] {
  const f0 = Math.round(from * rate);
  const n = Math.round(to * rate) - f0;
  const out = Array.from({ length: channels }, () => new Float64Array(n));
  for (const t of tracks) {
    const vol = Math.pow(10, (t.volumeDb ?? 0) / 20);
    for (const c of t.clips) {
      if (c.muted) continue;
      const m = media.get(c.media)!;
      const s = Math.round(c.start * rate);
      const len = Math.round((c.start + c.length) * rate) - s;
      const off = Math.round(c.offset * rate);
      const fi = Math.round((c.fadeIn ?? 0) * rate);
      const fo = Math.round((c.fadeOut ?? 0) * rate);
      const g = Math.pow(10, (c.gainDb ?? 0) / 20) * vol;
      for (let k = 0; k < len; k++) {
        const at = s + k - f0;
        if (at < 0 || at >= n) continue;
        let e = g;
        if (k < fi) e *= curve(c.fadeInShape, (k + 0.5) / fi);
        if (len - k <= fo) e *= curve(c.fadeOutShape, (len - k - 0.5) / fo);
        for (let ch = 0; ch < Math.min(channels, m.channels.length - (c.channelFrom ?? 0)); ch++) {
          const src = m.channels[ch + (c.channelFrom ?? 0)]!;
          const v = off + k < src.length ? src[off + k]! : 0;
          out[ch]![at]! += e * v;
        }
      }
    }
  }
  return out.map((c) => Float32Array.from(c));
}

/** `measure` of an expected render (written as a float WAV), optionally over [from, to) seconds of it. */
export async function measureExpected(dir: string, name: string, channels: Float32Array[], range: { from?: number; to?: number } = {}, rate = SR): Promise<LoudnessSummary> {
  const file = path.join(dir, `${name.replace(/[^\w-]+/g, '_')}.expected.wav`);
  writeTestWav(file, { float: true, bitDepth: 32, channels, sampleRate: rate });
  const m = await measureFile(file, { threads: 1, ...(range.from !== undefined ? { fromSeconds: range.from } : {}), ...(range.to !== undefined ? { toSeconds: range.to } : {}) });
  if (m.error) throw new Error(m.error.message);
  return m.loudness!;
}

/** REAPER: items with SOFFS, item VOLPAN, FADEIN/FADEOUT (shape 0), track VOLPAN, MUTESOLO, folders, markers, regions. */
export function writeRpp(
  tracks: (SpecTrack & { folder?: 'open' | 'close' })[],
  markers: { name: string; at: number; end?: number }[] = [],
): string {
  const lines = ['<REAPER_PROJECT 0.1 "7.51/linux64" 1735689600', '  RIPPLE 0', `  SAMPLERATE ${SR} 0 0`, '  TIMEMODE 1 5 -1 25 0 0 -1', '  PROJOFFS 3600 0 0'];
  markers.forEach((m, i) => {
    if (m.end === undefined) lines.push(`  MARKER ${i + 1} ${m.at} "${m.name}" 0 0 1 B {00000000-0000-0000-0000-00000000000${i}} 0`);
    else lines.push(`  MARKER ${i + 1} ${m.at} "${m.name}" 1 0 1 B`, `  MARKER ${i + 1} ${m.end} "" 1`);
  });
  for (const t of tracks) {
    const vol = Math.pow(10, (t.volumeDb ?? 0) / 20);
    lines.push('  <TRACK {6A3F5C1E-0000-4000-8000-000000000001}', `    NAME "${t.name}"`, '    PEAKCOL 16576', `    VOLPAN ${vol} 0 -1 -1 1`, `    MUTESOLO ${t.muted ? 1 : 0} 0 0`);
    lines.push(`    ISBUS ${t.folder === 'open' ? '1 1' : t.folder === 'close' ? '2 -1' : '0 0'}`, `    NCHAN ${Math.max(2, t.channels)}`);
    for (const c of t.clips) {
      lines.push(
        '    <ITEM',
        `      POSITION ${c.start}`,
        '      SNAPOFFS 0',
        `      LENGTH ${c.length}`,
        '      LOOP 0',
        '      ALLTAKES 0',
        `      FADEIN 0 ${c.fadeIn ?? 0} 0 0 0 0 0`,
        `      FADEOUT 0 ${c.fadeOut ?? 0} 0 0 0 0 0`,
        `      MUTE ${c.muted ? 1 : 0} 0`,
        `      NAME "${c.media}"`,
        `      VOLPAN ${Math.pow(10, (c.gainDb ?? 0) / 20)} 0 1 -1`,
        `      SOFFS ${c.offset}`,
        '      PLAYRATE 1 1 0 -1 0 0.0025',
        '      <SOURCE WAVE',
        `        FILE "${c.media}"`,
        '      >',
        '    >',
      );
    }
    lines.push('  >');
  }
  lines.push('>');
  return `${lines.join('\n')}\n`;
}

export const FIELDS = ['integratedLufs', 'momentaryMaxLufs', 'shortTermMaxLufs', 'truePeakDbtp', 'samplePeakDbfs'] as const;

/** Every figure of a premix result within 0.05 LU (dB) of `measure` on the expected render; silence as silence. */
export function close(actual: LoudnessFigures, expected: LoudnessSummary, what: string): void {
  for (const f of FIELDS) {
    const a = actual[f];
    const e = expected[f];
    if (e === null) expect(a, `${what} ${f}`).toBeNull();
    else {
      expect(a, `${what} ${f}`).not.toBeNull();
      expect(Math.abs(a! - e), `${what} ${f}: ${a} vs ${e}`).toBeLessThanOrEqual(0.05);
    }
  }
}

/** Read the whole render of one track straight from the TimelineSource (from the session's start). */
export async function renderedTrack(sessionPath: string, trackName: string, read: ReadOptions = {}): Promise<Float32Array[]> {
  const session = await readSession(sessionPath, read);
  const plan = planTimeline(session, probeMedia(session));
  const track = plan.tracks.find((t) => t.name === trackName)!;
  const source = new TimelineSource(plan, [track], [], 0, plan.endFrame);
  const n = source.header.format.frames;
  const out = Array.from({ length: track.channels }, () => new Float32Array(n));
  const block = Array.from({ length: track.channels }, () => new Float32Array(4801));
  let done = 0;
  source.seek(0);
  for (;;) {
    const got = source.read(block, 4801);
    if (got === 0) break;
    for (let c = 0; c < track.channels; c++) out[c]!.set(block[c]!.subarray(0, got), done);
    done += got;
  }
  source.close();
  return out;
}

export function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  let d = 0;
  for (let c = 0; c < a.length; c++) for (let i = 0; i < a[c]!.length; i++) d = Math.max(d, Math.abs(a[c]![i]! - (b[c]![i] ?? 0)));
  return d;
}
