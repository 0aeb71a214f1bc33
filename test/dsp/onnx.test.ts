// The speech runtime choice (issue 15): onnxruntime-web (WASM) is the dependency, onnxruntime-node an
// optional peer used when installed. The Silero model must give the same speech decisions on both:
// per-window probabilities within 1e-5 and no window on the other side of either threshold.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAudio } from '../../src/audio/open.js';
import { sileroModelPath } from '../../src/analyzers/speech.js';
import { StreamingResampler } from '../../src/dsp/resample.js';
import { bundledSileroModel, loadOnnxRuntime, type OnnxRuntime } from '../../src/dsp/onnx.js';
import { repoRoot } from '../helpers/corpus.js';

async function clip16k(file: string): Promise<Float32Array> {
  const src = await openAudio(file);
  const x = new Float32Array(src.header.format.frames);
  const out = [new Float32Array(4096)];
  let at = 0;
  for (let n = src.read(out, 4096); n > 0; n = src.read(out, 4096)) {
    x.set(out[0]!.subarray(0, n), at);
    at += n;
  }
  src.close();
  const r = new StreamingResampler(src.header.format.sampleRate, 16000);
  const y = new Float32Array(r.maxOutputFrames(x.length) + 64);
  let k = r.push(x, x.length, y);
  k += r.flush(y.subarray(k));
  return y.subarray(0, k);
}

/** Speech probability per 512-sample window (64 samples of context, state carried), as speech.ts runs it. */
async function probabilities(ort: OnnxRuntime, signal: Float32Array): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(sileroModelPath(), { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  const input = new Float32Array(576);
  const state = new Float32Array(256);
  const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
  const steps = Math.floor(signal.length / 512);
  const probs = new Float32Array(steps);
  for (let i = 0; i < steps; i++) {
    input.copyWithin(0, 512, 576);
    input.set(signal.subarray(i * 512, i * 512 + 512), 64);
    const out = await s.run({ input: new ort.Tensor('float32', input, [1, 576]), state: new ort.Tensor('float32', state, [2, 1, 128]), sr });
    probs[i] = (out[s.outputNames[0]!]!.data as Float32Array)[0]!;
    state.set(out[s.outputNames[1]!]!.data as Float32Array);
  }
  return probs;
}

describe('speech runtime', () => {
  it('the built package carries the model (dist/models), and it is the one the detector loads', () => {
    const bundled = bundledSileroModel();
    expect(bundled).toBe(path.join(repoRoot, 'dist', 'models', 'silero_vad_16k_op15.onnx'));
    expect(sileroModelPath()).toBe(bundled);
  });

  it('picks onnxruntime-node when installed (as in this checkout)', async () => {
    expect((await loadOnnxRuntime()).backend).toBe('onnxruntime-node');
  });

  it('onnxruntime-web (WASM) gives the same speech decisions as onnxruntime-node', async () => {
    const web = (await import('onnxruntime-web')) as OnnxRuntime;
    web.env.wasm.numThreads = 1;
    const node = (await import('onnxruntime-node' as string)) as OnnxRuntime;
    const speech = await clip16k(path.join(repoRoot, 'sample-sessions', 'speech', '01-en-us.wav'));
    // the line, a second of quiet noise, the line again over louder noise
    let seed = 3;
    const noise = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5);
    const signal = new Float32Array(speech.length * 2 + 16000);
    for (let i = 0; i < signal.length; i++) {
      const j = i < speech.length ? i : i - speech.length - 16000;
      signal[i] = (j >= 0 && j < speech.length ? speech[j]! : 0) + (i < speech.length + 16000 ? 0.003 : 0.05) * noise();
    }
    const a = await probabilities(node, signal);
    const b = await probabilities(web, signal);
    expect(a.length).toBeGreaterThan(200);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
      for (const t of [0.5, 0.35]) expect(a[i]! >= t).toBe(b[i]! >= t);
    }
    expect(maxDiff).toBeLessThan(1e-5);
    // the signal holds speech and non-speech, so the thresholds were really exercised
    expect(Math.max(...a)).toBeGreaterThan(0.9);
    expect(Math.min(...a)).toBeLessThan(0.1);
  }, 120_000);
});
