/**
 * The ONNX runtime the speech detector runs on. onnxruntime-web (WASM, one thread) is a dependency and
 * always there: it installs from the npm registry with no install script. onnxruntime-node is an
 * optional peer: when the user has installed it, it is used, about 8x faster (bench/README.md, "speech
 * runtime"); the Silero model gives the same speech decisions on both (probabilities within 5e-6).
 * DUBSTAGE_ORT=web or DUBSTAGE_ORT=node picks one explicitly.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DubstageError } from '../errors.js';

export type OnnxRuntime = typeof import('onnxruntime-web');
export type OnnxBackend = 'onnxruntime-node' | 'onnxruntime-web';

export interface LoadedRuntime {
  ort: OnnxRuntime;
  backend: OnnxBackend;
}

let loaded: Promise<LoadedRuntime> | null = null;

/** The runtime for this process (loaded once). */
export function loadOnnxRuntime(): Promise<LoadedRuntime> {
  loaded ??= pick().catch((err: unknown) => {
    loaded = null;
    throw err;
  });
  return loaded;
}

async function pick(): Promise<LoadedRuntime> {
  const wanted = process.env.DUBSTAGE_ORT;
  if (wanted !== undefined && wanted !== '' && wanted !== 'node' && wanted !== 'web') {
    throw new DubstageError({ code: 'usage', message: `DUBSTAGE_ORT='${wanted}': expected 'node' (onnxruntime-node) or 'web' (onnxruntime-web, WASM)` });
  }
  if (wanted !== 'web') {
    try {
      // a module name in a variable: TypeScript and bundlers leave the optional peer alone
      const name = 'onnxruntime-node';
      const ort = (await import(name)) as OnnxRuntime;
      return { ort, backend: 'onnxruntime-node' };
    } catch (err) {
      if (wanted === 'node') {
        throw new DubstageError({ code: 'io', message: `DUBSTAGE_ORT=node but onnxruntime-node cannot be loaded: ${(err as Error).message}` });
      }
    }
  }
  const ort = (await import('onnxruntime-web')) as OnnxRuntime;
  // one thread, no worker: the analysis host already runs files side by side
  ort.env.wasm.numThreads = 1;
  return { ort, backend: 'onnxruntime-web' };
}

/**
 * The Silero VAD v5 model that the package carries (dist/models/, put there by scripts/copy-model.mjs
 * at build time), or null when this is a checkout that has not been built.
 */
export function bundledSileroModel(): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) {
      const model = path.join(dir, 'dist', 'models', 'silero_vad_16k_op15.onnx');
      return existsSync(model) ? model : null;
    }
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}
