/**
 * Text decoding and line handling that the text session formats share (EDL, Pro Tools text, RPP):
 * UTF-8 (with or without BOM), UTF-16 with BOM, and Mac OS Roman, which Pro Tools writes when
 * "TextEdit" encoding is chosen and which carries no marker (try strict UTF-8 first).
 */
import { DubstageError } from '../errors.js';

/** Mac OS Roman bytes 0x80–0xFF (Apple's ROMAN.TXT mapping; 0xDB is the euro sign since Mac OS 8.5). */
const MAC_ROMAN_HIGH =
  'ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü' +
  '†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø' +
  '¿¡¬√ƒ≈∆«»…\u00a0ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ' +
  '‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\uf8ffÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ';

export function decodeMacRoman(bytes: Uint8Array): string {
  let out = '';
  const chunk: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    chunk.push(b < 0x80 ? String.fromCharCode(b) : MAC_ROMAN_HIGH[b - 0x80]!);
    if (chunk.length >= 8192) {
      out += chunk.join('');
      chunk.length = 0;
    }
  }
  return out + chunk.join('');
}

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'mac-roman';

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
}

/** Decode a session text file: BOMs first, then strict UTF-8, else Mac Roman. */
export function decodeSessionText(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: decodeMacRoman(bytes), encoding: 'mac-roman' };
  }
}

/** The head of a file as text for sniffing (lenient; a cut multi-byte sequence at the end is harmless). */
export function headText(head: Uint8Array): string {
  return decodeSessionText(head).text;
}

/** Lines without their CR/LF; CRLF, LF and lone CR all end a line. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

/** A bad-session error that names the file and the 1-based line. */
export function sessionLineError(filePath: string, line: number, message: string): DubstageError {
  return new DubstageError({ code: 'bad-session', message: `${filePath}, line ${line}: ${message}`, path: filePath, line });
}
