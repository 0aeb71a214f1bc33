// fix on the worker pool writes the same bytes as the inline path.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFix } from '../../src/fix/run.js';
import { loadSpec } from '../../src/specs/loader.js';
import { buildFixDelivery } from './fixture.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('fix on two worker threads', () => {
  it('gives byte-identical outputs and checksums to one thread', async () => {
    const d = await buildFixDelivery(-3, -2);
    dirs.push(d.dir);
    const spec = loadSpec('ebu-r128').spec;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-fix-pool-'));
    dirs.push(root);
    const one = await runFix({ paths: [d.dir], spec, out: path.join(root, 'one'), fps: '24', threads: 1 });
    const two = await runFix({ paths: [d.dir], spec, out: path.join(root, 'two'), fps: '24', threads: 2 });
    expect(one.written && two.written).toBe(true);
    const names = fs.readdirSync(path.join(root, 'one')).sort();
    expect(fs.readdirSync(path.join(root, 'two')).sort()).toEqual(names);
    for (const n of names) expect(fs.readFileSync(path.join(root, 'two', n)).equals(fs.readFileSync(path.join(root, 'one', n))), n).toBe(true);
    expect(two.families).toEqual(one.families);
  }, 240_000);
});
