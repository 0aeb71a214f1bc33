/** The rule catalog for a terminal: one block per rule. */
import type { CatalogEntry } from '../qc/catalog.js';

export function renderRuleCatalog(catalog: CatalogEntry[]): string {
  const lines: string[] = [];
  for (const r of catalog) {
    lines.push(`${r.id}  [${r.defaultSeverity}]`);
    lines.push(`  ${r.description}`);
    for (const o of r.options) lines.push(`  ${o.key} = ${o.default}${o.unit ? ` ${o.unit}` : ''}: ${o.description}`);
    if (r.analyzers.length > 0) lines.push(`  reads: ${r.analyzers.join(', ')}`);
    lines.push('');
  }
  lines.push('A profile turns a rule off or sets its severity under `rules:` and its options under `thresholds:`.');
  return `${lines.join('\n')}\n`;
}
