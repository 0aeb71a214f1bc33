/**
 * Finding and compiling the WASM kernels that `npm run build:wasm` (run by npm's prepare step) writes to
 * dist/wasm. They are build outputs, never committed: when one is missing or this engine cannot compile
 * it, callers get null and use the plain-JS twin.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Walk up from `start` (by default this module: src/dsp/wasm or dist/src/dsp/wasm) to the directory holding package.json. */
export function repoRoot(start = path.dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

/** dist/wasm/<name>.wasm under the repo root found from `start`. */
export function wasmPath(name: string, start?: string): string | null {
  const root = repoRoot(start);
  return root === null ? null : path.join(root, 'dist', 'wasm', `${name}.wasm`);
}

/** The compiled module, or null when the file is missing or this engine cannot compile it. */
export function loadWasm(file: string | null): WebAssembly.Module | null {
  if (file === null || !existsSync(file)) return null;
  try {
    return new WebAssembly.Module(readFileSync(file));
  } catch {
    return null;
  }
}

const loaded = new Map<string, WebAssembly.Module | null>();

/** The repo's build of `name`, compiled once per thread; DUBSTAGE_WASM=0 forces the plain-JS twins. */
export function defaultWasm(name: string): WebAssembly.Module | null {
  if (!loaded.has(name)) loaded.set(name, process.env.DUBSTAGE_WASM === '0' ? null : loadWasm(wasmPath(name)));
  return loaded.get(name)!;
}
