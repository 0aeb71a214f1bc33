// The registry: sniff by content, refuse what no adapter claims, resolve media once for every format.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { edlAdapter } from '../../native-adapters/edl/index.js';
import { adapterByFormat, adapters, findAdapter, readHead, readSession } from '../../native-adapters/index.js';
import { protoolsAdapter } from '../../native-adapters/protools/index.js';
import { DubstageError } from '../../src/errors.js';
import { samplesDir } from '../helpers/corpus.js';

function corpus(format: string): string[] {
  const root = samplesDir(format);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(root);
  return out;
}

describe('adapter registry', () => {
  it('has one adapter per session format, with unique names', () => {
    const names = adapters.map((a) => a.format);
    expect(new Set(names).size).toBe(names.length);
    expect(adapterByFormat('edl')).toBe(edlAdapter);
    expect(adapterByFormat('protools')).toBe(protoolsAdapter);
    expect(adapterByFormat('nope')).toBeNull();
  });

  it('routes every EDL and Pro Tools text of the corpus to its adapter by content', () => {
    for (const f of corpus('edl')) expect(findAdapter(f)?.format, f).toBe('edl');
    for (const f of corpus('pt_text')) expect(findAdapter(f)?.format, f).toBe('protools');
  });

  it('the EDL and Pro Tools sniffers refuse every file of the other corpus formats', () => {
    for (const format of ['rpp', 'fcpxml', 'fcp7xml', 'aaf', 'adm_bwf', 'adm_xml']) {
      for (const f of corpus(format)) {
        const head = readHead(f);
        expect(edlAdapter.sniff(head, path.basename(f)), f).toBe(false);
        expect(protoolsAdapter.sniff(head, path.basename(f)), f).toBe(false);
      }
    }
  });

  it('refuses a file of another format given with --format, and a file no adapter claims', async () => {
    const rpp = corpus('rpp')[0]!;
    const forced = await readSession(rpp, {}, 'edl').catch((e: unknown) => e);
    expect(forced).toBeInstanceOf(DubstageError);
    expect((forced as DubstageError).code).toBe('not-session');
    expect((forced as DubstageError).message).toMatch(/is not a 'edl' session file/);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-reg-'));
    const notes = path.join(dir, 'notes.txt');
    writeFileSync(notes, 'mix notes: reel 3 dialogue is hot\n');
    await expect(readSession(notes)).rejects.toMatchObject({ code: 'not-session' });
    await expect(readSession(path.join(dir, 'absent.edl'))).rejects.toMatchObject({ code: 'io' });
    await expect(readSession(notes, {}, 'mp3')).rejects.toMatchObject({ code: 'usage' });
  });

  it('resolves media after the adapter reads (relative to the session folder here)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-reg-'));
    writeFileSync(path.join(dir, 'DX01.WAV'), 'x');
    const edl = path.join(dir, 'r1.edl');
    writeFileSync(edl, 'TITLE: R1\n001  DX01  A  C  00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00\n* SOURCE FILE: DX01.WAV\n');
    const s = await readSession(edl);
    expect(s.media[0]!.resolvedPath).toBe(path.join(dir, 'DX01.WAV'));
  });
});
