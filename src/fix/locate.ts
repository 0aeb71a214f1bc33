/**
 * Where a file's true peak is: one pass over one channel with the true-peak meter, noting the 10 ms
 * stretch in which the running maximum last rose. Run only when fix refuses, to say where the headroom
 * runs out (the measuring pass keeps the figure, not the place).
 */
import { openAudio } from '../audio/open.js';
import { TruePeakMeter } from '../dsp/truepeak.js';

export interface TruePeakPlace {
  /** Seconds from the file's first sample to the start of the 10 ms stretch holding the peak. */
  seconds: number;
  truePeakDbtp: number | null;
}

export async function locateTruePeak(file: string, channel: number): Promise<TruePeakPlace> {
  const source = await openAudio(file);
  try {
    const f = source.header.format;
    const meter = new TruePeakMeter(f.sampleRate);
    const blockFrames = 48000;
    const step = Math.max(1, Math.round(f.sampleRate / 100));
    const planar = Array.from({ length: f.channels }, () => new Float32Array(blockFrames));
    let best = 0;
    let at = 0;
    for (let done = 0; ; ) {
      const got = source.read(planar, blockFrames);
      if (got === 0) break;
      const x = planar[channel]!;
      for (let s = 0; s < got; s += step) {
        meter.process(x, s, Math.min(got, s + step));
        if (meter.truePeak > best) {
          best = meter.truePeak;
          at = done + s;
        }
      }
      done += got;
    }
    // the interpolator's tail past the last sample
    meter.flush();
    if (meter.truePeak > best) {
      best = meter.truePeak;
      at = Math.max(0, f.frames - step);
    }
    return { seconds: at / f.sampleRate, truePeakDbtp: best > 0 ? 20 * Math.log10(best) : null };
  } finally {
    source.close();
  }
}
