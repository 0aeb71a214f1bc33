/**
 * A pool worker (src/analysis/pool.ts): runs one task at a time and posts its result back. Typed arrays
 * in a result (a segment's sub-block energies) are moved, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { runTask, type PoolTask } from './pool.js';

/** The ArrayBuffers of the typed arrays in a result (top level, in arrays, in plain objects: a few levels). */
function transferables(value: unknown, out: ArrayBuffer[] = [], depth = 0): ArrayBuffer[] {
  if (depth > 4 || value === null || typeof value !== 'object') return out;
  if (ArrayBuffer.isView(value)) {
    const b = value.buffer;
    if (b instanceof ArrayBuffer && !out.includes(b)) out.push(b);
    return out;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) transferables(v, out, depth + 1);
  return out;
}

parentPort!.on('message', (task: PoolTask) => {
  runTask(task, { progress: (n) => parentPort!.postMessage({ progress: n }) }).then(
    (result) => {
      try {
        parentPort!.postMessage({ result }, transferables(result));
      } catch {
        // a buffer that cannot be moved (a WebAssembly memory): copy the result instead
        parentPort!.postMessage({ result });
      }
    },
    (err: unknown) => parentPort!.postMessage({ error: { message: err instanceof Error ? err.message : String(err), code: (err as { code?: string }).code } }),
  );
});
