// `dubstage premix` end to end, and what measure and qc say when handed a session.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/corpus.js';
import { programme, tempDir, writeMedia, writeRpp } from '../render/fixtures.js';

function dubstage(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dubstage premix', () => {
  const dir = tempDir();
  const media = path.join(dir, 'Audio Files');
  writeMedia(dir, [{ file: 'dx.wav', channels: [programme(12, 41, 0.3)] }, { file: 'mx.wav', channels: [programme(12, 42, 0.1), programme(12, 43, 0.1)] }]);
  const session = path.join(dir, 'reel.RPP');
  writeFileSync(session, writeRpp([
    { name: 'DX 1', channels: 1, clips: [{ media: 'dx.wav', start: 0, length: 10, offset: 1 }] },
    { name: 'MUS.stems', channels: 2, clips: [{ media: 'mx.wav', start: 2, length: 8, offset: 0 }] },
  ], [{ name: 'SC 1', at: 0 }, { name: 'SC 2', at: 5 }]));
  void media;

  it('--json prints exactly the contract', () => {
    const r = dubstage('premix', session, '--json', '--group', 'all=DX 1,MUS.stems');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['schema', 'session', 'tracks', 'groups', 'scenes', 'warnings']);
    expect(j.session).toEqual({ format: 'rpp', name: 'reel', sampleRate: 48000, startTimecode: '01:00:00:00', durationSeconds: 10 });
    expect(Object.keys(j.tracks[0])).toEqual(['name', 'channels', 'muted', 'role', 'clips', 'missingClips', 'loudness']);
    expect(Object.keys(j.tracks[0].loudness)).toEqual(['integratedLufs', 'momentaryMaxLufs', 'shortTermMaxLufs', 'loudnessRangeLu', 'truePeakDbtp', 'samplePeakDbfs']);
    expect(j.groups.map((g: { name: string; tracks: string[]; channels: number }) => [g.name, g.tracks, g.channels])).toEqual([
      ['dialogue', ['DX 1'], 1],
      ['music', ['MUS.stems'], 2],
      ['all', ['DX 1'], 1],
    ]);
    expect(j.warnings).toContain("group 'all': 'MUS.stems' (2 ch) left out of the sum: the group is 1-channel");
    expect(Object.keys(j.scenes[0])).toEqual(['name', 'startSeconds', 'endSeconds', 'startTimecode', 'endTimecode', 'dialogueLufs', 'deviationLu']);
    expect(j.scenes.map((s: { endTimecode: string }) => s.endTimecode)).toEqual(['01:00:05:00', '01:00:10:00']);
  }, 120_000);

  it('prints the tables and writes the HTML report', () => {
    const html = path.join(dir, 'premix.html');
    const r = dubstage('premix', session, '--html', html);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/DX 1\s+1 dialogue\s+1\s+0\s+-\d+\.\d/);
    expect(r.stdout).toMatch(/SC 2\s+01:00:05:00\s+01:00:10:00/);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<h3>dialogue: short-term loudness (LUFS)</h3>');
    expect(page).toMatch(/<path d="M[\d.]+,[\d.]+L/);
    expect(page).toContain('Scenes: dialogue deviation');
  }, 120_000);

  it('a bad --group and a session that is not there are usage errors with exit 2', () => {
    const bad = dubstage('premix', session, '--group', 'DX=nobody');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("dubstage premix: --group DX: no track named 'nobody'");
    const gone = dubstage('premix', path.join(dir, 'nope.RPP'));
    expect(gone.status).toBe(2);
    expect(gone.stderr).toMatch(/cannot read \(no such file\)/);
    expect(existsSync(path.join(dir, 'nope.RPP'))).toBe(false);
  }, 120_000);

  it('--threads 2 gives the --threads 1 document; --threads 0 is a usage error', () => {
    const one = dubstage('premix', session, '--json', '--threads', '1');
    const two = dubstage('premix', session, '--json', '--threads', '2');
    expect(two.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const bad = dubstage('premix', session, '--threads', '0');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("dubstage premix: --threads '0': expected a whole number of at least 1");
  }, 120_000);

  it('measure and qc of a session say plainly to use premix', () => {
    const m = dubstage('measure', session);
    expect(m.status).toBe(2);
    expect(m.stdout).toContain(`a session file (rpp), not audio: its timeline (clips, gains, fades, premixes, scenes) is measured with \`dubstage premix ${session}\``);
    const q = dubstage('qc', session, '--spec', 'ebu-r128');
    expect(q.stderr).toContain(`dubstage qc: ${session} is a session: qc checks the media files it uses, whole; its timeline (clips, gains, fades, premixes, scenes) is measured with \`dubstage premix ${session}\``);
  }, 120_000);
});
