/**
 * The media a timeline plays: each MediaRef probed once (header only), then opened per clip as a
 * reader that yields the clip's frames at the session's sample rate, in order — straight from the
 * file when the rates agree, through the band-limited StreamingResampler (src/dsp/resample.ts) when
 * they do not. Readers hold one file handle and, when resampling, a filter bank and a short FIFO per
 * channel: nothing grows with the clip's length.
 */
import { openFileSource } from '../audio/bytesource.js';
import { openByteSource } from '../audio/open.js';
import type { AudioSource } from '../audio/types.js';
import { StreamingResampler } from '../dsp/resample.js';
import { toErrorInfo } from '../errors.js';
import { openEmbedded } from '../analysis/embedded.js';
import type { MediaRef, Session } from '../session/model.js';

export interface MediaProbe {
  ref: MediaRef;
  /** Where the samples are: a file path, or FILE.aaf#ID for embedded essence; null when missing. */
  address: string | null;
  channels: number;
  sampleRate: number;
  /** Bits per sample as the file states them (32 for float). */
  bitDepth: number;
  frames: number;
  /** Float media may hold NaN/Inf (the host scrubs a float stream); integer PCM cannot. */
  float: boolean;
  /** Why this media cannot be played (missing, not audio, a rate we cannot convert); null when it can. */
  problem: string | null;
}

/** Probe every media reference of the session (headers only). */
export function probeMedia(session: Session): Map<string, MediaProbe> {
  const out = new Map<string, MediaProbe>();
  for (const ref of session.media) {
    const address = ref.embedded ? `${session.path}#${ref.id}` : ref.resolvedPath;
    const probe: MediaProbe = { ref, address, channels: 0, sampleRate: 0, bitDepth: 0, frames: 0, float: false, problem: null };
    if (address === null) {
      probe.problem = `media '${ref.name}' not found${ref.path ? ` (${ref.path})` : ''}`;
    } else {
      try {
        const source = openMedia(address, ref.embedded);
        const f = source.header.format;
        probe.channels = f.channels;
        probe.sampleRate = f.sampleRate;
        probe.bitDepth = f.bitDepth;
        probe.frames = f.frames;
        probe.float = f.sampleFormat === 'float';
        source.close();
      } catch (err) {
        probe.problem = toErrorInfo(err, address).message;
      }
    }
    out.set(ref.id, probe);
  }
  return out;
}

function openMedia(address: string, embedded: boolean): AudioSource {
  // PCM containers only: a compressed file would have to be decoded whole
  return embedded ? openEmbedded(address) : openByteSource(openFileSource(address));
}

/**
 * Reads one medium for one clip: `frames` at the session rate per call, starting at media frame
 * `startFrame` (at the media's own rate). Past the media's end (or before its start) it yields silence; `shortFrames` counts them.
 */
export class ClipMediaReader {
  private source: AudioSource | null;
  /** Media frames still to skip as silence before the media's frame 0 (a negative source start). */
  private leadSilence = 0;
  private ended = false;
  private readonly resamplers: StreamingResampler[] | null = null;
  private fifo: Float32Array[] = [];
  private fifoStart = 0;
  private fifoEnd = 0;
  private input: Float32Array[] = [];
  private flushed = false;
  /** Session-rate frames asked for past the end of the media. */
  shortFrames = 0;

  constructor(
    readonly probe: MediaProbe,
    startFrame: number,
    sessionRate: number,
  ) {
    const resample = probe.sampleRate !== sessionRate;
    if (resample) this.resamplers = Array.from({ length: probe.channels }, () => new StreamingResampler(probe.sampleRate, sessionRate));
    this.source = openMedia(probe.address!, probe.ref.embedded);
    if (startFrame < 0) {
      this.leadSilence = -startFrame;
      startFrame = 0;
    }
    if (startFrame >= probe.frames) this.ended = true;
    else this.source.seek(startFrame);
  }

  /** Fill out[c][0 .. frames) for every media channel c (out holds at least the media's channels). */
  read(out: Float32Array[], frames: number): void {
    if (this.resamplers) this.readResampled(out, frames);
    else this.readDirect(out, frames);
  }

  private readDirect(out: Float32Array[], frames: number): void {
    let done = 0;
    if (this.leadSilence > 0) {
      const n = Math.min(frames, this.leadSilence);
      for (const ch of out) ch.fill(0, 0, n);
      this.leadSilence -= n;
      done = n;
    }
    while (done < frames && !this.ended) {
      // a view only when the read resumes mid-buffer (after lead silence or a short read)
      const target = done === 0 ? out : out.map((ch) => ch.subarray(done));
      const got = this.source!.read(target, frames - done);
      if (got === 0) this.ended = true;
      done += got;
    }
    if (done < frames) {
      for (const ch of out) ch.fill(0, done, frames);
      this.shortFrames += frames - done;
    }
  }

  private readResampled(out: Float32Array[], frames: number): void {
    const offset = 0;
    const rs = this.resamplers!;
    while (this.fifoEnd - this.fifoStart < frames && !this.flushed) this.pull(rs, frames);
    const have = Math.min(frames, this.fifoEnd - this.fifoStart);
    for (let c = 0; c < rs.length; c++) out[c]!.set(this.fifo[c]!.subarray(this.fifoStart, this.fifoStart + have), offset);
    this.fifoStart += have;
    if (have < frames) {
      for (let c = 0; c < rs.length; c++) out[c]!.fill(0, offset + have, offset + frames);
      this.shortFrames += frames - have;
    }
  }

  /** Feed the resamplers one chunk of media (or flush them at its end). */
  private pull(rs: StreamingResampler[], wanted: number): void {
    const chunk = Math.max(1024, Math.ceil((wanted * rs[0]!.down) / rs[0]!.up) + 16);
    if (this.input.length === 0 || this.input[0]!.length < chunk) this.input = rs.map(() => new Float32Array(chunk));
    let got = 0;
    if (this.leadSilence > 0) {
      got = Math.min(chunk, this.leadSilence);
      for (const ch of this.input) ch.fill(0, 0, got);
      this.leadSilence -= got;
    } else if (!this.ended) {
      got = this.source!.read(this.input, chunk);
      if (got === 0) this.ended = true;
    }
    const room = got > 0 ? rs[0]!.maxOutputFrames(got) : rs[0]!.maxOutputFrames(0) + rs[0]!.tapsPerPhase * 2;
    this.makeRoom(room);
    let produced = 0;
    for (let c = 0; c < rs.length; c++) {
      const target = this.fifo[c]!.subarray(this.fifoEnd);
      produced = got > 0 ? rs[c]!.push(this.input[c]!, got, target) : rs[c]!.flush(target);
    }
    if (got === 0) this.flushed = true;
    this.fifoEnd += produced;
  }

  private makeRoom(room: number): void {
    const live = this.fifoEnd - this.fifoStart;
    const size = this.fifo[0]?.length ?? 0;
    if (this.fifoEnd + room <= size) return;
    if (live + room <= size) {
      for (const f of this.fifo) f.copyWithin(0, this.fifoStart, this.fifoEnd);
    } else {
      this.fifo = this.resamplers!.map((_, c) => {
        const bigger = new Float32Array(Math.max(live + room, size * 2, 4096));
        if (this.fifo[c]) bigger.set(this.fifo[c]!.subarray(this.fifoStart, this.fifoEnd));
        return bigger;
      });
    }
    this.fifoStart = 0;
    this.fifoEnd = live;
  }

  close(): void {
    this.source?.close();
    this.source = null;
  }
}
