/** One error format for every command: message, then the place it does not already name. */
import { describe, expect, it } from 'vitest';
import { errorLine } from '../../src/cli/fail.js';
import { DubstageError } from '../../src/errors.js';

describe('CLI error line', () => {
  it('names the command, the file, the line, the byte offset and the timecode', () => {
    const e = new DubstageError({ code: 'bad-chunk', message: 'fmt chunk too short', path: '/d/a.wav', byteOffset: 20 });
    expect(errorLine('measure', e)).toBe('dubstage measure: fmt chunk too short (/d/a.wav, byte 20)');
    const l = new DubstageError({ code: 'bad-session', message: 'expected an event line', path: '/d/x.edl', line: 3 });
    expect(errorLine('session', l)).toBe('dubstage session: expected an event line (/d/x.edl, line 3)');
  });

  it('does not repeat what the message already says, and takes plain errors with the file given', () => {
    const e = new DubstageError({ code: 'bad-session', message: '/d/x.edl, line 3: expected an event line', path: '/d/x.edl', line: 3 });
    expect(errorLine('session', e)).toBe('dubstage session: /d/x.edl, line 3: expected an event line');
    expect(errorLine(null, new Error('--fps: bad'))).toBe('dubstage: --fps: bad');
    expect(errorLine('qc', new Error('EACCES'), '/out/r.html')).toBe('dubstage qc: EACCES (/out/r.html)');
  });
});
