/**
 * Rendered fade pieces (Pro Tools text "(fade in)" / "(fade out)" / "(cross fade)" rows, AAF 'Fade'
 * and 'Sample accurate edit' clips) folded into the clip they belong to: the clip's extent grows to
 * cover the piece and fadeInSeconds/fadeOutSeconds are set. A piece whose owner cannot be told stays
 * a clip, with a warning, so timeline coverage is never lost (issue 3, "readings to keep consistent").
 */
import type { Clip } from './model.js';
import { addTime, compareTime, subtractTime, toSeconds, type RationalTime } from './time.js';

/** 'in' belongs to the clip that starts where it ends, 'out' to the clip that ends where it starts,
 * 'cross' to both; 'unknown' tries 'in' then 'out'. */
export type FadePieceKind = 'in' | 'out' | 'cross' | 'unknown';

function end(c: Clip): RationalTime {
  return addTime(c.start, c.duration);
}

function same(a: RationalTime, b: RationalTime): boolean {
  return compareTime(a, b) === 0;
}

function extendBack(owner: Clip, piece: Clip): void {
  const ownerEnd = end(owner);
  owner.start = piece.start;
  owner.duration = subtractTime(ownerEnd, piece.start);
  // the fade plays media before the clip's old head; keep the source start exact when the
  // media has that handle, otherwise the format did not tell us and 0 stays 0
  const earlier = subtractTime(owner.sourceStart, piece.duration);
  if (earlier.value >= 0) owner.sourceStart = earlier;
  owner.fadeInSeconds = toSeconds(piece.duration);
}

function extendForward(owner: Clip, piece: Clip): void {
  owner.duration = subtractTime(end(piece), owner.start);
  owner.fadeOutSeconds = toSeconds(piece.duration);
}

/**
 * Fold the fade pieces of one track lane (one channel's clip list) into their owners.
 * `kindOf` says which clips are fade pieces (null for ordinary clips). Returns the clips sorted by
 * start; unowned pieces are kept and named in `warnings` with `where` (e.g. the track name).
 */
export function foldFadePieces(
  clips: Clip[],
  kindOf: (clip: Clip) => FadePieceKind | null,
  warnings: string[],
  where: string,
): Clip[] {
  const ordinary: Clip[] = [];
  const pieces: { clip: Clip; kind: FadePieceKind }[] = [];
  for (const clip of clips) {
    const kind = kindOf(clip);
    if (kind === null) ordinary.push(clip);
    else pieces.push({ clip, kind });
  }
  if (pieces.length === 0) return sortByStart(clips);

  // owners are looked up against the original extents, so a clip with a fade at each end and a
  // crossfade next to it all find their neighbours
  const originalStart = new Map<Clip, RationalTime>(ordinary.map((c) => [c, c.start]));
  const originalEnd = new Map<Clip, RationalTime>(ordinary.map((c) => [c, end(c)]));
  const startingAt = (t: RationalTime) => ordinary.find((c) => same(originalStart.get(c)!, t));
  const endingAt = (t: RationalTime) => ordinary.find((c) => same(originalEnd.get(c)!, t));

  const kept: Clip[] = [...ordinary];
  for (const { clip: piece, kind } of pieces) {
    const after = startingAt(end(piece));
    const before = endingAt(piece.start);
    let folded = false;
    if (kind === 'cross') {
      // a crossfade is centred on the cut: the outgoing clip ends where it starts, the incoming
      // clip starts where it ends; either one alone still owns it
      if (before) extendForward(before, piece);
      if (after) extendBack(after, piece);
      folded = Boolean(before || after);
    } else if ((kind === 'in' || kind === 'unknown') && after) {
      extendBack(after, piece);
      folded = true;
    } else if ((kind === 'out' || kind === 'unknown') && before) {
      extendForward(before, piece);
      folded = true;
    }
    if (!folded) {
      kept.push(piece);
      warnings.push(
        `${where}: fade piece '${piece.name}' at ${toSeconds(piece.start).toFixed(3)} s has no adjacent clip; kept as a clip`,
      );
    }
  }
  return sortByStart(kept);
}

export function sortByStart(clips: Clip[]): Clip[] {
  return [...clips].sort((a, b) => compareTime(a.start, b.start));
}
