/**
 * loudness/short-term-max: printmaster maximum short-term (3 s) and momentary (400 ms) loudness, for
 * specs that set them (EBU R 128 s1 Max S -18 LUFS). The finding points at the loudest window when
 * the measurement carries the loudness series.
 */
import { findingAt, findingWhole } from '../../kit.js';
import type { CheckedDeliverable, QcContext, RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';

function loudestWindow(values: Array<number | null>, intervalSeconds: number, windowSeconds: number): [number, number] | null {
  let best = -Infinity;
  let at = -1;
  values.forEach((v, i) => {
    if (v !== null && v > best) {
      best = v;
      at = i;
    }
  });
  if (at < 0) return null;
  const end = (at + 1) * intervalSeconds;
  return [Math.max(0, end - windowSeconds), end];
}

function check(ctx: QcContext, d: CheckedDeliverable, kind: 'short-term' | 'momentary', max: number): RuleFinding[] {
  const loud = d.measurement?.loudness;
  const measured = kind === 'short-term' ? loud?.shortTermMaxLufs : loud?.momentaryMaxLufs;
  if (measured === null || measured === undefined || measured <= max + 1e-9) return [];
  const series = d.measurement?.series;
  const f = {
    message: `maximum ${kind} loudness ${measured.toFixed(1)} LUFS is over the ${max} LUFS limit`,
    measured: Math.round(measured * 10) / 10,
    limit: max,
  };
  const window = series
    ? loudestWindow(kind === 'short-term' ? series.shortTermLufs : series.momentaryLufs, series.intervalSeconds, kind === 'short-term' ? 3 : 0.4)
    : null;
  return [window ? findingAt(ctx, d, window[0], window[1], f) : findingWhole(ctx, d, f)];
}

export const rule = defineRule({
  id: 'loudness/short-term-max',
  meta: {
    description: 'Printmaster maximum short-term / momentary loudness under the profile limit',
    defaultSeverity: 'error',
    options: {},
  },
  check(ctx) {
    const l = ctx.spec.loudness;
    if (!l || (l.maxShortTermLufs === undefined && l.maxMomentaryLufs === undefined)) return [];
    return ctx.deliverables
      .filter((d) => d.role === 'printmaster')
      .flatMap((d) => [
        ...(l.maxShortTermLufs !== undefined ? check(ctx, d, 'short-term', l.maxShortTermLufs) : []),
        ...(l.maxMomentaryLufs !== undefined ? check(ctx, d, 'momentary', l.maxMomentaryLufs) : []),
      ]);
  },
});
