// `dubstage measure --dialogue` and `--dialogue-stem`: the printmaster's dialogue-gated loudness from the
// detector and from the stem, on a mix built by code (speech at -27 LUFS over a music bed).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../src/audio/writer.js';
import { buildMix, resampleClip, SPEECH_LUFS } from '../analysis/dialogue-fixtures.js';
import { tempDir } from '../helpers/audio-fixtures.js';
import { repoRoot } from '../helpers/corpus.js';
import { committedClips } from '../fixtures/speech/clips.js';

const dir = tempDir('dubstage-cli-dialogue-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dubstage(...args: string[]) {
  const r = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args], {
    encoding: 'utf8',
    cwd: repoRoot,
    timeout: 240_000,
  });
  return { status: r.status, json: r.stdout ? JSON.parse(r.stdout) : null, stderr: r.stderr };
}

describe('measure --dialogue', () => {
  const rate = 48000;
  const speech = committedClips().map((c) => resampleClip(c, rate));
  const mix = buildMix({ name: 'cli', rate, layout: '5.1', bed: 'music', speechToBedDb: 10, lines: 6, seed: 5 }, speech);
  const pm = path.join(dir, 'REEL1_PM_51.wav');
  const dx = path.join(dir, 'REEL1_DX_51.wav');
  writeWav(pm, { sampleRate: rate, channels: 6, encoding: 's24le', channelMask: 0x3f }, mix.channels);
  writeWav(dx, { sampleRate: rate, channels: 6, encoding: 's24le', channelMask: 0x3f }, mix.dialogue);

  it('adds the detector figure, says the method and that it is not Dolby', () => {
    const r = dubstage('measure', '--json', '--dialogue', pm);
    expect(r.status).toBe(0);
    const d = r.json.files[0].loudness.dialogue;
    expect(d.method).toBe('detector');
    expect(d.fallbackUsed).toBe(false);
    expect(d.speechPercent).toBeGreaterThan(30);
    expect(d.speechPercent).toBeLessThan(95);
    // speech sits at -27 LUFS over a bed 10 dB down: the gated figure lands near it
    expect(Math.abs(d.gatedLufs - SPEECH_LUFS)).toBeLessThan(1.5);
    expect(d.detector).toMatch(/not Dolby/);
  });

  it('gates by the dialogue stem and reports the stem itself', () => {
    const r = dubstage('measure', '--json', '--dialogue-stem', dx, pm);
    expect(r.status).toBe(0);
    const d = r.json.files[0].loudness.dialogue;
    expect(d.method).toBe('stem');
    expect(typeof d.stemLufs).toBe('number');
    expect(Math.abs(d.gatedLufs - SPEECH_LUFS)).toBeLessThan(1.5);
    expect(d.note).toMatch(/not Dolby/);
  });

  it('an unreadable stem is a usage error', () => {
    const r = dubstage('measure', '--json', '--dialogue-stem', path.join(dir, 'missing.wav'), pm);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--dialogue-stem/);
  });
});
