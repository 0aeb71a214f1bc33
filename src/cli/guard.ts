/**
 * Outputs never overwrite inputs. Before a command measures anything, every output path it was given
 * (reports, markers, and any --write/--out a command grows) is checked against every input it will
 * read — the paths named, the files in a named folder, a manifest and the files it lists, a spec file,
 * a session's media — by resolved path and by device and inode, so a symlink or a hard link to a master
 * is caught too. A clash is a DubstageError 'output-is-input' (exit 2). An output whose folder does not
 * exist or cannot be written is refused here too, instead of after a long run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DAMF_ROOT, damfSetFiles, discover } from '../delivery/discover.js';
import { loadManifest } from '../delivery/manifest.js';
import { DubstageError } from '../errors.js';

/** Option names (commander's camelCase keys) that name files a command writes. */
export const OUTPUT_OPTIONS = ['html', 'junit', 'markers', 'write', 'out', 'output', 'fixOutput', 'report'] as const;

export interface OutputPath {
  /** How the user gave it, e.g. '--html'. */
  flag: string;
  path: string;
}

/** The output paths among a command's parsed options (any key of OUTPUT_OPTIONS holding a string). */
export function outputsOf(opts: object): OutputPath[] {
  const out: OutputPath[] = [];
  const o = opts as Record<string, unknown>;
  for (const key of OUTPUT_OPTIONS) {
    const v = o[key];
    if (typeof v === 'string' && v !== '') out.push({ flag: `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, path: v });
  }
  return out;
}

interface Identity {
  /** The absolute path with every symlink in it resolved (as far as it exists). */
  real: string;
  /** Device and inode when the path exists. */
  inode: string | null;
}

function identify(p: string): Identity {
  const abs = path.resolve(p);
  try {
    const st = fs.statSync(abs);
    return { real: fs.realpathSync(abs), inode: `${st.dev}:${st.ino}` };
  } catch {
    // not there (yet): resolve the folder it would be written in
    let real = abs;
    try {
      real = path.join(fs.realpathSync(path.dirname(abs)), path.basename(abs));
    } catch {
      // the folder is missing too: compare as written
    }
    return { real, inode: null };
  }
}

/**
 * Every file an input stands for: itself, or a folder's files (one level, as discovery reads them).
 * Missing inputs stand for themselves: the run reports them.
 */
export function expandInputs(inputs: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of inputs) {
    out.push(p);
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      continue;
    }
    if (!st.isDirectory()) continue;
    try {
      for (const e of fs.readdirSync(p)) out.push(path.join(p, e));
    } catch {
      // an unreadable folder is reported by the run itself
    }
  }
  return out;
}

/**
 * Refuse (DubstageError 'output-is-input') when an output is one of the inputs — same path, same file
 * through a symlink, or the same inode through a hard link — or when two outputs name one file; refuse
 * ('io') an output whose folder is missing or not writable. `inputs` are the files the command will
 * read (folders are expanded to their files).
 */
export function guardOutputs(outputs: readonly OutputPath[], inputs: readonly string[]): void {
  if (outputs.length === 0) return;
  const ins = expandInputs(inputs).map((p) => ({ p, id: identify(p) }));
  const seen = new Map<string, OutputPath>();
  for (const o of outputs) {
    const id = identify(o.path);
    for (const i of ins) {
      const same = id.real === i.id.real || (id.inode !== null && id.inode === i.id.inode);
      if (!same) continue;
      const how = path.resolve(o.path) === path.resolve(i.p) ? 'is' : id.inode !== null && id.inode === i.id.inode && id.real !== i.id.real ? 'is a hard link to' : 'resolves to';
      throw new DubstageError({
        code: 'output-is-input',
        message: `${o.flag} ${o.path} ${how} the input ${i.p}; writing it would destroy the input. Choose another file name (nothing was measured or written)`,
        path: o.path,
      });
    }
    const key = id.inode ?? id.real;
    const other = seen.get(key) ?? seen.get(id.real);
    if (other) {
      throw new DubstageError({ code: 'output-is-input', message: `${o.flag} ${o.path} and ${other.flag} ${other.path} name the same file; give each report its own`, path: o.path });
    }
    seen.set(key, o);
    seen.set(id.real, o);
    checkWritable(o);
  }
}

function checkWritable(o: OutputPath): void {
  const dir = path.dirname(path.resolve(o.path));
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new DubstageError({ code: 'io', message: `${o.flag} ${o.path}: the folder ${dir} does not exist`, path: o.path });
  }
  if (!st.isDirectory()) throw new DubstageError({ code: 'io', message: `${o.flag} ${o.path}: ${dir} is not a folder`, path: o.path });
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new DubstageError({ code: 'io', message: `${o.flag} ${o.path}: the folder ${dir} is not writable (permission denied)`, path: o.path });
  }
  try {
    const target = fs.statSync(o.path);
    if (target.isDirectory()) throw new DubstageError({ code: 'io', message: `${o.flag} ${o.path}: is a folder; give a file name`, path: o.path });
  } catch (err) {
    if (err instanceof DubstageError) throw err;
  }
}

/**
 * The files a `qc` run will read: the paths given (folders expanded, sessions' media), the manifest
 * and the files it lists, and a spec given as a file. Inputs that cannot be read are left to the run,
 * which reports them.
 */
export async function qcInputFiles(o: { paths: string[]; manifest?: string; spec?: string; allowOutsideManifest?: boolean }): Promise<string[]> {
  const files = [...o.paths];
  if (o.spec && /[\\/]|\.ya?ml$/i.test(o.spec)) files.push(o.spec);
  if (o.manifest) {
    files.push(o.manifest);
    try {
      for (const m of loadManifest(o.manifest, { allowOutside: o.allowOutsideManifest === true })) files.push(...m.files);
    } catch {
      // a bad manifest is the run's error to report
    }
  }
  try {
    // a Dolby Atmos master set stands for its three files: none of them may be written over
    for (const f of (await discover(o.paths)).files) files.push(...(DAMF_ROOT.test(f) ? damfSetFiles(f) : [f]));
  } catch {
    // likewise
  }
  return files;
}

/**
 * A folder a command writes many files into (`batch --out`) must not be an input folder, inside one, or
 * hold one: the reports would land among the deliveries (and be read as a title on the next run), or a
 * report folder could shadow a delivery. Refused ('output-is-input') before anything is read.
 */
export function guardOutputFolder(flag: string, out: string, inputFolders: readonly string[]): void {
  const o = identify(out).real;
  for (const input of inputFolders) {
    const i = identify(input).real;
    const inside = (a: string, b: string) => a === b || a.startsWith(b.endsWith(path.sep) ? b : `${b}${path.sep}`);
    const how = o === i ? 'is' : inside(o, i) ? 'is inside' : inside(i, o) ? 'holds' : null;
    if (!how) continue;
    throw new DubstageError({
      code: 'output-is-input',
      message: `${flag} ${out} ${how} the catalogue ${input}; the reports would be written among the deliveries. Choose a folder outside it (nothing was read or written)`,
      path: out,
    });
  }
}
