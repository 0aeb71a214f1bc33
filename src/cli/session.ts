// `dubstage session FILE`: read a session export (AAF, EDL, FCP XML, FCPXML, RPP, Pro Tools text)
// and print its summary or, with --json, the whole Session as one document.
import type { Command } from 'commander';
import { fail } from './fail.js';
import { readSession } from '../../native-adapters/index.js';
import { formatSessionSummary } from '../report/session-text.js';
import { sessionToJson } from '../session/json.js';
import { mediaReport } from '../session/media.js';
import type { ReadOptions } from '../session/model.js';
import { parseFrameRate } from '../session/time.js';

interface SessionOptions {
  json?: boolean;
  media: string[];
  fps?: string;
  composition?: string;
  format?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}


export function register(program: Command): void {
  program
    .command('session')
    .description('read a session export (AAF, EDL, FCP 7 XML, FCPXML, REAPER .RPP, Pro Tools session text) and summarise it')
    .argument('<file>', 'the session file')
    .option('--json', 'print the whole session as one JSON document (schema 1)')
    .option('--media <dir>', 'another folder to search for media by file name (repeatable)', collect, [])
    .option('--fps <rate>', 'frame rate when the file does not say (EDL): 23.976, 24, 25, 29.97, 30000/1001, ...')
    .option('--composition <name>', 'AAF: the composition to read when there are several')
    .option('--format <name>', 'read as this format (aaf, edl, fcp-xml, fcpxml, rpp, protools); the content must still match')
    .action(async (file: string, opts: SessionOptions) => {
      const options: ReadOptions = { mediaDirs: opts.media };
      if (opts.fps !== undefined) {
        try {
          options.fps = parseFrameRate(opts.fps);
        } catch {
          fail('session', new Error(`--fps '${opts.fps}' is not a frame rate (e.g. 24, 25, 29.97, 30000/1001)`));
          return;
        }
      }
      if (opts.composition !== undefined) options.composition = opts.composition;
      try {
        const session = await readSession(file, options, opts.format);
        if (opts.json) process.stdout.write(`${JSON.stringify(sessionToJson(session), null, 2)}\n`);
        else process.stdout.write(formatSessionSummary(session, mediaReport(session)));
      } catch (err) {
        fail('session', err, file);
      }
    });
}
