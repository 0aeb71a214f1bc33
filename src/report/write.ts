/** Reports are written whole or not at all: a temp file in the same folder, then a rename. */
import fs from 'node:fs';
import path from 'node:path';
import { DubstageError, toErrorInfo } from '../errors.js';

export function writeWhole(file: string, text: string): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing was written there
    }
    // name the file the user asked for, not the temp file beside it
    const reason = toErrorInfo(err, file).message.replace(/^cannot open [^:]*: /, '').replace(tmp, file);
    throw new DubstageError({ code: 'io', message: `cannot write ${file}: ${reason}`, path: file });
  }
}
