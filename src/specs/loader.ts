/**
 * Loading spec profiles: built-ins from src/specs/profiles/*.yaml (found from both the sources and
 * the compiled dist/, which tsc does not copy YAML into), or a user's file. `extends: NAME` merges
 * the file onto a built-in (or onto another file, relative to this one).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlias, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { readRegularFile } from '../audio/bytesource.js';
import { DubstageError } from '../errors.js';
import { specSchema, type Spec } from './schema.js';

let cachedDir: string | null = null;

/** The built-in profiles folder: walk up from this module to the folder holding package.json. */
export function builtinProfilesDir(): string {
  if (cachedDir) return cachedDir;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      cachedDir = path.join(dir, 'src', 'specs', 'profiles');
      return cachedDir;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new DubstageError({ code: 'io', message: 'cannot find the dubstage package folder for the built-in spec profiles' });
    dir = up;
  }
}

/** Ids of the built-in profiles (file names without .yaml), sorted. */
export function builtinIds(): string[] {
  return fs
    .readdirSync(builtinProfilesDir())
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

function looksLikePath(ref: string): boolean {
  return ref.includes('/') || ref.includes('\\') || /\.ya?ml$/i.test(ref);
}

function resolveRef(ref: string, relativeTo: string | null): string {
  if (looksLikePath(ref)) return path.resolve(relativeTo ? path.dirname(relativeTo) : process.cwd(), ref);
  const file = path.join(builtinProfilesDir(), `${ref}.yaml`);
  if (!fs.existsSync(file)) {
    throw new DubstageError({
      code: 'bad-spec',
      message: `no built-in spec '${ref}' (built-ins: ${builtinIds().join(', ')}; or give a path to a .yaml file)`,
    });
  }
  return file;
}

/** Spec and manifest files are a few KB; anything this large is not one. */
export const MAX_YAML_BYTES = 4 * 1024 * 1024;
/** Aliases a spec or manifest may expand (real ones use a handful; a "billion laughs" uses millions). */
const MAX_ALIAS_COUNT = 100;

/**
 * Read a YAML file as plain data, with every failure a DubstageError naming the file and the line:
 * syntax errors, aliases to an anchor that does not exist, alias bombs. `what` names the kind of file
 * ('spec', 'manifest') in messages; the text of a file is never echoed.
 */
export function readYamlFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readRegularFile(file, MAX_YAML_BYTES, `${what} file`).toString('utf8');
  } catch (err) {
    if (err instanceof DubstageError) throw new DubstageError({ ...err.toJSON(), message: `cannot read ${what} file: ${err.message}` });
    throw new DubstageError({ code: 'io', message: `cannot read ${what} file: ${(err as Error).message}`, path: file });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new DubstageError({
      code: 'bad-spec',
      message: `${what} is not valid YAML: ${e.message.split('\n')[0]}`,
      path: file,
      line: e.linePos?.[0]?.line,
    });
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const where = aliasProblem(doc, lineCounter);
    const message = /Excessive alias count/.test((err as Error).message)
      ? `${what} expands its aliases (*name) into too much data (more than the yaml reader allows with maxAliasCount ${MAX_ALIAS_COUNT}: an alias bomb?); write the values out`
      : where?.unresolved
        ? `${what} uses the alias *${where.name}, but no anchor &${where.name} comes before it`
        : `${what} is not valid YAML: ${(err as Error).message.split('\n')[0]}`;
    const info: ConstructorParameters<typeof DubstageError>[0] = { code: 'bad-spec', message, path: file };
    if (where) info.line = where.line;
    throw new DubstageError(info);
  }
}

/** The first alias that does not resolve (or else the first alias at all), with its line. */
function aliasProblem(doc: Document, lines: LineCounter): { name: string; line: number; unresolved: boolean } | null {
  let first: { name: string; line: number; unresolved: boolean } | null = null;
  visit(doc, {
    Alias(_key, node) {
      if (!isAlias(node)) return undefined;
      const line = lines.linePos(node.range?.[0] ?? 0).line;
      const unresolved = node.resolve(doc) === undefined;
      if (unresolved) {
        first = { name: node.source, line, unresolved };
        return visit.BREAK;
      }
      first ??= { name: node.source, line, unresolved };
      return undefined;
    },
  });
  return first;
}

function readYaml(file: string): Record<string, unknown> {
  const value = readYamlFile(file, 'spec');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DubstageError({ code: 'bad-spec', message: 'a spec file must be a YAML mapping (key: value)', path: file });
  }
  return value as Record<string, unknown>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Objects merge key by key; arrays and scalars in `over` replace those in `base`. */
export function mergeSpec(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? mergeSpec(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

function loadRaw(file: string, seen: string[]): Record<string, unknown> {
  if (seen.includes(file)) {
    throw new DubstageError({ code: 'bad-spec', message: `'extends' loops: ${[...seen, file].join(' → ')}`, path: file });
  }
  const raw = readYaml(file);
  const ext = raw.extends;
  if (ext === undefined) return raw;
  if (typeof ext !== 'string') {
    throw new DubstageError({ code: 'bad-spec', message: "key 'extends': expected the name of a built-in spec or a path", path: file });
  }
  let baseFile: string;
  try {
    baseFile = resolveRef(ext, file);
  } catch (err) {
    // say which file's 'extends' named it
    if (err instanceof DubstageError && err.path === undefined) {
      throw new DubstageError({ ...err.toJSON(), message: `key 'extends': ${err.message}`, path: file, field: 'extends' });
    }
    throw err;
  }
  if (looksLikePath(ext) && !fs.existsSync(baseFile)) {
    throw new DubstageError({ code: 'bad-spec', message: `key 'extends': ${ext} (${baseFile}) does not exist`, path: file, field: 'extends' });
  }
  const base = loadRaw(baseFile, [...seen, file]);
  const { extends: _drop, ...own } = raw;
  void _drop;
  return mergeSpec(base, own);
}

/** Validate a raw profile; errors name the key path and the file. */
export function validateSpec(raw: unknown, file: string): Spec {
  const result = specSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const keyPath = issue.path.map(String).join('.') || '(top level)';
    throw new DubstageError({ code: 'bad-spec', message: `key '${keyPath}': ${issue.message}`, path: file });
  }
  const spec = result.data;
  for (const [key, ev] of Object.entries(spec.evidence)) {
    if (!(ev.source in spec.sources)) {
      throw new DubstageError({
        code: 'bad-spec',
        message: `key 'evidence.${key}.source': '${ev.source}' is not listed under 'sources'`,
        path: file,
      });
    }
  }
  return spec;
}

export interface LoadedSpec {
  spec: Spec;
  /** The file it came from. */
  file: string;
  builtin: boolean;
}

/** A built-in by id (`netflix`) or a user's YAML file (`./house.yaml`). */
export function loadSpec(ref: string): LoadedSpec {
  const file = resolveRef(ref, null);
  const raw = loadRaw(file, []);
  return { spec: validateSpec(raw, file), file, builtin: path.dirname(file) === builtinProfilesDir() };
}

export function loadBuiltins(): LoadedSpec[] {
  return builtinIds().map((id) => loadSpec(id));
}
