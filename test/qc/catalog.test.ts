/** docs/rules.md is the catalog `dubstage rules` prints, word for word (the README links it). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ruleCatalog } from '../../src/qc/catalog.js';
import { RULES } from '../../src/qc/rules/index.js';
import { renderRuleCatalog } from '../../src/report/rules-text.js';

describe('rule catalog', () => {
  it('lists every built-in rule with its severity, options and description, as docs/rules.md shows it', () => {
    const catalog = ruleCatalog().filter((r) => RULES.some((b) => b.id === r.id));
    expect(catalog.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    const doc = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'rules.md'), 'utf8');
    const block = /```\n([\s\S]*)```/.exec(doc)?.[1];
    expect(block).toBe(renderRuleCatalog(catalog));
    const lfe = catalog.find((r) => r.id === 'lfe/band-limit')!;
    expect(lfe.options.map((o) => o.key)).toEqual(['thresholds.lfe.cutoffHz', 'thresholds.lfe.maxAboveCutoffDb']);
    expect(lfe.analyzers).toEqual(['lfe-band']);
  });
});
