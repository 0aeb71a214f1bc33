/**
 * Errors are values: a code a script can switch on, a message a mixer understands, and where it
 * happened (file, byte offset or timecode). Thrown across layers as DubstageError, reported as data.
 */
export type ErrorCode =
  | 'usage'
  | 'io'
  | 'not-audio'
  | 'truncated'
  | 'bad-chunk'
  | 'missing-fmt'
  | 'unsupported-codec'
  | 'bad-format'
  | 'too-large'
  | 'not-session'
  | 'bad-session'
  | 'bad-spec'
  | 'mismatch'
  /** An input that is not a regular file (FIFO, device, socket): refused before it is opened for reading. */
  | 'not-regular'
  /** An output path that names an input (same path, same inode, through links): refused before anything is measured. */
  | 'output-is-input'
  /** A manifest path that leaves the manifest's folder (without --allow-outside-manifest). */
  | 'outside-manifest';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  path?: string;
  byteOffset?: number;
  timecode?: string;
  line?: number;
  /** The header field or key that was refused, e.g. 'fmt.nSamplesPerSec' or 'COMM.numChannels'. */
  field?: string;
}

export class DubstageError extends Error {
  readonly code: ErrorCode;
  readonly path?: string;
  readonly byteOffset?: number;
  readonly timecode?: string;
  readonly line?: number;
  readonly field?: string;

  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'DubstageError';
    this.code = info.code;
    this.path = info.path;
    this.byteOffset = info.byteOffset;
    this.timecode = info.timecode;
    this.line = info.line;
    this.field = info.field;
  }

  toJSON(): ErrorInfo {
    const out: ErrorInfo = { code: this.code, message: this.message };
    if (this.path !== undefined) out.path = this.path;
    if (this.byteOffset !== undefined) out.byteOffset = this.byteOffset;
    if (this.timecode !== undefined) out.timecode = this.timecode;
    if (this.line !== undefined) out.line = this.line;
    if (this.field !== undefined) out.field = this.field;
    return out;
  }
}

/** Any thrown value as an ErrorInfo: our own errors keep their code, the rest become 'io'. */
export function toErrorInfo(err: unknown, path?: string): ErrorInfo {
  if (err instanceof DubstageError) {
    const info = err.toJSON();
    if (info.path === undefined && path !== undefined) info.path = path;
    return info;
  }
  const e = err as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EISDIR: 'is a folder, not a file',
    EMFILE: 'too many open files',
    ENOTDIR: 'a part of the path is not a folder',
    ENXIO: 'a socket or a device with nothing behind it, not a file',
    ENOSPC: 'no space left on the device',
    EROFS: 'the file system is read-only',
  };
  const reason = e && typeof e.code === 'string' ? reasons[e.code] : undefined;
  const message =
    reason !== undefined && path !== undefined
      ? `cannot open ${path}: ${reason}`
      : e && typeof e.message === 'string'
        ? e.message
        : String(err);
  const info: ErrorInfo = { code: 'io', message };
  if (path !== undefined) info.path = path;
  return info;
}
