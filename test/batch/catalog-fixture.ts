/**
 * A catalogue built by code, shaped as distributors file one: twelve deliveries of the near-field fixture
 * (test/qc/delivery-fixture.ts, each its own programme by seed) — titles with the files flat, a title
 * filed as a facility files it (PRINTMASTERS/, STEMS/), a title with a folder per reel, a title whose
 * file names carry the reels, a title whose name needs escaping, one with a planted true-peak fault and
 * one that cannot be read (a printmaster that is not a WAV at all). The expected answers:
 * EXPECTED, by delivery id.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDelivery } from '../qc/delivery-fixture.js';

export interface Expected {
  title: string;
  reel: string | null;
  verdict: 'pass' | 'warning' | 'fail' | 'error';
}

/** The folder name with characters an id cannot carry (its id gets a hash). */
export const ODD_TITLE = 'The Café & Co (2019)';

/** Delivery ids as findDeliveries derives them, in catalogue order. */
export const EXPECTED_IDS = [
  'A_TITLE',
  'B_TITLE',
  'C_FACILITY',
  'D_TRUE_PEAK',
  'E_TITLE',
  'F_TITLE',
  'G_REELS__REEL_1',
  'G_REELS__REEL_2',
  'H_NAMED~reel-1',
  'H_NAMED~reel-2',
  /* ODD_TITLE's id: sanitized + hash, checked by pattern */
  'Z_UNREADABLE',
] as const;

/** Build the catalogue into a new temp folder; returns it. */
export async function buildCatalogue(root = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-catalogue-'))): Promise<string> {
  let seed = 0;
  const title = async (dir: string, prefix: string, defects: Parameters<typeof buildDelivery>[0] = []) => buildDelivery(defects, { dir: path.join(root, dir), prefix, seed: seed++ });
  await title('A_TITLE', 'ALPHA');
  await title('B_TITLE', 'BRAVO');
  // a facility's tree: printmasters and stems in their own folders, one delivery
  const c = await title('C_FACILITY', 'CHARLIE');
  for (const [sub, re] of [['PRINTMASTERS', /_PM_/], ['STEMS', /_(DX|MX|FX|ME)_/]] as const) {
    fs.mkdirSync(path.join(c, sub));
    for (const f of fs.readdirSync(c)) if (re.test(f)) fs.renameSync(path.join(c, f), path.join(c, sub, f));
  }
  await title('D_TRUE_PEAK', 'DELTA', ['true-peak']);
  await title('E_TITLE', 'ECHO');
  await title('F_TITLE', 'FOXTROT');
  // a folder per reel
  await title(path.join('G_REELS', 'REEL_1'), 'GOLF_R1');
  await title(path.join('G_REELS', 'REEL_2'), 'GOLF_R2');
  // one folder, the reels in the names (qc splits it by reel)
  await title('H_NAMED', 'HOTEL_REEL1');
  await title('H_NAMED', 'HOTEL_REEL2');
  await title(ODD_TITLE, 'INDIA');
  // nothing in it can be read: a printmaster that is a text file with a .wav name
  fs.mkdirSync(path.join(root, 'Z_UNREADABLE'));
  fs.writeFileSync(path.join(root, 'Z_UNREADABLE', 'ZULU_PM_51.wav'), 'not a wave file, a text file renamed\n');
  // housekeeping a catalogue picks up on the way: not a delivery
  fs.writeFileSync(path.join(root, '.DS_Store'), 'x');
  fs.writeFileSync(path.join(root, 'README.txt'), 'catalogue notes\n');
  return root;
}
