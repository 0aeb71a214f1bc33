#!/usr/bin/env node
/**
 * The dubstage command line: one file per command, each exporting `register(program)`.
 * Only src/cli prints, exits or reads argv.
 */
import { Command } from 'commander';
import { fail } from './fail.js';
import { dubstageVersion } from '../version.js';
import { register as registerBatch } from './batch.js';
import { register as registerFarm } from './farm.js';
import { register as registerFix } from './fix.js';
import { register as registerHandoff } from './handoff.js';
import { register as registerInspect } from './inspect.js';
import { register as registerMeasure } from './measure.js';
import { register as registerPremix } from './premix.js';
import { register as registerQc } from './qc.js';
import { register as registerRules } from './rules.js';
import { register as registerSession } from './session.js';
import { register as registerSpecs } from './specs.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('dubstage')
    .description('Delivery QC for film and TV sound: loudness, stems, M&E, Atmos and sessions against platform specs')
    .version(dubstageVersion())
    .showHelpAfterError()
    .exitOverride();
  registerMeasure(program);
  registerInspect(program);
  registerSession(program);
  registerPremix(program);
  registerHandoff(program);
  registerQc(program);
  registerFix(program);
  registerBatch(program);
  registerFarm(program);
  registerSpecs(program);
  registerRules(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      // help and version exit 0; everything else commander rejects is a usage error
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    fail(null, err);
  }
}

await main(process.argv);
