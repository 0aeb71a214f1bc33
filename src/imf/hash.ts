/**
 * SHA-1 of the track files the audio pass does not read (picture, subtitle, ...) against their PKL
 * entries. One worker thread reads each file in large positional reads into one reused buffer and
 * hashes it (flat memory: HASH_READ bytes whatever the file's size), so a package's picture is
 * hashed on the second core while the first decodes and measures the audio. The audio track files
 * are hashed in the audio pass itself (source.ts), never read twice.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import type { ErrorInfo } from '../errors.js';
import type { Cpl, ImfPackage, PklEntry } from './package.js';

/** Bytes per positional read in the hashing thread. */
export const HASH_READ = 8 * 1024 * 1024;

export interface TrackFileToHash {
  path: string;
  assetId: string;
  /** The sequence that uses it (MainImageSequence, SubtitlesSequence, ...). */
  kind: string;
  cpl: string;
  entry: PklEntry;
}

export interface TrackFileHash {
  file: TrackFileToHash;
  /** base64 SHA-1 of the file as read, or null when it could not be read. */
  sha1: string | null;
  sizeBytes: number | null;
  /** Null when the file matches its PKL entry; else the problem (a mismatch, or why it was not read). */
  error: ErrorInfo | null;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const buf = Buffer.alloc(workerData.chunk);
for (const f of workerData.files) {
  let fd = -1;
  try {
    fd = fs.openSync(f, 'r');
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Error('not a regular file');
    const hash = crypto.createHash('sha1');
    let at = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, at);
      if (n <= 0) break;
      hash.update(buf.subarray(0, n));
      at += n;
    }
    parentPort.postMessage({ file: f, sha1: hash.digest('base64'), size: at });
  } catch (err) {
    parentPort.postMessage({ file: f, error: String(err && err.message || err) });
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}
`;

/** The track files of these CPLs outside their MainAudioSequences that a PKL gives a SHA-1 for, each once. */
export function nonAudioTrackFiles(pkg: ImfPackage, cpls: Cpl[]): TrackFileToHash[] {
  const audio = new Set(cpls.flatMap((c) => c.virtualTracks.filter((v) => v.kind === 'MainAudioSequence').flatMap((v) => v.resources.map((r) => r.trackFileId))));
  const out = new Map<string, TrackFileToHash>();
  for (const cpl of cpls) {
    for (const vt of cpl.virtualTracks) {
      if (vt.kind === 'MainAudioSequence') continue;
      for (const r of vt.resources) {
        const asset = pkg.assets.get(r.trackFileId);
        const entry = pkg.pkl.get(r.trackFileId);
        // a file missing on disk is reported by nonAudioProblems
        if (!asset || !entry?.hashSha1 || audio.has(r.trackFileId) || out.has(asset.path) || !existsSync(asset.path)) continue;
        out.set(asset.path, { path: asset.path, assetId: r.trackFileId, kind: vt.kind, cpl: cpl.path, entry });
      }
    }
  }
  return [...out.values()];
}

/**
 * Hash the files on a worker thread; resolves with one result per file, in order (never rejects: a
 * file that cannot be read has `sha1` null and the reason).
 */
export function hashTrackFiles(files: TrackFileToHash[], chunkBytes = HASH_READ): Promise<TrackFileHash[]> {
  if (files.length === 0) return Promise.resolve([]);
  return new Promise((resolve) => {
    const results: TrackFileHash[] = [];
    const worker = new Worker(WORKER, { eval: true, workerData: { files: files.map((f) => f.path), chunk: chunkBytes } });
    worker.unref();
    const finish = (why: string | null) => {
      // a worker that died names the files it did not get to
      for (const f of files.slice(results.length)) {
        results.push({ file: f, sha1: null, sizeBytes: null, error: { code: 'io', message: `${f.path}: not hashed: ${why ?? 'the hashing thread stopped'}`, path: f.path } });
      }
      resolve(results);
    };
    worker.on('message', (m: { file: string; sha1?: string; size?: number; error?: string }) => {
      const f = files[results.length]!;
      if (m.error !== undefined) {
        results.push({ file: f, sha1: null, sizeBytes: null, error: { code: 'io', message: `${f.path}: cannot read the ${f.kind} track file to check its PKL hash: ${m.error}`, path: f.path } });
      } else {
        results.push({ file: f, sha1: m.sha1!, sizeBytes: m.size!, error: mismatch(f, m.sha1!, m.size!) });
      }
      if (results.length === files.length) {
        void worker.terminate();
        resolve(results);
      }
    });
    worker.on('error', (err) => finish(err.message));
    worker.on('exit', () => {
      if (results.length < files.length) finish(null);
    });
  });
}

function mismatch(f: TrackFileToHash, sha1: string, size: number): ErrorInfo | null {
  const pkl = path.basename(f.entry.pkl);
  const what = `${f.kind} track file urn:uuid:${f.assetId}`;
  if (f.entry.size !== null && f.entry.size !== size) {
    // the size is reported by nonAudioProblems already; the hash of a file of the wrong size says nothing more
    return null;
  }
  if (f.entry.hashSha1 !== sha1) {
    return { code: 'mismatch', message: `${f.path}: SHA-1 ${sha1} but the PKL (${pkl}) says ${f.entry.hashSha1} (${what}); the audio is measured without it`, path: f.path };
  }
  return null;
}

/** The problems of a hashing run: mismatches and files that could not be read. */
export function hashProblems(results: TrackFileHash[]): Array<{ path: string; error: ErrorInfo }> {
  return results.filter((r) => r.error).map((r) => ({ path: r.file.path, error: r.error! }));
}
