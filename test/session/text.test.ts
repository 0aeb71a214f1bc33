import { describe, expect, it } from 'vitest';
import { decodeMacRoman, decodeSessionText, splitLines } from '../../src/session/text.js';

describe('session text decoding', () => {
  it('maps Mac OS Roman high bytes per Apple ROMAN.TXT', () => {
    // first and last of each row of the table, and the ones Pro Tools exports show
    const bytes = [0x80, 0x8e, 0x9f, 0xa0, 0xaf, 0xb0, 0xbf, 0xc6, 0xc9, 0xca, 0xd0, 0xd1, 0xd5, 0xdb, 0xe0, 0xef, 0xf0, 0xff];
    expect(decodeMacRoman(Uint8Array.from(bytes))).toBe('Äéü†Ø∞ø∆…\u00a0–—’€‡Ô\uf8ffˇ');
    expect(decodeMacRoman(Uint8Array.from([0x41, 0x0a]))).toBe('A\n');
  });

  it('prefers strict UTF-8, falls back to Mac Roman, honours BOMs', () => {
    expect(decodeSessionText(Buffer.from('Café …', 'utf8'))).toEqual({ text: 'Café …', encoding: 'utf-8' });
    expect(decodeSessionText(Uint8Array.from([0x43, 0x61, 0x66, 0x8e]))).toEqual({ text: 'Café', encoding: 'mac-roman' });
    expect(decodeSessionText(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41]))).toEqual({ text: 'A', encoding: 'utf-8' });
    expect(decodeSessionText(Uint8Array.from([0xff, 0xfe, 0x41, 0x00]))).toEqual({ text: 'A', encoding: 'utf-16le' });
  });

  it('splits CRLF, LF and CR lines', () => {
    expect(splitLines('a\r\nb\nc\rd')).toEqual(['a', 'b', 'c', 'd']);
  });
});
