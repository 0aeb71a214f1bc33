// YAML that the yaml package only refuses inside doc.toJS() — an alias to no anchor, an alias bomb —
// and a bad `extends:`: each a DubstageError that names the file and the line (issue 15).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/delivery/manifest.js';
import { DubstageError } from '../../src/errors.js';
import { loadSpec } from '../../src/specs/loader.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-yaml-'));
function put(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
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

/** Nine aliases to nine aliases ... five levels: 9^5 = 59 049 nodes from a 300-byte file. */
const bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n';

describe('spec files', () => {
  it('an alias to an anchor that does not exist names the file, the alias and its line', () => {
    const file = put('unresolved.yaml', 'extends: netflix\nid: house\nname: House\nversion: "1"\nloudness:\n  targetLufs: *target\n');
    const e = refusal(() => loadSpec(file));
    expect(e).toMatchObject({ code: 'bad-spec', path: file, line: 6 });
    expect(e.message).toBe('spec uses the alias *target, but no anchor &target comes before it');
  });

  it('an alias bomb is refused with the file and a line, not a ReferenceError', () => {
    const file = put('bomb.yaml', bomb);
    const e = refusal(() => loadSpec(file));
    expect(e).toMatchObject({ code: 'bad-spec', path: file });
    expect(e.line).toBeGreaterThanOrEqual(2);
    expect(e.message).toContain('expands its aliases (*name) into too much data');
  });

  it('a few honest aliases still load', () => {
    const file = put('aliases.yaml', 'extends: netflix\nid: house\nname: House\nversion: "1"\nloudness:\n  targetLufs: &t -24\n  fallback: { mode: programme, targetLufs: *t, toleranceLu: 2 }\n');
    expect(loadSpec(file).spec.loudness?.targetLufs).toBe(-24);
  });

  it("a bad 'extends:' names the file whose key it is", () => {
    const file = put('bad-extends.yaml', 'extends: netflx\nid: house\nname: House\nversion: "1"\n');
    const e = refusal(() => loadSpec(file));
    expect(e).toMatchObject({ code: 'bad-spec', path: file, field: 'extends' });
    expect(e.message).toMatch(/^key 'extends': no built-in spec 'netflx' \(built-ins: .*netflix/);
  });

  it("an 'extends:' path that does not exist names the file and the path", () => {
    const file = put('missing-base.yaml', 'extends: ./base.yaml\nid: house\nname: House\nversion: "1"\n');
    const e = refusal(() => loadSpec(file));
    expect(e).toMatchObject({ code: 'bad-spec', path: file, field: 'extends' });
    expect(e.message).toBe(`key 'extends': ./base.yaml (${path.join(dir, 'base.yaml')}) does not exist`);
  });

  it('a spec that is a FIFO is refused, not waited on', () => {
    const fifo = path.join(dir, 'fifo.yaml');
    fs.rmSync(fifo, { force: true });
    execFileSync('mkfifo', [fifo]);
    const e = refusal(() => loadSpec(fifo));
    expect(e).toMatchObject({ code: 'not-regular', path: fifo });
  });
});

describe('manifests', () => {
  it('an unresolved alias names the manifest and the line', () => {
    const file = put('m-unresolved.yaml', 'deliverables:\n  - { role: printmaster, files: [PM.wav] }\n  - { role: me, files: *dx }\n');
    const e = refusal(() => loadManifest(file));
    expect(e).toMatchObject({ code: 'bad-spec', path: file, line: 3 });
    expect(e.message).toBe('manifest uses the alias *dx, but no anchor &dx comes before it');
  });

  it('an alias bomb names the manifest', () => {
    const file = put('m-bomb.yaml', bomb);
    expect(refusal(() => loadManifest(file))).toMatchObject({ code: 'bad-spec', path: file });
  });
});

describe('manifest paths stay inside the manifest folder', () => {
  const delivery = path.join(dir, 'delivery');
  fs.mkdirSync(delivery, { recursive: true });
  fs.writeFileSync(path.join(dir, 'secret.wav'), 'root:x:0:0:root:/root:/bin/bash\n');

  for (const [what, entry, line] of [
    ['../../etc/passwd', '../../etc/passwd', 3],
    ['an absolute path', '/etc/passwd', 3],
    ['a climb out through a sub-folder', 'sub/../../secret.wav', 3],
  ] as const) {
    it(`${what} is refused with the key and the line, and the file is never opened`, () => {
      const file = path.join(delivery, 'delivery.yaml');
      fs.writeFileSync(file, `deliverables:\n  - role: printmaster\n    files: ["${entry}"]\n`);
      const e = refusal(() => loadManifest(file));
      expect(e).toMatchObject({ code: 'outside-manifest', path: file, line, field: 'deliverables.0.files.0' });
      expect(e.message).toContain("leads outside the manifest's folder");
      expect(e.message).toContain('--allow-outside-manifest');
      expect(e.message).not.toContain('root:');
    });
  }

  it('a symlink inside the folder that points outside it is refused too', () => {
    const link = path.join(delivery, 'PM_51.wav');
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.join(dir, 'secret.wav'), link);
    const file = path.join(delivery, 'delivery.yaml');
    fs.writeFileSync(file, 'deliverables:\n  - { role: printmaster, files: [PM_51.wav] }\n');
    expect(refusal(() => loadManifest(file))).toMatchObject({ code: 'outside-manifest', path: file, line: 2 });
    fs.rmSync(link);
  });

  it('paths inside the folder (and sub-folders) are read; outside ones when allowed', () => {
    const file = path.join(delivery, 'delivery.yaml');
    fs.writeFileSync(file, 'deliverables:\n  - { role: printmaster, files: [PM_51.wav] }\n  - { role: me, files: [stems/ME_51.wav] }\n');
    expect(loadManifest(file).flatMap((m) => m.files)).toEqual([path.join(delivery, 'PM_51.wav'), path.join(delivery, 'stems', 'ME_51.wav')]);
    fs.writeFileSync(file, 'deliverables:\n  - { role: printmaster, files: [../secret.wav] }\n');
    expect(loadManifest(file, { allowOutside: true })[0]!.files).toEqual([path.join(dir, 'secret.wav')]);
  });
});
