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
