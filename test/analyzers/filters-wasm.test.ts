import { describe, expect, it, vi } from 'vitest';
import type { ChannelLabel } from '../../src/audio/channels.js';
import { ChannelOrderAnalyzer } from '../../src/analyzers/channel-order.js';
import { LfeBandAnalyzer } from '../../src/analyzers/lfe-band.js';
import { constant, random, square } from '../dsp/truepeak-signals.js';
import { runAnalyzer } from '../helpers/run-analyzer.js';

// The channel-identity and LFE band analyzers on the WASM biquad kernel (src/dsp/biquad-lanes.ts) against
// their plain-JS loops: whole results deep-equal (toEqual: every number the same, never a tolerance).

const LABELS_51: ChannelLabel[] = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];
const LABELS_714_2LFE: ChannelLabel[] = ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Ltf', 'Rtf', 'Ltr', 'Rtr', 'LFE2'];

function sine(n: number, rate: number, hz: number, amp: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));
}

/** A programme: noise beds, dialogue-band tone in C, a rumble with broadband bursts in the LFE, digital-zero holes and head and tail. */
function programme(seconds: number, rate: number, labels: ChannelLabel[], seed: number): Float32Array[] {
  const n = Math.round(seconds * rate);
  return labels.map((label, c) => {
    if (label === 'LFE' || label === 'LFE2') {
      const x = sine(n, rate, 40, 0.4);
      const burst = random(n, seed + c, 0.8);
      for (let i = 0; i < n; i++) if (Math.floor(i / rate) % 3 === 1) x[i]! += burst[i]!;
      // digital silence at the head and the tail (filters at rest, then ringing out into zeros)
      x.fill(0, 0, Math.round(0.3 * n));
      x.fill(0, Math.round(0.8 * n));
      return x;
    }
    const x = random(n, seed + c, 0.1 + 0.05 * c);
    if (label === 'C') {
      const tone = sine(n, rate, 700, 0.5);
      for (let i = 0; i < n; i++) x[i]! += tone[i]!;
    }
    x.fill(0, Math.round(n * (0.2 + 0.05 * c)), Math.round(n * (0.25 + 0.05 * c)));
    // every channel silent over the first 0.1 s (a reel's head): the filters stay at rest
    x.fill(0, 0, Math.round(0.1 * rate));
    return x;
  });
}

/** Adversarial channels: silence, full-scale squares (Nyquist, mid, slow), DC at full scale, a tiny noise floor. */
function adversarial(seconds: number, rate: number, labels: ChannelLabel[]): Float32Array[] {
  const n = Math.round(seconds * rate);
  const kinds = [
    () => square(n, 2),
    () => constant(n, 0),
    () => square(n, 37),
    () => square(n, Math.round(rate / 50)),
    () => constant(n, -1),
    () => random(n, 77, 1e-6),
    () => square(n, 3),
  ];
  return labels.map((_, c) => kinds[c % kinds.length]!());
}

const RATES = [44100, 48000, 96000];
const SIZES = [[48000], [4801, 7, 4096, 1, 9000], [4095]];

describe('channel-order and lfe-band: the WASM filters give the plain-JS results', () => {
  for (const rate of RATES) {
    it(`${rate} Hz: channel-order, every block and sampled (everyNthBlock), programme and adversarial signals`, () => {
      const signals = [programme(3, rate, LABELS_51, 3), adversarial(2, rate, LABELS_51), LABELS_51.map(() => constant(rate, 0))];
      for (const channels of signals) {
        for (const sizes of SIZES) {
          for (const everyNthBlock of [1, 3, 4]) {
            const wasm = new ChannelOrderAnalyzer({ everyNthBlock });
            const got = runAnalyzer(wasm, channels, LABELS_51, sizes, rate);
            expect(wasm.usingWasm).toBe(true);
            const js = new ChannelOrderAnalyzer({ everyNthBlock, useWasm: false });
            const want = runAnalyzer(js, channels, LABELS_51, sizes, rate);
            expect(js.usingWasm).toBe(false);
            expect(got, `sizes ${sizes} every ${everyNthBlock}`).toEqual(want);
          }
        }
      }
    });

    it(`${rate} Hz: lfe-band, qc's single cutoff, the default pair and other orders, programme and adversarial signals`, () => {
      const signals = [programme(4, rate, LABELS_51, 5), adversarial(3, rate, LABELS_51), LABELS_51.map(() => constant(2 * rate, 0))];
      const options = [{ cutoffsHz: [120] }, {}, { cutoffsHz: [80, 120, 150], filterOrder: 4 }, { filterOrder: 6, windowSeconds: 0.25 }];
      for (const channels of signals) {
        for (const sizes of SIZES) {
          for (const o of options) {
            const wasm = new LfeBandAnalyzer(o);
            const got = runAnalyzer(wasm, channels, LABELS_51, sizes, rate);
            expect(wasm.usingWasm).toBe(true);
            const js = new LfeBandAnalyzer({ ...o, useWasm: false });
            expect(runAnalyzer(js, channels, LABELS_51, sizes, rate), `sizes ${sizes} ${JSON.stringify(o)}`).toEqual(got);
            expect(js.usingWasm).toBe(false);
          }
        }
      }
    });
  }

  it('13 channels with two LFEs: both analyzers, several vectors per call', () => {
    const rate = 48000;
    const channels = programme(3, rate, LABELS_714_2LFE, 11);
    channels[5] = square(channels[0]!.length, 2);
    // the second LFE silent throughout, as a dialogue stem's
    channels[12]!.fill(0);
    for (const sizes of SIZES) {
      expect(runAnalyzer(new ChannelOrderAnalyzer({ everyNthBlock: 2 }), channels, LABELS_714_2LFE, sizes, rate)).toEqual(
        runAnalyzer(new ChannelOrderAnalyzer({ everyNthBlock: 2, useWasm: false }), channels, LABELS_714_2LFE, sizes, rate),
      );
      const lfe = runAnalyzer(new LfeBandAnalyzer(), channels, LABELS_714_2LFE, sizes, rate);
      expect(lfe.channels).toHaveLength(2);
      expect(lfe.channels[1]!.rmsDbfs).toBeNull();
      expect(lfe.channels.some((c) => c.cutoffs.some((k) => k.overLimitRuns.length > 0))).toBe(true);
      expect(lfe).toEqual(runAnalyzer(new LfeBandAnalyzer({ useWasm: false }), channels, LABELS_714_2LFE, sizes, rate));
    }
  });

  it('the programme signals exercise the findings (so equal results are not trivially empty)', () => {
    const rate = 48000;
    const swapped: ChannelLabel[] = ['L', 'R', 'LFE', 'C', 'Ls', 'Rs'];
    const r = runAnalyzer(new ChannelOrderAnalyzer(), programme(3, rate, LABELS_51, 3), swapped, [48000], rate);
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.channels.every((c) => c.speechBandDbfs !== null)).toBe(true);
  });

  it('DUBSTAGE_WASM=0 runs the plain-JS loops, with the same results', async () => {
    const rate = 48000;
    const channels = programme(2, rate, LABELS_51, 21);
    const wasmOrder = runAnalyzer(new ChannelOrderAnalyzer({ everyNthBlock: 3 }), channels, LABELS_51, [4800], rate);
    const wasmLfe = runAnalyzer(new LfeBandAnalyzer(), channels, LABELS_51, [4800], rate);
    const saved = process.env.DUBSTAGE_WASM;
    process.env.DUBSTAGE_WASM = '0';
    try {
      vi.resetModules();
      const order = await import('../../src/analyzers/channel-order.js');
      const lfe = await import('../../src/analyzers/lfe-band.js');
      const a = new order.ChannelOrderAnalyzer({ everyNthBlock: 3 });
      const b = new lfe.LfeBandAnalyzer();
      expect(runAnalyzer(a, channels, LABELS_51, [4800], rate)).toEqual(wasmOrder);
      expect(runAnalyzer(b, channels, LABELS_51, [4800], rate)).toEqual(wasmLfe);
      expect([a.usingWasm, b.usingWasm]).toEqual([false, false]);
    } finally {
      if (saved === undefined) delete process.env.DUBSTAGE_WASM;
      else process.env.DUBSTAGE_WASM = saved;
      vi.resetModules();
    }
  });
});
