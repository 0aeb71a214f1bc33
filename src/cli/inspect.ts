import type { Command } from 'commander';
import { fail } from './fail.js';
import { parseChannelList } from '../audio/channels.js';
import { groupInputs } from '../audio/multimono.js';
import { toErrorInfo } from '../errors.js';
import { inspectAny, type InspectResult } from '../analysis/inspect.js';
import { renderInspectText } from '../report/inspect-text.js';
import { parseFrameRate } from '../session/time.js';
import { isImfInput } from '../imf/index.js';
import { imfInspectTarget, inspectImf } from '../imf/inspect.js';

export function register(program: Command): void {
  program
    .command('inspect')
    .description('show what an audio file holds: container, chunks, format, channel layout, bext/iXML, duration')
    .argument('<files...>', 'WAV, RF64, BW64 (with ADM), AIFF, AIFC, MXF (FILE.mxf or FILE.mxf#track<N>), bare ADM XML, a Dolby Atmos master (.atmos), or an IMF package (folder, CPL or ASSETMAP)')
    .option('--json', 'print one JSON document (schema 1)')
    .option('--channels <labels>', 'channel labels in file order, e.g. L,R,C,LFE,Ls,Rs')
    .option('--fps <rate>', 'frame rate for timecode (default: the iXML timecode rate, else 24)')
    .option('--hash', 'IMF packages: compute every track file\'s SHA-1 and check it against the PKL (reads the whole package)')
    .action(async (files: string[], opts: { json?: boolean; channels?: string; fps?: string; hash?: boolean }) => {
      let channels;
      let fps;
      try {
        channels = opts.channels ? parseChannelList(opts.channels) : undefined;
        fps = opts.fps ? parseFrameRate(opts.fps) : undefined;
      } catch (err) {
        fail('inspect', err);
        return;
      }
      const results: InspectResult[] = [];
      // IMF packages (a folder, its ASSETMAP or a CPL) are listed as packages; the rest file by file
      const loose: string[] = [];
      for (const f of files) {
        if (!imfInspectTarget(f) && !isImfInput(f)) {
          loose.push(f);
          continue;
        }
        try {
          const imf = await inspectImf(f, { hash: opts.hash === true });
          results.push({ path: f, kind: 'imf', imf, warnings: [] });
        } catch (err) {
          results.push({ path: f, warnings: [], error: toErrorInfo(err, f) });
        }
      }
      for (const input of groupInputs(loose, { group: false })) {
        try {
          results.push(await inspectAny(input.path, channels, fps));
        } catch (err) {
          results.push({ path: input.path, warnings: [], error: toErrorInfo(err, input.path) });
        }
      }
      if (opts.json) process.stdout.write(`${JSON.stringify({ schema: 1, files: results }, null, 2)}\n`);
      else process.stdout.write(renderInspectText(results));
      process.exitCode = results.some((r) => r.error || (r.imf && r.imf.problems.length > 0)) ? 2 : 0;
    });
}
