// `dubstage measure --check-order`: a 5.1 file with its C and LFE swapped is reported as a likely
// mis-order with the measured band energies; the same file in the right order is not.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../src/audio/writer.js';
import { resampleClip } from '../analysis/dialogue-fixtures.js';
import { tempDir } from '../helpers/audio-fixtures.js';
import { repoRoot } from '../helpers/corpus.js';
import { committedClips } from '../fixtures/speech/clips.js';

const dir = tempDir('dubstage-cli-order-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function measureJson(file: string) {
  const r = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cli', 'main.ts'), 'measure', '--json', '--check-order', file], {
    encoding: 'utf8',
    cwd: repoRoot,
    timeout: 240_000,
  });
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout).files[0] as { warnings: string[]; analyzers: Record<string, { findings: Array<{ code: string }> }> };
}

describe('measure --check-order', () => {
  const rate = 48000;
  const speech = committedClips().slice(0, 3).map((c) => resampleClip(c, rate));
  const frames = speech.reduce((n, s) => n + s.length, 0) + rate;
  const centre = new Float32Array(frames);
  let at = rate / 2;
  for (const s of speech) {
    centre.set(s.map((v) => v * 0.5), at);
    at += s.length;
  }
  let seed = 3;
  const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296 - 0.5) * 0.02;
  const side = () => Float32Array.from({ length: frames }, noise);
  const lfe = Float32Array.from({ length: frames }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 45 * i) / rate));
  const [l, r, ls, rs] = [side(), side(), side(), side()];

  it('says nothing about a correctly ordered 5.1 file', () => {
    const good = path.join(dir, 'good_51.wav');
    writeWav(good, { sampleRate: rate, channels: 6, encoding: 's24le', channelMask: 0x3f }, [l, r, centre, lfe, ls, rs]);
    const m = measureJson(good);
    expect(m.warnings.filter((w) => w.startsWith('likely channel mis-order'))).toEqual([]);
  });

  it('reports C and LFE swapped, with the evidence', () => {
    const swapped = path.join(dir, 'swapped_51.wav');
    writeWav(swapped, { sampleRate: rate, channels: 6, encoding: 's24le', channelMask: 0x3f }, [l, r, lfe, centre, ls, rs]);
    const m = measureJson(swapped);
    const codes = m.analyzers['channel-order']!.findings.map((f) => f.code);
    expect(codes).toContain('lfe-broadband');
    expect(m.warnings.some((w) => /likely channel mis-order \(lfe-broadband\).*\[.*above120HzRelativeDb/.test(w))).toBe(true);
    expect(codes).toContain('centre-less-speech');
  });
});
