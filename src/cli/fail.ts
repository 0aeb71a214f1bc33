/**
 * The one way the CLI prints an error: `dubstage <command>: <message> (<file>, line N, byte N, <timecode>)`,
 * the place given only where the message does not already say it; a usage or input error exits 2.
 */
import { DubstageError } from '../errors.js';

export function errorLine(command: string | null, err: unknown, file?: string): string {
  const e = err as Partial<DubstageError> & { message?: string };
  const message = e?.message ?? String(err);
  const path = err instanceof DubstageError ? (err.path ?? file) : file;
  const where = [
    path && !message.includes(path) ? path : undefined,
    err instanceof DubstageError && err.line !== undefined && !/\bline \d/.test(message) ? `line ${err.line}` : undefined,
    err instanceof DubstageError && err.byteOffset !== undefined && !/\boffset\b|\bbyte\b/.test(message) ? `byte ${err.byteOffset}` : undefined,
    err instanceof DubstageError && err.timecode !== undefined && !message.includes(err.timecode) ? err.timecode : undefined,
  ].filter(Boolean);
  return `dubstage${command ? ` ${command}` : ''}: ${message}${where.length > 0 ? ` (${where.join(', ')})` : ''}`;
}

/** Print the error and set exit code 2. */
export function fail(command: string | null, err: unknown, file?: string): void {
  process.stderr.write(`${errorLine(command, err, file)}\n`);
  process.exitCode = 2;
}
