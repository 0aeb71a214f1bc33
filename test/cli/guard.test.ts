// Outputs never overwrite inputs (issue 15): `qc v.wav --html v.wav` used to replace the master with
// the report, and `--markers` onto the manifest replaced the manifest. Every output is checked against
// every input — same path, symlink, hard link, a file in a folder given as input, the manifest and its
// files, a spec file — and refused with exit 2 before anything is measured; the input is untouched.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../src/audio/writer.js';
import { guardOutputs, outputsOf, qcInputFiles } from '../../src/cli/guard.js';
import { DubstageError } from '../../src/errors.js';
import { writeWhole } from '../../src/report/write.js';
import { repoRoot } from '../helpers/corpus.js';

function dubstage(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args], {
    encoding: 'utf8',
    cwd: repoRoot,
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-guard-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function master(name: string): string {
  const p = path.join(dir, name);
  const tone = Float32Array.from({ length: 48000 }, (_, i) => 0.1 * Math.sin((2 * Math.PI * 1000 * i) / 48000));
  writeWav(p, { sampleRate: 48000, channels: 2, encoding: 's24le' }, [tone, tone]);
  return p;
}

function refusal(fn: () => unknown): DubstageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DubstageError);
    return err as DubstageError;
  }
  throw new Error('expected a DubstageError');
}

describe('guardOutputs', () => {
  const wav = master('PM_51.wav');

  it('the same path, written differently', () => {
    const e = refusal(() => guardOutputs([{ flag: '--html', path: path.join(dir, '.', 'PM_51.wav') }], [wav]));
    expect(e).toMatchObject({ code: 'output-is-input', path: path.join(dir, 'PM_51.wav') });
    expect(e.message).toContain(`--html ${path.join(dir, 'PM_51.wav')} is the input ${wav}; writing it would destroy the input`);
  });

  it('a symlink to the input, and a hard link to it', () => {
    const sym = path.join(dir, 'report-link.html');
    fs.symlinkSync(wav, sym);
    expect(refusal(() => guardOutputs([{ flag: '--html', path: sym }], [wav])).message).toContain('resolves to the input');
    const hard = path.join(dir, 'report-hard.html');
    fs.linkSync(wav, hard);
    expect(refusal(() => guardOutputs([{ flag: '--junit', path: hard }], [wav])).message).toContain('is a hard link to the input');
  });

  it('an input given through a symlinked folder', () => {
    const linkDir = path.join(dir, 'via');
    fs.symlinkSync(dir, linkDir);
    expect(refusal(() => guardOutputs([{ flag: '--markers', path: path.join(dir, 'PM_51.wav') }], [path.join(linkDir, 'PM_51.wav')])).code).toBe('output-is-input');
  });

  it('a file inside a folder given as input', () => {
    expect(refusal(() => guardOutputs([{ flag: '--html', path: wav }], [dir])).code).toBe('output-is-input');
  });

  it('two outputs on one file', () => {
    const out = path.join(dir, 'r.html');
    expect(refusal(() => guardOutputs([{ flag: '--html', path: out }, { flag: '--junit', path: out }], [wav])).message).toContain('name the same file');
  });

  it('an output in a folder that does not exist, or over a folder, is refused before the run', () => {
    expect(refusal(() => guardOutputs([{ flag: '--html', path: path.join(dir, 'nope', 'r.html') }], [wav])).message).toBe(`--html ${path.join(dir, 'nope', 'r.html')}: the folder ${path.join(dir, 'nope')} does not exist`);
    expect(refusal(() => guardOutputs([{ flag: '--html', path: dir }], [wav])).message).toContain('is a folder; give a file name');
  });

  it('a new file beside the inputs is fine', () => {
    expect(() => guardOutputs([{ flag: '--html', path: path.join(dir, 'qc.html') }], [wav, dir])).not.toThrow();
  });

  it('outputsOf reads every output option a command has, and only those', () => {
    expect(outputsOf({ html: 'a.html', junit: 'b.xml', markers: 'c.csv', spec: 'netflix', json: true, fixOutput: 'd.wav' })).toEqual([
      { flag: '--html', path: 'a.html' },
      { flag: '--junit', path: 'b.xml' },
      { flag: '--markers', path: 'c.csv' },
      { flag: '--fix-output', path: 'd.wav' },
    ]);
  });

  it("qc's inputs: the manifest, the files it lists, a spec file, a folder's files", async () => {
    const manifest = path.join(dir, 'delivery.yaml');
    fs.writeFileSync(manifest, 'deliverables:\n  - { role: printmaster, layout: "2.0", files: [PM_51.wav] }\n');
    const spec = path.join(dir, 'house.yaml');
    fs.writeFileSync(spec, 'extends: netflix\n');
    const files = await qcInputFiles({ paths: [dir], manifest, spec });
    expect(files).toContain(manifest);
    expect(files).toContain(spec);
    expect(files).toContain(wav);
  });
});

describe('dubstage qc and measure refuse before measuring (exit 2), the input untouched', () => {
  it('qc v.wav --html v.wav', () => {
    const wav = master('v.wav');
    const before = fs.readFileSync(wav);
    const r = dubstage('qc', wav, '--spec', 'ebu-r128', '--html', wav);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`--html ${wav} is the input ${wav}; writing it would destroy the input`);
    expect(fs.readFileSync(wav).equals(before)).toBe(true);
  }, 120_000);

  it('qc --manifest m.yaml --markers m.yaml', () => {
    const wav = master('PM_20.wav');
    const manifest = path.join(dir, 'm.yaml');
    const text = 'deliverables:\n  - { role: printmaster, layout: "2.0", files: [PM_20.wav] }\n';
    fs.writeFileSync(manifest, text);
    const r = dubstage('qc', wav, '--spec', 'ebu-r128', '--manifest', manifest, '--markers', manifest);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--markers ${manifest} is the input ${manifest}`);
    expect(fs.readFileSync(manifest, 'utf8')).toBe(text);
  }, 120_000);

  it('an --html into a missing folder is refused up front, not as an errno on a temp file after the run', () => {
    const wav = master('w.wav');
    const out = path.join(dir, 'missing', 'r.html');
    const r = dubstage('qc', wav, '--spec', 'ebu-r128', '--html', out);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`--html ${out}: the folder ${path.join(dir, 'missing')} does not exist`);
    expect(r.stderr).not.toContain('.tmp');
  }, 120_000);
});

describe('writeWhole names the file asked for, never its temp file', () => {
  it('a path through a file', () => {
    const file = path.join(dir, 'plain.txt');
    fs.writeFileSync(file, 'x');
    const out = path.join(file, 'r.html');
    const e = refusal(() => writeWhole(out, 'report'));
    expect(e).toMatchObject({ code: 'io', path: out });
    expect(e.message).toBe(`cannot write ${out}: a part of the path is not a folder`);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });
});
