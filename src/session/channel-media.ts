/**
 * Media per clip channel. Adapters that know each channel's source (AAF multi-mono clips, Pro Tools
 * per-channel rows) set `channelMedia` themselves; the rest describe one medium played from its first
 * channel on, which `channelMediaFor` spells out so every clip carries the same shape.
 */
import type { ChannelMedia, Clip, MediaRef } from './model.js';

/**
 * One medium on `channels` clip channels: from `channel` when the clip plays one source channel,
 * else channels 1..n. No media → no entries.
 */
export function oneMediumChannels(mediaId: string | null, channels: number, channel?: number | null): ChannelMedia[] {
  if (mediaId === null) return [];
  if (channel !== undefined && channel !== null) return [{ mediaId, channel }];
  const n = Math.max(1, channels);
  return Array.from({ length: n }, (_, i) => ({ mediaId, channel: i + 1 }));
}

/**
 * The clip's channel media: as the adapter set it, else one medium over as many channels as the
 * media has (or the track, when the media does not say), capped by the track's width.
 */
export function channelMediaFor(clip: Clip, trackChannels: number, media?: ReadonlyMap<string, MediaRef>): ChannelMedia[] {
  if (clip.channelMedia) return clip.channelMedia;
  const mediaChannels = clip.mediaId !== null ? media?.get(clip.mediaId)?.channels ?? null : null;
  const n = mediaChannels !== null && mediaChannels > 0 ? Math.min(mediaChannels, Math.max(1, trackChannels)) : trackChannels;
  return oneMediumChannels(clip.mediaId, n, clip.channel);
}

/** Fill `channelMedia` on every clip that lacks it (the registry calls this once per session). */
export function fillChannelMedia(tracks: { channels: number; clips: Clip[] }[], media: MediaRef[]): void {
  const byId = new Map(media.map((m) => [m.id, m]));
  for (const track of tracks) for (const clip of track.clips) clip.channelMedia = channelMediaFor(clip, track.channels, byId);
}
