// `dubstage handoff SESSION`: the designer → mixer handoff sheet (src/handoff): the package's facts,
// its problems with codes, the brief, and a verdict. Exit 0 ready, 1 not ready, 2 unreadable session.
import type { Command } from 'commander';
import { fail } from './fail.js';
import { guardOutputs, outputsOf } from './guard.js';
import { readPremixOptions } from './premix.js';
import { progressBar } from './progress.js';
import { readSession } from '../../native-adapters/index.js';
import { readBrief } from '../handoff/brief.js';
import { handoff, type HandoffOptions } from '../handoff/handoff.js';
import { handoffHtml } from '../report/handoff-html.js';
import { renderHandoffText } from '../report/handoff-text.js';
import { writeWhole } from '../report/write.js';
import type { ReadOptions } from '../session/model.js';
import { loadSpec } from '../specs/loader.js';

interface HandoffCliOptions {
  media: string[];
  brief?: string;
  spec?: string;
  fps?: string;
  group: string[];
  scenes?: string;
  sceneTolerance?: string;
  composition?: string;
  json?: boolean;
  html?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  program
    .command('handoff')
    .description('the designer → mixer handoff sheet: tracks, media, markers, premix levels, scenes, the brief, and the package problems with a verdict')
    .argument('<session>', 'AAF, EDL, FCP 7 XML, FCPXML, REAPER .RPP or Pro Tools session text')
    .option('--media <dir>', 'another folder to search for media by file name (repeatable)', collect, [])
    .option('--brief <file.md>', 'the creative brief (Markdown), shown as written')
    .option('--spec <name>', "a delivery spec (built-in name or YAML file): its sample rate and bit depth are checked on every media file too")
    .option('--fps <rate>', 'frame rate when the session does not say (EDL): 23.976, 24, 25, 29.97, ...')
    .option('--group <name=tracks>', 'a premix group: NAME=TRACK,TRACK,... (repeatable; replaces a default group of that name)', collect, [])
    .option('--scenes <kind>', 'scenes from markers (each runs to the next) or regions (default: markers when there are any)')
    .option('--scene-tolerance <lu>', "a scene whose dialogue is further than this from the median is a problem (default 3)")
    .option('--composition <name>', 'AAF: the composition when there are several')
    .option('--json', 'print one JSON document (schema 1)')
    .option('--html <file>', 'also write the sheet as one self-contained HTML page')
    .action(async (file: string, opts: HandoffCliOptions) => {
      const read: ReadOptions = { mediaDirs: opts.media };
      const options: HandoffOptions = {};
      try {
        readPremixOptions(opts, read, options);
        if (opts.spec !== undefined) options.spec = loadSpec(opts.spec).spec;
        if (opts.brief !== undefined) options.brief = readBrief(opts.brief);
      } catch (err) {
        fail('handoff', err);
        return;
      }
      try {
        const session = await readSession(file, read);
        // the page may not land on anything the sheet reads: the session, the brief, a spec file, the media
        const inputs = [file, ...(opts.brief ? [opts.brief] : []), ...(opts.spec && /[\\/]|\.ya?ml$/i.test(opts.spec) ? [opts.spec] : [])];
        for (const m of session.media) if (m.resolvedPath) inputs.push(m.resolvedPath);
        guardOutputs(outputsOf(opts), inputs);
        const bar = progressBar(file);
        const run = await handoff(session, { ...options, onProgress: bar });
        bar.end();
        if (opts.html) writeWhole(opts.html, handoffHtml(run));
        process.stdout.write(opts.json ? `${JSON.stringify(run.result, null, 2)}\n` : renderHandoffText(run));
        process.exitCode = run.result.verdict === 'ready' ? 0 : 1;
      } catch (err) {
        fail('handoff', err, file);
      }
    });
}
