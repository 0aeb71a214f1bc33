/**
 * delivery/missing-deliverable: every deliverable the profile requires is present (Netflix: 5.1 and
 * 2.0 printmasters, 5.1 DX/MX/FX stems, 5.1 M&E). A required item matches on role, stem and layout.
 */
import { findingDelivery } from '../../kit.js';
import type { DeliverableRequirement } from '../../../specs/schema.js';

import { defineRule } from '../../rule.js';

export function describeRequirement(r: DeliverableRequirement): string {
  const role = r.role === 'me' ? 'M&E' : r.role === 'atmos' ? 'Atmos master' : r.role;
  return [r.layout, r.stem, role].filter(Boolean).join(' ');
}

export const rule = defineRule({
  id: 'delivery/missing-deliverable',
  meta: {
    description: 'Every deliverable the profile requires is in the delivery',
    defaultSeverity: 'error',
    options: {},
  },
  check(ctx) {
    const required = ctx.spec.deliverables?.required ?? [];
    return required
      .filter(
        (r) =>
          !ctx.deliverables.some(
            (d) => d.role === r.role && (r.stem === undefined || d.stem === r.stem) && (r.layout === undefined || d.layout === r.layout),
          ),
      )
      .map((r) => findingDelivery({ message: `missing deliverable: ${describeRequirement(r)}`, limit: describeRequirement(r) }));
  },
});
