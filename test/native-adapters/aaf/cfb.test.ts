/**
 * The CFB reader on files written by test code: both sector sizes, mini stream, nested storages,
 * DIFAT sectors beyond the header's 109 FAT slots, and positional reads anywhere in a stream.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CfbFile } from '../../../native-adapters/aaf/cfb.js';
import { writeCfb } from './cfb-writer.js';

const dir = mkdtempSync(path.join(tmpdir(), 'dubstage-cfb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes whose value says where they are, so any misplaced read shows. */
function pattern(length: number, seed: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (i * 31 + seed + (i >> 9)) & 0xff;
  return b;
}

function write(name: string, bytes: Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe('CfbFile', () => {
  for (const ss of [512, 4096] as const) {
    it(`reads storages and streams with ${ss}-byte sectors`, () => {
      const small = pattern(700, 1);
      const big = pattern(300_000, 2);
      const clsid = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
      const layout = writeCfb(new Uint8Array(16), [
        { name: 'small', data: small },
        { name: 'Storage-1', clsid, children: [{ name: 'big', data: big }, { name: 'tiny', data: Buffer.from('abc') }] },
      ], ss);
      const f = CfbFile.open(write(`s${ss}.cfb`, layout.bytes));
      try {
        expect(f.sectorSize).toBe(ss);
        const storage = f.child(f.root, 'Storage-1')!;
        expect(storage.type).toBe('storage');
        expect(Buffer.from(storage.clsid)).toEqual(Buffer.from(clsid));
        expect([...f.children(storage).keys()].sort()).toEqual(['big', 'tiny']);
        expect(f.readStream(f.child(f.root, 'small')!)).toEqual(small);
        expect(f.readStream(f.child(storage, 'tiny')!).toString()).toBe('abc');
        const s = f.openStream(f.child(storage, 'big')!);
        expect(s.size).toBe(big.length);
        // positional reads across sector boundaries and at the end
        for (const [pos, len] of [[0, 10], [ss - 3, 7], [123_457, 5000], [big.length - 4, 10]] as const) {
          const buf = Buffer.alloc(len);
          const n = s.read(buf, 0, len, pos);
          expect(n).toBe(Math.min(len, big.length - pos));
          expect(buf.subarray(0, n)).toEqual(big.subarray(pos, pos + n));
        }
        expect(s.read(Buffer.alloc(4), 0, 4, big.length)).toBe(0);
      } finally {
        f.close();
      }
    });
  }

  it('follows extra DIFAT sectors when the FAT needs more than 109 sectors', () => {
    // 512-byte sectors: 109 FAT sectors map 109 × 128 × 512 B ≈ 7 MB; 8 MB needs DIFAT sectors
    const big = pattern(8 * 1024 * 1024, 3);
    const layout = writeCfb(new Uint8Array(16), [{ name: 'essence', data: big }], 512);
    expect(layout.difatSectors.length).toBeGreaterThan(0);
    const f = CfbFile.open(write('difat.cfb', layout.bytes));
    try {
      const s = f.openStream(f.child(f.root, 'essence')!);
      const buf = Buffer.alloc(4096);
      const pos = big.length - 5000;
      expect(s.read(buf, 0, 4096, pos)).toBe(4096);
      expect(buf).toEqual(big.subarray(pos, pos + 4096));
    } finally {
      f.close();
    }
  });
});
