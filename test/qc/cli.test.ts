// `dubstage qc` and `dubstage specs` end to end, as a user runs them (each run starts tsx: long timeouts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/corpus.js';
import { buildDelivery } from './delivery-fixture.js';

function dubstage(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args], {
    encoding: 'utf8',
    cwd: repoRoot,
    timeout: 180_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let clean = '';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-cli-qc-'));
beforeAll(async () => {
  clean = await buildDelivery();
}, 120_000);
afterAll(() => {
  fs.rmSync(clean, { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('dubstage qc', () => {
  it('a clean delivery exits 0 and writes every report', () => {
    const html = path.join(tmp, 'r.html');
    const junit = path.join(tmp, 'r.xml');
    const markers = path.join(tmp, 'r.csv');
    const r = dubstage('qc', clean, '--spec', 'netflix', '--fps', '24', '--json', '--html', html, '--junit', junit, '--markers', markers);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ schema: 1, spec: { id: 'netflix' }, verdict: 'pass' });
    expect(j.deliverables).toHaveLength(6);
    for (const f of [html, junit, markers]) expect(fs.statSync(f).size).toBeGreaterThan(100);
  }, 200_000);

  it('an error finding exits 1; an unreadable file exits 2 and the rest is still checked', () => {
    const house = path.join(tmp, 'house.yaml');
    fs.writeFileSync(house, 'extends: netflix\nid: house\nname: House\nversion: "1"\nloudness:\n  fallback: { mode: programme, targetLufs: -31, toleranceLu: 1 }\n  qcToleranceLu: 0.5\n');
    const one = dubstage('qc', path.join(clean, 'SHOW_PM_51.wav'), '--spec', house, '--fps', '24');
    expect(one.status).toBe(1);
    expect(one.stdout.split('\n')[0]).toMatch(/^FAIL — House/);
    expect(one.stdout).toContain('loudness/integrated');

    const broken = path.join(tmp, 'SHOW_PM_20.wav');
    fs.writeFileSync(broken, 'RIFF\x10\x00\x00\x00WAVEjunk');
    const two = dubstage('qc', path.join(clean, 'SHOW_PM_51.wav'), broken, '--spec', 'ebu-r128', '--fps', '24', '--json');
    expect(two.status).toBe(2);
    const j = JSON.parse(two.stdout);
    expect(j.errors[0].path).toBe(broken);
    expect(j.deliverables.find((d: { files: string[] }) => d.files[0] === path.join(clean, 'SHOW_PM_51.wav')).loudness.integratedLufs).toBeCloseTo(-24, 0);
  }, 200_000);

  it('a bad spec is a clear error (exit 2) naming the key and the file', () => {
    const bad = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(bad, 'extends: netflix\nid: bad\nname: Bad\nversion: "1"\nformat:\n  sampleRate: [48000]\n');
    const r = dubstage('qc', clean, '--spec', bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("key 'format'");
    expect(r.stderr).toContain('sampleRate');
    expect(r.stderr).toContain(bad);
  }, 120_000);
});

describe('dubstage specs', () => {
  it('lists the built-ins and shows one', () => {
    const list = dubstage('specs');
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^netflix\s+Netflix near-field/m);
    const show = dubstage('specs', 'show', 'netflix', '--json');
    expect(show.status).toBe(0);
    expect(JSON.parse(show.stdout).evidence['loudness.targetLufs']).toEqual({ status: 'V', source: 'nfx_qc_loud', note: '-27 LKFS dialogue-gated, BS.1770-1' });
  }, 120_000);
});
