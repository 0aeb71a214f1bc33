// The application that wrote a session, when the file says: AAF's newest Identification (product and
// version; Media Composer and Resolve write "Unknown version" there) and the REAPER_PROJECT line. The
// handoff sheet shows it. Real AAFs from four writers (the shared corpus) and REAPER lines of three eras.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSession } from '../../native-adapters/index.js';
import { samplesDir } from '../helpers/corpus.js';

describe('the writer of a session', () => {
  it('AAF: product and version of the application that last wrote it', async () => {
    const expected: Record<string, string> = {
      'PT_Fades.aaf': 'ProTools 23.12.0.136',
      'MC_Fades.aaf': 'Avid Media Composer 23.12',
      'PR_Fades.aaf': 'Premiere Pro 23.5.0',
      'DR_Audio_Levels.aaf': 'DaVinci Resolve',
    };
    for (const [file, writer] of Object.entries(expected)) {
      expect((await readSession(samplesDir('aaf', 'agfline__LibAAF', file))).writer, file).toBe(writer);
    }
  });

  it('REAPER: the version on the REAPER_PROJECT line, whatever the era; none when the line has none', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-writer-'));
    try {
      const cases: Array<[string, string | undefined]> = [
        ['<REAPER_PROJECT 0.1 "7.51/linux64" 1735689600', 'REAPER 7.51/linux64'],
        ['<REAPER_PROJECT 0.1 "6.61/OSX64-clang" 1655000000', 'REAPER 6.61/OSX64-clang'],
        ['<REAPER_PROJECT 0.1 "5.50c" 1505988031', 'REAPER 5.50c'],
        ['<REAPER_PROJECT 0.1 "4.32" 1372525904', 'REAPER 4.32'],
        ['<REAPER_PROJECT', undefined],
      ];
      for (const [i, [head, writer]] of cases.entries()) {
        const file = path.join(dir, `p${i}.RPP`);
        fs.writeFileSync(file, `${head}\n  SAMPLERATE 48000 0 0\n  <TRACK\n    NAME "DX"\n  >\n>\n`);
        expect((await readSession(file)).writer, head).toBe(writer);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
