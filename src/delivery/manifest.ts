/**
 * The delivery manifest (`--manifest delivery.yaml`): the strongest way to say what each file is.
 *   deliverables:
 *     - { role: printmaster, layout: "5.1", files: [PM_51.wav] }
 *     - { role: stem, stem: dialogue, layout: "5.1", files: [DX_L.wav, DX_R.wav, ...] }
 * Paths are relative to the manifest and stay inside its folder: a manifest that names
 * `../../etc/passwd` or `/abs/path` is refused (code 'outside-manifest', with its line) unless the user
 * allows it (`--allow-outside-manifest`), so a manifest received with a delivery cannot make dubstage
 * read — and echo in an error — files elsewhere on the machine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DubstageError } from '../errors.js';
import { readRegularFile } from '../audio/bytesource.js';
import { MAX_YAML_BYTES, readYamlFile } from '../specs/loader.js';
import { LAYOUTS, ROLES, STEMS, type LayoutName, type Role, type StemKind } from '../specs/schema.js';

const entry = z.strictObject({
  role: z.enum(ROLES),
  stem: z.enum(STEMS).optional(),
  layout: z.enum(LAYOUTS).optional(),
  files: z.array(z.string().min(1)).min(1),
});

const manifestSchema = z.strictObject({ deliverables: z.array(entry).min(1) });

export interface ManifestEntry {
  role: Role;
  stem?: StemKind;
  layout?: LayoutName;
  /** Absolute paths, in channel order for a multi-mono set. */
  files: string[];
}

export interface ManifestOptions {
  /** Accept paths outside the manifest's folder (absolute, or climbing out with ..). */
  allowOutside?: boolean;
}

export function loadManifest(file: string, options: ManifestOptions = {}): ManifestEntry[] {
  const data = readYamlFile(file, 'manifest');
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DubstageError({ code: 'bad-spec', message: `manifest key '${issue.path.map(String).join('.') || '(top level)'}': ${issue.message}`, path: file });
  }
  const dir = path.dirname(path.resolve(file));
  const realDir = realOr(dir);
  return parsed.data.deliverables.map((d, i) => {
    if (d.role === 'stem' && !d.stem) {
      throw new DubstageError({ code: 'bad-spec', message: "manifest: a 'stem' deliverable needs 'stem: dialogue|music|effects|foley'", path: file });
    }
    const files = d.files.map((f, j) => {
      const abs = path.resolve(dir, f);
      // through symlinks too: a link inside the folder to a file outside it leaves the delivery
      if (!options.allowOutside && (!inside(dir, abs) || !inside(realDir, realOr(abs)))) {
        const info: ConstructorParameters<typeof DubstageError>[0] = {
          code: 'outside-manifest',
          message: `manifest key 'deliverables.${i}.files.${j}': the path leads outside the manifest's folder ${dir}; a manifest names files of its own delivery (use --allow-outside-manifest to allow it)`,
          path: file,
          field: `deliverables.${i}.files.${j}`,
        };
        const line = lineOf(file, f);
        if (line !== undefined) info.line = line;
        throw new DubstageError(info);
      }
      return abs;
    });
    const e: ManifestEntry = { role: d.role, files };
    if (d.stem) e.stem = d.stem;
    if (d.layout) e.layout = d.layout;
    return e;
  });
}

function inside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The path with its symlinks resolved, as far as it exists (a missing file: its folder resolved). */
function realOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    const up = path.dirname(p);
    return up === p ? p : path.join(realOr(up), path.basename(p));
  }
}

/** The first line of the manifest that holds `value` (the manifest is small and was just read). */
function lineOf(file: string, value: string): number | undefined {
  try {
    const lines = readRegularFile(file, MAX_YAML_BYTES, 'manifest file').toString('utf8').split(/\r?\n/);
    const i = lines.findIndex((l) => l.includes(value));
    return i >= 0 ? i + 1 : undefined;
  } catch {
    return undefined;
  }
}
