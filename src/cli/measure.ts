import type { Command } from 'commander';
import { fail } from './fail.js';
import { measureFile, type MeasureOptions } from '../analysis/measure.js';
import type { FileMeasurement } from '../analysis/results.js';
import { parseChannelList } from '../audio/channels.js';
import { groupInputs } from '../audio/multimono.js';
import { renderMeasureText } from '../report/measure-text.js';
import { parseFrameRate } from '../session/time.js';
import { progressBar } from './progress.js';
import { ChannelOrderAnalyzer, type ChannelOrderResult } from '../analyzers/channel-order.js';
import { embeddedMediaPaths } from '../analysis/embedded.js';
import { dialogueHooks, measureDialogueStem, type DialogueHookOptions } from '../analysis/dialogue.js';
import { toErrorInfo } from '../errors.js';
import { guardOutputs, outputsOf } from './guard.js';
import { findAdapter } from '../../native-adapters/index.js';

/** A session file handed to measure: say plainly that its timeline is measured by premix. */
function sessionFormat(file: string): string | null {
  try {
    return findAdapter(file)?.format ?? null;
  } catch {
    return null;
  }
}
import { parseRenderList, renderHook, renderRendersText } from '../render/adm/measure-renders.js';
import { readRegularHead } from '../audio/bytesource.js';
import { mxfAudioAddresses, sniffMxf } from '../audio/mxf/index.js';
import { imfVirtualTrackAddresses, isImfInput } from '../imf/index.js';

export interface MeasureCliOptions {
  json?: boolean;
  series?: boolean;
  channels?: string;
  from?: string;
  to?: string;
  fps?: string;
  dualMono?: boolean;
  group?: boolean;
  threads?: string;
  dialogue?: boolean;
  dialogueStem?: string;
  speechThreshold?: string;
  checkOrder?: boolean;
  /** Layouts, or false for --no-render (the bed alone). */
  render?: string | false;
  write?: string;
}

/**
 * Add the content-based channel-order analyzer to the pass; its likely mis-orders become warnings that
 * carry their evidence (the result itself stays under analyzers['channel-order']).
 */
function withChannelOrderCheck(options: MeasureOptions): MeasureOptions {
  const base = options.analyzers;
  const baseDone = options.onLoudness;
  return {
    ...options,
    analyzers: (source) => [...(base ? base(source) : []), new ChannelOrderAnalyzer()],
    onLoudness: async (loudness, m) => {
      if (baseDone) await baseDone(loudness, m);
      const r = m.analyzers?.['channel-order'] as ChannelOrderResult | undefined;
      for (const f of r?.findings ?? []) {
        const evidence = Object.entries(f.evidence).map(([k, v]) => `${k} ${v}`).join(', ');
        m.warnings.push(`likely channel mis-order (${f.code}): ${f.message} [${evidence}]`);
      }
    },
  };
}

interface Expanded {
  addresses: string[];
  /** Entries for assets that could not be read (the audio goes on without them). */
  problems: FileMeasurement[];
  /** Adds what the container knows to a measured entry (the `imf` object). */
  attach?: (m: FileMeasurement) => void;
  /** Checks beside the audio pass (an IMF package's picture and subtitle hashes): started before it, their entries after. */
  late?: () => Promise<FileMeasurement[]>;
}

/** An MXF (its audio tracks), an IMF package folder or a CPL (its audio virtual tracks); null for anything else. */
function expandContainer(f: string): Promise<Expanded> | null {
  if (isImfInput(f)) {
    return (async () => {
      const r = await imfVirtualTrackAddresses(f);
      return {
        addresses: r.tracks.map((t) => t.address),
        problems: r.problems.map((p) => ({ path: p.path, warnings: [], error: p.error })),
        attach: (m) => {
          const t = r.tracks.find((x) => x.address === m.path);
          if (t) m.imf = t.imf;
        },
        late: () => r.hashes().then((h) => h.map((p) => ({ path: p.path, warnings: [], error: p.error }))),
      };
    })();
  }
  if (!isMxfInput(f)) return null;
  return Promise.resolve({ addresses: mxfAudioAddresses(f), problems: [] });
}

function isMxfInput(f: string): boolean {
  if (/\.mxf$/i.test(f)) return true;
  try {
    // a FIFO or device is refused by stat here, never waited on (the reader then says why)
    return sniffMxf(readRegularHead(f, 65552));
  } catch {
    return false;
  }
}

export function register(program: Command): void {
  program
    .command('measure')
    .description('measure loudness (BS.1770-5 / EBU R 128), true peak and per-channel levels of audio files')
    .argument('<files...>', 'WAV, RF64, BW64, AIFF, AIFC or MXF files (multi-mono sets are grouped), IMF package folders or CPLs')
    .option('--json', 'print one JSON document (schema 1)')
    .option('--series', 'add momentary and short-term loudness at 10 Hz to the JSON')
    .option('--channels <labels>', 'channel labels in file order, e.g. L,R,C,LFE,Ls,Rs')
    .option('--from <time>', 'start of the measured range: seconds or timecode on the file clock')
    .option('--to <time>', 'end of the measured range: seconds or timecode on the file clock')
    .option('--fps <rate>', 'frame rate for timecode in --from/--to (default 24)')
    .option('--dual-mono', 'count a mono file as two channels (BS.1770 dual mono)')
    .option('--no-group', 'do not group multi-mono sets (TITLE.L.wav TITLE.R.wav ...)')
    .option('--threads <n>', 'worker threads for long files (default: the cores; 1 = single thread)')
    .option('--dialogue', 'add dialogue-gated loudness from an open speech detector (not Dolby Dialogue Intelligence)')
    .option('--dialogue-stem <file>', 'gate by this dialogue stem\'s activity and measure the stem (implies --dialogue)')
    .option('--speech-threshold <percent>', 'speech share below which programme loudness applies (default 15)')
    .option('--render <layouts>', 'render ADM masters to these layouts (2.0, 5.1, 7.1, 5.1.4, 7.1.2, 7.1.4) with ITU-R BS.2127 and measure each render; an ADM with objects gets 5.1 by default')
    .option('--no-render', 'measure an ADM master\'s bed alone (no default 5.1 render)')
    .option('--write <file>', 'write the (one) --render layout to this WAV (32-bit float), never over an input')
    .option('--check-order', 'check the channel order by content (LFE band, speech in the centre): likely mis-orders as warnings with the measured evidence')
    .action(async (files: string[], opts: MeasureCliOptions) => {
      let options: MeasureOptions;
      try {
        options = {};
        if (opts.channels) options.channels = parseChannelList(opts.channels);
        if (opts.from) options.from = opts.from;
        if (opts.to) options.to = opts.to;
        if (opts.fps) options.fps = parseFrameRate(opts.fps);
        if (opts.series) options.series = true;
        if (opts.dualMono) options.dualMono = true;
        // no output may overwrite an input (files named, folders' files, the dialogue stem)
        guardOutputs(outputsOf(opts), [...files, ...(opts.dialogueStem ? [opts.dialogueStem] : [])]);
        if (opts.threads !== undefined) {
          const t = Number(opts.threads);
          if (!Number.isInteger(t) || t < 1) throw new Error(`--threads '${opts.threads}': expected a whole number of at least 1`);
          options.threads = t;
        }
      } catch (err) {
        fail('measure', err);
        return;
      }
      if (opts.dialogue || opts.dialogueStem) {
        const hook: DialogueHookOptions = {};
        if (opts.speechThreshold !== undefined) {
          const t = Number(opts.speechThreshold);
          if (!Number.isFinite(t) || t < 0 || t > 100) {
            fail('measure', new Error(`--speech-threshold '${opts.speechThreshold}': expected a percentage 0-100`));
            return;
          }
          hook.speechThresholdPercent = t;
        }
        if (opts.dialogueStem) {
          try {
            hook.stem = await measureDialogueStem(opts.dialogueStem, options);
          } catch (err) {
            fail('measure', new Error(`--dialogue-stem: ${toErrorInfo(err, opts.dialogueStem).message}`), opts.dialogueStem);
            return;
          }
        }
        options = { ...options, ...dialogueHooks(hook) };
      }
      if (opts.checkOrder) options = withChannelOrderCheck(options);
      try {
        if (opts.render) parseRenderList(opts.render);
        if (opts.write && !opts.render) throw new Error('--write needs --render with the layout to write, e.g. --render 5.1 --write OUT.wav');
        if (opts.write && files.length > 1) throw new Error('--write writes one render: give one ADM master');
        if (opts.write && opts.render && opts.render.split(',').length !== 1) throw new Error('--write writes one render: give one layout with --render, e.g. --render 5.1');
      } catch (err) {
        fail('measure', err);
        return;
      }
      const results: FileMeasurement[] = [];
      const renderText: string[] = [];
      const measureAll = async (paths: string[]) => {
        for (const input of groupInputs(paths, { group: opts.group !== false })) {
          const bar = progressBar(input.path);
          // an ADM master's renders ride its measuring pass (src/render/adm); 5.1 by default when it has objects
          const renders = renderHook((report) =>
            opts.render === false || (!opts.render && report.objects === 0)
              ? null
              : { layouts: opts.render ? opts.render.split(',') : ['5.1'], ...(opts.write ? { writePath: opts.write } : {}), byDefault: !opts.render },
          );
          const m = await measureFile(input, { ...options, admRender: renders.hook, onProgress: bar });
          const made = renders.attach(m);
          if (made && m.renders) renderText.push(renderRendersText(m.path, m.renders, made.dbmd));
          results.push(m);
          bar.end();
        }
      };
      let pending: string[] = [];
      for (const f of files) {
        const expanded = expandContainer(f);
        if (expanded) {
          await measureAll(pending);
          pending = [];
          // an MXF stands for its audio tracks (one entry each), an IMF package or CPL for its audio virtual tracks
          try {
            const { addresses, problems, attach, late } = await expanded;
            results.push(...problems);
            const lateEntries = late?.();
            for (const address of addresses) {
              const bar = progressBar(address);
              const m = await measureFile({ path: address }, { ...options, onProgress: bar });
              bar.end();
              attach?.(m);
              results.push(m);
            }
            if (lateEntries) results.push(...(await lateEntries));
          } catch (err) {
            results.push({ path: f, warnings: [], error: toErrorInfo(err, f) });
          }
          continue;
        }
        if (!/\.aaf$/i.test(f)) {
          pending.push(f);
          continue;
        }
        await measureAll(pending);
        pending = [];
        // an AAF stands for the audio embedded in it
        try {
          const embedded = await embeddedMediaPaths(f);
          if (embedded.length === 0) {
            results.push({ path: f, warnings: [], error: { code: 'not-audio', message: `${f}: this AAF links its media instead of embedding it; measure the linked files (dubstage session ${f} lists them), or its timeline with dubstage premix ${f}`, path: f } });
          }
          await measureAll(embedded);
        } catch (err) {
          results.push({ path: f, warnings: [], error: toErrorInfo(err, f) });
        }
      }
      await measureAll(pending);
      for (const r of results) {
        const format = r.error?.code === 'not-audio' ? sessionFormat(r.path) : null;
        if (format) r.error!.message = `${r.path}: a session file (${format}), not audio: its timeline (clips, gains, fades, premixes, scenes) is measured with \`dubstage premix ${r.path}\``;
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ schema: 1, files: results }, null, 2)}\n`);
      } else {
        process.stdout.write(renderMeasureText(results) + renderText.join(''));
      }
      process.exitCode = results.some((r) => r.error) ? 2 : 0;
    });
}
