/**
 * NaN and ±Infinity in a float file: not audio any meter can weigh (one Inf makes the true peak
 * "Infinity dBTP" and the integrated loudness meaningless). The host scrubs them to 0 before any
 * analyzer sees the block and counts where they were, so the figures stay finite and the file gets a
 * finding with its position. Integer PCM cannot hold them: only float sources are checked.
 */
import type { ChannelLabel } from '../audio/channels.js';

export interface NonFiniteReport {
  samples: number;
  /** Frame (from the file's first sample) of the first one, and its seconds at the file's rate. */
  firstFrame: number;
  firstSeconds: number;
  channels: ChannelLabel[];
  /** Stretches with non-finite samples (the first few), merged when closer than 10 ms. */
  runs: Array<{ startSeconds: number; endSeconds: number; samples: number; channels: ChannelLabel[] }>;
}

const MAX_RUNS = 100;

export class NonFiniteScrubber {
  private samples = 0;
  private firstFrame = -1;
  private readonly hit: boolean[];
  private readonly runs: NonFiniteReport['runs'] = [];

  constructor(
    private readonly sampleRate: number,
    private readonly labels: ChannelLabel[],
    private readonly offsetFrames = 0,
  ) {
    this.hit = labels.map(() => false);
  }

  /**
   * Replace non-finite samples of the block with 0; `atFrame` is the block's first frame after the
   * offset. `count` false: a worker's pre-roll (its samples belong to the previous segment's count).
   */
  scrub(channels: Float32Array[], frames: number, atFrame: number, count = true): void {
    for (let c = 0; c < channels.length; c++) {
      const x = channels[c]!;
      // x·0 is 0 for every finite x and NaN for NaN and ±Inf: one cheap sum tells a clean block
      let probe = 0;
      for (let i = 0; i < frames; i++) probe += x[i]! * 0;
      if (probe === 0) continue;
      for (let i = 0; i < frames; i++) {
        if (Number.isFinite(x[i]!)) continue;
        x[i] = 0;
        if (count) this.note(c, this.offsetFrames + atFrame + i);
      }
    }
  }

  private note(channel: number, frame: number): void {
    this.samples++;
    if (this.firstFrame < 0 || frame < this.firstFrame) this.firstFrame = frame;
    this.hit[channel] = true;
    const seconds = frame / this.sampleRate;
    const label = this.labels[channel] ?? (`Ch${channel + 1}` as ChannelLabel);
    const last = this.runs.find((r) => seconds >= r.startSeconds - 0.01 && seconds <= r.endSeconds + 0.01);
    if (last) {
      last.samples++;
      last.startSeconds = Math.min(last.startSeconds, seconds);
      last.endSeconds = Math.max(last.endSeconds, seconds + 1 / this.sampleRate);
      if (!last.channels.includes(label)) last.channels.push(label);
    } else if (this.runs.length < MAX_RUNS) {
      this.runs.push({ startSeconds: seconds, endSeconds: seconds + 1 / this.sampleRate, samples: 1, channels: [label] });
    }
  }

  report(): NonFiniteReport | null {
    if (this.samples === 0) return null;
    return {
      samples: this.samples,
      firstFrame: this.firstFrame,
      firstSeconds: this.firstFrame / this.sampleRate,
      channels: this.labels.filter((_, c) => this.hit[c]),
      runs: this.runs.sort((a, b) => a.startSeconds - b.startSeconds),
    };
  }
}

/** Reports of consecutive segments (each counted from the same origin) as one. */
export function mergeNonFinite(parts: Array<NonFiniteReport | null>): NonFiniteReport | null {
  const found = parts.filter((p): p is NonFiniteReport => p !== null);
  if (found.length === 0) return null;
  const channels = [...new Set(found.flatMap((p) => p.channels))];
  const first = found.reduce((a, b) => (b.firstFrame < a.firstFrame ? b : a));
  return {
    samples: found.reduce((n, p) => n + p.samples, 0),
    firstFrame: first.firstFrame,
    firstSeconds: first.firstSeconds,
    channels,
    runs: found.flatMap((p) => p.runs).sort((a, b) => a.startSeconds - b.startSeconds).slice(0, MAX_RUNS),
  };
}

/** The measurement's warning for scrubbed samples. */
export function nonFiniteWarning(r: NonFiniteReport): string {
  return `${r.samples} non-finite sample${r.samples === 1 ? '' : 's'} (NaN or Infinity) read as 0 so the meters stay finite; the first at ${r.firstSeconds.toFixed(3)} s on ${r.channels.join(', ')}`;
}
