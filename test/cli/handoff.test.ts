// `dubstage handoff` end to end: the JSON contract field for field, exit codes 0/1/2, the short terminal
// sheet, the self-contained --html page with the brief escaped, the one error format.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/corpus.js';
import { buildPackage, writePackageFcpxml, writePackageRpp } from '../handoff/fixtures.js';

function dubstage(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const BRIEF = `# Reel 2 — the car chase

The chase should feel **claustrophobic**: keep the _engine_ under the dialogue.

- DX: production first, ADR only for SC 3
- MX: temp score, \`do not\` mix it hot

<script>alert("brief")</script> <img src=x onerror=alert(1)> [cue sheet](javascript:alert(1)) [notes](https://example.com/a?b=1&c=2)
`;

describe('dubstage handoff', () => {
  const planted = buildPackage();
  const rpp = writePackageRpp(planted);
  const brief = path.join(planted.dir, 'brief.md');
  writeFileSync(brief, BRIEF);

  it('--json prints exactly the contract; not ready exits 1', () => {
    const r = dubstage('handoff', rpp, '--json', '--brief', brief);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['schema', 'session', 'brief', 'tracks', 'groups', 'media', 'markers', 'scenes', 'problems', 'verdict']);
    expect(j.schema).toBe(1);
    expect(j.session).toEqual({ format: 'rpp', name: 'package', sampleRate: 48000, frameRate: { num: 25, den: 1 }, dropFrame: false, startTimecode: '01:00:00:00', durationSeconds: 30 });
    expect(j.brief).toBe(BRIEF);
    expect(Object.keys(j.tracks[0])).toEqual(['name', 'role', 'channels', 'clips', 'muted', 'loudness']);
    expect(Object.keys(j.tracks[0].loudness)).toEqual(['integratedLufs', 'momentaryMaxLufs', 'shortTermMaxLufs', 'loudnessRangeLu', 'truePeakDbtp', 'samplePeakDbfs']);
    // groups and scenes: exactly premix's fields
    expect(Object.keys(j.groups[0])).toEqual(['name', 'tracks', 'channels', 'loudness']);
    expect(Object.keys(j.scenes[0])).toEqual(['name', 'startSeconds', 'endSeconds', 'startTimecode', 'endTimecode', 'dialogueLufs', 'deviationLu']);
    expect(Object.keys(j.media[0])).toEqual(['id', 'name', 'path', 'resolvedPath', 'status', 'sampleRate', 'bitDepth', 'channels', 'durationSeconds', 'clips']);
    expect(Object.keys(j.markers[0])).toEqual(['name', 'startSeconds', 'timecode']);
    for (const p of j.problems) {
      expect(['code', 'severity', 'message']).toEqual(Object.keys(p).slice(0, 3));
      for (const k of Object.keys(p).slice(3)) expect(['track', 'clip', 'media', 'startTimecode']).toContain(k);
    }
    expect(j.problems.find((p: { code: string }) => p.code === 'clip/extreme-gain')).toEqual({
      code: 'clip/extreme-gain',
      severity: 'warning',
      message: "clip 'mx.wav' has +18.0 dB clip gain (beyond ±12 dB)",
      track: 'MX',
      clip: 'mx.wav',
      media: j.media.find((m: { name: string }) => m.name === 'mx.wav').id,
      startTimecode: '01:00:00:00',
    });
    expect(j.verdict).toBe('not-ready');
  }, 120_000);

  it('the terminal sheet is short: the session, the tracks, what is not ok, the problems, the verdict', () => {
    const r = dubstage('handoff', rpp);
    expect(r.status).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('package (rpp, written by REAPER 7.51/linux64), 48000 Hz, 25 fps, start 01:00:00:00, 30.000 s');
    expect(lines[1]).toBe('6 tracks, 4 groups, 8 media files (1 not ok), 3 markers, 3 scenes');
    expect(r.stdout).toMatch(/^DX\s+dialogue\s+1\s+3\s+-\d+\.\d\s+-\d+\.\d$/m);
    expect(r.stdout).toMatch(/^media missing\s+gone\.wav, 1 clip$/m);
    expect(r.stdout).toMatch(/^error\s+media\/missing\s+01:00:05:00  media 'gone\.wav' is not found/m);
    expect(r.stdout).toMatch(/^warning\s+scene\/dialogue-inconsistent\s+01:00:20:00  scene 'SC 3 car'/m);
    expect(lines.at(-1)).toBe('NOT READY: 3 errors, 4 warnings, 0 info');
    expect(lines.length).toBeLessThan(40);
  }, 120_000);

  it('--html writes one self-contained page; the brief is Markdown drawn safely (no HTML of its own passes)', () => {
    const html = path.join(planted.dir, 'handoff.html');
    const r = dubstage('handoff', rpp, '--brief', brief, '--html', html);
    expect(r.status).toBe(1);
    const page = readFileSync(html, 'utf8');
    // self-contained: no script, no outside resource, a CSP that forbids both
    expect(page).not.toMatch(/<(script|link|img|iframe|object|embed)\b|<[a-z][^>]*\s(src|on\w+)=|@import|url\(/i);
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    // the brief: Markdown drawn, raw HTML shown as text, a javascript: link left as text
    expect(page).toContain('<h3>Reel 2 — the car chase</h3>');
    expect(page).toContain('<strong>claustrophobic</strong>');
    expect(page).toContain('<em>engine</em>');
    expect(page).toContain('<li>DX: production first, ADR only for SC 3</li>');
    expect(page).toContain('<code>do not</code>');
    expect(page).toContain('&lt;script&gt;alert(&quot;brief&quot;)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('[cue sheet](javascript:alert(1))');
    expect(page).not.toContain('href="javascript');
    expect(page).toContain('<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer">notes</a>');
    // the sheet
    expect(page).toContain('<span class="verdict not-ready">NOT READY</span> 3 errors, 4 warnings, 0 info');
    expect(page).toMatch(/<tr class="error"><td>error<\/td><td><code>media\/missing<\/code><\/td><td>01:00:05:00<\/td><td>FX<\/td><td>gone\.wav<\/td><td>gone\.wav<\/td>/);
    expect(page).toMatch(/<tr class="error"><td>gone\.wav<\/td><td>missing<\/td>/);
    expect(page).toContain('<td>SC 3 car</td><td>01:00:20:00</td><td>01:00:30:00</td>');
  }, 120_000);

  it('the clean package is ready: exit 0, and --spec of a spec it meets adds nothing', () => {
    const clean = buildPackage(true);
    const r = dubstage('handoff', writePackageFcpxml(clean), '--spec', 'netflix', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.verdict).toBe('ready');
    expect(j.problems).toEqual([]);
    expect(j.brief).toBeNull();
  }, 120_000);

  it('an unreadable session, a missing brief, an unknown spec, an output over an input: exit 2, one error format', () => {
    const garbage = path.join(planted.dir, 'garbage.RPP');
    writeFileSync(garbage, '<REAPER_PROJECT 0.1 "7.51/linux64"\n  <TRACK\n    NAME "DX\n');
    const bad = dubstage('handoff', garbage, '--json');
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^dubstage handoff: .+garbage\.RPP.*\n$/);
    const gone = dubstage('handoff', path.join(planted.dir, 'nope.RPP'));
    expect(gone.status).toBe(2);
    expect(gone.stderr).toMatch(/^dubstage handoff: .*cannot read \(no such file\)/);
    const noBrief = dubstage('handoff', rpp, '--brief', path.join(planted.dir, 'nope.md'));
    expect(noBrief.status).toBe(2);
    expect(noBrief.stderr).toMatch(/^dubstage handoff: .*nope\.md/);
    const spec = dubstage('handoff', rpp, '--spec', 'nosuchspec');
    expect(spec.status).toBe(2);
    expect(spec.stderr).toMatch(/^dubstage handoff: .*nosuchspec/);
    const before = readFileSync(brief, 'utf8');
    const over = dubstage('handoff', rpp, '--brief', brief, '--html', brief);
    expect(over.status).toBe(2);
    expect(over.stderr).toContain(`dubstage handoff: --html ${brief} is the input ${brief}`);
    expect(readFileSync(brief, 'utf8')).toBe(before);
    const media = dubstage('handoff', rpp, '--html', path.join(planted.dir, 'dx.wav'));
    expect(media.status).toBe(2);
    expect(existsSync(path.join(planted.dir, 'dx.wav'))).toBe(true);
  }, 120_000);
});
