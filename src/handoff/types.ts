/**
 * The designer → mixer handoff sheet as typed values: `dubstage handoff --json` (schema 1) is exactly
 * HandoffResult. The problem codes are a contract, like QC rule ids: a script may switch on them.
 */
import type { LoudnessFigures, PremixGroup, PremixScene } from '../render/premix.js';

export type ProblemSeverity = 'error' | 'warning' | 'info';

/** Every problem code with its severity and what it means, in report order. */
export const PROBLEM_CODES = [
  { code: 'media/missing', severity: 'error', description: 'a media file the session uses is not found (or the session marks it offline and it is not found)' },
  { code: 'media/unreadable', severity: 'error', description: 'a media file is found but cannot be read as audio' },
  { code: 'media/sample-rate-mismatch', severity: 'error', description: "a media file's sample rate differs from the session's (with --spec: or is not one the spec delivers at)" },
  { code: 'media/bit-depth', severity: 'warning', description: "a media file is below 24-bit (with --spec: or below the spec's bit depth)" },
  { code: 'clip/past-media-end', severity: 'warning', description: 'a clip reaches past the end of its media: the rest plays as silence' },
  { code: 'clip/extreme-gain', severity: 'warning', description: 'a clip gain beyond ±12 dB (a clip fully down, at or below -90 dB, is silenced, not counted)' },
  { code: 'track/no-role', severity: 'info', description: 'a track whose name names no premix (DX, MX, FX, FOLEY, ...) and the session gives no role' },
  { code: 'track/over-full-scale', severity: 'error', description: "a track's render has a true peak above 0 dBTP" },
  { code: 'scene/dialogue-inconsistent', severity: 'warning', description: "a scene's dialogue lies beyond ±3 LU (or --scene-tolerance) of the median scene" },
  { code: 'session/frame-rate-assumed', severity: 'info', description: 'the session file does not state its frame rate: timecodes use an assumed one' },
] as const satisfies readonly { code: string; severity: ProblemSeverity; description: string }[];

export type ProblemCode = (typeof PROBLEM_CODES)[number]['code'];

export interface HandoffProblem {
  code: ProblemCode;
  severity: ProblemSeverity;
  message: string;
  track?: string;
  clip?: string;
  /** The media's id (HandoffMedia.id). */
  media?: string;
  /** Where on the session clock (the clip's start, the scene's start, a media file's first use). */
  startTimecode?: string;
}

export type MediaStatus = 'ok' | 'missing' | 'offline' | 'unreadable';

export interface HandoffMedia {
  id: string;
  name: string;
  /** As written in the session (null when embedded or absent). */
  path: string | null;
  /** Where it was found: a file, or SESSION#ID for essence embedded in an AAF; null when not found. */
  resolvedPath: string | null;
  status: MediaStatus;
  /** From the file when it is readable, else what the session says (or null). */
  sampleRate: number | null;
  bitDepth: number | null;
  channels: number | null;
  durationSeconds: number | null;
  /** How many clips use it (muted clips included). */
  clips: number;
}

export interface HandoffTrack {
  name: string;
  /** The premix role as `premix` assigns it (dialogue, music, effects, foley), else the session's, else 'other'. */
  role: string;
  channels: number;
  /** Clip count (muted clips included). */
  clips: number;
  muted: boolean;
  loudness: LoudnessFigures;
}

export interface HandoffMarker {
  name: string;
  startSeconds: number;
  timecode: string;
}

/** `dubstage handoff --json`, schema 1. Minus infinity and silence are null. */
export interface HandoffResult {
  schema: 1;
  session: {
    format: string;
    name: string;
    /** The rate the render ran at (the session's; the first playable media's when it states none). */
    sampleRate: number;
    frameRate: { num: number; den: number };
    dropFrame: boolean;
    startTimecode: string;
    /** From the session start to the end of the last clip. */
    durationSeconds: number;
  };
  /** The creative brief (--brief), Markdown as written; null without one. */
  brief: string | null;
  tracks: HandoffTrack[];
  /** Exactly premix's groups and scenes. */
  groups: PremixGroup[];
  media: HandoffMedia[];
  markers: HandoffMarker[];
  scenes: PremixScene[];
  problems: HandoffProblem[];
  /** Not ready when any error-severity problem exists. */
  verdict: 'ready' | 'not-ready';
}
