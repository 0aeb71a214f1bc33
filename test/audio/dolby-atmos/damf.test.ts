/**
 * Dolby Atmos master file sets built by code (build-damf.ts). No public set from Dolby's tools
 * exists, so these check the reader against the format description, not against real files.
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { damfRootPath, readDolbyAtmos, sniffDamf } from '../../../src/audio/dolby-atmos/index.js';
import { DubstageError } from '../../../src/errors.js';
import { writeCaf, writeDamf } from './build-damf.js';

const dir = mkdtempSync(path.join(tmpdir(), 'dubstage-damf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BED_712 = ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Lts', 'Rts'];

describe('Dolby Atmos master file set', () => {
  it('7.1.2 bed + 118 objects: 128 elements, the three files agree', async () => {
    const atmos = writeDamf(dir, { name: 'feature', bed: BED_712, objects: 118, frames: 4800 });
    const r = await readDolbyAtmos(atmos);
    expect(r.programmes).toEqual(['home']);
    expect(r.beds).toEqual([{ layout: '7.1.2-smpte', channels: 10 }]);
    expect(r.bedChannels).toBe(10);
    expect(r.objects).toBe(118);
    expect(r.tracks).toBe(128);
    expect(r.unusedTracks).toBe(0);
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ version: '0.5.1', fps: '23.976', offsetSeconds: 0, ffoaSeconds: 5, sampleRate: 48000, bitDepth: 24, frames: 4800, durationSeconds: 0.1 });
    expect(r.objectDetails[0]).toEqual({ id: 10, description: 'Object 1', groupName: 'Dialogue', track: 11 });
    expect(r.metadataEventIds).toHaveLength(128);
  });

  it('sniffs a .atmos root by name and content', () => {
    const atmos = writeDamf(dir, { name: 'sniff', bed: ['L', 'R'], objects: 1 });
    expect(sniffDamf(readFileSync(atmos), 'sniff.atmos')).toBe(true);
    expect(sniffDamf(readFileSync(atmos), 'sniff.yaml')).toBe(false);
    expect(sniffDamf(Buffer.from('version: 1\n'), 'x.atmos')).toBe(false);
  });

  it('reads the set from the .atmos.audio or .atmos.metadata path too', async () => {
    writeDamf(dir, { name: 'short', bed: ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'], objects: 3 });
    expect(damfRootPath(path.join(dir, 'short.atmos.audio'))).toBe(path.join(dir, 'short.atmos'));
    const r = await readDolbyAtmos(path.join(dir, 'short.atmos.metadata'));
    expect(r.beds).toEqual([{ layout: '5.1-smpte', channels: 6 }]);
    expect(r.objects).toBe(3);
    expect(r.tracks).toBe(9);
  });

  it('objects only, with "objects: []" style empty bed list', async () => {
    const r = await readDolbyAtmos(writeDamf(dir, { name: 'objonly', objects: 2 }));
    expect(r.beds).toEqual([]);
    expect(r.objects).toBe(2);
    expect(r.problems).toEqual([]);
  });

  it('a CAF with fewer channels than elements: the missing objects are not counted, and said', async () => {
    const r = await readDolbyAtmos(writeDamf(dir, { name: 'short-caf', bed: BED_712, objects: 4, cafChannels: 12 }));
    expect(r.tracks).toBe(12);
    expect(r.objects).toBe(2);
    expect(r.problems.map((p) => p.code)).toEqual(['damf-channel-count']);
    expect(r.problems[0]!.message).toContain('12 channels but the .atmos lists 14 elements');
  });

  it('a CAF with more channels than elements has unused tracks', async () => {
    const r = await readDolbyAtmos(writeDamf(dir, { name: 'long-caf', bed: BED_712, objects: 2, cafChannels: 14 }));
    expect(r.unusedTracks).toBe(2);
    expect(r.problems.map((p) => p.code)).toEqual(['damf-channel-count']);
  });

  it('metadata that disagrees: orphan event IDs, objects without events, another sample rate', async () => {
    const r = await readDolbyAtmos(
      writeDamf(dir, { name: 'meta', bed: BED_712, objects: 3, extraEventIds: [40], silentObjectIds: [11], metadataSampleRate: 96000 }),
    );
    expect(r.problems.map((p) => p.code)).toEqual(['sample-rate-mismatch', 'damf-orphan-event', 'damf-object-without-events']);
    expect(r.problems[1]!.message).toContain('ID 40');
    expect(r.problems[2]!.message).toContain('object ID 11');
  });

  it('a .atmos without "objects:" is flagged (Dolby tools reject it)', async () => {
    const r = await readDolbyAtmos(writeDamf(dir, { name: 'noobj', bed: BED_712, objects: 0, omitObjectsKey: true }));
    expect(r.objects).toBe(0);
    expect(r.problems.map((p) => p.code)).toEqual(['damf-no-objects-list']);
  });

  it('bad input: invalid YAML names the line; a non-CAF audio file is refused', async () => {
    const file = path.join(dir, 'broken.atmos');
    writeFileSync(file, 'version: 0.5.1\npresentations:\n  - type: home\n    objects: [\n');
    await expect(readDolbyAtmos(file)).rejects.toMatchObject({ code: 'bad-format' });
    try {
      await readDolbyAtmos(file);
    } catch (err) {
      expect(err).toBeInstanceOf(DubstageError);
      expect((err as DubstageError).message).toMatch(/line \d+/);
    }
    const atmos = writeDamf(dir, { name: 'notcaf', bed: ['L', 'R'], objects: 1 });
    writeFileSync(path.join(dir, 'notcaf.atmos.audio'), Buffer.from('RIFF\0\0\0\0WAVE'));
    await expect(readDolbyAtmos(atmos)).rejects.toMatchObject({ code: 'not-audio' });
    // a CAF cut short inside its desc chunk: an error with the chunk's offset
    const caf = path.join(dir, 'notcaf.atmos.audio');
    writeCaf(caf, 3, 48000, 24, 10);
    truncateSync(caf, 30);
    await expect(readDolbyAtmos(atmos)).rejects.toMatchObject({ code: 'bad-chunk', byteOffset: 8 });
  });
});
