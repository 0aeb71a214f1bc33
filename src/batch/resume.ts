/**
 * --resume: a delivery is skipped when its report folder's stamp says it was checked with the same
 * inputs (every file's path, size and modification time) against the same spec (its content, not only its
 * name), frame rate, plugins and dubstage version. The stamp holds the delivery's index row, so a skipped
 * delivery is still in the index without reading its report again.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Spec } from '../specs/schema.js';
import { dubstageVersion } from '../version.js';
import type { CatalogEntry, InputStamp } from './catalog.js';
import type { IndexRow } from './deliver.js';

export const STAMP_FILE = 'stamp.json';
/** The files a delivery's report folder holds when whole (the stamp is written with them, never alone). */
export const REPORT_FILES = ['report.json', 'report.html', 'report.junit.xml', STAMP_FILE] as const;

/** What a delivery was checked against, besides its inputs. */
export interface CheckSettings {
  spec: Spec;
  fps?: string;
  plugins?: string[];
}

export interface Stamp {
  schema: 1;
  id: string;
  dubstage: string;
  spec: { id: string; version: string; sha256: string };
  fps: string | null;
  plugins: string[];
  inputs: InputStamp[];
  row: IndexRow;
}

/** JSON with keys in sorted order: the same spec gives the same hash whatever order its file wrote the keys in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function specDigest(spec: Spec): Stamp['spec'] {
  return { id: spec.id, version: spec.version, sha256: crypto.createHash('sha256').update(canonical(spec)).digest('hex') };
}

export function makeStamp(id: string, inputs: InputStamp[], settings: CheckSettings, row: IndexRow): Stamp {
  return { schema: 1, id, dubstage: dubstageVersion(), spec: specDigest(settings.spec), fps: settings.fps ?? null, plugins: settings.plugins ?? [], inputs, row };
}

/** The stamp in `<outDir>/<id>/`, or null when there is none or it cannot be read (then the delivery is checked again). */
export function readStamp(outDir: string, id: string): Stamp | null {
  try {
    const s = JSON.parse(fs.readFileSync(path.join(outDir, id, STAMP_FILE), 'utf8')) as Stamp;
    return s && s.schema === 1 && Array.isArray(s.inputs) && s.row && typeof s.row === 'object' ? s : null;
  } catch {
    return null;
  }
}

export type ResumeCheck = { unchanged: true; row: IndexRow } | { unchanged: false; reason: string };

/** Is the delivery unchanged since its report was written? Unchanged: its stamped index row; else why not. */
export function checkResume(entry: CatalogEntry, outDir: string, settings: CheckSettings): ResumeCheck {
  const stamp = readStamp(outDir, entry.id);
  if (!stamp) return { unchanged: false, reason: 'no report yet' };
  for (const f of REPORT_FILES) {
    if (!fs.existsSync(path.join(outDir, entry.id, f))) return { unchanged: false, reason: `${f} is missing` };
  }
  if (stamp.dubstage !== dubstageVersion()) return { unchanged: false, reason: `checked by dubstage ${stamp.dubstage}` };
  const spec = specDigest(settings.spec);
  if (stamp.spec.sha256 !== spec.sha256) return { unchanged: false, reason: `the spec changed (was ${stamp.spec.id} ${stamp.spec.version})` };
  if ((stamp.fps ?? null) !== (settings.fps ?? null)) return { unchanged: false, reason: 'another --fps' };
  if (canonical(stamp.plugins) !== canonical(settings.plugins ?? [])) return { unchanged: false, reason: 'other plugins' };
  const before = new Map(stamp.inputs.map((i) => [i.path, i]));
  for (const now of entry.inputs) {
    const was = before.get(now.path);
    if (!was) return { unchanged: false, reason: `${now.path} is new` };
    if (was.size !== now.size || was.mtimeMs !== now.mtimeMs) return { unchanged: false, reason: `${now.path} changed` };
    before.delete(now.path);
  }
  const gone = before.keys().next();
  if (!gone.done) return { unchanged: false, reason: `${gone.value} is gone` };
  return { unchanged: true, row: stamp.row };
}
