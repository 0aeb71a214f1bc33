// `dubstage batch` end to end, as a user runs it, on the 12-delivery catalogue built by code: the same
// verdicts and findings as `dubstage qc` on each delivery, --resume after touching one, and the errors said
// before any work (a catalogue that is not there, an --out that cannot be written or lands in the catalogue).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchProgress } from '../../src/cli/progress.js';
import { repoRoot } from '../helpers/corpus.js';
import { buildCatalogue } from '../batch/catalog-fixture.js';

function dubstage(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args], {
    encoding: 'utf8',
    cwd: repoRoot,
    timeout: 280_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let root = '';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-cli-batch-'));
const out = path.join(tmp, 'reports');
let first: ReturnType<typeof dubstage>;
beforeAll(async () => {
  root = await buildCatalogue();
  first = dubstage('batch', root, '--spec', 'netflix', '--out', out, '--jobs', '2', '--fps', '24', '--json');
}, 600_000);
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Finding {
  rule: string;
  severity: string;
  message: string;
}

describe('dubstage batch', () => {
  it('checks the whole catalogue: exit 2 for the unreadable delivery, the index on stdout, nothing on stderr off a terminal', () => {
    expect(first.stderr).toBe('');
    expect(first.status).toBe(2);
    const index = JSON.parse(first.stdout);
    expect(index.deliveries).toHaveLength(12);
    expect(index.totals).toMatchObject({ fail: 1, error: 1 });
    expect(index.totals.pass + index.totals.warning).toBe(10);
    for (const f of ['index.json', 'index.csv', 'index.html']) expect(fs.statSync(path.join(out, f)).size).toBeGreaterThan(100);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'index.json'), 'utf8'))).toEqual(index);
  });

  it('gives the verdicts and findings `dubstage qc` gives on each delivery', () => {
    const index = JSON.parse(first.stdout) as { deliveries: Array<{ id: string; verdict: string }> };
    const verdictOfQc = (status: number | null, json: { verdict: string; findings: Finding[] }) =>
      status === 2 ? 'error' : json.verdict === 'fail' ? 'fail' : json.findings.some((f) => f.severity === 'warning') ? 'warning' : 'pass';
    // one qc run per title folder (a title in reels gives one delivery per reel, as batch does)
    const titles: Array<[string, string[]]> = [
      ['D_TRUE_PEAK', ['D_TRUE_PEAK']],
      ['Z_UNREADABLE', ['Z_UNREADABLE']],
      ['C_FACILITY', ['C_FACILITY']],
      ['G_REELS', ['G_REELS__REEL_1', 'G_REELS__REEL_2']],
      ['H_NAMED', ['H_NAMED~reel-1', 'H_NAMED~reel-2']],
    ];
    for (const [title, ids] of titles) {
      const r = dubstage('qc', path.join(root, title), '--spec', 'netflix', '--fps', '24', '--json');
      const doc = JSON.parse(r.stdout);
      const docs = ids.length === 1 ? [doc] : doc.deliveries;
      expect(docs).toHaveLength(ids.length);
      for (const [i, id] of ids.entries()) {
        const report = JSON.parse(fs.readFileSync(path.join(out, id, 'report.json'), 'utf8'));
        const { delivery: _name, ...want } = docs[i];
        expect(report, id).toEqual(want);
        expect(index.deliveries.find((d) => d.id === id)!.verdict, id).toBe(ids.length === 1 ? verdictOfQc(r.status, doc) : verdictOfQc(want.errors ? 2 : 0, want));
      }
    }
    const tp = JSON.parse(fs.readFileSync(path.join(out, 'D_TRUE_PEAK', 'report.json'), 'utf8'));
    expect(tp.findings.filter((f: Finding) => f.severity === 'error').map((f: Finding) => f.rule)).toEqual(['loudness/true-peak']);
  }, 600_000);

  it('--resume after touching one delivery checks only that one', () => {
    const file = path.join(root, 'E_TITLE', 'ECHO_MX_51.wav');
    const later = new Date(fs.statSync(file).mtimeMs + 10_000);
    fs.utimesSync(file, later, later);
    const stampTimes = () => Object.fromEntries(fs.readdirSync(out).filter((d) => fs.statSync(path.join(out, d)).isDirectory()).map((d) => [d, fs.statSync(path.join(out, d, 'stamp.json')).mtimeMs]));
    const before = stampTimes();
    const r = dubstage('batch', root, '--spec', 'netflix', '--out', out, '--jobs', '2', '--fps', '24', '--resume');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('12 deliveries');
    expect(r.stdout).toContain('(11 unchanged since their report, not checked again)');
    expect(r.stdout).toMatch(/FAIL +D_TRUE_PEAK: 1 error/);
    expect(r.stdout).toMatch(/UNREADABLE Z_UNREADABLE — .*ZULU_PM_51\.wav/);
    const after = stampTimes();
    for (const [id, t] of Object.entries(before)) {
      if (id === 'E_TITLE') expect(after[id]!).toBeGreaterThan(t);
      else expect(after[id], id).toBe(t);
    }
  }, 300_000);

  it('a catalogue that does not exist: exit 2 naming it, before any work (no --out made)', () => {
    const missing = path.join(tmp, 'NO_SUCH_CATALOGUE');
    const fresh = path.join(tmp, 'never-made');
    const r = dubstage('batch', root, missing, '--spec', 'netflix', '--out', fresh);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`dubstage batch: catalogue ${missing} does not exist\n`);
    expect(fs.existsSync(fresh)).toBe(false);
  }, 60_000);

  it('an --out that cannot be written or lands in a catalogue: exit 2 before any work', () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, 'x');
    const under = dubstage('batch', root, '--spec', 'netflix', '--out', path.join(file, 'reports'));
    expect(under.status).toBe(2);
    expect(under.stderr).toBe(`dubstage batch: --out ${path.join(file, 'reports')} cannot be made: a part of the path is not a folder (nothing was checked)\n`);
    const isFile = dubstage('batch', root, '--spec', 'netflix', '--out', file);
    expect(isFile.status).toBe(2);
    expect(isFile.stderr).toBe(`dubstage batch: --out ${file} is a file, not a folder (nothing was checked)\n`);
    const inside = path.join(root, 'A_TITLE', 'reports');
    const r = dubstage('batch', root, '--spec', 'netflix', '--out', inside);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--out ${inside} is inside the catalogue ${root}`);
    expect(fs.existsSync(inside)).toBe(false);
    const holds = dubstage('batch', root, '--spec', 'netflix', '--out', path.dirname(root));
    expect(holds.status).toBe(2);
    expect(holds.stderr).toContain(`holds the catalogue ${root}`);
    const jobs = dubstage('batch', root, '--spec', 'netflix', '--out', out, '--jobs', '0');
    expect(jobs.status).toBe(2);
    expect(jobs.stderr).toBe('dubstage batch: --jobs 0: expected a whole number from 1 to 64\n');
  }, 120_000);
});

describe('batch progress bar', () => {
  it('on a terminal: deliveries done of all, the unchanged ones, the time left and the delivery at hand; silent otherwise', () => {
    const written: string[] = [];
    const bar = batchProgress({ isTTY: true, write: (s: string) => written.push(s) });
    bar({ done: 0, total: 12, skipped: 0, current: null, secondsLeft: null });
    bar({ done: 5, total: 12, skipped: 3, current: 'G_REELS__REEL_1', secondsLeft: 75 });
    bar.end();
    expect(written[0]).toBe('\r\x1b[K[....................] 0/12 deliveries');
    expect(written[1]).toBe('\r\x1b[K[########............] 5/12 deliveries (3 unchanged) · 1:15 left · G_REELS__REEL_1');
    expect(written[2]).toBe('\r\x1b[K');
    const quiet: string[] = [];
    const off = batchProgress({ isTTY: false, write: (s: string) => quiet.push(s) });
    off({ done: 1, total: 2, skipped: 0, current: 'X', secondsLeft: 1 });
    off.end();
    expect(quiet).toEqual([]);
  });
});
