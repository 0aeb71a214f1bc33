// `dubstage inspect IMP_DIR --json` and its text, through the CLI: the package document, exit 2 on problems.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/audio-fixtures.js';
import { repoRoot } from '../helpers/corpus.js';
import { writePackage } from '../imf/imf-writer.js';
import { twoCpls } from '../imf/packages.js';

const root = tempDir('dubstage-cli-imf-');
afterAll(() => rmSync(root, { recursive: true, force: true }));
const run = (...args: string[]) => spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cli', 'main.ts'), 'inspect', ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 240_000 });

describe('dubstage inspect on an IMF package', () => {
  it('--json: kind imf with CPLs, assets and problems; exit 0 when clean, 2 with --hash finding a mismatch', () => {
    const pkg = writePackage(path.join(root, 'ok'), twoCpls({ wrongHash: ['VIDEO.mxf'] }));
    const r = run('--json', pkg.dir);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as { files: Array<{ kind: string; imf: { cpls: Array<{ title: string; audioTracks: Array<{ soundfieldGroups: Array<{ symbol: string }> }> }>; assets: Array<{ type: string; pkl: { status: string } }>; problems: unknown[] } }> };
    expect(r.status).toBe(0); // sizes agree; the hash is not computed without --hash
    expect(doc.files[0]!.kind).toBe('imf');
    expect(doc.files[0]!.imf.cpls.map((c) => c.title)).toEqual(['Feature OV', 'Feature VF German']);
    expect(doc.files[0]!.imf.cpls[0]!.audioTracks.map((a) => a.soundfieldGroups.map((g) => g.symbol))).toEqual([['sg51'], ['sgST']]);
    const hashed = run('--json', '--hash', pkg.dir);
    expect(hashed.status).toBe(2);
    const h = JSON.parse(hashed.stdout) as typeof doc;
    expect(h.files[0]!.imf.assets.filter((a) => a.pkl.status === 'mismatch').map((a) => a.type)).toEqual(['picture']);
    // the text of one CPL
    const text = run(pkg.cplPaths[1]!);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/CPL 'Feature VF German' .*\(ST 2067-3 2013\) CPL_DE\.xml/);
    expect(text.stdout).toMatch(/segment 1 \(1\.000 s\): MainImageSequence 1 resource, SubtitlesSequence 1 resource, MainAudioSequence 1 resource/);
    expect(text.stdout).toMatch(/SUBS_DE\.mxf +subtitle +PKL/);
  });
});
