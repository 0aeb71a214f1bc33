/**
 * The Session as one JSON document (issue 3 contract, schema 1). Exact times become seconds here
 * and nowhere earlier; seconds count from the session's timeline start, which startTimecode names.
 */
import { channelMediaFor } from './channel-media.js';
import type { Session } from './model.js';
import { addTime, formatTimecode, parseTimecode, timecodeToFrames, timeToFrames, toSeconds } from './time.js';

export interface SessionClipJson {
  name: string;
  startSeconds: number;
  durationSeconds: number;
  sourceStartSeconds: number;
  /** Channel 1's media (kept for readers of schema 1 before channelMedia). */
  mediaId: string | null;
  /** Media per clip channel: channel i plays channel `channel` of media `mediaId`. */
  channelMedia: { mediaId: string | null; channel: number }[];
  gainDb: number;
  fadeInSeconds: number;
  fadeOutSeconds: number;
  muted: boolean;
}

export interface SessionJson {
  schema: 1;
  format: string;
  name: string;
  frameRate: { num: number; den: number };
  dropFrame: boolean;
  startTimecode: string;
  sampleRate: number | null;
  tracks: { name: string; channels: number; clips: SessionClipJson[] }[];
  media: {
    id: string;
    name: string;
    path: string | null;
    resolvedPath: string | null;
    embedded: boolean;
    channels: number | null;
    sampleRate: number | null;
  }[];
  markers: { name: string; startSeconds: number; timecode: string }[];
  warnings: string[];
}

/** Frame count of the session's start timecode (0 when it is not timecode). */
export function startTimecodeFrames(session: Session): number {
  const tc = parseTimecode(session.startTimecode);
  return tc ? timecodeToFrames(tc, session.frameRate, session.dropFrame) : 0;
}

/** Timecode of a timeline position: the session's start TC plus the whole frames elapsed. */
export function timecodeAt(session: Session, t: { value: number; rate: { num: number; den: number } }): string {
  const origin = { value: startTimecodeFrames(session), rate: session.frameRate };
  return formatTimecode(timeToFrames(addTime(origin, t), session.frameRate), session.frameRate, session.dropFrame);
}

/** Round away binary noise (x.1000000000002) without losing sample accuracy (1/192000 s ≫ 1e-9). */
function sec(t: { value: number; rate: { num: number; den: number } }): number {
  return round9(toSeconds(t));
}

function round9(seconds: number): number {
  return Math.round(seconds * 1e9) / 1e9;
}

export function sessionToJson(session: Session): SessionJson {
  const mediaById = new Map(session.media.map((m) => [m.id, m]));
  return {
    schema: 1,
    format: session.format,
    name: session.name,
    frameRate: { num: session.frameRate.num, den: session.frameRate.den },
    dropFrame: session.dropFrame,
    startTimecode: session.startTimecode,
    sampleRate: session.sampleRate,
    tracks: session.tracks.map((track) => ({
      name: track.name,
      channels: track.channels,
      clips: track.clips.map((clip) => ({
        name: clip.name,
        startSeconds: sec(clip.start),
        durationSeconds: sec(clip.duration),
        sourceStartSeconds: sec(clip.sourceStart),
        mediaId: clip.mediaId,
        channelMedia: channelMediaFor(clip, track.channels, mediaById).map((c) => ({ mediaId: c.mediaId, channel: c.channel })),
        gainDb: clip.gainDb,
        fadeInSeconds: round9(clip.fadeInSeconds),
        fadeOutSeconds: round9(clip.fadeOutSeconds),
        muted: clip.muted,
      })),
    })),
    media: session.media.map((m) => ({
      id: m.id,
      name: m.name,
      path: m.path,
      resolvedPath: m.resolvedPath,
      embedded: m.embedded,
      channels: m.channels,
      sampleRate: m.sampleRate,
    })),
    markers: session.markers.map((marker) => ({
      name: marker.name,
      startSeconds: sec(marker.start),
      timecode: timecodeAt(session, marker.start),
    })),
    warnings: [...session.warnings],
  };
}
