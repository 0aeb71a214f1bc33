// Multi-mono sets: grouping by name, --no-group, mismatch errors, and a set measured as one stream.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureFile } from '../../src/analysis/measure.js';
import { channelSuffix, groupInputs } from '../../src/audio/multimono.js';
import { openAudio } from '../../src/audio/open.js';
import { writeWav } from '../../src/audio/writer.js';
import { DubstageError } from '../../src/errors.js';
import { readAll, tempDir } from '../helpers/audio-fixtures.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic noise in [-0.5, 0.5) (xorshift32), one seed per channel. */
function noise(seed: number, frames: number, gain: number): Float32Array {
  let x = seed >>> 0 || 1;
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = Math.round((x / 2 ** 32 - 0.5) * gain * 2 ** 23) / 2 ** 23;
  }
  return out;
}

const SUFFIX_51 = ['L', 'R', 'C', 'Lfe', 'Ls', 'Rs'];

describe('channelSuffix', () => {
  it('reads the Pro Tools form and the other common separators', () => {
    expect(channelSuffix('/mix/REEL1_PM.L.wav')).toEqual({ stem: '/mix/REEL1_PM', label: 'L' });
    expect(channelSuffix('/mix/REEL1_PM.Lfe.wav')).toEqual({ stem: '/mix/REEL1_PM', label: 'LFE' });
    expect(channelSuffix('/mix/REEL1_PM_Rs.wav')).toEqual({ stem: '/mix/REEL1_PM', label: 'Rs' });
    expect(channelSuffix('/mix/REEL1 PM C.wav')).toEqual({ stem: '/mix/REEL1 PM', label: 'C' });
    expect(channelSuffix('/mix/REEL1-PM-Ls.aif')).toEqual({ stem: '/mix/REEL1-PM', label: 'Ls' });
    expect(channelSuffix('/mix/REEL1.Lsr.wav')).toEqual({ stem: '/mix/REEL1', label: 'Lrs' });
    expect(channelSuffix('/mix/REEL1_FINAL.wav')).toBeNull();
    expect(channelSuffix('/mix/Dialogue.wav')).toBeNull();
  });
});

describe('groupInputs', () => {
  it('groups a Pro Tools 5.1 set given in any order into SMPTE order; other files stay single', () => {
    const shuffled = ['Rs', 'C', 'L', 'Lfe', 'R', 'Ls'].map((s) => `/m/TITLE.${s}.wav`);
    const inputs = groupInputs(['/m/other.wav', ...shuffled, '/m/last.wav']);
    expect(inputs).toEqual([
      { path: '/m/other.wav' },
      { path: '/m/TITLE.L.wav', files: SUFFIX_51.map((s) => `/m/TITLE.${s}.wav`), labels: ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'] },
      { path: '/m/last.wav' },
    ]);
  });

  it('groups a Pro Tools 7.1 set (Lss Rss Lsr Rsr)', () => {
    const names = ['L', 'R', 'C', 'Lfe', 'Lss', 'Rss', 'Lsr', 'Rsr'].map((s) => `/m/T.${s}.wav`);
    const [set] = groupInputs([...names].reverse());
    expect(set!.files).toEqual(names);
    expect(set!.labels).toEqual(['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs']);
  });

  for (const sep of ['_', ' ', '-']) {
    it(`groups the '${sep}' suffix form`, () => {
      const files = SUFFIX_51.map((s) => `/m/TITLE${sep}${s}.wav`);
      const inputs = groupInputs(files);
      expect(inputs).toHaveLength(1);
      expect(inputs[0]!.path).toBe(`/m/TITLE${sep}L.wav`);
      expect(inputs[0]!.labels).toEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
    });
  }

  it('--no-group keeps every file separate', () => {
    const files = SUFFIX_51.map((s) => `/m/TITLE.${s}.wav`);
    expect(groupInputs(files, { group: false })).toEqual(files.map((p) => ({ path: p })));
  });

  it('does not group a lone suffix, duplicate labels, different stems, folders or extensions', () => {
    expect(groupInputs(['/m/A.L.wav'])).toEqual([{ path: '/m/A.L.wav' }]);
    expect(groupInputs(['/m/A.L.wav', '/m/A_L.wav'])).toHaveLength(2);
    expect(groupInputs(['/m/A.L.wav', '/m/B.R.wav'])).toHaveLength(2);
    expect(groupInputs(['/m/A.L.wav', '/n/A.R.wav'])).toHaveLength(2);
    expect(groupInputs(['/m/A.L.wav', '/m/A.R.aif'])).toHaveLength(2);
  });
});

describe('opening and measuring a set', () => {
  const rate = 48000;
  const frames = rate; // 1 s: two and a half 400 ms gating blocks

  const signals = SUFFIX_51.map((_, c) => noise(1000 + c, frames, c === 3 ? 0.2 : 0.1 + c * 0.05));

  function writeSet(stem: string, sep: string, lengths?: number[], rates?: number[]): string[] {
    return SUFFIX_51.map((s, c) => {
      const p = path.join(dir, `${stem}${sep}${s}.wav`);
      const len = lengths?.[c] ?? frames;
      writeWav(p, { sampleRate: rates?.[c] ?? rate, channels: 1, encoding: 's24le' }, [signals[c]!.subarray(0, len)]);
      return p;
    });
  }

  it('a set measured as one stream equals the same audio interleaved', async () => {
    const files = writeSet('PM', '.');
    const interleaved = path.join(dir, 'PM_interleaved.wav');
    writeWav(interleaved, { sampleRate: rate, channels: 6, encoding: 's24le' }, signals);
    const [set] = groupInputs(files);
    const src = await openAudio(set!);
    expect(src.files).toEqual(files);
    expect(src.header.path).toBe(files[0]);
    expect(src.header.format).toMatchObject({ channels: 6, frames, sampleRate: rate, labelSource: 'multi-mono-names', channelLabels: ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'] });
    const d = readAll(src, 4800);
    src.close();
    d.forEach((ch, c) => expect(ch).toEqual(signals[c]));

    const a = await measureFile(set!);
    const b = await measureFile(interleaved);
    expect(a.error).toBeUndefined();
    expect(a.path).toBe(files[0]);
    expect(a.files).toEqual(files);
    expect(a.format!.channelLabels).toEqual(b.format!.channelLabels);
    expect(a.loudness).toEqual(b.loudness);
    expect(a.channels).toEqual(b.channels);
    expect(a.loudness!.integratedLufs).toBeTypeOf('number');
  }, 120_000);

  it('unequal length is a clear mismatch error naming the member', async () => {
    const files = writeSet('LEN', '_', [frames, frames, frames - 1, frames, frames, frames]);
    const [set] = groupInputs(files);
    const err = await openAudio(set!).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DubstageError);
    expect(err).toMatchObject({ code: 'mismatch', path: files[2] });
    expect((err as Error).message).toContain(`${frames - 1} frames but ${files[0]} has ${frames}`);
    const m = await measureFile(set!);
    expect(m.error).toMatchObject({ code: 'mismatch' });
    expect(m.files).toEqual(files);
  });

  it('unequal rate is a clear mismatch error', async () => {
    const files = writeSet('RATE', '-', undefined, [rate, rate, rate, rate, 44100, rate]);
    await expect(openAudio(groupInputs(files)[0]!)).rejects.toMatchObject({ code: 'mismatch', path: files[4], message: expect.stringContaining('44100 Hz but') });
  });

  it('a stereo member is refused', async () => {
    const l = path.join(dir, 'ST.L.wav');
    const r = path.join(dir, 'ST.R.wav');
    writeWav(l, { sampleRate: rate, channels: 1, encoding: 's16le' }, [new Float32Array(10)]);
    writeWav(r, { sampleRate: rate, channels: 2, encoding: 's16le' }, [new Float32Array(10), new Float32Array(10)]);
    await expect(openAudio(groupInputs([l, r])[0]!)).rejects.toMatchObject({ code: 'mismatch', path: r, message: expect.stringContaining('has 2 channels; 1 expected') });
  });

  it('--channels relabels a set; the wrong count is a usage error', async () => {
    const files = writeSet('CH', '.');
    const [set] = groupInputs(files);
    const src = await openAudio(set!, { channels: ['L', 'R', 'C', 'LFE', 'Lss', 'Rss'] });
    expect(src.header.format.channelLabels).toEqual(['L', 'R', 'C', 'LFE', 'Lss', 'Rss']);
    expect(src.header.format.labelSource).toBe('user');
    src.close();
    await expect(openAudio(set!, { channels: ['L', 'R'] })).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining('--channels names 2 channels but the file has 6') });
  });
});
