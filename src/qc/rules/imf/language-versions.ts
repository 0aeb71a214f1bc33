/**
 * imf/language-versions: per audio language of an IMF delivery, one 5.1 (sg51) and one 2.0 (sgST or
 * sgLtRt) audio virtual track — no language without its 5.1, none with two of a kind.
 */
import { findingDelivery, findingWhole } from '../../kit.js';
import { defineRule } from '../../rule.js';

const KIND: Record<string, '5.1' | '2.0'> = { sg51: '5.1', sgST: '2.0', sgLtRt: '2.0' };

export const rule = defineRule({
  id: 'imf/language-versions',
  meta: {
    description: 'An IMF delivery has one 5.1 and one 2.0 audio virtual track per audio language',
    defaultSeverity: 'error',
    options: {},
  },
  check(ctx) {
    const imf = ctx.deliverables.filter((d) => d.measurement?.imf);
    if (imf.length === 0) return [];
    const byLanguage = new Map<string, Array<{ d: (typeof imf)[number]; kind: '5.1' | '2.0' | null }>>();
    for (const d of imf) {
      const i = d.measurement!.imf!;
      const lang = i.language ?? '(no language)';
      const list = byLanguage.get(lang) ?? [];
      list.push({ d, kind: i.mcaGroup ? (KIND[i.mcaGroup] ?? null) : null });
      byLanguage.set(lang, list);
    }
    const out = [];
    for (const [lang, list] of byLanguage) {
      for (const kind of ['5.1', '2.0'] as const) {
        const have = list.filter((x) => x.kind === kind);
        if (have.length === 0) out.push(findingDelivery({ message: `language ${lang}: no ${kind} audio virtual track (${kind === '5.1' ? 'sg51' : 'sgST or sgLtRt'})`, measured: list.length, limit: `one ${kind}` }));
        for (const extra of have.slice(1)) out.push(findingWhole(ctx, extra.d, { message: `language ${lang}: a second ${kind} audio virtual track`, measured: have.length, limit: `one ${kind}` }));
      }
    }
    return out;
  },
});
