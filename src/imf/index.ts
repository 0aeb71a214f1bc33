/**
 * IMF packages (SMPTE ST 2067): a package folder or a CPL stands for its audio virtual tracks, each
 * addressed as `CPL.xml#track<N>` (N: 1-based among the CPL's MainAudioSequence track ids, in the order
 * they first appear) and opened through src/audio's address registry, so measure, qc and the workers
 * read them like files.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { registerAddressOpener, type OpenOptions } from '../audio/open.js';
import { DubstageError, toErrorInfo, type ErrorInfo } from '../errors.js';
import { isImfPackageDir, nonAudioProblems, readImfPackage, type Cpl, type ImfPackage } from './package.js';
import { openVirtualTrack, type ImfVirtualTrackSource } from './source.js';
import { hashProblems, hashTrackFiles, nonAudioTrackFiles } from './hash.js';

export { readImfPackage, parseCpl, isImfPackageDir, type ImfPackage, type Cpl, type CplVirtualTrack, type CplResource } from './package.js';
export { openVirtualTrack, ImfVirtualTrackSource, HashingByteSource } from './source.js';
export { hashTrackFiles, nonAudioTrackFiles, hashProblems, type TrackFileHash, type TrackFileToHash } from './hash.js';

/** The `imf` object of a measured virtual track (the measure contract). */
export interface ImfEntry {
  /** The CPL's Id (urn:uuid:...). */
  cpl: string;
  title: string | null;
  /** The CPL's EditRate as "num/den". */
  editRate: string | null;
  /** RFC 5646 tag from the track file's MCA. */
  language: string | null;
  /** The soundfield group's MCA tag symbol (sg51, sgST, ...). */
  mcaGroup: string | null;
}

const ADDRESS = /^(.*\.xml)#track(\d+)$/i;

function sniffCpl(p: string): boolean {
  try {
    const fd = openSync(p, 'r');
    try {
      const head = Buffer.alloc(4096);
      const text = head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString('utf8');
      return /<([\w-]+:)?CompositionPlaylist[\s>]/.test(text);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** An IMF package folder (with an ASSETMAP) or a CPL file. */
export function isImfInput(p: string): boolean {
  if (isImfPackageDir(p)) return true;
  try {
    return /\.xml$/i.test(p) && statSync(p).isFile() && sniffCpl(p);
  } catch {
    return false;
  }
}

function cplIn(pkg: ImfPackage, cplPath: string): Cpl {
  const abs = path.resolve(cplPath);
  const cpl = pkg.cpls.find((c) => path.resolve(c.path) === abs);
  if (cpl) return cpl;
  const problem = pkg.problems.find((p) => path.resolve(p.path) === abs);
  if (problem) throw new DubstageError({ ...problem.error, code: problem.error.code });
  throw new DubstageError({ code: 'usage', message: `${cplPath}: not a CPL listed in the package's ASSETMAP (${pkg.assetMapPath})`, path: cplPath });
}

export function imfEntry(cpl: Cpl, source: { facts: { language: string | null; mcaGroup: string | null } } | null): ImfEntry {
  return {
    cpl: `urn:uuid:${cpl.id}`,
    title: cpl.title,
    editRate: cpl.editRate ? `${cpl.editRate.num}/${cpl.editRate.den}` : null,
    language: source?.facts.language ?? null,
    mcaGroup: source?.facts.mcaGroup ?? null,
  };
}

export interface ImfExpansion {
  tracks: Array<{ address: string; cpl: Cpl; imf: ImfEntry }>;
  /** Assets that could not be read (missing picture or subtitle files, wrong hashes of XML assets, bad PKLs). */
  problems: Array<{ path: string; error: ErrorInfo }>;
  /**
   * The SHA-1 check of the non-audio track files (picture, subtitle) against the PKL, on a worker
   * thread: started by the first call (run it before measuring the audio, await it after), the same
   * promise on later calls. Resolves with the mismatches and unreadable files; never rejects.
   */
  hashes: () => Promise<Array<{ path: string; error: ErrorInfo }>>;
}

/** The audio virtual tracks of a package folder (every CPL) or of one CPL, and the package's problems. */
export async function imfVirtualTrackAddresses(p: string): Promise<ImfExpansion> {
  const pkg = readImfPackage(p);
  const cpls = isImfPackageDir(p) ? pkg.cpls : [cplIn(pkg, p)];
  if (cpls.length === 0) throw new DubstageError({ code: 'not-audio', message: `${p}: the package lists no CPL`, path: p });
  let hashing: Promise<Array<{ path: string; error: ErrorInfo }>> | null = null;
  const hashes = () => (hashing ??= hashTrackFiles(nonAudioTrackFiles(pkg, cpls)).then(hashProblems));
  const out: ImfExpansion = { tracks: [], problems: [...pkg.problems], hashes };
  for (const cpl of cpls) {
    out.problems.push(...nonAudioProblems(pkg, cpl));
    const audio = cpl.virtualTracks.filter((v) => v.kind === 'MainAudioSequence');
    audio.forEach((_, i) => {
      const address = `${cpl.path}#track${i + 1}`;
      // language and soundfield group from the first track file's MCA (read from its header only)
      let source: ImfVirtualTrackSource | null = null;
      try {
        source = openVirtualTrack(pkg, cpl, i + 1, address);
      } catch (err) {
        void toErrorInfo(err, address); // the measure of this address reports it
      } finally {
        source?.close();
      }
      out.tracks.push({ address, cpl, imf: imfEntry(cpl, source) });
    });
  }
  return out;
}

/** Open `CPL.xml#track<N>`. */
export function openImfAddress(address: string, options: OpenOptions = {}): ImfVirtualTrackSource {
  const m = ADDRESS.exec(address);
  if (!m) throw new DubstageError({ code: 'usage', message: `${address}: not an IMF virtual-track address (CPL.xml#track<N>)`, path: address });
  const pkg = readImfPackage(m[1]!);
  return openVirtualTrack(pkg, cplIn(pkg, m[1]!), Number(m[2]), address, options);
}

registerAddressOpener({
  matches: (p) => ADDRESS.test(p),
  open: (p, options) => openImfAddress(p, options),
});
