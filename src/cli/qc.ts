// Placeholder until `dubstage qc` lands: the command is listed but says it is not built yet.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('qc')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      process.stderr.write('dubstage qc is not built yet\n');
      process.exitCode = 2;
    });
}
