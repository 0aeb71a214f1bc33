// `dubstage measure` end to end: good and bad files in one run, multi-mono grouping, usage errors.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../src/audio/writer.js';
import { fmtBody, riffFile, tempDir } from '../helpers/audio-fixtures.js';
import { repoRoot } from '../helpers/corpus.js';

function dubstage(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args], {
    encoding: 'utf8',
    cwd: repoRoot,
    timeout: 240_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = tempDir('dubstage-cli-measure-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 2 s of a 1 kHz sine at -20 dBFS in both channels of a 48 kHz 24-bit WAV: -20 LUFS by BS.1770. */
function sineWav(p: string, channels = 2): void {
  const sine = Float32Array.from({ length: 96000 }, (_, i) => 0.1 * Math.sin((2 * Math.PI * 1000 * i) / 48000));
  writeWav(p, { sampleRate: 48000, channels, encoding: 's24le' }, Array.from({ length: channels }, () => sine));
}

interface MeasureJson {
  schema: number;
  files: Array<{
    path: string;
    files?: string[];
    format?: { container: string; channels: number; channelLabels: string[]; frames: number };
    loudness?: { integratedLufs: number | null; samplePeakDbfs: number | null };
    warnings: string[];
    error?: { code: string; message: string };
  }>;
}

describe('dubstage measure', () => {
  it('measures the good file, reports the bad one with its error, exits 2', () => {
    const good = path.join(dir, 'good.wav');
    sineWav(good);
    const bad = path.join(dir, 'bad.wav');
    // MP3 inside a WAV: fmt tag 0x0055
    writeFileSync(bad, riffFile([{ id: 'fmt ', body: fmtBody({ tag: 0x55, channels: 2, sampleRate: 48000, bits: 0, blockAlign: 1 }) }, { id: 'data', body: Buffer.alloc(64) }]));
    const r = dubstage('measure', good, bad, '--json');
    expect(r.status).toBe(2);
    const doc = JSON.parse(r.stdout) as MeasureJson;
    expect(doc.schema).toBe(1);
    expect(doc.files.map((f) => f.path)).toEqual([good, bad]);
    const [g, b] = doc.files;
    expect(g!.error).toBeUndefined();
    expect(g!.format).toMatchObject({ container: 'wav', channels: 2, channelLabels: ['L', 'R'], frames: 96000 });
    expect(g!.loudness!.integratedLufs).toBeCloseTo(-20, 1);
    expect(g!.loudness!.samplePeakDbfs).toBeCloseTo(-20, 2);
    expect(b!.loudness).toBeUndefined();
    expect(b!.error!.code).toBe('unsupported-codec');
    expect(b!.error).toMatchObject({ path: bad, byteOffset: 20 });
    expect(b!.error!.message).toContain(`${bad}: 'fmt ' chunk at byte 12: codec 0x0055 (MPEG Layer 3) is not supported`);
  }, 240_000);

  it('a missing path and a cut-short file: the error and the warning, exit 2', () => {
    const cut = path.join(dir, 'cut.wav');
    sineWav(cut, 1);
    const missing = path.join(dir, 'missing.wav');
    const whole = readFileSync(cut);
    writeFileSync(cut, whole.subarray(0, whole.length - 3000));
    const r = dubstage('measure', missing, cut, '--json');
    expect(r.status).toBe(2);
    const doc = JSON.parse(r.stdout) as MeasureJson;
    expect(doc.files[0]!.error).toMatchObject({ code: 'io', message: `cannot open ${missing}: no such file` });
    expect(doc.files[1]!.error).toBeUndefined();
    expect(doc.files[1]!.format!.frames).toBe(96000 - 1000);
    expect(doc.files[1]!.warnings.some((w) => w.includes('3000 bytes missing'))).toBe(true);
  }, 240_000);

  it('groups a multi-mono set into one entry; --no-group measures each file', () => {
    const l = path.join(dir, 'MIX.L.wav');
    const rr = path.join(dir, 'MIX.R.wav');
    sineWav(l, 1);
    sineWav(rr, 1);
    const grouped = JSON.parse(dubstage('measure', rr, l, '--json').stdout) as MeasureJson;
    expect(grouped.files).toHaveLength(1);
    expect(grouped.files[0]!.path).toBe(l);
    expect(grouped.files[0]!.files).toEqual([l, rr]);
    expect(grouped.files[0]!.format!.channelLabels).toEqual(['L', 'R']);
    expect(grouped.files[0]!.loudness!.integratedLufs).toBeCloseTo(-20, 1);
    const r = dubstage('measure', rr, l, '--json', '--no-group');
    expect(r.status).toBe(0);
    const single = JSON.parse(r.stdout) as MeasureJson;
    expect(single.files.map((f) => f.path)).toEqual([rr, l]);
    // mono at weight 1.0: 3 dB below the pair
    expect(single.files[0]!.loudness!.integratedLufs).toBeCloseTo(-23.01, 1);
  }, 240_000);

  it('an unknown --channels label is a usage error (exit 2) naming it', () => {
    const good = path.join(dir, 'usage.wav');
    sineWav(good);
    const r = dubstage('measure', good, '--channels', 'L,X');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown channel label 'X'");
    expect(r.stdout).toBe('');
  }, 240_000);

  it('the readable table names the bad file, where and why', () => {
    const bad = path.join(dir, 'table-bad.wav');
    writeFileSync(bad, riffFile([{ id: 'fmt ', body: fmtBody({ channels: 0, sampleRate: 48000, bits: 16, blockAlign: 0 }) }, { id: 'data', body: Buffer.alloc(4) }]));
    const r = dubstage('measure', bad);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(`bad-format: ${bad}: 'fmt ' chunk at byte 12 says 0 channels`);
  }, 240_000);
});
