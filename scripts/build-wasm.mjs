// Compiles every WASM kernel of the tree (src/**/wasm/<name>.as.ts, AssemblyScript) to dist/wasm/<name>.wasm.
// Run by `npm run build:wasm` (and so by npm's prepare step on `npm ci`). Kernels are build outputs,
// never committed; each has a plain-JS twin that runs when its .wasm is missing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const asc = path.join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');

function kernels(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...kernels(p));
    else if (e.name.endsWith('.as.ts') && path.basename(dir) === 'wasm') out.push(p);
  }
  return out.sort();
}

mkdirSync(path.join(root, 'dist', 'wasm'), { recursive: true });
for (const src of kernels(path.join(root, 'src'))) {
  const name = path.basename(src, '.as.ts');
  const out = path.join(root, 'dist', 'wasm', `${name}.wasm`);
  execFileSync(process.execPath, [asc, path.relative(root, src), '-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd', '-o', path.relative(root, out)], { cwd: root, stdio: 'inherit' });
  console.log(`wasm: ${path.relative(root, src)} -> ${path.relative(root, out)}`);
}
