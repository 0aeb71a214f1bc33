// Every command, given what issue 15 reproduced: a FIFO (blocked open() forever), /dev/zero (called
// "empty"), a WAV whose fmt says 4 Hz (gigabytes in the speech resampler, Infinity LUFS, or exit 0 with
// null figures). Each answers at once with exit 2 and the project's error naming the file.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fmtBody, riffFile, s16le } from '../helpers/audio-fixtures.js';
import { repoRoot } from '../helpers/corpus.js';

function dubstage(...args: string[]): { status: number | null; stdout: string; stderr: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args], {
    encoding: 'utf8',
    cwd: repoRoot,
    // a hang is killed here and shows as status null
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-hostile-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a FIFO is refused by every command, never waited on', () => {
  const fifo = path.join(dir, 'PM_51.wav');
  execFileSync('mkfifo', [fifo]);
  const reason = `cannot open ${fifo}: is a FIFO (named pipe), not a regular file`;

  it('measure', () => {
    const r = dubstage('measure', fifo, '--json');
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).files[0].error).toMatchObject({ code: 'not-regular', path: fifo });
  }, 90_000);

  it('inspect', () => {
    const r = dubstage('inspect', fifo);
    expect(r.status).toBe(2);
    expect(r.stdout + r.stderr).toContain(reason);
  }, 90_000);

  it('session', () => {
    const edl = path.join(dir, 'reel1.edl');
    execFileSync('mkfifo', [edl]);
    const r = dubstage('session', edl);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`cannot open ${edl}: is a FIFO (named pipe), not a regular file`);
  }, 90_000);

  it('qc (as a file, and as a --spec)', () => {
    const r = dubstage('qc', fifo, '--spec', 'ebu-r128', '--json');
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).errors[0]).toMatchObject({ code: 'not-regular', path: fifo });
    const spec = path.join(dir, 'house.yaml');
    execFileSync('mkfifo', [spec]);
    const s = dubstage('qc', dir, '--spec', spec);
    expect(s.status).toBe(2);
    expect(s.stderr).toContain(`cannot open ${spec}: is a FIFO (named pipe), not a regular file`);
  }, 90_000);
});

describe('/dev/zero is a device, not an empty file', () => {
  it('measure and inspect say so', () => {
    const m = dubstage('measure', '/dev/zero', '--json');
    expect(m.status).toBe(2);
    expect(JSON.parse(m.stdout).files[0].error).toMatchObject({ code: 'not-regular', message: 'cannot open /dev/zero: is a character device, not a regular file' });
    const i = dubstage('inspect', '/dev/zero');
    expect(i.status).toBe(2);
    expect(i.stdout + i.stderr).not.toContain('empty');
  }, 90_000);
});

describe('a WAV that says 4 Hz', () => {
  it('measure --dialogue refuses it at the reader, naming the field and offset: no Infinity, no null figures, no gigabytes', () => {
    const p = path.join(dir, 'slow.wav');
    const body = fmtBody({ channels: 2, sampleRate: 48000, bits: 16 });
    body.writeUInt32LE(4, 4);
    body.writeUInt32LE(16, 8);
    fs.writeFileSync(p, riffFile([{ id: 'fmt ', body }, { id: 'data', body: s16le(new Array(2 * 4 * 600).fill(1000)) }]));
    const r = dubstage('measure', p, '--dialogue', '--json');
    expect(r.status).toBe(2);
    const f = JSON.parse(r.stdout).files[0];
    expect(f.error).toMatchObject({ code: 'bad-format', path: p, byteOffset: 24, field: 'fmt.nSamplesPerSec' });
    expect(f.loudness).toBeUndefined();
    expect(r.stdout).not.toContain('Infinity');
    const text = dubstage('measure', p);
    expect(text.status).toBe(2);
    expect(text.stdout + text.stderr).toContain('sample rate (fmt.nSamplesPerSec, byte 24) is 4 Hz; expected 8000 to 768000 Hz');
    expect(text.stdout).not.toContain('Infinity');
  }, 120_000);
});
