/**
 * A catalogue: folders of deliveries, as distributors file them. Each folder directly in a catalogue is
 * a title, and a title is one delivery (its files and subfolders, read as `qc` reads a folder), split by
 * reel exactly as `qc` splits it (src/qc/pipeline.ts planDeliveries: two or more reel tokens — REEL_1,
 * R2, Reel 3 — in its folders' or files' names). A folder directly in the catalogue whose own name is a
 * reel (CATALOG = one title, REEL_1/, REEL_2/) is a reel of the catalogue's title. Audio files loose in
 * the catalogue folder are one more delivery. Nothing here reads audio beyond what discovery reads.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AUDIO_EXT, DAMF_PART, DAMF_ROOT, damfSetFiles, MAX_FOLDER_DEPTH } from '../delivery/discover.js';
import { DubstageError, toErrorInfo } from '../errors.js';
import { planDeliveries, reelOf } from '../qc/pipeline.js';

/** One input file as it was when looked at: what --resume compares. */
export interface InputStamp {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface CatalogEntry {
  /** Stable, filesystem-safe and unique in the run: from the path below the catalogue ("SHOW_A", "SHOW_B__REEL_2"). */
  id: string;
  /** The catalogue folder it was found in (resolved). */
  catalog: string;
  /** The title's folder name (or the catalogue's, for its reels and loose files). */
  title: string;
  /** The reel, as qc reads it ("2" for REEL_02), when the title is split by reel. */
  reel?: string;
  /** What `qc` would be given for this delivery alone: a folder, or the files of one reel. */
  paths: string[];
  /** Every file below `paths` (hidden files and OS housekeeping left out), sorted by path. */
  inputs: InputStamp[];
}

/** Files that are neither delivery nor worth a stamp (OS and DAW housekeeping), as discovery skips them. */
const HOUSEKEEPING = /^(\.DS_Store|Thumbs\.db|desktop\.ini|\.localized)$/i;

const hash8 = (text: string): string => crypto.createHash('sha1').update(text).digest('hex').slice(0, 8);

/**
 * A filesystem-safe id from a path below the catalogue: segments joined by `__`, characters outside
 * [A-Za-z0-9._-] replaced by `_`. When that loses anything (a replaced character, a `__` of the name's own,
 * a leading dot) a hash of the path as written is appended, so two paths never share an id.
 */
export function idFromRelative(segments: string[], suffix = ''): string {
  const clean = segments.map((s) => s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[.-]/, '_'));
  const lossy = clean.some((c, i) => c !== segments[i] || c.includes('__') || c === '');
  let id = clean.join('__') + suffix;
  if (lossy) id += `-${hash8(segments.join('/'))}`;
  // well under any filesystem's 255-byte name limit, with room for the temp dir's prefix
  if (id.length > 120) id = `${id.slice(0, 111)}-${hash8(segments.join('/') + suffix)}`;
  return id;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The file behind a discovered address: `x.mxf#track2` and `CPL.xml#track1` stand for their files. */
function fileOf(address: string): string {
  if (fs.existsSync(address)) return address;
  const hash = address.lastIndexOf('#');
  return hash > 0 ? address.slice(0, hash) : address;
}

/**
 * The files below the paths (folders walked as discovery walks them: links followed, a folder reached
 * twice walked once, hidden files skipped), with size and modification time, sorted by path. A path that
 * cannot be read is left out: the delivery's QC reports it, and it shows as a change once readable.
 */
export function deliveryInputs(paths: string[]): InputStamp[] {
  const out = new Map<string, InputStamp>();
  const walked = new Set<string>();
  const add = (file: string): void => {
    try {
      const st = fs.statSync(file);
      if (st.isFile()) out.set(path.resolve(file), { path: path.resolve(file), size: st.size, mtimeMs: st.mtimeMs });
    } catch {
      // unreadable: said by the QC run
    }
  };
  const walk = (dir: string, depth: number): void => {
    let real: string;
    let entries: fs.Dirent[];
    try {
      real = fs.realpathSync(dir);
      if (walked.has(real) || depth > MAX_FOLDER_DEPTH) return;
      walked.add(real);
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.') || HOUSEKEEPING.test(e.name)) continue;
      const p = path.join(dir, e.name);
      if (isDirectory(p)) walk(p, depth + 1);
      else add(p);
    }
  };
  for (const p of paths) {
    if (isDirectory(p)) walk(p, 0);
    // a Dolby Atmos master set given by its .atmos: its .atmos.metadata and .atmos.audio are inputs too
    else if (DAMF_ROOT.test(p)) damfSetFiles(p).forEach(add);
    else add(fileOf(p));
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The catalogue folder, or a DubstageError naming it: missing, not a folder, unreadable. */
function catalogueFolder(given: string): { root: string; entries: fs.Dirent[] } {
  const root = path.resolve(given);
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') throw new DubstageError({ code: 'io', message: `catalogue ${given} does not exist`, path: given });
    throw new DubstageError({ code: 'io', message: `catalogue ${given} cannot be read: ${toErrorInfo(err, given).message}`, path: given });
  }
  if (!st.isDirectory()) throw new DubstageError({ code: 'usage', message: `catalogue ${given} is not a folder (give the folder that holds the deliveries; \`dubstage qc\` checks one delivery)`, path: given });
  try {
    const entries = fs.readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    return { root, entries };
  } catch (err) {
    throw new DubstageError({ code: 'io', message: `catalogue ${given} cannot be read: ${toErrorInfo(err, given).message}`, path: given });
  }
}

interface Found {
  catalog: string;
  title: string;
  reel?: string;
  paths: string[];
  segments: string[];
  suffix: string;
}

/** One title folder (or the loose files of a catalogue) as qc would split it. */
async function deliveriesOf(catalog: string, title: string, paths: string[], segments: string[], reelOfFolder: string | null): Promise<Found[]> {
  const planned = await planDeliveries(paths);
  if (planned.length <= 1) {
    const reel = reelOfFolder ?? planned[0]?.delivery.reel ?? null;
    return [{ catalog, title, ...(reel !== null ? { reel } : {}), paths, segments, suffix: '' }];
  }
  const folder = paths.length === 1 && isDirectory(paths[0]!) ? paths[0]! : null;
  return planned.map((p) => {
    const reel = p.delivery.reel;
    const files = p.found.files.map((f) => path.resolve(f));
    // a reel that is exactly one subfolder's files is given as that folder, as a mixer would give it to qc
    if (folder && reel !== null) {
      const sub = fs
        .readdirSync(folder, { withFileTypes: true })
        .map((e) => path.join(folder, e.name))
        .filter((s) => isDirectory(s) && reelOf(path.basename(s)) === reel && files.every((f) => f.startsWith(`${path.resolve(s)}${path.sep}`)));
      if (sub.length === 1) return { catalog, title, reel, paths: [sub[0]!], segments: [...segments, path.basename(sub[0]!)], suffix: '' };
    }
    return { catalog, title, ...(reel !== null ? { reel } : {}), paths: files, segments, suffix: reel !== null ? `~reel-${reel}` : '~no-reel' };
  });
}

/**
 * Every delivery in the catalogue folders, in catalogue order then name order. A catalogue that does not
 * exist, is not a folder or cannot be read is a DubstageError naming it (before anything is checked).
 */
export async function findDeliveries(catalogPaths: string[]): Promise<CatalogEntry[]> {
  const folders = catalogPaths.map((c) => ({ given: c, ...catalogueFolder(c) }));
  const found: Found[] = [];
  for (const { root, entries } of folders) {
    const catalogTitle = path.basename(root);
    const loose: string[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.') || HOUSEKEEPING.test(e.name)) continue;
      const p = path.join(root, e.name);
      if (isDirectory(p)) {
        const reel = reelOf(e.name);
        found.push(...(await deliveriesOf(root, reel !== null ? catalogTitle : e.name, [p], [e.name], reel)));
      } else if (AUDIO_EXT.test(e.name) || /\.mxf$/i.test(e.name) || DAMF_ROOT.test(e.name) || DAMF_PART.test(e.name)) loose.push(p);
    }
    if (loose.length > 0) found.push(...(await deliveriesOf(root, catalogTitle, loose, [catalogTitle], null)).map((f) => ({ ...f, suffix: `~loose${f.suffix}` })));
  }
  // ids unique in the run, case aside (a case-insensitive disk): a later clash gets its catalogue's hash
  const taken = new Set<string>();
  return found.map((f) => {
    let id = idFromRelative(f.segments, f.suffix);
    if (taken.has(id.toLowerCase())) id = `${id}-${hash8(`${f.catalog}/${f.segments.join('/')}${f.suffix}`)}`;
    taken.add(id.toLowerCase());
    return { id, catalog: f.catalog, title: f.title, ...(f.reel !== undefined ? { reel: f.reel } : {}), paths: f.paths, inputs: deliveryInputs(f.paths) };
  });
}
