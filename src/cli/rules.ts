// `dubstage rules`: the rule catalog — every rule's id, default severity, options with their defaults,
// and description (plugins' too, with --plugin), like ESLint's rule list.
import type { Command } from 'commander';
import { loadPlugins } from '../qc/plugins.js';
import { ruleCatalog } from '../qc/catalog.js';
import { renderRuleCatalog } from '../report/rules-text.js';
import { fail } from './fail.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  program
    .command('rules')
    .description('list every QC rule: id, default severity, options with defaults, description')
    .option('--json', 'print the catalog as JSON')
    .option('--plugin <module>', 'include the rules of a plugin module (repeatable)', collect, [])
    .action(async (opts: { json?: boolean; plugin: string[] }) => {
      try {
        await loadPlugins(opts.plugin);
        const catalog = ruleCatalog();
        process.stdout.write(opts.json ? `${JSON.stringify(catalog, null, 2)}\n` : renderRuleCatalog(catalog));
      } catch (err) {
        fail('rules', err);
      }
    });
}
