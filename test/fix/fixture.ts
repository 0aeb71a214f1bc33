/**
 * Deliveries for `fix`, built by code from qc's clean fixture (test/qc/delivery-fixture.ts) at a chosen
 * level, shaped like a Pro Tools print: the 5.1 printmaster an RF64 with a v1 bext (coding history), an
 * iXML of odd length, LIST/INFO before the data and a cue and a dbmd-like chunk after it; the dialogue
 * stem a multi-mono set (SHOW_DX_51.L.wav ...); the 2.0 printmaster with a v0 bext. The stems are 24-bit
 * integers and the printmaster and M&E their exact integer sums, so the null residual before is zero and
 * after a gain is the requantization alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openAudio } from '../../src/audio/open.js';
import { WavWriter, type WavSpec } from '../../src/audio/writer.js';
import { buildDelivery } from '../qc/delivery-fixture.js';

export const FULL = 8388608; // 2^23
const RATE = 48000;
const START = 3600 * RATE;
const LABELS = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'] as const;

async function readCodes(file: string): Promise<Int32Array[]> {
  const s = await openAudio(file);
  try {
    const f = s.header.format;
    const planar = Array.from({ length: f.channels }, () => new Float32Array(f.frames));
    s.read(planar, f.frames);
    return planar.map((ch) => Int32Array.from(ch, (v) => Math.round(v * FULL)));
  } finally {
    s.close();
  }
}

const scaleCodes = (p: Int32Array[], db: number): Int32Array[] => {
  const g = 10 ** (db / 20);
  return p.map((ch) => ch.map((v) => Math.max(-FULL, Math.min(FULL - 1, Math.round(v * g)))));
};
const sum = (...parts: Int32Array[][]): Int32Array[] => parts[0]!.map((ch, c) => ch.map((_, i) => parts.reduce((t, p) => t + p[c]![i]!, 0)));

export function bext(version: number, description: string, history = ''): Buffer {
  const b = Buffer.alloc(602 + history.length);
  b.write(description, 0, 'latin1');
  b.write('Pro Tools', 256, 'latin1');
  b.write('USID1234567890', 288, 'latin1');
  b.write('2026-03-02', 320, 'latin1');
  b.write('14:03:55', 330, 'latin1');
  b.writeUInt32LE(START, 338);
  b.writeUInt16LE(version, 346);
  if (version >= 1) for (let i = 0; i < 32; i++) b[348 + i] = (i * 37 + 5) & 0xff; // a UMID
  if (version >= 2) [-2330, 450, -120, -1800, -2100].forEach((v, i) => b.writeInt16LE(v, 412 + 2 * i));
  b.write(history, 602, 'latin1');
  return b;
}

function ixml(names: string[]): Buffer {
  const tracks = names.map((n, i) => `<TRACK><CHANNEL_INDEX>${i + 1}</CHANNEL_INDEX><INTERLEAVE_INDEX>${i + 1}</INTERLEAVE_INDEX><NAME>${n}</NAME></TRACK>`).join('');
  // odd length on purpose: the pad byte after it must survive too
  const text = `<?xml version="1.0" encoding="UTF-8"?><BWFXML><IXML_VERSION>2.10</IXML_VERSION><PROJECT>SHOW 101</PROJECT><SPEED><TIMECODE_RATE>24/1</TIMECODE_RATE><TIMECODE_FLAG>NDF</TIMECODE_FLAG></SPEED><TRACK_LIST><TRACK_COUNT>${names.length}</TRACK_COUNT>${tracks}</TRACK_LIST></BWFXML>`;
  return Buffer.from(text.length % 2 === 0 ? `${text} ` : text, 'utf8');
}

function listInfo(title: string): Buffer {
  const field = (id: string, value: string) => {
    const body = Buffer.from(`${value}\0`, 'latin1');
    const h = Buffer.alloc(8);
    h.write(id, 0, 'latin1');
    h.writeUInt32LE(body.length, 4);
    return Buffer.concat([h, body, body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  return Buffer.concat([Buffer.from('INFO', 'latin1'), field('INAM', title), field('ISFT', 'Pro Tools Ultimate 2024.10')]);
}

function cue(): Buffer {
  const b = Buffer.alloc(4 + 24);
  b.writeUInt32LE(1, 0);
  b.writeUInt32LE(1, 4);
  b.writeUInt32LE(RATE * 2, 8);
  b.write('data', 12, 'latin1');
  b.writeUInt32LE(RATE * 2, 24);
  return b;
}

function write(file: string, codes: Int32Array[], spec: Omit<WavSpec, 'sampleRate' | 'channels' | 'encoding'>): void {
  const w = new WavWriter(file, { sampleRate: RATE, channels: codes.length, encoding: 's24le', ...spec });
  const frames = codes[0]!.length;
  w.append(codes.map((ch) => Float64Array.from(ch, (v) => v / FULL)), frames);
  w.close();
}

export interface FixDelivery {
  dir: string;
  /** Every input file. */
  files: string[];
}

/**
 * The delivery with the 5.1 family (printmaster, stems, M&E) at `db51` and the 2.0 printmaster at `db20`
 * from the clean fixture's level (5.1 and 2.0 printmasters at -24 LUFS programme). `hotFxAt` puts a
 * transient of that many dBFS in the effects' C at 2.5 s (so in the printmaster and the M&E too).
 */
export async function buildFixDelivery(db51: number, db20: number, options: { hotFxDbfs?: number } = {}): Promise<FixDelivery> {
  const clean = await buildDelivery();
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-fix-'));
    const dx = scaleCodes(await readCodes(path.join(clean, 'SHOW_DX_51.wav')), db51);
    const mx = scaleCodes(await readCodes(path.join(clean, 'SHOW_MX_51.wav')), db51);
    const fx = scaleCodes(await readCodes(path.join(clean, 'SHOW_FX_51.wav')), db51);
    if (options.hotFxDbfs !== undefined) {
      const v = Math.round(10 ** (options.hotFxDbfs / 20) * FULL);
      fx[2]![RATE * 2.5] = v;
      fx[2]![RATE * 2.5 + 1] = -v;
    }
    const pm20 = scaleCodes(await readCodes(path.join(clean, 'SHOW_PM_20.wav')), db20);
    const me = sum(mx, fx);
    const pm51 = sum(dx, mx, fx);
    const files: string[] = [];
    const f = (name: string) => {
      const p = path.join(dir, name);
      files.push(p);
      return p;
    };
    write(f('SHOW_PM_51.wav'), pm51, {
      container: 'rf64',
      channelMask: 0x3f,
      chunksBeforeData: [
        { id: 'bext', body: bext(1, 'SHOW 101 printmaster 5.1', 'A=PCM,F=48000,W=24,M=multi,T=Pro Tools\r\n') },
        { id: 'iXML', body: ixml([...LABELS]) },
        { id: 'LIST', body: listInfo('SHOW 101 PM 5.1') },
      ],
      chunksAfterData: [
        { id: 'cue ', body: cue() },
        { id: 'dbmd', body: Buffer.from('dolby-metadata-stand-in-of-odd-size', 'latin1') },
      ],
    });
    write(f('SHOW_PM_20.wav'), pm20, { channelMask: 0x3, chunksBeforeData: [{ id: 'bext', body: bext(0, 'SHOW 101 printmaster 2.0') }] });
    LABELS.forEach((label, c) => {
      write(f(`SHOW_DX_51.${label}.wav`), [dx[c]!], {
        chunksBeforeData: [
          { id: 'bext', body: bext(2, `SHOW 101 DX ${label}`) },
          { id: 'iXML', body: ixml([`DX.${label}`]) },
        ],
      });
    });
    write(f('SHOW_MX_51.wav'), mx, { channelMask: 0x3f, chunksBeforeData: [{ id: 'bext', body: bext(2, 'SHOW 101 music stem') }] });
    write(f('SHOW_FX_51.wav'), fx, { channelMask: 0x3f, chunksBeforeData: [{ id: 'bext', body: bext(2, 'SHOW 101 effects stem') }], chunksAfterData: [{ id: 'LIST', body: listInfo('FX') }] });
    write(f('SHOW_ME_51.wav'), me, { channelMask: 0x3f, chunksBeforeData: [{ id: 'bext', body: bext(2, 'SHOW 101 M&E 5.1') }] });
    return { dir, files };
  } finally {
    fs.rmSync(clean, { recursive: true, force: true });
  }
}

/** Interleaved 24-bit codes of a file (small fixtures only). */
export async function codesOf(file: string): Promise<Int32Array[]> {
  return readCodes(file);
}
