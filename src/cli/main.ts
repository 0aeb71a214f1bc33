#!/usr/bin/env node
/**
 * The dubstage command line: one file per command, each exporting `register(program)`, loaded when asked for.
 * Only src/cli prints, exits or reads argv.
 */
import { Command } from 'commander';
import { fail } from './fail.js';
import { dubstageVersion } from '../version.js';
type Register = (program: Command) => void;

/**
 * Each command's module by the names it registers, in the order help lists them. A command's module
 * pulls in its whole pipeline (the farm: BullMQ and Redis), so only the one asked for is loaded; help,
 * --version and a name dubstage does not know load them all.
 */
const COMMANDS: Array<{ names: string[]; load: () => Promise<{ register: Register }> }> = [
  { names: ['measure'], load: () => import('./measure.js') },
  { names: ['inspect'], load: () => import('./inspect.js') },
  { names: ['session'], load: () => import('./session.js') },
  { names: ['premix'], load: () => import('./premix.js') },
  { names: ['handoff'], load: () => import('./handoff.js') },
  { names: ['qc'], load: () => import('./qc.js') },
  { names: ['fix'], load: () => import('./fix.js') },
  { names: ['batch'], load: () => import('./batch.js') },
  { names: ['submit', 'worker', 'farm-status'], load: () => import('./farm.js') },
  { names: ['specs'], load: () => import('./specs.js') },
  { names: ['rules'], load: () => import('./rules.js') },
];

/** The program with the command `argv` names (or every command when it names none dubstage knows). */
export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command();
  program
    .name('dubstage')
    .description('Delivery QC for film and TV sound: loudness, stems, M&E, Atmos and sessions against platform specs')
    .version(dubstageVersion())
    .showHelpAfterError()
    .exitOverride();
  const named = COMMANDS.find((c) => c.names.includes(argv[2] ?? ''));
  for (const c of named ? [named] : COMMANDS) (await c.load()).register(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = await buildProgram(argv);
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
