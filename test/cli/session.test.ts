// `dubstage session` end to end: the command as a user runs it. Each run starts tsx (seconds on a
// busy machine), hence the long per-test timeouts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, samplesDir } from '../helpers/corpus.js';

function dubstage(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args], {
    encoding: 'utf8',
    cwd: repoRoot,
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const oneOfEverything = samplesDir('pt_text', 'orchetect__DAWFileKit', 'SessionText_OneOfEverything_23-976fps_DefaultExportOptions_PT2020.3.txt');

describe('dubstage session', () => {
  it('prints a summary: tracks, clip counts, duration, start TC, rate, missing media', () => {
    const r = dubstage('session', oneOfEverything);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('SessionText_OneOfEverything  (protools)');
    expect(r.stdout).toMatch(/frame rate\s+23\.976 fps non-drop/);
    expect(r.stdout).toMatch(/start TC\s+00:59:55:00/);
    expect(r.stdout).toMatch(/tracks\s+5 audio, 6 clips/);
    expect(r.stdout).toMatch(/Audio 3 \(Stereo\)\s+2 ch\s+2 clips\s+01:00:12:18 – 01:00:21:19/);
    // last clip end: Audio 3 Clip2 at 01:00:21:19
    expect(r.stdout).toMatch(/ends 01:00:21:19/);
    expect(r.stdout).toContain('Missing media (7):');
    expect(r.stdout).toContain('Offline in the session (1):');
    expect(r.stdout).toContain("Audio 5 (Stereo): 1 clip ('Audio 5 Offline Clip1')");
  }, 60_000);

  it('--json prints the schema-1 document; --fps and --media reach the adapter', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-cli-'));
    const media = path.join(dir, 'media');
    const edl = path.join(dir, 'r2.edl');
    writeFileSync(edl, 'TITLE: R2\r\nFCM: NON-DROP FRAME\r\n001  DX01  A  C  00:00:00:00 00:00:01:00 01:00:00:00 01:00:02:00\r\n* SOURCE FILE: DX01.WAV\r\n');
    mkdirSync(media);
    writeFileSync(path.join(media, 'DX01.WAV'), 'x');
    const r = dubstage('session', edl, '--json', '--fps', '25', '--media', media);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ schema: 1, format: 'edl', name: 'R2', frameRate: { num: 25, den: 1 }, startTimecode: '01:00:00:00', warnings: [] });
    expect(j.tracks[0].clips[0]).toMatchObject({ startSeconds: 0, durationSeconds: 2 });
    expect(j.media[0].resolvedPath).toBe(path.join(media, 'DX01.WAV'));
  }, 60_000);

  it('exits 2 with a message naming the line for a garbled file, and refuses a forced wrong format', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-cli-'));
    const edl = path.join(dir, 'bad.edl');
    writeFileSync(edl, 'TITLE: BAD\n001  AX  A  C  00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00\n002  AX  A  C  garbage\n');
    const bad = dubstage('session', edl);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.edl, line 3: expected an event line/);
    expect(bad.stdout).toBe('');

    const wrong = dubstage('session', oneOfEverything, '--format', 'edl');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/is not a 'edl' session file/);

    const fps = dubstage('session', edl, '--fps', 'fast');
    expect(fps.status).toBe(2);
    expect(fps.stderr).toMatch(/--fps 'fast' is not a frame rate/);
  }, 90_000);
});
