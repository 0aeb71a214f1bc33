/**
 * What `dubstage inspect IMP_DIR` (or a CPL or the ASSETMAP) says about an IMF package: each CPL
 * (title, edit rate, duration, segments and their sequences, the audio virtual tracks with their
 * soundfield groups and languages), each asset with its type and PKL status, and the problems.
 * Metadata only by default: audio track files are read to their header metadata, picture and
 * subtitle track files to their header partition pack. With `hash`, every track file's SHA-1 is
 * computed (one streaming pass each on a worker thread, flat memory) and compared with the PKL.
 */
import { basename, dirname, resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { openFileSource } from '../audio/bytesource.js';
import { essenceContainerName, mcaSoundfieldGroups, operationalPatternOf, readHeaderPartition, readMxf, type McaSoundfieldGroup } from '../audio/mxf/index.js';
import { ul } from '../audio/mxf/klv.js';
import { DubstageError, toErrorInfo, type ErrorInfo } from '../errors.js';
import { hashTrackFiles, type TrackFileToHash } from './hash.js';
import { isImfPackageDir, nonAudioProblems, readImfPackage, type Cpl, type ImfPackage } from './package.js';

export type ImfAssetType = 'cpl' | 'pkl' | 'audio' | 'picture' | 'subtitle' | 'data' | 'xml' | 'other';

export interface ImfPklStatus {
  /** The PKL that lists the asset (file name), or null when none does. */
  pkl: string | null;
  sizeBytes: number | null;
  pklSizeBytes: number | null;
  /** base64 SHA-1 the PKL gives, or null. */
  expectedSha1: string | null;
  /** base64 SHA-1 of the file, when computed. */
  actualSha1: string | null;
  /**
   * 'match' / 'mismatch' (computed), 'size-mismatch', 'not-checked' (a track file without --hash),
   * 'not-in-pkl', 'no-sha1' (another algorithm), 'missing' (not on disk), 'packing-list' (a PKL itself).
   */
  status: 'match' | 'mismatch' | 'size-mismatch' | 'not-checked' | 'not-in-pkl' | 'no-sha1' | 'missing' | 'packing-list';
}

export interface ImfInspectAsset {
  id: string;
  path: string;
  type: ImfAssetType;
  /** The CPL sequences that use it (MainAudioSequence, MainImageSequence, ...). */
  sequences: string[];
  pkl: ImfPklStatus;
  /** An MXF track file's header: pattern and essence containers. */
  mxf: { operationalPattern: string; essenceContainers: string[] } | null;
  /** An audio track file's tracks: format and MCA soundfield groups. */
  audio: Array<{ index: number; sampleRate: number; bits: number; channels: number; wrapping: string; frames: number; soundfieldGroups: McaSoundfieldGroup[]; language: string | null }>;
}

export interface ImfInspectCpl {
  id: string;
  path: string;
  title: string | null;
  version: string;
  editRate: string | null;
  durationSeconds: number;
  /** In the CPL's edit rate (rounded down when the segments do not add up to whole units). */
  durationEditUnits: number | null;
  segments: Array<{ index: number; id: string; durationSeconds: number; sequences: Array<{ kind: string; trackId: string; resources: number; durationSeconds: number }> }>;
  /** The audio virtual tracks as `measure` addresses them (`CPL.xml#track<N>`), with their first track file's MCA. */
  audioTracks: Array<{ index: number; address: string; trackId: string; resources: number; durationSeconds: number; soundfieldGroups: McaSoundfieldGroup[]; language: string | null; channels: number | null }>;
}

export interface ImfInspect {
  root: string;
  assetMap: string;
  pkls: string[];
  cpls: ImfInspectCpl[];
  assets: ImfInspectAsset[];
  /** Whether the track files' SHA-1 were computed (--hash). */
  hashed: boolean;
  problems: ErrorInfo[];
}

/** A package folder, a CPL in one, or its ASSETMAP: the folder to inspect and the CPL to keep (null: all). */
export function imfInspectTarget(p: string): { dir: string; cpl: string | null } | null {
  if (isImfPackageDir(p)) return { dir: p, cpl: null };
  if (/^ASSETMAP(\.xml)?$/i.test(basename(p)) && existsSync(p)) return { dir: dirname(p), cpl: null };
  return null;
}

const SEQUENCE_TYPE: Record<string, ImfAssetType> = {
  MainAudioSequence: 'audio', MainImageSequence: 'picture', SubtitlesSequence: 'subtitle', HearingImpairedCaptionsSequence: 'subtitle',
  VisuallyImpairedTextSequence: 'subtitle', CommentarySequence: 'subtitle', KaraokeSequence: 'subtitle', ForcedNarrativeSequence: 'subtitle',
  AncillaryDataSequence: 'data', IABSequence: 'audio', MGASequence: 'audio', ISXDSequence: 'data',
};

export async function inspectImf(p: string, options: { hash?: boolean } = {}): Promise<ImfInspect> {
  const target = imfInspectTarget(p);
  const pkg = readImfPackage(target ? target.dir : p);
  const cpls = target ? pkg.cpls : pkg.cpls.filter((c) => resolve(c.path) === resolve(p));
  if (!target && cpls.length === 0) throw new DubstageError({ code: 'usage', message: `${p}: not a CPL listed in the package's ASSETMAP (${pkg.assetMapPath})`, path: p });
  const problems: ErrorInfo[] = pkg.problems.map((x) => x.error);
  for (const c of cpls) problems.push(...nonAudioProblems(pkg, c).map((x) => x.error));

  // which sequences use each asset (over every CPL of the package: an asset's type does not depend on the CPL asked for)
  const uses = new Map<string, Set<string>>();
  for (const c of pkg.cpls) for (const vt of c.virtualTracks) for (const r of vt.resources) (uses.get(r.trackFileId) ?? uses.set(r.trackFileId, new Set()).get(r.trackFileId)!).add(vt.kind);
  const cplIds = new Set(pkg.cpls.map((c) => c.id));
  const cplPaths = new Set(pkg.cpls.map((c) => resolve(c.path)));
  const pklPaths = new Set([...pkg.pkl.values()].map((e) => resolve(e.pkl)));

  const assets: ImfInspectAsset[] = [];
  for (const a of pkg.assets.values()) {
    const sequences = [...(uses.get(a.id) ?? [])];
    const type: ImfAssetType = a.packingList || pklPaths.has(resolve(a.path)) ? 'pkl' : cplIds.has(a.id) || cplPaths.has(resolve(a.path)) ? 'cpl' : sequences.length > 0 ? (SEQUENCE_TYPE[sequences[0]!] ?? 'other') : /\.xml$/i.test(a.path) ? 'xml' : 'other';
    const entry = pkg.pkl.get(a.id) ?? null;
    const onDisk = existsSync(a.path) && statSync(a.path).isFile();
    const size = onDisk ? statSync(a.path).size : null;
    const status: ImfPklStatus = {
      pkl: entry ? basename(entry.pkl) : null,
      sizeBytes: size,
      pklSizeBytes: entry?.size ?? null,
      expectedSha1: entry?.hashSha1 ?? null,
      actualSha1: null,
      status: !onDisk ? 'missing' : type === 'pkl' ? 'packing-list' : !entry ? 'not-in-pkl' : entry.size !== null && entry.size !== size ? 'size-mismatch' : !entry.hashSha1 ? 'no-sha1' : 'not-checked',
    };
    // XML assets are hashed when the package is read: their mismatch is among its problems
    if (status.status === 'not-checked' && /\.xml$/i.test(a.path)) status.status = pkg.problems.some((x) => x.path === a.path && x.error.code === 'mismatch') ? 'mismatch' : 'match';
    const asset: ImfInspectAsset = { id: a.id, path: a.path, type, sequences, pkl: status, mxf: null, audio: [] };
    if (onDisk && sequences.length > 0) readTrackFileHeader(asset, problems);
    assets.push(asset);
  }

  if (options.hash) {
    const todo: TrackFileToHash[] = assets
      .filter((x) => x.pkl.status === 'not-checked')
      .map((x) => ({ path: x.path, assetId: x.id, kind: x.sequences[0] ?? x.type, cpl: '', entry: pkg.pkl.get(x.id)! }));
    for (const h of await hashTrackFiles(todo)) {
      const asset = assets.find((x) => x.path === h.file.path)!;
      asset.pkl.actualSha1 = h.sha1;
      if (h.sha1 === null) problems.push(h.error!);
      else if (h.sha1 === h.file.entry.hashSha1) asset.pkl.status = 'match';
      else {
        asset.pkl.status = 'mismatch';
        problems.push({ code: 'mismatch', message: `${h.file.path}: SHA-1 ${h.sha1} but the PKL (${basename(h.file.entry.pkl)}) says ${h.file.entry.hashSha1} (${h.file.kind} track file urn:uuid:${h.file.assetId})`, path: h.file.path });
      }
    }
  }
  for (const x of assets) {
    if (x.pkl.status === 'size-mismatch' && !problems.some((e) => e.path === x.path && e.code === 'mismatch')) {
      problems.push({ code: 'mismatch', message: `${x.path}: ${x.pkl.sizeBytes} bytes but the PKL (${x.pkl.pkl}) says ${x.pkl.pklSizeBytes}`, path: x.path });
    }
  }
  return { root: pkg.root, assetMap: pkg.assetMapPath, pkls: [...pklPaths], cpls: cpls.map((c) => cplEntry(pkg, c, assets, problems)), assets, hashed: options.hash === true, problems };
}

function readTrackFileHeader(asset: ImfInspectAsset, problems: ErrorInfo[]): void {
  let src;
  try {
    src = openFileSource(asset.path);
  } catch (err) {
    problems.push(toErrorInfo(err, asset.path));
    return;
  }
  try {
    let hp;
    try {
      hp = readHeaderPartition(src);
    } catch (err) {
      const e = toErrorInfo(err, asset.path);
      problems.push(e.code === 'not-audio' ? { ...e, code: 'bad-format', message: `${asset.path}: the ${asset.sequences[0]} track file is not an MXF (${e.message.replace(`${asset.path}: `, '')})` } : e);
      return;
    }
    asset.mxf = { operationalPattern: operationalPatternOf(hp.operationalPattern), essenceContainers: hp.essenceContainers.map((e) => essenceContainerName(ul(e))) };
    if (asset.type !== 'audio') return;
    // an audio track file: its header metadata (clip-wrapped: a few KLVs to walk)
    const info = readMxf(src);
    asset.audio = info.audioTracks.map((t) => ({
      index: t.index,
      sampleRate: t.descriptor.sampleRate,
      bits: t.descriptor.quantizationBits,
      channels: t.descriptor.channels,
      wrapping: t.wrapping,
      frames: t.frames,
      soundfieldGroups: mcaSoundfieldGroups(t.mca),
      language: t.layout?.language ?? null,
    }));
  } catch (err) {
    problems.push(toErrorInfo(err, asset.path));
  } finally {
    src.close();
  }
}

function cplEntry(pkg: ImfPackage, c: Cpl, assets: ImfInspectAsset[], problems: ErrorInfo[]): ImfInspectCpl {
  const segments = c.segments.map((s, i) => ({
    index: i + 1,
    id: s.id,
    // a segment lasts as long as its sequences (they are equal in a valid CPL; the longest otherwise)
    durationSeconds: Math.max(0, ...s.sequences.map((q) => q.durationSeconds)),
    sequences: s.sequences,
  }));
  const durationSeconds = segments.reduce((t, s) => t + s.durationSeconds, 0);
  const er = c.editRate;
  const audio = c.virtualTracks.filter((v) => v.kind === 'MainAudioSequence');
  const audioTracks = audio.map((vt, i) => {
    const first = vt.resources[0] ? pkg.assets.get(vt.resources[0].trackFileId) : undefined;
    const tf = first ? assets.find((a) => a.id === first.id) : undefined;
    const t = tf?.audio[0];
    if (!first && vt.resources[0]) problems.push({ code: 'io', message: `audio track file urn:uuid:${vt.resources[0].trackFileId} needed by CPL ${basename(c.path)} (urn:uuid:${c.id}) is not in the ASSETMAP`, path: c.path });
    else if (first && !existsSync(first.path)) problems.push({ code: 'io', message: `audio track file urn:uuid:${first.id} needed by CPL ${basename(c.path)} (urn:uuid:${c.id}) is missing: ${first.path}`, path: first.path });
    return {
      index: i + 1,
      address: `${c.path}#track${i + 1}`,
      trackId: vt.trackId,
      resources: vt.resources.length,
      durationSeconds: vt.resources.reduce((s, r) => s + (r.sourceDuration * r.repeatCount * r.editRate.den) / r.editRate.num, 0),
      soundfieldGroups: t?.soundfieldGroups ?? [],
      language: t?.language ?? null,
      channels: t?.channels ?? null,
    };
  });
  return {
    id: `urn:uuid:${c.id}`,
    path: c.path,
    title: c.title,
    version: c.version,
    editRate: er ? `${er.num}/${er.den}` : null,
    durationSeconds,
    durationEditUnits: er ? Math.floor((durationSeconds * er.num) / er.den + 1e-9) : null,
    segments,
    audioTracks,
  };
}
