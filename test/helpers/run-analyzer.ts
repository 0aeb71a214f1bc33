import type { ChannelLabel } from '../../src/audio/channels.js';
import type { Analyzer } from '../../src/analyzers/types.js';

/**
 * Feed planar channels to an analyzer as the host does: reused buffers, blocks of `blockFrames` (or of
 * sizes cycling through a list, so runs and windows straddle uneven block edges; the last one short),
 * then finish(). Async analyzers are not awaited: these tests feed DSP analyzers.
 */
export function runAnalyzer<R>(analyzer: Analyzer<R>, channels: Float32Array[], labels: ChannelLabel[], blockFrames: number | number[], sampleRate = 48000): R {
  const sizes = typeof blockFrames === 'number' ? [blockFrames] : blockFrames;
  const frames = channels[0]!.length;
  analyzer.start({ sampleRate, channelCount: channels.length, channelLabels: labels, frames });
  const bufs = channels.map(() => new Float32Array(Math.max(...sizes)));
  for (let off = 0, k = 0; off < frames; k++) {
    const n = Math.min(sizes[k % sizes.length]!, frames - off);
    channels.forEach((ch, c) => bufs[c]!.set(ch.subarray(off, off + n)));
    void analyzer.process({ channels: bufs, frames: n, frameOffset: off });
    off += n;
  }
  return analyzer.finish();
}
