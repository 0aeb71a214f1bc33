import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (test/helpers/../..). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The shared corpus folder (samples, EBU test set, references): ../shared beside the checkout,
 * or DUBSTAGE_SHARED. The corpus suites must run in CI, so a missing folder fails loudly.
 */
export function sharedDir(): string {
  return process.env.DUBSTAGE_SHARED ? path.resolve(process.env.DUBSTAGE_SHARED) : path.resolve(repoRoot, '..', 'shared');
}

export function samplesDir(...parts: string[]): string {
  return path.join(sharedDir(), 'samples', ...parts);
}

/**
 * Every corpus file outside samples/<own> (recursively), but the catalog and facts: the files an
 * adapter must refuse by sniffing.
 */
export function otherCorpusFiles(own: string): string[] {
  const out: string[] = [];
  const walkDir = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walkDir(p);
      else if (e.name !== 'CATALOG.md' && e.name !== 'facts.json') out.push(p);
    }
  };
  for (const f of readdirSync(samplesDir(), { withFileTypes: true })) if (f.isDirectory() && f.name !== own) walkDir(samplesDir(f.name));
  return out;
}
