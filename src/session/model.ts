/**
 * The Session: one model for every session format (DESIGN.md). Adapters fill it; nothing here
 * knows an adapter. Times are exact counts at rational rates; seconds appear only in the JSON edge
 * (see sessionToJson in ./json.ts).
 */
import type { Rational, RationalTime } from './time.js';

export type TrackRole = 'dialogue' | 'music' | 'effects' | 'foley' | 'mix' | 'other';
export type FadeShape = 'linear' | 'equal-power' | 'logarithmic' | 'exponential' | 's-curve' | 'other';

export interface MediaRef {
  /** Stable id inside the session (adapter's own id or a generated one). */
  id: string;
  /** Clip/file name as the session shows it. */
  name: string;
  /** Path or URL as written in the session file (decoded to a path where it was a file URL); null when embedded or absent. */
  path: string | null;
  /** Absolute path found on disk by media resolution; null when missing or embedded. */
  resolvedPath: string | null;
  embedded: boolean;
  /** Offline as the session itself says (Pro Tools "offline files"), independent of resolution. */
  offline?: boolean;
  channels: number | null;
  sampleRate: number | null;
}

/** What one channel of a clip plays: channel `channel` (1-based) of media `mediaId`. */
export interface ChannelMedia {
  /** MediaRef id, or null when the session does not name this channel's media. */
  mediaId: string | null;
  channel: number;
}

export interface Clip {
  name: string;
  /** Timeline position from the session's timeline start. */
  start: RationalTime;
  duration: RationalTime;
  /** Offset into the media where the clip starts. */
  sourceStart: RationalTime;
  /** MediaRef id, or null (MIDI item, generated clip, media not named). */
  mediaId: string | null;
  /** Source channel of the media this clip plays, 1-based, when the format says. */
  channel?: number | null;
  /**
   * Media per clip channel, in the clip's channel order (a 5.1 clip of six mono files has six
   * entries). Every adapter fills it; `mediaId` above stays channel 1's media.
   */
  channelMedia?: ChannelMedia[];
  gainDb: number;
  fadeInSeconds: number;
  fadeOutSeconds: number;
  fadeInShape?: FadeShape;
  fadeOutShape?: FadeShape;
  muted: boolean;
}

export interface Track {
  name: string;
  channels: number;
  role?: TrackRole;
  muted?: boolean;
  volumeDb?: number;
  /** A folder track (REAPER ISBUS): its children sum through it. */
  folder?: boolean;
  /** Index in `Session.tracks` of the folder track this track sits in (REAPER), when it sits in one. */
  parentTrack?: number;
  clips: Clip[];
}

export interface Marker {
  name: string;
  start: RationalTime;
  /** Length for regions (REAPER regions, Avid/PT range markers); absent for point markers. */
  duration?: RationalTime;
  comment?: string;
}

export interface Session {
  format: string;
  name: string;
  /** Path of the session file that was read. */
  path: string;
  frameRate: Rational;
  dropFrame: boolean;
  /** Start timecode of the timeline as the session states it, e.g. "01:00:00:00". */
  startTimecode: string;
  sampleRate: number | null;
  tracks: Track[];
  media: MediaRef[];
  markers: Marker[];
  warnings: string[];
  /** The file does not state its frame rate: `frameRate` was assumed (a warning says how). */
  frameRateAssumed?: boolean;
  /** The application that wrote the file, when the file says (AAF Identification, the REAPER_PROJECT line). */
  writer?: string;
}

export interface ReadOptions {
  /** Frame rate when the file does not say (EDL --fps). */
  fps?: Rational;
  /** Extra media search folders (--media DIR), in order. */
  mediaDirs?: string[];
  /** AAF: choose a composition by name. */
  composition?: string;
}

/** One per native format (DESIGN.md "Adapter"). */
export interface SessionAdapter {
  readonly format: string;
  /** Content first, extension second. `head` is the first 64 KiB (or the whole file if shorter). */
  sniff(head: Uint8Array, name: string): boolean;
  read(path: string, options: ReadOptions): Promise<Session>;
}
