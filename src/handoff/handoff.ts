/**
 * The designer → mixer handoff sheet: what a design package holds (session, tracks, every media file
 * and its state, markers, premix groups, scenes) and what is wrong with it, as problems with codes.
 * The levels come from one premix render of the timeline (src/render/premix.ts): the media are probed
 * once, the same probes feed the render, and nothing is rendered twice.
 */
import { channelMediaFor } from '../session/channel-media.js';
import { timecodeAt } from '../session/json.js';
import type { Clip, Session } from '../session/model.js';
import { toSeconds } from '../session/time.js';
import { probeMedia, type MediaProbe } from '../render/media.js';
import { premix, type PremixOptions, type PremixRun } from '../render/premix.js';
import type { Spec } from '../specs/schema.js';
import { PROBLEM_CODES, type HandoffMedia, type HandoffProblem, type HandoffResult, type MediaStatus, type ProblemCode } from './types.js';

export interface HandoffOptions extends Pick<PremixOptions, 'groups' | 'scenes' | 'toleranceLu' | 'series' | 'onProgress'> {
  /** The creative brief, Markdown as written (--brief). */
  brief?: string;
  /** A delivery spec: its sample rates and bit depths are checked on every media file too. */
  spec?: Spec;
}

export interface HandoffRun {
  result: HandoffResult;
  /** The premix render the levels came from (its warnings and group series feed the HTML page). */
  premix: PremixRun;
  /** What the session reader and the render noted that is not a problem code (for the page's notes). */
  notes: string[];
  /** The spec checked, when one was given. */
  spec: { id: string; name: string; version: string } | null;
  /** The application that wrote the session, when the file says (AAF Identification, REAPER's version line). */
  writer: string | null;
}

/** Clip gain beyond this (either way) is a warning: clip/extreme-gain. */
export const EXTREME_GAIN_DB = 12;
/**
 * A clip gain at or below this is the editor's "fully down" (FCP's floor is -96 dB, Resolve writes -99,
 * Avid and REAPER -inf): a silenced clip, not an extreme one.
 */
export const SILENCED_GAIN_DB = -90;
/** Media below this bit depth is a warning: media/bit-depth. */
export const MIN_BIT_DEPTH = 24;

const SEVERITY: Record<ProblemCode, HandoffProblem['severity']> = Object.fromEntries(PROBLEM_CODES.map((p) => [p.code, p.severity])) as Record<ProblemCode, HandoffProblem['severity']>;
const CODE_ORDER = new Map<string, number>(PROBLEM_CODES.map((p, i) => [p.code, i]));
const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

interface Use {
  track: string;
  clip: string;
  start: number;
  startTimecode: string;
}

/** The track name as premix and the text output name it (an unnamed track by its position). */
function trackName(session: Session, index: number): string {
  const name = session.tracks[index]!.name;
  return name.trim() === '' ? `(unnamed track ${index + 1})` : name;
}

function clipName(clip: Clip, session: Session): string {
  if (clip.name) return clip.name;
  const m = clip.mediaId !== null ? session.media.find((r) => r.id === clip.mediaId) : undefined;
  return m?.name || '(unnamed clip)';
}

/** Every clip that uses each media (each channel's media, not only channel 1's), in timeline order. */
function mediaUses(session: Session): Map<string, Use[]> {
  const byId = new Map(session.media.map((m) => [m.id, m]));
  const uses = new Map<string, Use[]>();
  session.tracks.forEach((track, index) => {
    for (const clip of track.clips) {
      const ids = new Set<string>();
      if (clip.mediaId !== null) ids.add(clip.mediaId);
      for (const c of channelMediaFor(clip, track.channels, byId)) if (c.mediaId !== null) ids.add(c.mediaId);
      for (const id of ids) {
        let list = uses.get(id);
        if (!list) uses.set(id, (list = []));
        list.push({ track: trackName(session, index), clip: clipName(clip, session), start: toSeconds(clip.start), startTimecode: timecodeAt(session, clip.start) });
      }
    }
  });
  for (const list of uses.values()) list.sort((a, b) => a.start - b.start);
  return uses;
}

function statusOf(probe: MediaProbe): MediaStatus {
  const ref = probe.ref;
  if (probe.address === null) return ref.offline ? 'offline' : 'missing';
  return probe.problem === null ? 'ok' : 'unreadable';
}

/** "used by 3 clips, first 'DX 1' / 'take 4' at 01:00:02:00" */
function usedBy(uses: Use[]): string {
  if (uses.length === 0) return 'used by no clip';
  const f = uses[0]!;
  return `used by ${uses.length} clip${uses.length === 1 ? '' : 's'}${uses.length > 1 ? ', first' : ':'} track '${f.track}' clip '${f.clip}' at ${f.startTimecode}`;
}

/** Where a media problem is put on the timeline: its first use. */
function atFirstUse(uses: Use[]): Pick<HandoffProblem, 'track' | 'clip' | 'startTimecode'> {
  const f = uses[0];
  return f ? { track: f.track, clip: f.clip, startTimecode: f.startTimecode } : {};
}

function problem(code: ProblemCode, message: string, where: Omit<HandoffProblem, 'code' | 'severity' | 'message'> = {}): HandoffProblem {
  return { code, severity: SEVERITY[code], message, ...where };
}

/** Build the handoff sheet of a session (read with its media resolved): one premix render, then the facts and problems. */
export async function handoff(session: Session, options: HandoffOptions = {}): Promise<HandoffRun> {
  // probed once: the status is read before the render's plan marks rates it cannot convert, and the
  // same probes feed the render
  const probes = probeMedia(session);
  const status = new Map([...probes].map(([id, p]) => [id, statusOf(p)]));
  const run = await premix(session, {
    probes,
    ...(options.groups ? { groups: options.groups } : {}),
    ...(options.scenes ? { scenes: options.scenes } : {}),
    ...(options.toleranceLu !== undefined ? { toleranceLu: options.toleranceLu } : {}),
    ...(options.series ? { series: true } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const r = run.result;
  const sessionRate = r.session.sampleRate;
  const uses = mediaUses(session);
  const problems: HandoffProblem[] = [];
  const spec = options.spec;
  const specRates = spec?.format?.sampleRateHz ?? null;
  const specBits = spec?.format?.bitDepth ? Math.min(...spec.format.bitDepth) : null;
  const specLabel = spec ? `the spec '${spec.id}'` : '';

  const media: HandoffMedia[] = session.media.map((ref) => {
    const probe = probes.get(ref.id)!;
    const st = status.get(ref.id)!;
    const used = uses.get(ref.id) ?? [];
    const readable = st === 'ok';
    const m: HandoffMedia = {
      id: ref.id,
      name: ref.name,
      path: ref.path,
      resolvedPath: probe.address,
      status: st,
      sampleRate: readable ? probe.sampleRate : ref.sampleRate,
      bitDepth: readable ? probe.bitDepth : null,
      channels: readable ? probe.channels : ref.channels,
      durationSeconds: readable && probe.sampleRate > 0 ? round9(probe.frames / probe.sampleRate) : null,
      clips: used.length,
    };
    const where = { media: ref.id, ...atFirstUse(used) };
    if (st === 'missing' || st === 'offline') {
      const written = ref.path ? (ref.path === ref.name ? '' : ` (${ref.path})`) : ref.embedded ? '' : ' (the session gives no path)';
      const why = st === 'offline' ? 'is offline in the session and not found on disk' : 'is not found';
      problems.push(problem('media/missing', `media '${ref.name}'${written} ${why}; ${usedBy(used)}`, where));
      return m;
    }
    if (st === 'unreadable') {
      problems.push(problem('media/unreadable', `media '${ref.name}' cannot be read as audio: ${probe.problem}; ${usedBy(used)}`, where));
      return m;
    }
    if (probe.sampleRate !== sessionRate) {
      // the render resamples it, or (a rate pair the resampler cannot convert) plays it as silence
      const played = probe.problem === null ? 'premix resamples it; the mix stage needs it converted' : `it cannot be resampled and renders as silence`;
      problems.push(problem('media/sample-rate-mismatch', `media '${ref.name}' is ${probe.sampleRate} Hz, the session ${sessionRate} Hz: ${played}; ${usedBy(used)}`, where));
    } else if (specRates && !specRates.includes(probe.sampleRate)) {
      problems.push(problem('media/sample-rate-mismatch', `media '${ref.name}' is ${probe.sampleRate} Hz; ${specLabel} delivers at ${specRates.join(' or ')} Hz; ${usedBy(used)}`, where));
    }
    const floor = Math.max(MIN_BIT_DEPTH, specBits ?? 0);
    if (!probe.float && probe.bitDepth < floor) {
      const against = specBits !== null && specBits > MIN_BIT_DEPTH ? `${specLabel} asks for ${specBits}-bit` : `below ${MIN_BIT_DEPTH}-bit${specBits !== null ? ` (${specLabel} asks for ${spec!.format!.bitDepth!.join(' or ')}-bit)` : ''}`;
      problems.push(problem('media/bit-depth', `media '${ref.name}' is ${probe.bitDepth}-bit: ${against}; ${usedBy(used)}`, where));
    }
    return m;
  });

  // clips: past their media's end (from the render's own plan), and gains beyond ±12 dB
  for (const t of run.plan.tracks) {
    for (const p of t.pastMediaEnd) {
      const ref = probes.get(p.mediaId)!.ref;
      problems.push(
        problem('clip/past-media-end', `clip '${p.clip}' runs ${p.shortSeconds.toFixed(3)} s past the end of its media '${ref.name}' (${p.mediaSeconds.toFixed(3)} s long): the rest plays as silence`, {
          track: t.name,
          clip: p.clip,
          media: p.mediaId,
          startTimecode: p.startTimecode,
        }),
      );
    }
  }
  session.tracks.forEach((track, index) => {
    for (const clip of track.clips) {
      // a clip at -inf or an editor's floor (gain fully down) is silenced, not loud; a muted clip is not heard
      if (clip.muted || !(clip.gainDb > SILENCED_GAIN_DB) || Math.abs(clip.gainDb) <= EXTREME_GAIN_DB) continue;
      const name = clipName(clip, session);
      problems.push(
        problem('clip/extreme-gain', `clip '${name}' has ${clip.gainDb > 0 ? '+' : ''}${clip.gainDb.toFixed(1)} dB clip gain (beyond ±${EXTREME_GAIN_DB} dB)`, {
          track: trackName(session, index),
          clip: name,
          ...(clip.mediaId !== null ? { media: clip.mediaId } : {}),
          startTimecode: timecodeAt(session, clip.start),
        }),
      );
    }
  });

  for (const t of r.tracks) {
    if (t.role === 'other') problems.push(problem('track/no-role', `track '${t.name}' names no premix (DX, MX, FX, FOLEY, ...): it is in no role group`, { track: t.name }));
    const tp = t.loudness.truePeakDbtp;
    if (tp !== null && tp > 0) {
      problems.push(problem('track/over-full-scale', `track '${t.name}' renders to a true peak of ${tp > 0 ? '+' : ''}${tp.toFixed(1)} dBTP, above full scale (clip gain × track volume)`, { track: t.name }));
    }
  }

  const mid = medianOf(r.scenes.map((s) => s.dialogueLufs).filter((x): x is number => x !== null));
  for (const i of run.sceneProblems) {
    const s = r.scenes[i]!;
    const dev = s.deviationLu!;
    problems.push(
      problem(
        'scene/dialogue-inconsistent',
        `scene '${s.name}' (${s.startTimecode}-${s.endTimecode}): dialogue ${s.dialogueLufs!.toFixed(1)} LUFS, ${dev > 0 ? '+' : ''}${dev.toFixed(1)} LU from the median scene (${mid!.toFixed(1)} LUFS), beyond ±${run.toleranceLu} LU`,
        { startTimecode: s.startTimecode },
      ),
    );
  }

  if (session.frameRateAssumed) {
    const said = session.warnings.find((w) => /frame rate|fps/i.test(w));
    problems.push(problem('session/frame-rate-assumed', `the session does not state its frame rate: timecodes are at an assumed ${fpsText(session)}${said ? ` (${said})` : ''}`));
  }

  problems.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      CODE_ORDER.get(a.code)! - CODE_ORDER.get(b.code)! ||
      (a.startTimecode ?? '').localeCompare(b.startTimecode ?? ''),
  );

  // premix's own notes about scene consistency are problems here; the rest are notes for the page
  const notes = [...session.warnings, ...r.warnings.filter((w) => !w.startsWith('dialogue consistency:'))].filter((w, i, all) => all.indexOf(w) === i);
  const result: HandoffResult = {
    schema: 1,
    session: {
      format: r.session.format,
      name: r.session.name,
      sampleRate: sessionRate,
      frameRate: { num: session.frameRate.num, den: session.frameRate.den },
      dropFrame: session.dropFrame,
      startTimecode: r.session.startTimecode,
      durationSeconds: r.session.durationSeconds,
    },
    brief: options.brief ?? null,
    tracks: r.tracks.map((t) => ({ name: t.name, role: t.role, channels: t.channels, clips: t.clips, muted: t.muted, loudness: t.loudness })),
    groups: r.groups,
    media,
    markers: session.markers.map((m) => ({ name: m.name, startSeconds: round9(toSeconds(m.start)), timecode: timecodeAt(session, m.start) })),
    scenes: r.scenes,
    problems,
    verdict: problems.some((p) => p.severity === 'error') ? 'not-ready' : 'ready',
  };
  return { result, premix: run, notes, spec: spec ? { id: spec.id, name: spec.name, version: spec.version } : null, writer: session.writer ?? null };
}

function medianOf(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** "25 fps", "29.97 fps DF" */
export function fpsText(session: { frameRate: { num: number; den: number }; dropFrame: boolean }): string {
  const fps = session.frameRate.num / session.frameRate.den;
  return `${Number.isInteger(fps) ? fps : Number(fps.toFixed(3))} fps${session.dropFrame ? ' DF' : ''}`;
}
