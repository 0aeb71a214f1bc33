/**
 * me/dialogue-leak: dialogue in the M&E (Netflix "Extraneous Content Dialogue": original-language
 * dialogue left in the M&E [V]). Two kinds of evidence, one finding per M&E:
 * - the null engine: with the dialogue stem in the delivery, the M&E's residual against music + effects
 *   is matched against that stem (src/analysis/stems, a probe); residual that is the dialogue stem at
 *   some gain is a leak, named with that gain and its time ranges — found at any level, speech-like or not;
 * - the `speech` analyzer on the M&E: speech over the share the profile allows (walla and efforts are
 *   legitimate M&E content, so this points at the speech for a listen).
 */
import { analyzerResult, findingAt, findingWhole, mergeStretches, stretchDetail } from '../../kit.js';
import type { RuleFinding } from '../../types.js';
import { defineRule } from '../../rule.js';

/** The part of the speech analyzer's summary this rule reads (regions when the pipeline adds them). */
export interface SpeechInput {
  speechPercent: number;
  speechSeconds: number;
  regions?: Array<{ startSeconds: number; endSeconds: number }>;
}

/** Leaked pieces closer than this are one stretch (the pauses between words and lines). */
const LEAK_MERGE_GAP_SECONDS = 1;

export const rule = defineRule({
  id: 'me/dialogue-leak',
  meta: {
    description: 'No dialogue in the M&E: its residual is not the dialogue stem, and no speech is detected in it',
    defaultSeverity: 'error',
    options: {
      me: {
        speechPercentMax: { default: 1, unit: '%', description: 'share of the M&E the speech detector may call speech' },
        residualRmsMaxDbfs: { default: -60, unit: 'dBFS', description: 'residual RMS (music + effects minus M&E) above which a stretch is a mismatch' },
      },
      stems: {
        sustainMs: { default: 100, unit: 'ms', description: 'how long the residual must stay above the limit to count' },
      },
    },
  },
  needs: (file) => (file.role === 'me' ? [{ id: 'speech' }] : []),
  check(ctx, o) {
    const t = o.me;
    const out: RuleFinding[] = [];
    for (const d of ctx.deliverables) {
      if (d.role !== 'me') continue;
      const check = ctx.cross.me.find((c) => c.me === d.id);
      const result = check?.result;
      const labels = result?.channels.map((c) => c.label) ?? [];
      const pieces = (result?.channels ?? []).flatMap((ch) =>
        ch.regions
          .filter((r) => r.probeGainDb !== undefined && r.residualRmsDbfs > t.residualRmsMaxDbfs && (r.endSeconds - r.startSeconds) * 1000 >= o.stems.sustainMs)
          .map((r) => ({ ...r, channel: ch.label })),
      );
      const s = analyzerResult<SpeechInput>(d, 'speech');
      const speechOver = !!s && s.speechPercent > t.speechPercentMax;
      const speechText = s ? `${s.speechSeconds.toFixed(1)} s of speech detected (${s.speechPercent.toFixed(1)} % of the programme)` : null;
      if (pieces.length > 0 && result?.probe) {
        const stretches = mergeStretches(pieces, LEAK_MERGE_GAP_SECONDS, labels);
        const gainDb = result.probe.gainDb;
        const seconds = stretches.reduce((a, x) => a + (x.endSeconds - x.startSeconds), 0);
        const channels = [...new Set(stretches.flatMap((x) => x.channels))].sort((a, b) => labels.indexOf(a) - labels.indexOf(b));
        const first = stretches[0]!;
        const last = stretches[stretches.length - 1]!;
        out.push(
          findingAt(ctx, d, first.startSeconds, last.endSeconds, {
            channel: channels.join(', '),
            message:
              `dialogue leak: the dialogue stem (${result.probe.name}) is in the M&E at ${gainDb === null ? 'an unknown gain' : `${gainDb.toFixed(1)} dB`} on ${channels.join(', ')}, ` +
              `${stretches.length} stretch${stretches.length === 1 ? '' : 'es'} (${seconds.toFixed(1)} s)${speechOver ? `; ${speechText}` : ''}`,
            measured: gainDb === null ? null : Math.round(gainDb * 10) / 10,
            limit: null,
            details: {
              method: 'null',
              dialogueStem: result.probe.name,
              gainDb: gainDb === null ? null : Math.round(gainDb * 10) / 10,
              regions: stretches.map((x) => {
                const g = x.members.map((m) => m.probeGainDb).filter((v): v is number => v !== null && v !== undefined);
                return stretchDetail(ctx, d, x, { gainDb: g.length > 0 ? Math.round((g.reduce((a, b) => a + b, 0) / g.length) * 10) / 10 : null });
              }),
              ...(s ? { speechPercent: Math.round(s.speechPercent * 10) / 10 } : {}),
            },
          }),
        );
        continue;
      }
      if (!speechOver) continue;
      const f = {
        message: `speech in the M&E: ${speechText}`,
        measured: Math.round(s!.speechPercent * 10) / 10,
        limit: t.speechPercentMax,
      };
      const regions = s!.regions ?? [];
      if (regions.length > 0) {
        const first = regions[0]!;
        const last = regions[regions.length - 1]!;
        out.push(
          findingAt(ctx, d, first.startSeconds, last.endSeconds, {
            ...f,
            message: `${f.message}, ${regions.length} stretch${regions.length === 1 ? '' : 'es'}`,
            details: {
              method: 'speech',
              regions: regions.map((r) => stretchDetail(ctx, d, { startSeconds: r.startSeconds, endSeconds: r.endSeconds, channels: [], pieces: 1 })),
            },
          }),
        );
      } else {
        out.push(findingWhole(ctx, d, f));
      }
    }
    return out;
  },
});
