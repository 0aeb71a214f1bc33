/**
 * The fuzz suite: for every reader and adapter, mutations of real-shaped seeds (test/fuzz/seeds.ts)
 * with fixed seeds, so a failure is reproduced by its format and case number. The property: reading
 * the input gives a result or the project's DubstageError naming the file — never another exception,
 * never more than a few seconds, never more than a bounded amount of memory.
 *
 * CI runs DUBSTAGE_FUZZ_RUNS (default 500) cases per format; `npm run fuzz` runs 10 000.
 * DUBSTAGE_FUZZ_FORMAT=edl limits a run to one format; DUBSTAGE_FUZZ_KEEP=1 keeps failing inputs.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DubstageError } from '../../src/errors.js';
import { openAudio, readAudioHeader } from '../../src/audio/open.js';
import { loadManifest } from '../../src/delivery/manifest.js';
import { loadSpec } from '../../src/specs/loader.js';
import { readSession } from '../../native-adapters/index.js';
import { mutate, prng, type Seed } from './mutate.js';
import { allSeeds } from './seeds.js';

const RUNS = Number(process.env.DUBSTAGE_FUZZ_RUNS ?? 500);
const ONLY = process.env.DUBSTAGE_FUZZ_FORMAT;
/** One input must be answered within this (a few seconds, with room for a loaded CI machine). */
const MAX_CASE_MS = 3000;
/** Resident memory may not grow past this over the baseline while reading one small input. */
const MAX_RSS_GROWTH_BYTES = 512 * 1024 * 1024;

const dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Reader = (file: string) => Promise<unknown>;

/** Open the stream and decode every frame, as measure does, into buffers sized by the header. */
async function readAudio(file: string): Promise<unknown> {
  readAudioHeader(file);
  const src = await openAudio(file);
  try {
    const block = 4096;
    const out = Array.from({ length: src.header.format.channels }, () => new Float32Array(block));
    let frames = 0;
    for (let n = src.read(out, block); n > 0; n = src.read(out, block)) frames += n;
    return frames;
  } finally {
    src.close();
  }
}

const readers: Record<string, { ext: string; read: Reader }> = {
  wav: { ext: '.wav', read: readAudio },
  rf64: { ext: '.wav', read: readAudio },
  aiff: { ext: '.aif', read: readAudio },
  aaf: { ext: '.aaf', read: (f) => readSession(f) },
  edl: { ext: '.edl', read: (f) => readSession(f) },
  'fcp-xml': { ext: '.xml', read: (f) => readSession(f) },
  fcpxml: { ext: '.fcpxml', read: (f) => readSession(f) },
  rpp: { ext: '.RPP', read: (f) => readSession(f) },
  protools: { ext: '.txt', read: (f) => readSession(f) },
  spec: { ext: '.yaml', read: async (f) => loadSpec(f) },
  manifest: { ext: '.yaml', read: async (f) => loadManifest(f) },
};

/** Stable per-format seed: the same cases on every run and machine. */
function formatSeed(format: string): number {
  let h = 2166136261;
  for (const c of format) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

interface Failure {
  index: number;
  seed: string;
  problem: string;
}

async function fuzzFormat(format: string, seeds: Seed[], read: Reader, ext: string): Promise<{ ok: number; refused: number; failures: Failure[]; slowestMs: number }> {
  const r = prng(formatSeed(format));
  const file = path.join(dir, `${format}-case${ext}`);
  const baseline = process.memoryUsage.rss();
  const failures: Failure[] = [];
  let ok = 0;
  let refused = 0;
  let slowestMs = 0;
  for (let i = 0; i < RUNS; i++) {
    const seed = seeds[i % seeds.length]!;
    writeFileSync(file, mutate(r, seed));
    const t0 = performance.now();
    let problem: string | null = null;
    try {
      await read(file);
      ok++;
    } catch (err) {
      if (!(err instanceof DubstageError)) problem = `not a DubstageError: ${(err as Error)?.constructor?.name} ${(err as Error)?.message ?? String(err)}`;
      else if (err.path !== file && !err.message.includes(file)) problem = `DubstageError that does not name the file: ${err.code} ${err.message}`;
      else refused++;
    }
    const ms = performance.now() - t0;
    slowestMs = Math.max(slowestMs, ms);
    if (!problem && ms > MAX_CASE_MS) problem = `took ${ms.toFixed(0)} ms`;
    const rss = process.memoryUsage.rss();
    if (!problem && rss - baseline > MAX_RSS_GROWTH_BYTES) problem = `resident memory grew by ${((rss - baseline) / 1048576).toFixed(0)} MB`;
    if (problem) {
      failures.push({ index: i, seed: seed.name, problem: problem.slice(0, 300) });
      if (process.env.DUBSTAGE_FUZZ_KEEP) copyFileSync(file, path.join(os.tmpdir(), `dubstage-fuzz-${format}-${i}${ext}`));
    }
  }
  return { ok, refused, failures, slowestMs };
}

describe(`fuzz: ${RUNS} mutations per format, fixed seeds`, () => {
  const seeds = allSeeds();
  for (const [format, { ext, read }] of Object.entries(readers)) {
    if (ONLY && ONLY !== format) continue;
    it(format, async () => {
      const t0 = performance.now();
      const res = await fuzzFormat(format, seeds[format]!, read, ext);
      const s = ((performance.now() - t0) / 1000).toFixed(1);
      console.log(`fuzz ${format}: ${RUNS} cases in ${s} s — ${res.ok} read, ${res.refused} refused with a DubstageError, ${res.failures.length} failures; slowest ${res.slowestMs.toFixed(0)} ms`);
      // both answers must actually occur, or the mutations are not reaching the reader
      expect(res.refused).toBeGreaterThan(0);
      expect(res.failures.slice(0, 10)).toEqual([]);
    }, 30 * 60_000);
  }
});
