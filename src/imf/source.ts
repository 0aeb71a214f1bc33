/**
 * An IMF audio virtual track as one stream: its resources (EntryPoint, SourceDuration, RepeatCount)
 * laid end to end in samples, read from their track files without a gap or an overlap at a resource
 * boundary. The PKL's SHA-1 of each track file is computed in the same pass: the bytes the reader asks
 * for are hashed in file order, the parts it skips (header, other resources' ranges, the footer) are
 * read once for the hash alone, and the digest is compared when the last sample has been delivered.
 */
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { applyLabels, type OpenOptions } from '../audio/open.js';
import { openFileSource } from '../audio/bytesource.js';
import { openMxfTrack, readMxf, type MxfInfo } from '../audio/mxf/index.js';
import type { AudioHeader, AudioSource, ByteSource } from '../audio/types.js';
import { DubstageError } from '../errors.js';
import type { Cpl, CplVirtualTrack, ImfPackage } from './package.js';

/** More pieces than this (RepeatCount in the millions) is not a real composition. */
const MAX_PIECES = 1_000_000;
const HASH_CHUNK = 4 * 1024 * 1024;

/**
 * SHA-1 on a second thread: the reading thread hands each run of bytes over (moved, not shared) and
 * goes on decoding while the other core hashes. At most HASH_BACKLOG bytes wait: a reader faster than
 * the hash pauses, so memory stays flat.
 */
const HASH_BACKLOG = 64 * 1024 * 1024;
const HASH_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const hash = require('node:crypto').createHash('sha1');
const pending = new BigInt64Array(workerData.pending);
const result = new Int32Array(workerData.result);
const digest = new Uint8Array(workerData.digest);
parentPort.on('message', (m) => {
  if (m === 'digest') {
    digest.set(hash.digest());
    Atomics.store(result, 0, 1);
    Atomics.notify(result, 0);
    return;
  }
  hash.update(new Uint8Array(m));
  Atomics.sub(pending, 0, BigInt(m.byteLength));
  Atomics.notify(pending, 0);
});
`;

class Sha1Thread {
  private readonly pending = new BigInt64Array(new SharedArrayBuffer(8));
  private readonly result = new Int32Array(new SharedArrayBuffer(4));
  private readonly digestBytes = new Uint8Array(new SharedArrayBuffer(20));
  private readonly worker: Worker;

  constructor() {
    this.worker = new Worker(HASH_WORKER, { eval: true, workerData: { pending: this.pending.buffer, result: this.result.buffer, digest: this.digestBytes.buffer } });
    this.worker.unref();
  }

  update(bytes: Uint8Array): void {
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    Atomics.add(this.pending, 0, BigInt(copy.length));
    this.worker.postMessage(copy.buffer, [copy.buffer]);
    for (let p = Atomics.load(this.pending, 0); p > HASH_BACKLOG; p = Atomics.load(this.pending, 0)) Atomics.wait(this.pending, 0, p, 100);
  }

  digest(): string {
    this.worker.postMessage('digest');
    while (Atomics.load(this.result, 0) === 0) Atomics.wait(this.result, 0, 0, 100);
    return Buffer.from(this.digestBytes).toString('base64');
  }

  close(): void {
    void this.worker.terminate();
  }
}

/** A file's bytes hashed in order as they are read; gaps are read for the hash alone. */
export class HashingByteSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  readonly plainFile?: boolean;
  private readonly hash = new Sha1Thread();
  private hashedTo = 0;
  private gap = Buffer.alloc(0);

  constructor(private readonly inner: ByteSource) {
    this.name = inner.name;
    this.size = inner.size;
    // the bytes handed on are the bytes read, in whatever pieces: a plain file stays one
    if (inner.plainFile) this.plainFile = true;
  }

  private hashUpTo(end: number): void {
    if (this.gap.length === 0) this.gap = Buffer.alloc(HASH_CHUNK);
    while (this.hashedTo < end) {
      const n = this.inner.read(this.gap, 0, Math.min(HASH_CHUNK, end - this.hashedTo), this.hashedTo);
      if (n <= 0) break;
      this.hash.update(this.gap.subarray(0, n));
      this.hashedTo += n;
    }
  }

  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    const n = this.inner.read(buf, offset, length, position);
    if (n > 0 && position + n > this.hashedTo) {
      if (position > this.hashedTo) this.hashUpTo(position);
      if (position <= this.hashedTo) {
        this.hash.update(buf.subarray(offset + (this.hashedTo - position), offset + n));
        this.hashedTo = position + n;
      }
    }
    return n;
  }

  /** Hash the rest of the file; the base64 SHA-1 of the whole file. */
  digest(): string {
    this.hashUpTo(this.size);
    return this.hash.digest();
  }

  close(): void {
    this.hash.close();
    this.inner.close();
  }
}

interface Piece {
  file: string;
  /** First frame in the track file, frames, and where the piece starts in the virtual track. */
  startFrame: number;
  frames: number;
  vtStart: number;
}

interface OpenTrackFile {
  source: AudioSource;
  hashing: HashingByteSource;
  /** The track file's read position as this stream left it. */
  at: number;
  assetId: string;
}

export interface VirtualTrackFacts {
  cpl: Cpl;
  track: CplVirtualTrack;
  /** 1-based among the CPL's audio virtual tracks. */
  index: number;
  language: string | null;
  mcaGroup: string | null;
}

export class ImfVirtualTrackSource implements AudioSource {
  readonly files: string[];
  private position = 0;
  private piece = 0;
  private verified = false;

  constructor(
    readonly header: AudioHeader,
    private readonly pieces: Piece[],
    private readonly open: Map<string, OpenTrackFile>,
    private readonly pkg: ImfPackage,
    readonly facts: VirtualTrackFacts,
  ) {
    this.files = [...open.keys()];
  }

  seek(frame: number): void {
    this.position = Math.max(0, Math.min(frame, this.header.format.frames));
    let lo = 0;
    let hi = this.pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.pieces[mid]!.vtStart <= this.position) lo = mid;
      else hi = mid - 1;
    }
    this.piece = lo;
  }

  read(out: Float32Array[], maxFrames: number): number {
    const want = Math.min(maxFrames, this.header.format.frames - this.position);
    let done = 0;
    while (done < want) {
      let p = this.pieces[this.piece]!;
      while (this.position >= p.vtStart + p.frames) p = this.pieces[++this.piece]!;
      const f = this.open.get(p.file)!;
      const fileFrame = p.startFrame + (this.position - p.vtStart);
      if (f.at !== fileFrame) {
        f.source.seek(fileFrame);
        f.at = fileFrame;
      }
      const n = Math.min(want - done, p.vtStart + p.frames - this.position);
      const views = done === 0 ? out : out.map((c) => c.subarray(done));
      const got = f.source.read(views, n);
      if (got === 0) {
        throw new DubstageError({ code: 'truncated', message: `${p.file}: the track file ended at frame ${fileFrame}; the CPL needs ${p.startFrame + p.frames}`, path: p.file });
      }
      f.at += got;
      done += got;
      this.position += got;
    }
    if (this.position === this.header.format.frames && !this.verified) this.verify();
    return done;
  }

  /** Every track file of the virtual track against its PKL size and SHA-1. */
  private verify(): void {
    this.verified = true;
    const bad: string[] = [];
    for (const [file, f] of this.open) {
      const entry = this.pkg.pkl.get(f.assetId);
      if (!entry) continue;
      const digest = f.hashing.digest();
      if (entry.size !== null && entry.size !== f.hashing.size) bad.push(`${file}: ${f.hashing.size} bytes but the PKL (${path.basename(entry.pkl)}) says ${entry.size}`);
      else if (entry.hashSha1 && digest !== entry.hashSha1) bad.push(`${file}: SHA-1 ${digest} but the PKL (${path.basename(entry.pkl)}) says ${entry.hashSha1}`);
    }
    if (bad.length > 0) {
      const first = bad[0]!.split(':')[0]!;
      throw new DubstageError({ code: 'mismatch', message: `audio track file hash mismatch: ${bad.join('; ')}`, path: first });
    }
  }

  close(): void {
    for (const f of this.open.values()) f.source.close();
  }
}

function samplesOf(units: number, rate: { num: number; den: number }, sampleRate: number, what: string, file: string): number {
  const s = (units * sampleRate * rate.den) / rate.num;
  if (!Number.isInteger(s)) {
    throw new DubstageError({ code: 'bad-format', message: `${file}: ${what}: ${units} edit units at ${rate.num}/${rate.den} is ${s} samples at ${sampleRate} Hz, not a whole number`, path: file });
  }
  return s;
}

/** Open the index-th (1-based) audio virtual track of a CPL in a package. */
export function openVirtualTrack(pkg: ImfPackage, cpl: Cpl, index: number, address: string, options: OpenOptions = {}): ImfVirtualTrackSource {
  const audio = cpl.virtualTracks.filter((v) => v.kind === 'MainAudioSequence');
  const vt = audio[index - 1];
  if (!vt) throw new DubstageError({ code: 'usage', message: `${address}: the CPL has ${audio.length} audio virtual track(s); #track${index} does not exist`, path: address });
  const open = new Map<string, OpenTrackFile>();
  const infos = new Map<string, MxfInfo>();
  const pieces: Piece[] = [];
  let header: AudioHeader | null = null;
  const warnings: string[] = [];
  try {
    let vtFrames = 0;
    vt.resources.forEach((r, ri) => {
      const where = `resource ${ri + 1} of audio virtual track ${index} (CPL ${path.basename(cpl.path)})`;
      const asset = pkg.assets.get(r.trackFileId);
      if (!asset) {
        throw new DubstageError({ code: 'io', message: `audio track file urn:uuid:${r.trackFileId} needed by CPL ${path.basename(cpl.path)} (urn:uuid:${cpl.id}) is not in the ASSETMAP`, path: cpl.path });
      }
      let f = open.get(asset.path);
      if (!f) {
        let plain: ByteSource;
        try {
          plain = openFileSource(asset.path);
        } catch {
          throw new DubstageError({ code: 'io', message: `audio track file urn:uuid:${r.trackFileId} needed by CPL ${path.basename(cpl.path)} (urn:uuid:${cpl.id}) is missing: ${asset.path}`, path: asset.path });
        }
        let info: MxfInfo;
        try {
          info = readMxf(plain);
        } finally {
          plain.close();
        }
        infos.set(asset.path, info);
        const hashing = new HashingByteSource(openFileSource(asset.path));
        const { source } = openMxfTrack(hashing, asset.path, null, options.pcm, info);
        f = { source, hashing, at: 0, assetId: r.trackFileId };
        open.set(asset.path, f);
        if (!pkg.pkl.has(r.trackFileId)) warnings.push(`${path.basename(asset.path)}: not in any PKL; its hash is not checked`);
      }
      const h = f.source.header;
      const rate = h.format.sampleRate;
      if (header && (header.format.sampleRate !== rate || header.format.channels !== h.format.channels)) {
        throw new DubstageError({ code: 'mismatch', message: `${asset.path}: ${where} is ${h.format.channels} channels at ${rate} Hz but the virtual track began with ${header.format.channels} at ${header.format.sampleRate} Hz`, path: asset.path });
      }
      if (!header) header = h;
      const entry = samplesOf(r.entryPoint, r.editRate, rate, `${where} EntryPoint`, cpl.path);
      const dur = samplesOf(r.sourceDuration, r.editRate, rate, `${where} SourceDuration`, cpl.path);
      if (entry + dur > h.format.frames) {
        throw new DubstageError({ code: 'mismatch', message: `${asset.path}: ${where} needs samples ${entry} to ${entry + dur} but the track file holds ${h.format.frames}`, path: asset.path });
      }
      if (pieces.length + r.repeatCount > MAX_PIECES) throw new DubstageError({ code: 'bad-format', message: `${cpl.path}: ${where}: RepeatCount ${r.repeatCount} makes more than ${MAX_PIECES} pieces`, path: cpl.path });
      for (let k = 0; k < r.repeatCount && dur > 0; k++) {
        pieces.push({ file: asset.path, startFrame: entry, frames: dur, vtStart: vtFrames });
        vtFrames += dur;
      }
    });
    if (!header) throw new DubstageError({ code: 'bad-format', message: `${cpl.path}: audio virtual track ${index} has no track file resources`, path: cpl.path });
    const first = header as AudioHeader;
    const labelsDiffer = [...open.values()].some((f) => (f.source.header.mxf?.mcaLabels ?? []).join(' ') !== (first.mxf?.mcaLabels ?? []).join(' '));
    if (labelsDiffer) warnings.push('the track files of this virtual track carry different MCA labels; the first resource\'s are used');
    const vtHeader: AudioHeader = {
      ...first,
      path: address,
      format: { ...first.format, container: 'imf', frames: vtFrames, durationSeconds: vtFrames / first.format.sampleRate, channelLabels: [], labelSource: 'unknown' },
      warnings: [...first.warnings.map((w) => `${path.basename(first.path)}: ${w}`), ...warnings],
    };
    applyLabels(vtHeader, options.channels);
    const facts: VirtualTrackFacts = { cpl, track: vt, index, language: first.mxf?.language ?? null, mcaGroup: first.mxf?.soundfieldGroups[0] ?? null };
    vtHeader.imf = {
      cpl: `urn:uuid:${cpl.id}`,
      title: cpl.title,
      editRate: cpl.editRate ? `${cpl.editRate.num}/${cpl.editRate.den}` : null,
      language: facts.language,
      mcaGroup: facts.mcaGroup,
    };
    return new ImfVirtualTrackSource(vtHeader, pieces, open, pkg, facts);
  } catch (err) {
    for (const f of open.values()) f.source.close();
    throw err;
  }
}
