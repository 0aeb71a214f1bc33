/** The creative brief (--brief FILE.md): UTF-8 Markdown, kept as written. */
import { readRegularFile } from '../audio/bytesource.js';
import { DubstageError } from '../errors.js';

/** A brief is a page or two; this is far past any real one. */
export const MAX_BRIEF_BYTES = 1024 * 1024;

export function readBrief(filePath: string): string {
  const bytes = readRegularFile(filePath, MAX_BRIEF_BYTES, 'creative brief');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // name the byte where the text stops being UTF-8, so the writer can find it
    const d = new TextDecoder('utf-8', { fatal: true });
    let offset = 0;
    try {
      for (; offset < bytes.length; offset++) d.decode(bytes.subarray(offset, offset + 1), { stream: true });
    } catch {
      // offset is the byte that broke it
    }
    throw new DubstageError({ code: 'bad-format', message: `${filePath}: the brief is not UTF-8 text (expected Markdown in UTF-8)`, path: filePath, byteOffset: offset });
  }
}
