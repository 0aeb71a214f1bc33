import type { ChannelLabel } from '../../src/audio/channels.js';
import type { Analyzer } from '../../src/analysis/types.js';

/**
 * Feed planar channels to an analyzer as the host does: reused buffers, blocks of `blockFrames`
 * (the last one short), then finish(). Async analyzers are not awaited: these tests feed DSP analyzers.
 */
export function runAnalyzer<R>(analyzer: Analyzer<R>, channels: Float32Array[], labels: ChannelLabel[], blockFrames: number, sampleRate = 48000): R {
  const frames = channels[0]!.length;
  analyzer.start({ sampleRate, channelCount: channels.length, channelLabels: labels, frames });
  const bufs = channels.map(() => new Float32Array(blockFrames));
  for (let off = 0; off < frames; off += blockFrames) {
    const n = Math.min(blockFrames, frames - off);
    channels.forEach((ch, c) => bufs[c]!.set(ch.subarray(off, off + n)));
    void analyzer.process({ channels: bufs, frames: n, frameOffset: off });
  }
  return analyzer.finish();
}
