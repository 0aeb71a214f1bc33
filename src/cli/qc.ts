// `dubstage qc PATH... --spec NAME`: check a delivery against a spec profile and report.
// Exit 0 pass, 1 when an error finding exists, 2 when input could not be read (the rest still checked).
import type { Command } from 'commander';
import { findAdapter } from '../../native-adapters/index.js';
import { fail } from './fail.js';
import { runQc } from '../qc/pipeline.js';
import { loadPlugins } from '../qc/plugins.js';
import { qcHtml } from '../report/html.js';
import { qcJson } from '../report/json.js';
import { qcJunit } from '../report/junit.js';
import { qcMarkers } from '../report/markers.js';
import { qcTerminal } from '../report/terminal.js';
import { writeWhole } from '../report/write.js';
import { loadSpec } from '../specs/loader.js';

interface QcOptions {
  spec: string;
  manifest?: string;
  fps?: string;
  json?: boolean;
  html?: string;
  junit?: string;
  markers?: string;
  plugin: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  program
    .command('qc')
    .description('check a delivery (folders, files, or a session whose media are the deliverables) against a spec')
    .argument('<paths...>', 'delivery folders, audio files or a session file')
    .requiredOption('--spec <name>', 'built-in spec (see `dubstage specs`) or a YAML file')
    .option('--manifest <file>', 'YAML manifest: deliverables: [{ role, stem?, layout?, files: [...] }]')
    .option('--fps <rate>', 'frame rate for timecodes and the one-frame tolerance (e.g. 24, 23.976, 29.97DF)')
    .option('--json', 'print the result as JSON (schema 1)')
    .option('--html <file>', 'write a self-contained HTML report')
    .option('--junit <file>', 'write JUnit XML (one test case per rule per deliverable)')
    .option('--markers <file>', 'write findings as a REAPER region/marker CSV')
    .option('--plugin <module>', 'load analyzers and rules from a JS module (repeatable; see `dubstage rules`)', collect, [])
    .action(async (paths: string[], opts: QcOptions) => {
      try {
        // plugins first: a profile may name their rules and options
        const plugins = await loadPlugins(opts.plugin);
        const { spec } = loadSpec(opts.spec);
        for (const p of paths) {
          let session = false;
          try {
            session = findAdapter(p) !== null;
          } catch {
            // a folder or an unreadable path: discovery says what it is
          }
          if (session) process.stderr.write(`dubstage qc: ${p} is a session: qc checks the media files it uses, whole; its timeline (clips, gains, fades, premixes, scenes) is measured with \`dubstage premix ${p}\`\n`);
        }
        const run = await runQc({ paths, spec, manifest: opts.manifest, fps: opts.fps, plugins: plugins.map((p) => p.url) });
        if (opts.html) writeWhole(opts.html, qcHtml(run));
        if (opts.junit) writeWhole(opts.junit, qcJunit(run));
        if (opts.markers) writeWhole(opts.markers, qcMarkers(run));
        process.stdout.write(opts.json ? `${JSON.stringify(qcJson(run), null, 2)}\n` : qcTerminal(run));
        process.exitCode = run.inputErrors.length > 0 ? 2 : run.outcome.verdict === 'fail' ? 1 : 0;
      } catch (err) {
        fail('qc', err);
      }
    });
}
