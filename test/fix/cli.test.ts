// `dubstage fix` end to end, as a user runs it: exit codes, --json, the refusal on stderr (each run starts tsx).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/corpus.js';
import { buildFixDelivery, type FixDelivery } from './fixture.js';

function dubstage(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args], {
    encoding: 'utf8',
    cwd: repoRoot,
    timeout: 240_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let delivery: FixDelivery;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-cli-fix-'));
beforeAll(async () => {
  delivery = await buildFixDelivery(-4, -4);
}, 120_000);
afterAll(() => {
  fs.rmSync(delivery.dir, { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('dubstage fix', () => {
  it('writes the delivery and exits 0; --json is schema 1', () => {
    const out = path.join(tmp, 'fixed');
    const r = dubstage('fix', delivery.dir, '--spec', 'ebu-r128', '--fps', '24', '--out', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ schema: 1, spec: { id: 'ebu-r128' }, written: true });
    expect(j.refusal).toBeUndefined();
    expect(j.families.map((f: { layout: string }) => f.layout).sort()).toEqual(['2.0', '5.1']);
    for (const f of j.families) expect(Math.abs(f.afterLufs - -23)).toBeLessThan(0.1);
    expect(j.files).toHaveLength(delivery.files.length);
    expect(fs.existsSync(path.join(out, 'checksums.md5'))).toBe(true);
  }, 240_000);

  it('refuses with exit 1 when the gain breaks the true-peak limit, saying where, and writes nothing', () => {
    const out = path.join(tmp, 'too-loud');
    const r = dubstage('fix', delivery.dir, '--spec', 'ebu-r128', '--fps', '24', '--target', '-5', '--out', out);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/REFUSED \(true-peak-headroom\)/);
    expect(r.stderr).toMatch(/^dubstage fix: the (5\.1|2\.0) family needs \+\d+\.\d\d dB .* at 01:00:\d\d:\d\d: \d+\.\d\d dB short of headroom/);
    expect(fs.existsSync(out)).toBe(false);
    const dry = dubstage('fix', delivery.dir, '--spec', 'ebu-r128', '--fps', '24', '--target', '-5', '--out', out, '--json', '--dry-run');
    expect(dry.status).toBe(1);
    expect(JSON.parse(dry.stdout).refusal).toMatchObject({ code: 'true-peak-headroom', headroomDb: expect.any(Number) });
  }, 240_000);

  it('an unreadable input exits 2 naming it; a bad --target or --out is a usage error', () => {
    const bad = path.join(tmp, 'broken', 'SHOW_PM_51.wav');
    fs.mkdirSync(path.dirname(bad), { recursive: true });
    fs.writeFileSync(bad, 'RIFF\x10\x00\x00\x00WAVEfmt \xff\xff\xff\x7f');
    const out = path.join(tmp, 'never');
    const r = dubstage('fix', bad, '--spec', 'ebu-r128', '--out', out, '--json');
    expect(r.status).toBe(2);
    const j = JSON.parse(r.stdout);
    expect(j.written).toBe(false);
    expect(j.refusal.file).toBe(bad);
    expect(fs.existsSync(out)).toBe(false);
    expect(dubstage('fix', delivery.dir, '--spec', 'ebu-r128', '--out', out, '--target', 'loud').status).toBe(2);
    const same = dubstage('fix', delivery.dir, '--spec', 'ebu-r128', '--out', delivery.dir);
    expect(same.status).toBe(2);
    expect(same.stderr).toMatch(/^dubstage fix: --out .* is the delivery folder/);
  }, 240_000);
});
