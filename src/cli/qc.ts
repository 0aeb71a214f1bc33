// `dubstage qc PATH... --spec NAME`: check a delivery against a spec profile and report.
// Each folder given (and each reel its names carry) is its own delivery, reported on its own with one
// overall verdict. Exit 0 pass, 1 when an error finding exists in any delivery, 2 when input could not be
// read (the rest still checked).
import type { Command } from 'commander';
import { findAdapter } from '../../native-adapters/index.js';
import { fail } from './fail.js';
import { guardOutputs, outputsOf, qcInputFiles } from './guard.js';
import { qcProgress } from './progress.js';
import { qcExitCode, runQcDeliveries } from '../qc/pipeline.js';
import { loadPlugins } from '../qc/plugins.js';
import { qcDeliveriesHtml, qcDeliveriesJunit, qcDeliveriesMarkers } from '../report/deliveries.js';
import { qcHtml } from '../report/html.js';
import { qcDeliveriesJson, qcJson } from '../report/json.js';
import { qcJunit } from '../report/junit.js';
import { qcMarkers } from '../report/markers.js';
import { qcDeliveriesTerminal, qcTerminal } from '../report/terminal.js';
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
  allowOutsideManifest?: boolean;
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
    .option('--allow-outside-manifest', "let the manifest name files outside its own folder")
    .action(async (paths: string[], opts: QcOptions) => {
      try {
        // no report may overwrite an input: refused before anything is read or measured
        guardOutputs(outputsOf(opts), await qcInputFiles({ paths, manifest: opts.manifest, spec: opts.spec, allowOutsideManifest: opts.allowOutsideManifest }));
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
        // files being measured and null tests, on a terminal's stderr only
        const progress = qcProgress();
        let runs;
        try {
          runs = await runQcDeliveries({
            paths,
            spec,
            manifest: opts.manifest,
            fps: opts.fps,
            plugins: plugins.map((p) => p.url),
            allowOutsideManifest: opts.allowOutsideManifest === true,
            onProgress: progress,
          });
        } finally {
          progress.end();
        }
        // one delivery reads exactly as it always has; several get one report each inside one file
        const one = runs.deliveries.length === 1 ? runs.deliveries[0]! : null;
        if (opts.html) writeWhole(opts.html, one ? qcHtml(one) : qcDeliveriesHtml(runs));
        if (opts.junit) writeWhole(opts.junit, one ? qcJunit(one) : qcDeliveriesJunit(runs));
        if (opts.markers) writeWhole(opts.markers, one ? qcMarkers(one) : qcDeliveriesMarkers(runs));
        const json = () => JSON.stringify(one ? qcJson(one) : qcDeliveriesJson(runs), null, 2);
        process.stdout.write(opts.json ? `${json()}\n` : one ? qcTerminal(one) : qcDeliveriesTerminal(runs));
        process.exitCode = qcExitCode(runs.deliveries);
      } catch (err) {
        fail('qc', err);
      }
    });
}
