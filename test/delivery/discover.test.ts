// Discovery of a delivery laid out as facilities file it: nested folders, Pro Tools multi-mono sets,
// Wave64, symbolic links (followed, said, loops guarded) and the housekeeping a folder collects.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/delivery/discover.js';
import { writeTestW64 } from '../helpers/w64-writer.js';
import { writeTestWav } from '../helpers/wav-writer.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-discover-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const tone = () => [Float32Array.from({ length: 480 }, (_, i) => 0.1 * Math.sin(i / 7))];
function wav(rel: string): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  writeTestWav(p, { channels: tone() });
  return p;
}

describe('discover', () => {
  const d = path.join(root, 'DELIVERY');
  const pm51 = wav('DELIVERY/PRINTMASTERS/TITLE_PM_51.wav');
  const dx = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'].map((c) => wav(`DELIVERY/STEMS/DX/TITLE_DX_51.${c}.wav`));
  const mx = wav('DELIVERY/STEMS/MX/TITLE_MX_51.wav');
  const me = path.join(d, 'ME', 'TITLE_ME_51.w64');
  fs.mkdirSync(path.dirname(me), { recursive: true });
  writeTestW64(me, { channels: tone() });
  // The 2.0 printmaster lives on another volume; the delivery folder links to it.
  const elsewhere = wav('SAN/TITLE_PM_20.wav');
  fs.symlinkSync(elsewhere, path.join(d, 'PRINTMASTERS', 'TITLE_PM_20.wav'));
  // A linked folder of references, a loop back to the top, a dangling link, and a second path to a file.
  const refs = wav('REFS/TITLE_REF_20.wav');
  fs.symlinkSync(path.dirname(refs), path.join(d, 'REFS'));
  fs.symlinkSync(d, path.join(d, 'STEMS', 'back-to-top'));
  fs.symlinkSync(path.join(root, 'gone.wav'), path.join(d, 'STEMS', 'TITLE_FX_51.wav'));
  fs.symlinkSync(pm51, path.join(d, 'TITLE_PM_51_copy.wav'));
  // Housekeeping and paperwork.
  fs.writeFileSync(path.join(d, '.DS_Store'), 'x');
  fs.writeFileSync(path.join(d, 'PRINTMASTERS', '._TITLE_PM_51.wav'), 'x');
  fs.writeFileSync(path.join(d, 'QC_REPORT.pdf'), 'x');
  fs.writeFileSync(path.join(d, 'TITLE.edl'), 'TITLE: X\r\nFCM: NON-DROP FRAME\r\n');

  it('walks the subfolders, follows links (saying so) and lists what it ignored with why', async () => {
    const found = await discover([d]);
    const rel = (p: string) => path.relative(root, p);
    expect(found.errors).toEqual([]);
    // In each folder its files, then its subfolders, by name; the link beside its target gives way to it.
    expect(found.files.map(rel)).toEqual([
      'DELIVERY/PRINTMASTERS/TITLE_PM_51.wav',
      'DELIVERY/ME/TITLE_ME_51.w64',
      'DELIVERY/PRINTMASTERS/TITLE_PM_20.wav',
      'DELIVERY/REFS/TITLE_REF_20.wav',
      ...['C', 'L', 'LFE', 'Ls', 'R', 'Rs'].map((c) => `DELIVERY/STEMS/DX/TITLE_DX_51.${c}.wav`),
      rel(mx),
    ]);
    expect(found.links.map((l) => [rel(l.path), rel(l.target)])).toEqual(
      expect.arrayContaining([
        ['DELIVERY/PRINTMASTERS/TITLE_PM_20.wav', 'SAN/TITLE_PM_20.wav'],
        ['DELIVERY/REFS', 'REFS'],
        ['DELIVERY/STEMS/back-to-top', 'DELIVERY'],
        ['DELIVERY/TITLE_PM_51_copy.wav', 'DELIVERY/PRINTMASTERS/TITLE_PM_51.wav'],
      ]),
    );
    const why = Object.fromEntries(found.ignored.map((x) => [rel(x.path), x.reason]));
    expect(why).toEqual({
      'DELIVERY/QC_REPORT.pdf': 'not an audio file dubstage reads',
      'DELIVERY/TITLE.edl': 'a session file inside a folder (give it to qc by itself to check its media)',
      'DELIVERY/PRINTMASTERS/._TITLE_PM_51.wav': 'macOS resource fork (AppleDouble), not audio',
      'DELIVERY/STEMS/TITLE_FX_51.wav': `a symbolic link to ${path.join(root, 'gone.wav')}, which does not exist`,
      'DELIVERY/STEMS/back-to-top': `a link to ${fs.realpathSync(d)}, a folder already walked (a link loop or a second path to it)`,
      'DELIVERY/TITLE_PM_51_copy.wav': `the same file as ${pm51}`,
    });
  });

  it('a folder given twice, or a file and its folder, is walked once', async () => {
    const found = await discover([d, path.join(d, 'STEMS'), pm51]);
    expect(found.files.filter((f) => f === pm51)).toHaveLength(1);
    expect(found.files.filter((f) => f === dx[0])).toHaveLength(1);
  });
});
