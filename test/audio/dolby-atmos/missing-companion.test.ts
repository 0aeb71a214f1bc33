// A Dolby Atmos master set is three files: when one is missing, the error names that one (issue 14).
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDolbyAtmos } from '../../../src/audio/dolby-atmos/index.js';
import { DubstageError } from '../../../src/errors.js';
import { writeDamf } from './build-damf.js';

const dir = mkdtempSync(path.join(tmpdir(), 'dubstage-damf14-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function errorOf(p: string): Promise<DubstageError> {
  const err = await readDolbyAtmos(p).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DubstageError);
  return err as DubstageError;
}

describe('Dolby Atmos master set with a companion missing', () => {
  it('names the missing .atmos.metadata, not the .atmos that is there', async () => {
    const atmos = writeDamf(dir, { name: 'nometa', bed: ['L', 'R'], objects: 1 });
    unlinkSync(`${atmos}.metadata`);
    const e = await errorOf(atmos);
    expect(e.path).toBe(`${atmos}.metadata`);
    expect(e.message).toMatch(/nometa\.atmos\.metadata: no such file — the \.atmos\.metadata .* of the Dolby Atmos master set nometa\.atmos is missing/);
  });

  it('names the missing .atmos.audio', async () => {
    const atmos = writeDamf(dir, { name: 'noaudio', bed: ['L', 'R'], objects: 1 });
    unlinkSync(`${atmos}.audio`);
    const e = await errorOf(atmos);
    expect(e.path).toBe(`${atmos}.audio`);
    expect(e.message).toMatch(/the \.atmos\.audio .*is missing/);
  });

  it('named by a companion whose .atmos is missing: names the .atmos', async () => {
    const atmos = writeDamf(dir, { name: 'noroot', bed: ['L', 'R'], objects: 1 });
    unlinkSync(atmos);
    const e = await errorOf(`${atmos}.audio`);
    expect(e.path).toBe(atmos);
    expect(e.message).toMatch(/noroot\.atmos: no such file — the root \.atmos/);
  });
});
