import { describe, expect, it } from 'vitest';
import { foldFadePieces, type FadePieceKind } from '../../src/session/fades.js';
import type { Clip } from '../../src/session/model.js';
import { rational, toSeconds } from '../../src/session/time.js';

const fr = rational(24);
const t = (value: number) => ({ value, rate: fr });

function c(name: string, start: number, length: number, sourceStart = 0): Clip {
  return { name, start: t(start), duration: t(length), sourceStart: t(sourceStart), mediaId: name, gainDb: 0, fadeInSeconds: 0, fadeOutSeconds: 0, muted: false };
}

const kind = (clip: Clip): FadePieceKind | null =>
  clip.name === '(fade in)' ? 'in' : clip.name === '(fade out)' ? 'out' : clip.name === '(cross fade)' ? 'cross' : clip.name === '(fade)' ? 'unknown' : null;

describe('foldFadePieces', () => {
  it('folds fade in / out into the clip and keeps its coverage', () => {
    const warnings: string[] = [];
    const out = foldFadePieces([c('(fade in)', 10, 5), c('line', 15, 48, 100), c('(fade out)', 63, 6)], kind, warnings, 'DX');
    expect(out).toHaveLength(1);
    expect(out[0]!.start.value).toBe(10);
    expect(out[0]!.duration.value).toBe(59);
    expect(out[0]!.sourceStart.value).toBe(95);
    expect(out[0]!.fadeInSeconds).toBeCloseTo(5 / 24, 12);
    expect(out[0]!.fadeOutSeconds).toBeCloseTo(6 / 24, 12);
    expect(warnings).toEqual([]);
  });

  it('gives a crossfade to both neighbours and keeps a lone piece with a warning', () => {
    const warnings: string[] = [];
    const out = foldFadePieces([c('b', 52, 20), c('a', 0, 48), c('(cross fade)', 48, 4), c('(fade)', 200, 3)], kind, warnings, 'FX 2');
    expect(out.map((x) => x.name)).toEqual(['a', 'b', '(fade)']);
    const [a, b] = out;
    expect(a!.duration.value).toBe(52);
    expect(a!.fadeOutSeconds).toBeCloseTo(4 / 24, 12);
    expect(b!.start.value).toBe(48);
    expect(b!.duration.value).toBe(24);
    expect(b!.fadeInSeconds).toBeCloseTo(4 / 24, 12);
    expect(toSeconds(out[2]!.start)).toBeCloseTo(200 / 24, 12);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('FX 2');
  });
});
