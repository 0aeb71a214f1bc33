// findDeliveries over a catalogue built by code: every title and reel found as qc splits them, stable
// filesystem-safe ids, the inputs --resume compares, and a clear error for a catalogue that is not there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryInputs, findDeliveries, idFromRelative, type CatalogEntry } from '../../src/batch/catalog.js';
import { DubstageError } from '../../src/errors.js';
import { planDeliveries } from '../../src/qc/pipeline.js';
import { buildCatalogue, EXPECTED_IDS, ODD_TITLE } from './catalog-fixture.js';

let root = '';
let entries: CatalogEntry[] = [];
beforeAll(async () => {
  root = await buildCatalogue();
  entries = await findDeliveries([root]);
}, 200_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('findDeliveries', () => {
  it('finds the twelve deliveries: a folder per title, a folder per reel, reels in the names', () => {
    expect(entries).toHaveLength(12);
    const ids = entries.map((e) => e.id);
    expect(ids.filter((id) => !id.startsWith('The_Caf'))).toEqual([...EXPECTED_IDS]);
    const byId = new Map(entries.map((e) => [e.id, e]));
    expect(byId.get('A_TITLE')).toMatchObject({ title: 'A_TITLE', paths: [path.join(root, 'A_TITLE')] });
    expect(byId.get('A_TITLE')!.reel).toBeUndefined();
    // the facility tree is ONE delivery (its stems sum against its printmaster), not a delivery per folder
    expect(byId.get('C_FACILITY')).toMatchObject({ paths: [path.join(root, 'C_FACILITY')] });
    expect(byId.get('C_FACILITY')!.inputs.map((i) => path.relative(root, i.path))).toEqual(
      ['CHARLIE_PM_20.wav', 'CHARLIE_PM_51.wav'].map((f) => path.join('C_FACILITY', 'PRINTMASTERS', f)).concat(['CHARLIE_DX_51.wav', 'CHARLIE_FX_51.wav', 'CHARLIE_ME_51.wav', 'CHARLIE_MX_51.wav'].map((f) => path.join('C_FACILITY', 'STEMS', f))),
    );
    // a reel's folder is given as that folder
    expect(byId.get('G_REELS__REEL_2')).toMatchObject({ title: 'G_REELS', reel: '2', paths: [path.join(root, 'G_REELS', 'REEL_2')] });
    // reels in the names: the files of that reel, as qc splits the folder
    const h1 = byId.get('H_NAMED~reel-1')!;
    expect(h1).toMatchObject({ title: 'H_NAMED', reel: '1' });
    expect(h1.paths.map((p) => path.basename(p)).sort()).toEqual(['HOTEL_REEL1_DX_51.wav', 'HOTEL_REEL1_FX_51.wav', 'HOTEL_REEL1_ME_51.wav', 'HOTEL_REEL1_MX_51.wav', 'HOTEL_REEL1_PM_20.wav', 'HOTEL_REEL1_PM_51.wav']);
    expect(byId.get('Z_UNREADABLE')!.inputs).toHaveLength(1);
  });

  it('splits exactly as qc does: the same reels with the same files', async () => {
    for (const title of ['G_REELS', 'H_NAMED']) {
      const planned = await planDeliveries([path.join(root, title)]);
      const mine = entries.filter((e) => e.title === title);
      expect(mine.map((e) => e.reel)).toEqual(planned.map((p) => p.delivery.reel));
      for (const [i, p] of planned.entries()) expect(deliveryInputs(mine[i]!.paths).map((x) => x.path)).toEqual([...p.found.files].map((f) => path.resolve(f)).sort());
    }
  });

  it('gives ids that are filesystem-safe, unique and the same on every run', async () => {
    const odd = entries.find((e) => e.title === ODD_TITLE)!;
    expect(odd.id).toMatch(/^The_Caf_+Co_+2019_-[0-9a-f]{8}$/);
    for (const e of entries) expect(e.id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._~-]*$/);
    expect(new Set(entries.map((e) => e.id.toLowerCase())).size).toBe(entries.length);
    const again = await findDeliveries([root]);
    expect(again.map((e) => e.id)).toEqual(entries.map((e) => e.id));
  });

  it('ids: a lossy name gets a hash, so names that clean up alike stay apart; long names are cut with a hash', () => {
    expect(idFromRelative(['SHOW_A'])).toBe('SHOW_A');
    expect(idFromRelative(['SHOW', 'REEL_1'])).toBe('SHOW__REEL_1');
    // "SHOW__REEL_1" as one folder name must not take the id of SHOW/REEL_1
    expect(idFromRelative(['SHOW__REEL_1'])).not.toBe('SHOW__REEL_1');
    expect(idFromRelative(['a b'])).not.toBe(idFromRelative(['a_b']));
    expect(idFromRelative(['a b'])).not.toBe(idFromRelative(['a:b']));
    expect(idFromRelative(['.hidden'])).toMatch(/^_hidden-[0-9a-f]{8}$/);
    const long = idFromRelative(['X'.repeat(300)]);
    expect(long.length).toBeLessThanOrEqual(120);
    expect(long).not.toBe(idFromRelative(['X'.repeat(301)]));
  });

  it('two catalogues with the same title names: every id still unique, the first catalogue keeps its own', async () => {
    const second = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-catalogue2-'));
    try {
      fs.mkdirSync(path.join(second, 'A_TITLE'));
      fs.copyFileSync(path.join(root, 'A_TITLE', 'ALPHA_PM_51.wav'), path.join(second, 'A_TITLE', 'ALPHA_PM_51.wav'));
      const both = await findDeliveries([root, second]);
      expect(both).toHaveLength(13);
      expect(both[0]!.id).toBe('A_TITLE');
      const last = both[12]!;
      expect(last.catalog).toBe(second);
      expect(last.id).toMatch(/^A_TITLE-[0-9a-f]{8}$/);
    } finally {
      fs.rmSync(second, { recursive: true, force: true });
    }
  });

  it('a catalogue that is one title in reels (REEL_1/, REEL_2/ directly in it) is that title', async () => {
    const reels = await findDeliveries([path.join(root, 'G_REELS')]);
    expect(reels.map((e) => [e.id, e.title, e.reel])).toEqual([
      ['REEL_1', 'G_REELS', '1'],
      ['REEL_2', 'G_REELS', '2'],
    ]);
  });

  it('inputs: every file with size and modification time, hidden files left out, sorted', () => {
    const a = entries.find((e) => e.id === 'A_TITLE')!;
    expect(a.inputs.map((i) => path.basename(i.path))).toEqual(['ALPHA_DX_51.wav', 'ALPHA_FX_51.wav', 'ALPHA_ME_51.wav', 'ALPHA_MX_51.wav', 'ALPHA_PM_20.wav', 'ALPHA_PM_51.wav']);
    for (const i of a.inputs) {
      const st = fs.statSync(i.path);
      expect(i).toEqual({ path: i.path, size: st.size, mtimeMs: st.mtimeMs });
    }
    fs.writeFileSync(path.join(root, 'A_TITLE', '.DS_Store'), 'x');
    fs.writeFileSync(path.join(root, 'A_TITLE', '._ALPHA_PM_51.wav'), 'x');
    try {
      expect(deliveryInputs(a.paths)).toEqual(a.inputs);
    } finally {
      fs.rmSync(path.join(root, 'A_TITLE', '.DS_Store'));
      fs.rmSync(path.join(root, 'A_TITLE', '._ALPHA_PM_51.wav'));
    }
  });

  it('a catalogue that does not exist, or is a file, is a DubstageError naming it', async () => {
    const missing = path.join(root, 'NO_SUCH_CATALOGUE');
    await expect(findDeliveries([root, missing])).rejects.toThrow(DubstageError);
    await expect(findDeliveries([root, missing])).rejects.toMatchObject({ code: 'io', path: missing, message: `catalogue ${missing} does not exist` });
    const file = path.join(root, 'README.txt');
    await expect(findDeliveries([file])).rejects.toMatchObject({ code: 'usage', path: file, message: expect.stringContaining('is not a folder') });
  });
});
