// Flat memory: 20 minutes of 6-channel 24-bit audio (about 1 GB of PCM), synthesized by an in-memory
// ByteSource that never holds more than one period, streamed through openByteSource + runAnalyzers.
import { describe, expect, it } from 'vitest';
import { runAnalyzers } from '../../src/analysis/host.js';
import type { Analyzer, AudioBlock, StreamInfo } from '../../src/analyzers/types.js';
import { openByteSource } from '../../src/audio/open.js';
import type { ByteSource } from '../../src/audio/types.js';
import { fmtBody, riffFile } from '../helpers/audio-fixtures.js';

const RATE = 48000;
const CHANNELS = 6;
const FRAMES = RATE * 60 * 20;
const BLOCK_ALIGN = CHANNELS * 3;
/** One period of the synthesized signal; FRAMES is a whole number of periods. */
const PERIOD = 4800;

/** Sample value (24-bit integer) of channel c at frame f of the period. */
function sampleInt(f: number, c: number): number {
  return ((f * 1021 + c * 99991) % 16777216) - 8388608;
}

function syntheticWav(): { source: ByteSource; periodSums: number[]; periodPeaks: number[] } {
  const period = Buffer.alloc(PERIOD * BLOCK_ALIGN);
  const periodSums = new Array<number>(CHANNELS).fill(0);
  const periodPeaks = new Array<number>(CHANNELS).fill(0);
  for (let f = 0; f < PERIOD; f++) {
    for (let c = 0; c < CHANNELS; c++) {
      const v = sampleInt(f, c);
      period.writeIntLE(v, f * BLOCK_ALIGN + c * 3, 3);
      periodSums[c]! += v / 2 ** 23;
      periodPeaks[c] = Math.max(periodPeaks[c]!, Math.abs(v / 2 ** 23));
    }
  }
  const dataBytes = FRAMES * BLOCK_ALIGN;
  const header = riffFile([{ id: 'fmt ', body: fmtBody({ channels: CHANNELS, sampleRate: RATE, bits: 24 }) }, { id: 'data', body: Buffer.alloc(0), declaredSize: dataBytes }], { riffSize: 36 + dataBytes });
  const size = header.length + dataBytes;
  const source: ByteSource = {
    name: 'synthetic-20min-5.1.wav',
    size,
    read(buf, offset, length, position) {
      let done = 0;
      while (done < length && position + done < size) {
        const at = position + done;
        if (at < header.length) {
          const n = Math.min(length - done, header.length - at);
          buf.set(header.subarray(at, at + n), offset + done);
          done += n;
        } else {
          const inPeriod = (at - header.length) % period.length;
          const n = Math.min(length - done, period.length - inPeriod, size - at);
          buf.set(period.subarray(inPeriod, inPeriod + n), offset + done);
          done += n;
        }
      }
      return done;
    },
    close() {},
  };
  return { source, periodSums, periodPeaks };
}

/** Sums and peaks every channel, and samples the process's resident memory as it goes. */
class ChecksumAnalyzer implements Analyzer<{ sums: number[]; peaks: number[]; frames: number; maxRss: number }> {
  readonly id = 'checksum';
  private sums: number[] = [];
  private peaks: number[] = [];
  private frames = 0;
  private maxRss = 0;
  private blocks = 0;
  start(stream: StreamInfo): void {
    this.sums = new Array<number>(stream.channelCount).fill(0);
    this.peaks = new Array<number>(stream.channelCount).fill(0);
  }
  process(block: AudioBlock): void {
    for (let c = 0; c < block.channels.length; c++) {
      const x = block.channels[c]!;
      let s = 0;
      let p = this.peaks[c]!;
      for (let i = 0; i < block.frames; i++) {
        s += x[i]!;
        const a = Math.abs(x[i]!);
        if (a > p) p = a;
      }
      this.sums[c]! += s;
      this.peaks[c] = p;
    }
    this.frames += block.frames;
    if (this.blocks++ % 50 === 0) this.maxRss = Math.max(this.maxRss, process.memoryUsage().rss);
  }
  finish() {
    return { sums: this.sums, peaks: this.peaks, frames: this.frames, maxRss: Math.max(this.maxRss, process.memoryUsage().rss) };
  }
}

describe('flat memory', () => {
  it('20 minutes of 5.1 (1 GB of PCM) streams with resident memory growing by less than 50 MB', async () => {
    const { source, periodSums, periodPeaks } = syntheticWav();
    const audio = openByteSource(source);
    expect(audio.header.format).toMatchObject({ channels: 6, frames: FRAMES, sampleRate: RATE, bitDepth: 24 });
    expect(audio.header.format.durationSeconds).toBe(1200);
    const before = process.memoryUsage().rss;
    const checksum = new ChecksumAnalyzer();
    const done = await runAnalyzers(audio, [checksum]);
    audio.close();
    const r = checksum.finish();
    expect(done).toBe(FRAMES);
    expect(r.frames).toBe(FRAMES);
    const periods = FRAMES / PERIOD;
    for (let c = 0; c < CHANNELS; c++) {
      // each period decodes to the same values; float32 block sums drift a little over 1200 blocks
      expect(r.sums[c]! / periods).toBeCloseTo(periodSums[c]!, 1);
      expect(r.peaks[c]).toBe(Math.fround(periodPeaks[c]!));
    }
    expect(r.maxRss - before).toBeLessThan(50 * 1024 * 1024);
  }, 300_000);
});
