/**
 * format/truncated: a file whose audio chunk is shorter than its header declares (a copy or transfer
 * cut short). The readers measure what is there and say what is missing; QC makes it an error naming
 * the file and how much is gone, from where.
 */
import path from 'node:path';
import { findingAt } from '../../kit.js';
import { defineRule } from '../../rule.js';

export const rule = defineRule({
  id: 'format/truncated',
  meta: {
    description: 'Every file holds all the audio its header declares (not cut short)',
    defaultSeverity: 'error',
    options: {},
  },
  check(ctx) {
    return ctx.deliverables.flatMap((d) => {
      const f = d.measurement?.format;
      const t = f?.truncation;
      if (!f || !t || t.missingFrames <= 0) return [];
      const file = d.files[0] ?? d.measurement!.path;
      const declaredSeconds = t.declaredFrames / f.sampleRate;
      return [
        findingAt(ctx, d, f.durationSeconds, declaredSeconds, {
          file,
          message:
            `${path.basename(file)} is cut short: its header declares ${declaredSeconds.toFixed(3)} s (${t.declaredFrames} frames) ` +
            `but it holds ${f.durationSeconds.toFixed(3)} s; ${t.missingSeconds.toFixed(3)} s (${t.missingFrames} frames, ${t.missingBytes} bytes) missing at the end`,
          measured: Math.round(t.missingSeconds * 1000) / 1000,
          limit: 0,
        }),
      ];
    });
  },
});
