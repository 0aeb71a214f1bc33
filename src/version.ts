/** dubstage's own version, from the package.json of the checkout or install it runs from (reports name it). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function dubstageVersion(): string {
  if (cached !== undefined) return cached;
  cached = 'unknown';
  // src/version.ts or dist/src/version.js: walk up to the package.json that names dubstage
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'dubstage' && typeof pkg.version === 'string') {
          cached = pkg.version;
          break;
        }
      } catch {
        // an unreadable package.json: keep walking
      }
    }
    if (path.dirname(dir) === dir) break;
  }
  return cached;
}
