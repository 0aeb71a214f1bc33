// `dubstage measure` and `inspect` on MXF files end to end: one entry per audio track, the inspect listing.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/audio-fixtures.js';
import { repoRoot } from '../../helpers/corpus.js';
import { buildMxf, testPcm } from './mxf-writer.js';

const dir = tempDir('dubstage-mxf-cli-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dubstage(...args: string[]) {
  return spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 240_000 });
}

describe('dubstage measure / inspect x.mxf', () => {
  it('a file with two audio tracks and a video track: two entries suffixed #track1 and #track2, container mxf', () => {
    const p = path.join(dir, 'reel1.mxf');
    writeFileSync(p, buildMxf({
      pattern: 'OP1a', wrapping: 'frame', editRate: [24, 1], video: { frames: 48, elementBytes: 3000 }, timecodeStart: 86400,
      audio: [
        { bits: 24, channels: 6, pcm: testPcm(96000, 6, 24, 1), mca: { channels: ['chL', 'chR', 'chC', 'chLFE', 'chLs', 'chRs'], group: 'sg51', language: 'it' } },
        { bits: 24, channels: 2, pcm: testPcm(96000, 2, 24, 2) },
      ],
    }).bytes);
    const m = dubstage('measure', '--json', p);
    expect(m.status).toBe(0);
    const doc = JSON.parse(m.stdout) as { files: Array<{ path: string; format: { container: string; channelLabels: string[] }; channelLabelSource: string; mxf: { wrapping: string; language: string | null } }> };
    expect(doc.files.map((f) => f.path)).toEqual([`${p}#track1`, `${p}#track2`]);
    expect(doc.files.map((f) => f.format.container)).toEqual(['mxf', 'mxf']);
    expect(doc.files[0]!.channelLabelSource).toBe('mca');
    expect(doc.files[0]!.mxf).toMatchObject({ wrapping: 'frame', language: 'it' });
    const i = dubstage('inspect', p);
    expect(i.status).toBe(0);
    expect(i.stdout).toContain('container   MXF OP1a');
    expect(i.stdout).toContain('timecode    start 01:00:00:00 (24 fps)');
    expect(i.stdout).toMatch(/audio track 1 \(track id \d+, number 0x16020101, 'audio 1'\): frame-wrapped, wave descriptor/);
    // one line per soundfield group (its channels and language), none per channel label
    expect(i.stdout).toMatch(/MCA sg51 +5\.1, 6 ch \(1:chL 2:chR 3:chC 4:chLFE 5:chLs 6:chRs\), language it/);
    expect(i.stdout.split('\n').filter((l) => /^\s+MCA /.test(l))).toHaveLength(2); // track 2 has no MCA: 'MCA none'
    expect(i.stdout).toMatch(/header at byte 0 {2}closed, complete/);
    expect(i.stdout).toMatch(/index segments\n {4}at byte \d+ {2}index SID 101, body SID 1, edit rate 24\/1, units 0\.\.48, 48 entries/);
  });
});
