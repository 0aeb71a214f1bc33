/**
 * An IMF package (SMPTE ST 2067-2): the ASSETMAP (ST 429-9) maps asset ids to files, the PKLs
 * (ST 429-8 / ST 2067-2:2016) give each asset's size and SHA-1, and the CPLs (ST 2067-3, 2013 and
 * 2016 namespaces) lay out segments and sequences. The audio virtual tracks are the MainAudioSequences
 * that share one TrackId, their resources in segment order.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { DubstageError, toErrorInfo, type ErrorInfo } from '../errors.js';
import type { Rational } from '../session/time.js';
import { kid, kids, kidText, readImfXml, type XmlElement } from './xml.js';

export interface ImfAsset {
  id: string;
  /** Absolute path on disk (from the ASSETMAP's chunk path). */
  path: string;
  packingList: boolean;
}

export interface PklEntry {
  id: string;
  /** base64 SHA-1 as written; null when the PKL uses another algorithm. */
  hashSha1: string | null;
  size: number | null;
  type: string | null;
  originalFileName: string | null;
  pkl: string;
}

export interface CplResource {
  trackFileId: string;
  editRate: Rational;
  intrinsicDuration: number;
  entryPoint: number;
  sourceDuration: number;
  repeatCount: number;
}

export interface CplVirtualTrack {
  trackId: string;
  /** Sequence element name: MainAudioSequence, MainImageSequence, SubtitlesSequence, ... */
  kind: string;
  resources: CplResource[];
}

export interface Cpl {
  id: string;
  path: string;
  title: string | null;
  editRate: Rational | null;
  /** 2013 or 2016 (ST 2067-3), from the root namespace. */
  version: string;
  virtualTracks: CplVirtualTrack[];
  /** The segments in order, each sequence with its resources' total length (what inspect lists). */
  segments: CplSegment[];
}

export interface CplSegment {
  id: string;
  sequences: Array<{ kind: string; trackId: string; resources: number; durationSeconds: number }>;
}

export interface ImfPackage {
  root: string;
  assetMapPath: string;
  assets: Map<string, ImfAsset>;
  pkl: Map<string, PklEntry>;
  cpls: Cpl[];
  /** Assets that could not be read or checked; none of them stops the audio. */
  problems: Array<{ path: string; error: ErrorInfo }>;
}

const CPL_NS = /^http:\/\/www\.smpte-ra\.org\/schemas\/2067-3\/(2013|2016)$/;

export function normalizeId(id: string | undefined): string {
  return (id ?? '').trim().toLowerCase().replace(/^urn:uuid:/, '');
}

function rationalOf(text: string | undefined, where: string, file: string): Rational | null {
  if (!text) return null;
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  if (!m || Number(m[2]) === 0) throw new DubstageError({ code: 'bad-format', message: `${file}: ${where}: EditRate '${text}' is not 'numerator denominator'`, path: file });
  return { num: Number(m[1]), den: Number(m[2]) };
}

function intOf(text: string | undefined, fallback: number | null, where: string, file: string): number {
  if (text === undefined || text === '') {
    if (fallback === null) throw new DubstageError({ code: 'bad-format', message: `${file}: ${where} is missing`, path: file });
    return fallback;
  }
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new DubstageError({ code: 'bad-format', message: `${file}: ${where} '${text}' is not a whole number`, path: file });
  return Number(text);
}

/** Is this XML root a CPL? */
export function isCplRoot(root: XmlElement): boolean {
  return root.name === 'CompositionPlaylist';
}

export function parseCpl(root: XmlElement, file: string): Cpl {
  const m = CPL_NS.exec(root.ns);
  if (!isCplRoot(root) || !m) {
    throw new DubstageError({ code: 'bad-format', message: `${file}: not an ST 2067-3 CPL (root ${root.name} in namespace '${root.ns}'; 2067-3/2013 or 2067-3/2016 expected)`, path: file });
  }
  const id = normalizeId(kidText(root, 'Id'));
  const editRate = rationalOf(kidText(root, 'EditRate'), 'CompositionPlaylist EditRate', file);
  const tracks = new Map<string, CplVirtualTrack>();
  const segments: CplSegment[] = [];
  kids(kid(root, 'SegmentList'), 'Segment').forEach((seg, si) => {
    const segment: CplSegment = { id: normalizeId(kidText(seg, 'Id')), sequences: [] };
    segments.push(segment);
    for (const seq of kid(seg, 'SequenceList')?.children ?? []) {
      const trackId = normalizeId(kidText(seq, 'TrackId'));
      if (!trackId) continue;
      const entry = { kind: seq.name, trackId, resources: 0, durationSeconds: 0 };
      segment.sequences.push(entry);
      let vt = tracks.get(trackId);
      if (!vt) {
        vt = { trackId, kind: seq.name, resources: [] };
        tracks.set(trackId, vt);
      }
      kids(kid(seq, 'ResourceList'), 'Resource').forEach((r, ri) => {
        const where = `segment ${si + 1}, ${seq.name}, resource ${ri + 1}`;
        const trackFileId = normalizeId(kidText(r, 'TrackFileId'));
        if (!trackFileId) return; // markers and other non-track-file resources
        const rate = rationalOf(kidText(r, 'EditRate'), where, file) ?? editRate;
        if (!rate) throw new DubstageError({ code: 'bad-format', message: `${file}: ${where}: no EditRate (neither on the resource nor the CPL)`, path: file });
        const intrinsicDuration = intOf(kidText(r, 'IntrinsicDuration'), null, `${where} IntrinsicDuration`, file);
        const entryPoint = intOf(kidText(r, 'EntryPoint'), 0, `${where} EntryPoint`, file);
        const sourceDuration = intOf(kidText(r, 'SourceDuration'), intrinsicDuration - entryPoint, `${where} SourceDuration`, file);
        const repeatCount = intOf(kidText(r, 'RepeatCount'), 1, `${where} RepeatCount`, file);
        if (entryPoint + sourceDuration > intrinsicDuration) {
          throw new DubstageError({ code: 'bad-format', message: `${file}: ${where}: EntryPoint ${entryPoint} + SourceDuration ${sourceDuration} is past IntrinsicDuration ${intrinsicDuration}`, path: file });
        }
        vt!.resources.push({ trackFileId, editRate: rate, intrinsicDuration, entryPoint, sourceDuration, repeatCount });
        entry.resources++;
        entry.durationSeconds += (sourceDuration * repeatCount * rate.den) / rate.num;
      });
    }
  });
  return { id, path: file, title: kidText(root, 'ContentTitle') ?? null, editRate, version: m[1]!, virtualTracks: [...tracks.values()], segments };
}

function findAssetMap(dir: string): string | null {
  for (const n of ['ASSETMAP.xml', 'ASSETMAP']) if (existsSync(path.join(dir, n))) return path.join(dir, n);
  return null;
}

/** Is this path an IMF package (a folder with an ASSETMAP) or a CPL? */
export function isImfPackageDir(p: string): boolean {
  try {
    return statSync(p).isDirectory() && findAssetMap(p) !== null;
  } catch {
    return false;
  }
}

/**
 * Read a package from its folder (or the folder of a CPL). Bad PKLs, missing non-audio files and
 * wrong hashes of XML assets are problems, not failures; a missing or unreadable ASSETMAP fails.
 */
export function readImfPackage(dirOrCpl: string): ImfPackage {
  const isDir = statSync(dirOrCpl).isDirectory();
  const root = path.resolve(isDir ? dirOrCpl : path.dirname(dirOrCpl));
  const assetMapPath = findAssetMap(root);
  if (!assetMapPath) {
    throw new DubstageError({ code: 'not-audio', message: `${dirOrCpl}: no ASSETMAP.xml in ${root}; an IMF package folder has one (ST 429-9)`, path: dirOrCpl });
  }
  const pkg: ImfPackage = { root, assetMapPath, assets: new Map(), pkl: new Map(), cpls: [], problems: [] };
  const am = readImfXml(assetMapPath, 'ASSETMAP').root;
  if (am.name !== 'AssetMap') throw new DubstageError({ code: 'bad-format', message: `${assetMapPath}: root element is ${am.name}; AssetMap expected (ST 429-9)`, path: assetMapPath });
  for (const a of kids(kid(am, 'AssetList'), 'Asset')) {
    const id = normalizeId(kidText(a, 'Id'));
    const rel = kidText(kid(kid(a, 'ChunkList'), 'Chunk'), 'Path');
    if (!id || !rel) continue;
    const abs = path.resolve(root, rel.replace(/^file:\/\//, ''));
    if (path.isAbsolute(rel) || !abs.startsWith(root + path.sep)) {
      pkg.problems.push({ path: assetMapPath, error: { code: 'bad-format', message: `${assetMapPath}: asset ${id} has path '${rel}' outside the package folder; not followed`, path: assetMapPath } });
      continue;
    }
    pkg.assets.set(id, { id, path: abs, packingList: /^true$/i.test(kidText(a, 'PackingList') ?? '') });
  }
  // PKLs: the assets marked PackingList, else any PKL*.xml in the folder
  const pklPaths = [...pkg.assets.values()].filter((a) => a.packingList).map((a) => a.path);
  if (pklPaths.length === 0) for (const n of readdirSync(root)) if (/^PKL.*\.xml$/i.test(n)) pklPaths.push(path.join(root, n));
  for (const p of pklPaths) {
    try {
      const { root: pkl } = readImfXml(p, 'PKL');
      if (pkl.name !== 'PackingList') throw new DubstageError({ code: 'bad-format', message: `${p}: root element is ${pkl.name}; PackingList expected`, path: p });
      for (const a of kids(kid(pkl, 'AssetList'), 'Asset')) {
        const id = normalizeId(kidText(a, 'Id'));
        const alg = kid(a, 'HashAlgorithm')?.attrs.Algorithm ?? 'http://www.w3.org/2000/09/xmldsig#sha1';
        const size = kidText(a, 'Size');
        pkg.pkl.set(id, {
          id,
          hashSha1: /sha1$/i.test(alg) ? (kidText(a, 'Hash') ?? null) : null,
          size: size && /^\d+$/.test(size) ? Number(size) : null,
          type: kidText(a, 'Type') ?? null,
          originalFileName: kidText(a, 'OriginalFileName') ?? null,
          pkl: p,
        });
      }
    } catch (err) {
      pkg.problems.push({ path: p, error: toErrorInfo(err, p) });
    }
  }
  // CPLs: every XML asset whose root is a CompositionPlaylist
  for (const a of pkg.assets.values()) {
    if (a.packingList || !/\.xml$/i.test(a.path) || !existsSync(a.path)) continue;
    try {
      const { root: x, bytes } = readImfXml(a.path, 'XML asset');
      // XML assets (CPL, OPL, ...) are small: their PKL hash is checked here, a mismatch reported
      checkSmallAsset(pkg, a, bytes);
      if (isCplRoot(x)) pkg.cpls.push(parseCpl(x, a.path));
    } catch (err) {
      pkg.problems.push({ path: a.path, error: toErrorInfo(err, a.path) });
    }
  }
  // a CPL the ASSETMAP forgot is still read (and said to be missing from it): its audio may be all there
  const listed = new Set([...pkg.assets.values()].map((a) => a.path));
  for (const name of readdirSync(root).sort()) {
    const p = path.join(root, name);
    if (!/\.xml$/i.test(name) || listed.has(p) || pklPaths.includes(p) || path.resolve(p) === path.resolve(assetMapPath)) continue;
    try {
      const { root: x } = readImfXml(p, 'XML file');
      if (!isCplRoot(x)) continue;
      pkg.cpls.push(parseCpl(x, p));
      pkg.problems.push({ path: p, error: { code: 'mismatch', message: `${p}: a CPL in the package folder that the ASSETMAP does not list`, path: p } });
    } catch (err) {
      pkg.problems.push({ path: p, error: toErrorInfo(err, p) });
    }
  }
  return pkg;
}

function checkSmallAsset(pkg: ImfPackage, a: ImfAsset, bytes: Buffer): void {
  const entry = pkg.pkl.get(a.id);
  if (!entry) return;
  if (entry.size !== null && entry.size !== bytes.length) {
    pkg.problems.push({ path: a.path, error: { code: 'mismatch', message: `${a.path}: ${bytes.length} bytes but the PKL (${path.basename(entry.pkl)}) says ${entry.size}`, path: a.path } });
    return;
  }
  if (entry.hashSha1) {
    const got = createHash('sha1').update(bytes).digest('base64');
    if (got !== entry.hashSha1) {
      pkg.problems.push({ path: a.path, error: { code: 'mismatch', message: `${a.path}: SHA-1 ${got} but the PKL (${path.basename(entry.pkl)}) says ${entry.hashSha1}`, path: a.path } });
    }
  }
}

/**
 * Track files a CPL needs that are missing (not in the ASSETMAP, or not on disk) or of the wrong size,
 * outside its audio: each a problem naming the asset id and the CPL. The audio's own are errors of its
 * virtual track when it is opened.
 */
export function nonAudioProblems(pkg: ImfPackage, cpl: Cpl): Array<{ path: string; error: ErrorInfo }> {
  const out: Array<{ path: string; error: ErrorInfo }> = [];
  const seen = new Set<string>();
  for (const vt of cpl.virtualTracks) {
    if (vt.kind === 'MainAudioSequence') continue;
    for (const r of vt.resources) {
      if (seen.has(r.trackFileId)) continue;
      seen.add(r.trackFileId);
      const a = pkg.assets.get(r.trackFileId);
      if (!a || !existsSync(a.path)) {
        const where = a ? a.path : cpl.path;
        out.push({ path: where, error: { code: 'io', message: `${vt.kind} track file urn:uuid:${r.trackFileId} needed by CPL ${path.basename(cpl.path)} is ${a ? `missing on disk (${path.basename(a.path)})` : 'not in the ASSETMAP'}; the audio is measured without it`, path: where } });
        continue;
      }
      const entry = pkg.pkl.get(r.trackFileId);
      const size = statSync(a.path).size;
      if (entry?.size != null && entry.size !== size) {
        out.push({ path: a.path, error: { code: 'mismatch', message: `${a.path}: ${size} bytes but the PKL says ${entry.size} (${vt.kind} track file urn:uuid:${r.trackFileId})`, path: a.path } });
      }
    }
  }
  return out;
}
