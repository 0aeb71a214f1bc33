// `dubstage fix PATH... --spec NAME --out DIR`: bring a delivery to spec with one gain per layout family.
// Exit 0 written (or a dry run that would write), 1 refused (true-peak headroom, nothing to judge), 2 a
// usage error or an input that could not be read.
import type { Command } from 'commander';
import { fail } from './fail.js';
import { runFix } from '../fix/run.js';
import { fixJson } from '../report/fix-json.js';
import { fixTerminal } from '../report/fix-text.js';
import { loadSpec } from '../specs/loader.js';
import { DubstageError } from '../errors.js';

interface FixCliOptions {
  spec: string;
  out: string;
  manifest?: string;
  target?: string;
  dryRun?: boolean;
  fps?: string;
  json?: boolean;
}

const REFUSALS_BY_POLICY = new Set(['true-peak-headroom', 'clipping', 'ambiguous-family', 'nothing-to-judge', 'true-peak-after']);

export function register(program: Command): void {
  program
    .command('fix')
    .description('bring a delivery to the spec\'s loudness with one gain per layout family (stems still sum to the printmaster), written into a new folder')
    .argument('<paths...>', 'delivery folders, audio files or a session file')
    .requiredOption('--spec <name>', 'built-in spec (see `dubstage specs`) or a YAML file')
    .requiredOption('--out <dir>', 'folder for the corrected delivery (not an input\'s folder; created when missing)')
    .option('--manifest <file>', 'YAML manifest: deliverables: [{ role, stem?, layout?, files: [...] }]')
    .option('--target <lufs>', 'target for the figure the spec judges, instead of the spec\'s (e.g. -27)')
    .option('--fps <rate>', 'frame rate for timecodes (e.g. 24, 23.976, 29.97DF)')
    .option('--dry-run', 'measure and report the gains without writing')
    .option('--json', 'print the result as JSON (schema 1)')
    .action(async (paths: string[], opts: FixCliOptions) => {
      try {
        const { spec } = loadSpec(opts.spec);
        let targetLufs: number | undefined;
        if (opts.target !== undefined) {
          targetLufs = Number(opts.target);
          if (opts.target.trim() === '' || !Number.isFinite(targetLufs)) throw new DubstageError({ code: 'usage', message: `--target ${opts.target}: a loudness in LUFS, e.g. -27` });
        }
        const run = await runFix({ paths, spec, out: opts.out, manifest: opts.manifest, targetLufs, dryRun: opts.dryRun, fps: opts.fps });
        process.stdout.write(opts.json ? `${JSON.stringify(fixJson(run), null, 2)}\n` : fixTerminal(run));
        if (run.refusal && !opts.json) process.stderr.write(`dubstage fix: ${run.refusal.message}\n`);
        process.exitCode = !run.refusal ? 0 : REFUSALS_BY_POLICY.has(run.refusal.code) ? 1 : 2;
      } catch (err) {
        fail('fix', err);
      }
    });
}
