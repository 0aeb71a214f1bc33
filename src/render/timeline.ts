/**
 * The timeline renderer: a session's audio tracks played from their media, sample-accurate at the
 * session's sample rate, streamed as planar Float32 blocks through the AudioSource interface, so the
 * analysis host and the analyzers run on it exactly as on a file. One pass, flat memory: only the clips
 * under the current block hold a reader, and nothing is bounced to disk.
 *
 * A clip plays media frames [sourceStart, sourceStart + duration) at timeline [start, start + duration),
 * clip channel i from its channelMedia[i] onto track channel i, times clip gain × track volume × its
 * fades (./fades.ts). Overlapping clips on a track sum (a crossfade is two overlapping fades). Muted
 * clips are silent; missing or unplayable media is silence, counted per track.
 */
import { defaultLabels, genericLabels, type ChannelLabel } from '../audio/channels.js';
import type { AudioHeader, AudioSource } from '../audio/types.js';
import { noBwfMetadata } from '../audio/types.js';
import { StreamingResampler } from '../dsp/resample.js';
import { toErrorInfo } from '../errors.js';
import { timecodeAt } from '../session/json.js';
import type { ChannelMedia, Session, Track } from '../session/model.js';
import { addTime, rescaleTime, type Rational, type RationalTime } from '../session/time.js';

/**
 * A session time as a whole frame count at `rate`, to the nearest frame. Exact (BigInt) for whole counts;
 * an adapter that converted between edit rates may hand over a fractional count (an AAF source start of
 * 1601.6 at 48 kHz), which is rounded here rather than refused.
 */
export function framesAtRate(t: RationalTime, rate: Rational): number {
  if (Number.isSafeInteger(t.value)) return Math.round(rescaleTime(t, rate, 'round').value);
  return Math.round((t.value * rate.num * t.rate.den) / (rate.den * t.rate.num));
}
import { fadeCurve, isRenderedAsNamed, type FadeCurve } from './fades.js';
import { ClipMediaReader, probeMedia, type MediaProbe } from './media.js';
import { createTimelineMixer, type TimelineMixer } from './mix.js';

/** Frames the renderer mixes at a time (the host's blocks are split into these). */
export const TIMELINE_CHUNK_FRAMES = 8192;

export interface ClipSource {
  probe: MediaProbe;
  /** Media frame (at the media's rate) under the clip's first timeline frame. */
  startFrame: number;
  /** [clip channel, media channel (0-based)] pairs this medium feeds. */
  picks: Array<[number, number]>;
}

export interface PlannedClip {
  name: string;
  /** Timeline frames at the session rate, from the session's start: [startFrame, endFrame). */
  startFrame: number;
  endFrame: number;
  /** Linear amplitude: clip gain × track volume. */
  gain: number;
  fadeInFrames: number;
  fadeOutFrames: number;
  fadeIn: FadeCurve;
  fadeOut: FadeCurve;
  sources: ClipSource[];
}

export interface PlannedTrack {
  /** Index in Session.tracks. */
  index: number;
  name: string;
  /** Channels rendered: the widest clip, at most the track's own width. */
  channels: number;
  muted: boolean;
  folder: boolean;
  parentTrack: number | null;
  /** Clips on the track (muted ones included). */
  clipCount: number;
  /** Clips (not muted) with at least one channel whose media cannot be played: rendered as silence. */
  missingClips: number;
  missingSeconds: number;
  /** Clips that run past the end of their media (what exists plays, the rest is silence). */
  pastMediaEnd: PastMediaEnd[];
  /** The clips that sound, sorted by start. */
  clips: PlannedClip[];
}

export interface PastMediaEnd {
  clip: string;
  /** The clip's first timeline frame (session rate, from the session start) and its timecode. */
  startFrame: number;
  startTimecode: string;
  mediaId: string;
  /** Seconds of the clip past the media's last frame, and the media's length. */
  shortSeconds: number;
  mediaSeconds: number;
}

export interface TimelinePlan {
  sampleRate: number;
  /** First frame of the first clip and the end of the last clip (session-rate frames from the session start). */
  firstFrame: number;
  endFrame: number;
  tracks: PlannedTrack[];
  warnings: string[];
}

/** The channel labels a rendered stream of `n` channels is measured with (mono: one channel at weight 1). */
export function labelsFor(n: number): ChannelLabel[] {
  return defaultLabels(n) ?? genericLabels(n);
}

function dbToGain(db: number): number {
  return Math.pow(10, db / 20);
}

/** Plan the render of a session: every clip in session-rate frames with its media, gains and fades. */
export function planTimeline(session: Session, probes: Map<string, MediaProbe> = probeMedia(session)): TimelinePlan {
  const warnings: string[] = [];
  let sampleRate = session.sampleRate ?? 0;
  if (!(sampleRate > 0)) {
    const first = [...probes.values()].find((p) => p.problem === null);
    sampleRate = first?.sampleRate ?? 48000;
    warnings.push(`the session does not state a sample rate: rendered at ${sampleRate} Hz (${first ? `the rate of '${first.ref.name}'` : 'no media to take it from'})`);
  }
  const rate: Rational = { num: sampleRate, den: 1 };
  // rounded again: an adapter may hand a fractional count (AAF: a source start of 1601.6 samples at 48 kHz)
  const frameAt = (t: RationalTime) => framesAtRate(t, rate);

  // rates we convert, and the ones the resampler refuses (said once per media)
  for (const p of probes.values()) {
    if (p.problem !== null || p.sampleRate === sampleRate) continue;
    try {
      new StreamingResampler(p.sampleRate, sampleRate);
      warnings.push(`media '${p.ref.name}' is ${p.sampleRate} Hz, the session ${sampleRate} Hz: resampled (band-limited polyphase, src/dsp/resample.ts)`);
    } catch (err) {
      p.problem = `media '${p.ref.name}' cannot be played at the session's rate: ${toErrorInfo(err).message}`;
    }
  }

  const tracks: PlannedTrack[] = [];
  let firstFrame = Infinity;
  let endFrame = 0;
  session.tracks.forEach((track, index) => {
    const planned = planTrack(session, track, index, probes, sampleRate, frameAt, warnings);
    for (const c of planned.clips) {
      firstFrame = Math.min(firstFrame, c.startFrame);
      endFrame = Math.max(endFrame, c.endFrame);
    }
    // clips that are silent still count towards the session's extent
    for (const clip of track.clips) {
      firstFrame = Math.min(firstFrame, frameAt(clip.start));
      endFrame = Math.max(endFrame, frameAt(addTime(clip.start, clip.duration)));
    }
    tracks.push(planned);
  });
  if (!Number.isFinite(firstFrame)) firstFrame = 0;
  return { sampleRate, firstFrame: Math.max(0, firstFrame), endFrame, tracks, warnings };
}

function planTrack(
  session: Session,
  track: Track,
  index: number,
  probes: Map<string, MediaProbe>,
  sampleRate: number,
  frameAt: (t: RationalTime) => number,
  warnings: string[],
): PlannedTrack {
  const name = track.name.trim() === '' ? `(unnamed track ${index + 1})` : track.name;
  const clipChannels = new Map(track.clips.map((c) => [c, playedChannels(c.channelMedia ?? [], probes)]));
  // the width the playable clips give (a clip whose media is missing cannot say how wide it is)
  const playable = [...clipChannels.values()].filter((cm) => cm.some((c) => c.mediaId !== null && probes.get(c.mediaId)?.problem === null));
  const widest = Math.max(0, ...playable.map((cm) => cm.length));
  const channels = Math.max(1, widest > 0 ? Math.min(widest, Math.max(1, track.channels)) : track.channels);
  const out: PlannedTrack = {
    index,
    name,
    channels,
    muted: track.muted === true,
    folder: track.folder === true,
    parentTrack: track.parentTrack ?? null,
    clipCount: track.clips.length,
    missingClips: 0,
    missingSeconds: 0,
    pastMediaEnd: [],
    clips: [],
  };
  const volume = dbToGain(track.volumeDb ?? 0);
  const reasons = new Set<string>();
  let dropped = 0;
  const otherShapes = new Set<string>();
  for (const clip of track.clips) {
    if (clip.muted) continue;
    const startFrame = frameAt(clip.start);
    const endFrame = frameAt(addTime(clip.start, clip.duration));
    if (endFrame <= startFrame) continue;
    const at = timecodeAt(session, clip.start);
    const lengthFrames = endFrame - startFrame;
    const sources = new Map<string, ClipSource>();
    let missing = false;
    const channelMedia = clipChannels.get(clip)!;
    const clipName = clip.name || (channelMedia[0]?.mediaId ? (probes.get(channelMedia[0].mediaId)?.ref.name ?? '') : '') || '(unnamed clip)';
    if (channelMedia.length === 0) {
      missing = true;
      reasons.add('clips with no media (generated or unnamed sources)');
    }
    channelMedia.forEach((cm, clipChannel) => {
      if (clipChannel >= channels) {
        dropped++;
        return;
      }
      const probe = cm.mediaId !== null ? probes.get(cm.mediaId) : undefined;
      if (!probe || probe.problem !== null) {
        missing = true;
        reasons.add(probe?.problem ?? 'a clip channel names no media');
        return;
      }
      if (cm.channel < 1 || cm.channel > probe.channels) {
        missing = true;
        reasons.add(`media '${probe.ref.name}' has ${probe.channels} channel(s); a clip plays its channel ${cm.channel}`);
        return;
      }
      let source = sources.get(probe.ref.id);
      if (!source) {
        const mediaRate: Rational = { num: probe.sampleRate, den: 1 };
        source = { probe, startFrame: framesAtRate(clip.sourceStart, mediaRate), picks: [] };
        sources.set(probe.ref.id, source);
        // a clip that runs past its media: what exists plays, the rest is silence
        const needed = source.startFrame + Math.round((lengthFrames * probe.sampleRate) / sampleRate);
        if (needed > probe.frames) {
          const shortSeconds = (needed - Math.max(probe.frames, source.startFrame)) / probe.sampleRate;
          out.pastMediaEnd.push({ clip: clipName, startFrame, startTimecode: at, mediaId: probe.ref.id, shortSeconds, mediaSeconds: probe.frames / probe.sampleRate });
          warnings.push(
            `track '${name}': clip '${clipName}' at ${at} runs ${shortSeconds.toFixed(3)} s past the end of its media '${probe.ref.name}' (${(probe.frames / probe.sampleRate).toFixed(3)} s long); the rest renders as silence`,
          );
        }
      }
      source.picks.push([clipChannel, cm.channel - 1]);
    });
    if (missing) {
      out.missingClips++;
      out.missingSeconds += lengthFrames / sampleRate;
    }
    if (!isRenderedAsNamed(clip.fadeInShape) && clip.fadeInSeconds > 0) otherShapes.add(clipName);
    if (!isRenderedAsNamed(clip.fadeOutShape) && clip.fadeOutSeconds > 0) otherShapes.add(clipName);
    if (sources.size === 0) continue;
    out.clips.push({
      name: clipName,
      startFrame,
      endFrame,
      gain: dbToGain(clip.gainDb) * volume,
      fadeInFrames: Math.min(lengthFrames, Math.max(0, Math.round(clip.fadeInSeconds * sampleRate))),
      fadeOutFrames: Math.min(lengthFrames, Math.max(0, Math.round(clip.fadeOutSeconds * sampleRate))),
      fadeIn: fadeCurve(clip.fadeInShape),
      fadeOut: fadeCurve(clip.fadeOutShape),
      sources: [...sources.values()],
    });
  }
  out.clips.sort((a, b) => a.startFrame - b.startFrame);
  if (out.missingClips > 0) {
    warnings.push(
      `track '${name}': ${out.missingClips} of ${out.clipCount} clips (${out.missingSeconds.toFixed(3)} s) render as silence: ${[...reasons].join('; ')}`,
    );
  }
  if (dropped > 0) warnings.push(`track '${name}': ${dropped} clip channel(s) beyond the track's ${channels} channel(s) are not rendered`);
  if (otherShapes.size > 0) {
    warnings.push(`track '${name}': ${otherShapes.size} clip(s) have a fade shape the session names but dubstage does not know (e.g. '${[...otherShapes][0]}'); rendered linear`);
  }
  return out;
}

/**
 * The channels a clip plays. A clip that plays one medium from its channel 1 on (the shape adapters give
 * when the session does not say the media's width: a REAPER item on a stereo track) plays as many
 * channels as the medium has; a clip that names each channel's source keeps what it names.
 */
function playedChannels(channelMedia: ChannelMedia[], probes: Map<string, MediaProbe>): ChannelMedia[] {
  const first = channelMedia[0];
  if (!first || first.mediaId === null) return channelMedia;
  const oneMedium = channelMedia.every((c, i) => c.mediaId === first.mediaId && c.channel === i + 1);
  const probe = probes.get(first.mediaId);
  if (!oneMedium || !probe || probe.problem !== null || probe.channels >= channelMedia.length) return channelMedia;
  return channelMedia.slice(0, probe.channels);
}

/** A rendered sum of tracks (a premix group): every member shares the group's channel count. */
export interface RenderedGroup {
  members: PlannedTrack[];
  channels: number;
}

interface ActiveClip {
  clip: PlannedClip;
  readers: ClipMediaReader[] | null;
}

interface TrackLane {
  track: PlannedTrack;
  offset: number;
  next: number;
  active: ActiveClip[];
}

/**
 * The session as one stream: the listed tracks' channels side by side, then each group's channels
 * (the sample-by-sample sum of its members). Frame 0 is timeline frame `fromFrame`.
 */
export class TimelineSource implements AudioSource {
  readonly header: AudioHeader;
  readonly files: string[];
  /** Where each track's and group's channels start in the stream. */
  readonly trackOffsets: number[];
  readonly groupOffsets: number[];
  private readonly lanes: TrackLane[];
  private readonly groups: { group: RenderedGroup; offset: number; memberOffsets: number[] }[];
  private position = 0;
  private readonly mixer: TimelineMixer;

  constructor(
    readonly plan: TimelinePlan,
    tracks: PlannedTrack[],
    groups: RenderedGroup[],
    private readonly fromFrame = plan.firstFrame,
    toFrame = plan.endFrame,
    useWasm = true,
  ) {
    let offset = 0;
    this.lanes = tracks.map((track) => {
      const lane = { track, offset, next: 0, active: [] };
      offset += track.channels;
      return lane;
    });
    this.trackOffsets = this.lanes.map((l) => l.offset);
    const laneOf = new Map(this.lanes.map((l) => [l.track, l]));
    this.groups = groups.map((group) => {
      const g = { group, offset, memberOffsets: group.members.map((m) => laneOf.get(m)!.offset) };
      offset += group.channels;
      return g;
    });
    this.groupOffsets = this.groups.map((g) => g.offset);
    const labels = [...tracks.map((t) => labelsFor(t.channels)), ...groups.map((g) => labelsFor(g.channels))].flat();
    const frames = Math.max(0, toFrame - fromFrame);
    const media = new Set<string>();
    let float = false;
    for (const t of tracks) {
      for (const c of t.clips) {
        for (const s of c.sources) {
          media.add(s.probe.address!);
          float ||= s.probe.float;
        }
      }
    }
    this.files = [...media];
    let widest = 1;
    for (const t of tracks) for (const c of t.clips) for (const s of c.sources) widest = Math.max(widest, s.probe.channels);
    this.mixer = createTimelineMixer(TIMELINE_CHUNK_FRAMES, offset, widest, useWasm);
    this.header = {
      path: 'timeline',
      format: {
        container: 'wav', // a computed stream: the field has no meaning here
        sampleRate: plan.sampleRate,
        bitDepth: 32,
        // the host scrubs NaN/Inf from a float stream: only float media can bring them
        sampleFormat: float ? 'float' : 'int',
        channels: offset,
        channelLabels: labels,
        labelSource: 'assumed-by-count',
        frames,
        durationSeconds: frames / plan.sampleRate,
      },
      channelMask: null,
      codec: 'timeline',
      blockAlign: offset * 4,
      dataOffset: 0,
      dataBytes: 0,
      bigEndian: false,
      chunks: [],
      ...noBwfMetadata(),
      warnings: [],
    };
  }

  seek(frame: number): void {
    this.position = Math.max(0, Math.min(frame, this.header.format.frames));
    for (const lane of this.lanes) {
      for (const a of lane.active) for (const r of a.readers ?? []) r.close();
      lane.active = [];
      lane.next = 0;
    }
  }

  read(out: Float32Array[], maxFrames: number): number {
    const n = Math.min(maxFrames, this.header.format.frames - this.position);
    if (n <= 0) return 0;
    const mixer = this.mixer;
    const channels = this.header.format.channels;
    // chunk by chunk: the buses of every track and group stay in cache while they are mixed and copied out
    for (let done = 0; done < n; ) {
      const len = Math.min(mixer.chunk, n - done);
      const t0 = this.fromFrame + this.position + done;
      for (const lane of this.lanes) this.renderLane(lane, t0, t0 + len);
      for (const g of this.groups) {
        for (let c = 0; c < g.group.channels; c++) {
          mixer.zero(g.offset + c, len);
          for (const m of g.memberOffsets) mixer.add(g.offset + c, m + c, len);
        }
      }
      for (let c = 0; c < channels; c++) out[c]!.set(mixer.bus[c]!.subarray(0, len), done);
      done += len;
    }
    this.position += n;
    return n;
  }

  private renderLane(lane: TrackLane, t0: number, t1: number): void {
    const mixer = this.mixer;
    const n = t1 - t0;
    const { track, offset } = lane;
    for (let c = 0; c < track.channels; c++) mixer.zero(offset + c, n);
    const clips = track.clips;
    while (lane.next < clips.length && clips[lane.next]!.startFrame < t1) {
      const clip = clips[lane.next++]!;
      if (clip.endFrame > t0) lane.active.push({ clip, readers: null });
    }
    let keep = 0;
    for (const a of lane.active) {
      const clip = a.clip;
      const from = Math.max(t0, clip.startFrame);
      const to = Math.min(t1, clip.endFrame);
      const len = to - from;
      if (len > 0) {
        if (!a.readers) {
          const into = from - clip.startFrame;
          a.readers = clip.sources.map(
            (s) => new ClipMediaReader(s.probe, s.startFrame + Math.round((into * s.probe.sampleRate) / this.plan.sampleRate), this.plan.sampleRate),
          );
        }
        const faded = this.clipEnvelope(clip, from, len);
        const at = from - t0;
        for (let i = 0; i < clip.sources.length; i++) {
          const s = clip.sources[i]!;
          a.readers[i]!.read(mixer.media, len);
          for (const [clipChannel, mediaChannel] of s.picks) {
            if (faded) mixer.mixEnvelope(offset + clipChannel, at, mediaChannel, len);
            else mixer.mixGain(offset + clipChannel, at, mediaChannel, len, clip.gain);
          }
        }
      }
      if (clip.endFrame <= t1) {
        for (const r of a.readers ?? []) r.close();
      } else {
        lane.active[keep++] = a;
      }
    }
    lane.active.length = keep;
  }

  /**
   * When a fade touches [from, from + len): the clip's gain per frame into the mixer's envelope, and true;
   * false when the stretch plays at the constant gain.
   */
  private clipEnvelope(clip: PlannedClip, from: number, len: number): boolean {
    const fadeInEnd = clip.startFrame + clip.fadeInFrames;
    const fadeOutStart = clip.endFrame - clip.fadeOutFrames;
    if (from >= fadeInEnd && from + len <= fadeOutStart) return false;
    const env = this.mixer.envelope;
    for (let k = 0; k < len; k++) {
      const f = from + k;
      let g = clip.gain;
      if (f < fadeInEnd) g *= clip.fadeIn((f - clip.startFrame + 0.5) / clip.fadeInFrames);
      if (f >= fadeOutStart) g *= clip.fadeOut((clip.endFrame - f - 0.5) / clip.fadeOutFrames);
      env[k] = g;
    }
    return true;
  }

  close(): void {
    this.seek(0);
  }
}
