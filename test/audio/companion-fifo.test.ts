/** A FIFO where an ADM XML or a Dolby Atmos companion should be is refused by stat, never waited on. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAdm } from '../../src/audio/adm/index.js';
import { readDolbyAtmos } from '../../src/audio/dolby-atmos/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-fifo-companion-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const fifo = (name: string): string => {
  const p = path.join(dir, name);
  execFileSync('mkfifo', [p]);
  return p;
};

describe('FIFOs among ADM and Atmos inputs', () => {
  it('a bare ADM XML path that is a FIFO', async () => {
    await expect(readAdm(fifo('master.xml'))).rejects.toMatchObject({ code: 'not-regular', message: expect.stringMatching(/FIFO|pipe/i) });
  });

  it('a .atmos root and its .atmos.metadata companion that are FIFOs', async () => {
    await expect(readDolbyAtmos(fifo('show.atmos'))).rejects.toMatchObject({ code: 'not-regular' });
    const root = path.join(dir, 'mix.atmos');
    fs.writeFileSync(root, 'version: 1\npresentations:\n  - type: home\n    simplified: false\n    metadata: mix.atmos.metadata\n    audio: mix.atmos.audio\n    offset: 0.0\n    fps: 24\n    bedInstances:\n      - channels:\n          - channel: L\n            ID: 0\n    objects: []\n');
    fifo('mix.atmos.metadata');
    fs.writeFileSync(path.join(dir, 'mix.atmos.audio'), Buffer.alloc(64));
    const started = Date.now();
    await expect(readDolbyAtmos(root)).rejects.toBeDefined();
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
