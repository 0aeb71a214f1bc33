// `dubstage specs` lists the built-in spec profiles; `dubstage specs show NAME|FILE` prints one, resolved.
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { fail } from './fail.js';
import { loadBuiltins, loadSpec } from '../specs/loader.js';

export function register(program: Command): void {
  const specs = program
    .command('specs')
    .description('list the built-in delivery spec profiles')
    .option('--json', 'print the list as JSON')
    .action((opts: { json?: boolean }) => {
      try {
        const all = loadBuiltins();
        if (opts.json) {
          const rows = all.map(({ spec }) => ({ id: spec.id, name: spec.name, version: spec.version }));
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        const width = Math.max(...all.map(({ spec }) => spec.id.length));
        for (const { spec } of all) {
          const l = spec.loudness;
          const loud = l
            ? `${l.targetLufs} LUFS ±${l.toleranceLu} ${l.mode}${l.maxTruePeakDbtp !== undefined ? `, TP ${l.maxTruePeakDbtp} dBTP` : ''}`
            : 'no loudness target';
          process.stdout.write(`${spec.id.padEnd(width)}  ${spec.name} — ${loud}\n${' '.repeat(width)}  ${spec.version}\n`);
        }
        process.stdout.write('\n`dubstage specs show NAME` prints one; `--spec ./house.yaml` (with `extends: NAME`) uses your own.\n');
      } catch (err) {
        fail('specs', err);
      }
    });
  specs
    .command('show')
    .description('print one spec profile (a built-in name or a YAML file), with extends resolved')
    .argument('<name>', 'built-in id (e.g. netflix) or path to a YAML file')
    .option('--json', 'print as JSON')
    .action((name: string, opts: { json?: boolean }) => {
      try {
        const { spec, file } = loadSpec(name);
        // `specs --json` and `specs show --json` both mean JSON (commander hands the flag to the parent).
        if (opts.json || specs.opts<{ json?: boolean }>().json) process.stdout.write(`${JSON.stringify(spec, null, 2)}\n`);
        else process.stdout.write(`# ${spec.name} (from ${file})\n${stringify(spec, { lineWidth: 0 })}`);
      } catch (err) {
        fail('specs', err);
      }
    });
}
