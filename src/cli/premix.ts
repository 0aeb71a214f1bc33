// `dubstage premix SESSION`: render a session's timeline from its media and measure every track, every
// premix group and the dialogue scene by scene (src/render/premix.ts).
import type { Command } from 'commander';
import { fail } from './fail.js';
import { progressBar } from './progress.js';
import { readSession } from '../../native-adapters/index.js';
import { parseGroupOption, type UserGroup } from '../render/groups.js';
import { premix, type PremixOptions } from '../render/premix.js';
import { premixHtml } from '../report/premix-html.js';
import { renderPremixText } from '../report/premix-text.js';
import { writeWhole } from '../report/write.js';
import type { ReadOptions } from '../session/model.js';
import { parseFrameRate } from '../session/time.js';

interface PremixCliOptions {
  media: string[];
  fps?: string;
  group: string[];
  scenes?: string;
  sceneTolerance?: string;
  from?: string;
  to?: string;
  json?: boolean;
  html?: string;
  composition?: string;
  threads?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  program
    .command('premix')
    .description("render a session's timeline from its media and measure every track, premix group and the dialogue per scene (BS.1770)")
    .argument('<session>', 'AAF, EDL, FCP 7 XML, FCPXML, REAPER .RPP or Pro Tools session text')
    .option('--media <dir>', 'another folder to search for media by file name (repeatable)', collect, [])
    .option('--fps <rate>', 'frame rate when the session does not say (EDL): 23.976, 24, 25, 29.97, ...')
    .option('--group <name=tracks>', 'a premix group: NAME=TRACK,TRACK,... (repeatable; replaces a default group of that name)', collect, [])
    .option('--scenes <kind>', 'scenes from markers (each runs to the next) or regions (default: markers when there are any)')
    .option('--scene-tolerance <lu>', 'a scene whose dialogue is further than this from the median is called out (default 3)')
    .option('--from <time>', 'start of the render: seconds from the session start or timecode on its clock')
    .option('--to <time>', 'end of the render: seconds from the session start or timecode on its clock')
    .option('--composition <name>', 'AAF: the composition to render when there are several')
    .option('--threads <n>', 'worker threads, each metering its own tracks and groups (default: the cores for a render of a minute or more; 1 = single thread)')
    .option('--json', 'print one JSON document (schema 1)')
    .option('--html <file>', 'also write an HTML report with loudness over time per group and the scene bars')
    .action(async (file: string, opts: PremixCliOptions) => {
      const read: ReadOptions = { mediaDirs: opts.media };
      const options: PremixOptions = {};
      try {
        readPremixOptions(opts, read, options);
        if (opts.from !== undefined) options.from = opts.from;
        if (opts.to !== undefined) options.to = opts.to;
        if (opts.html) options.series = true;
        if (opts.threads !== undefined) {
          const t = Number(opts.threads);
          if (!Number.isInteger(t) || t < 1) throw new Error(`--threads '${opts.threads}': expected a whole number of at least 1`);
          options.threads = t;
        }
      } catch (err) {
        fail('premix', err);
        return;
      }
      try {
        const session = await readSession(file, read);
        const bar = progressBar(file);
        const run = await premix(session, { ...options, onProgress: bar });
        bar.end();
        if (opts.html) writeWhole(opts.html, premixHtml(run));
        process.stdout.write(opts.json ? `${JSON.stringify(run.result, null, 2)}\n` : renderPremixText(run));
        process.exitCode = 0;
      } catch (err) {
        fail('premix', err, file);
      }
    });
}

/** The session and render options premix and handoff share (--fps, --composition, --group, --scenes, --scene-tolerance), checked. */
export function readPremixOptions(
  opts: { fps?: string; composition?: string; group: string[]; scenes?: string; sceneTolerance?: string },
  read: ReadOptions,
  options: Pick<PremixOptions, 'groups' | 'scenes' | 'toleranceLu'>,
): void {
  if (opts.fps !== undefined) {
    try {
      read.fps = parseFrameRate(opts.fps);
    } catch {
      throw new Error(`--fps '${opts.fps}' is not a frame rate (e.g. 24, 25, 29.97, 30000/1001)`);
    }
  }
  if (opts.composition !== undefined) read.composition = opts.composition;
  const groups: UserGroup[] = opts.group.map(parseGroupOption);
  if (groups.length > 0) options.groups = groups;
  if (opts.scenes !== undefined) {
    if (opts.scenes !== 'markers' && opts.scenes !== 'regions') throw new Error(`--scenes '${opts.scenes}': expected markers or regions`);
    options.scenes = opts.scenes;
  }
  if (opts.sceneTolerance !== undefined) {
    const t = Number(opts.sceneTolerance);
    if (!Number.isFinite(t) || t <= 0) throw new Error(`--scene-tolerance '${opts.sceneTolerance}': expected a positive number of LU`);
    options.toleranceLu = t;
  }
}
