/**
 * The delivery manifest (`--manifest delivery.yaml`): the strongest way to say what each file is.
 *   deliverables:
 *     - { role: printmaster, layout: "5.1", files: [PM_51.wav] }
 *     - { role: stem, stem: dialogue, layout: "5.1", files: [DX_L.wav, DX_R.wav, ...] }
 * Paths are relative to the manifest.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { DubstageError } from '../errors.js';
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

export function loadManifest(file: string): ManifestEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new DubstageError({ code: 'io', message: `cannot read manifest: ${(err as Error).message}`, path: file });
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new DubstageError({ code: 'bad-spec', message: `manifest is not valid YAML: ${e.message.split('\n')[0]}`, path: file, line: e.linePos?.[0]?.line });
  }
  const parsed = manifestSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DubstageError({ code: 'bad-spec', message: `manifest key '${issue.path.map(String).join('.') || '(top level)'}': ${issue.message}`, path: file });
  }
  const dir = path.dirname(path.resolve(file));
  return parsed.data.deliverables.map((d) => {
    if (d.role === 'stem' && !d.stem) {
      throw new DubstageError({ code: 'bad-spec', message: "manifest: a 'stem' deliverable needs 'stem: dialogue|music|effects|foley'", path: file });
    }
    const e: ManifestEntry = { role: d.role, files: d.files.map((f) => path.resolve(dir, f)) };
    if (d.stem) e.stem = d.stem;
    if (d.layout) e.layout = d.layout;
    return e;
  });
}
