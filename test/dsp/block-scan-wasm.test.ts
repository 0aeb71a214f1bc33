import { describe, expect, it } from 'vitest';
import type { ChannelLabel } from '../../src/audio/channels.js';
import type { AudioSource } from '../../src/audio/types.js';
import { runAnalyzers } from '../../src/analysis/host.js';
import type { Analyzer } from '../../src/analyzers/types.js';
import { BlockScan, float32AtLeast, scanModule } from '../../src/dsp/block-scan.js';
import { absPeak, ClippingAnalyzer } from '../../src/analyzers/clipping.js';
import { DcOffsetAnalyzer } from '../../src/analyzers/dc-offset.js';
import { PhaseAnalyzer } from '../../src/analyzers/phase.js';
import { SilenceAnalyzer } from '../../src/analyzers/silence.js';
import { PeakOversAnalyzer } from '../../src/analyzers/peak-overs.js';
import { runAnalyzer } from '../helpers/run-analyzer.js';

// The WASM scans (src/dsp/wasm/block-scan.as.ts) against each analyzer's plain-JS loop: every result
// must be deep-equal (toEqual), not close. Signals: programme with digital-zero holes, room tone at the
// activity level, full-scale squares, DC, NaN, -0; blocks of odd sizes so runs straddle block edges.

const SR = 48000;
const LABELS_51: ChannelLabel[] = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];
const LABELS_714: ChannelLabel[] = ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Ltf', 'Rtf', 'Ltr', 'Rtr'];
const module = scanModule();

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** A float32 `steps` representable values above (below, negative) x. */
function ulps(x: number, steps: number): number {
  const f = new Float32Array([x]);
  const u = new Int32Array(f.buffer);
  u[0]! += steps;
  return f[0]!;
}

/** Programme with holes (one channel, or all), room tone dithering across the -60 dBFS level, a square at full scale, DC, NaN. */
function adversarial(seconds: number, seed: number, labels: ChannelLabel[]): Float32Array[] {
  const rnd = lcg(seed);
  const n = Math.round(seconds * SR);
  const thr = 10 ** (-60 / 20);
  const edge = [Math.fround(thr), ulps(thr, 1), ulps(thr, -1), float32AtLeast(thr), ulps(float32AtLeast(thr), -1)];
  const clip = 10 ** (-0.45 / 20);
  const clipEdge = [Math.fround(clip), ulps(clip, 1), ulps(clip, -1), 1, -1, 0.999, ulps(0.999, 1)];
  const chans = labels.map((label, c) => {
    const x = new Float32Array(n);
    if (label === 'LFE') return x; // silent throughout
    for (let i = 0; i < n; i++) x[i] = 0.2 * Math.sin((2 * Math.PI * (150 + 40 * c) * i) / SR) + 0.02 * (rnd() - 0.5) + 1e-3 * (c - 2);
    return x;
  });
  for (let h = 0; h < 60; h++) {
    const start = Math.floor(rnd() * (n - 6000));
    const len = 1 + Math.floor(rnd() * (h % 3 === 0 ? 5000 : 60));
    if (h % 5 === 0) for (const x of chans) x.fill(0, start, start + len);
    else chans[Math.floor(rnd() * chans.length)]!.fill(0, start, start + len);
  }
  // room tone right at the activity level (values on either side of it, in float32), isolated zeros and -0
  for (let i = Math.round(0.5 * n); i < Math.round(0.62 * n); i++) {
    const c = i % chans.length;
    const r = rnd();
    chans[c]![i] = r < 0.05 ? (r < 0.02 ? -0 : 0) : (r < 0.5 ? 1 : -1) * edge[Math.floor(rnd() * edge.length)]!;
  }
  // full-scale square waves and clipped runs near the threshold, some across block edges
  for (let i = Math.round(0.2 * n); i < Math.round(0.2 * n) + 3000; i++) chans[0]![i] = Math.floor(i / 37) % 2 === 0 ? 1 : -1;
  for (let k = 0; k < 40; k++) {
    const at = Math.floor(rnd() * (n - 10));
    const v = clipEdge[k % clipEdge.length]! * (k % 2 === 0 ? 1 : -1);
    chans[k % chans.length]!.fill(v, at, at + 1 + (k % 5));
  }
  // NaN in one channel (a broken float file), digital zero to the end in another
  const broken = chans[Math.min(1, chans.length - 1)]!;
  broken[Math.round(0.7 * n)] = NaN;
  broken[Math.round(0.7 * n) + 5] = NaN;
  chans[chans.length - 1]!.fill(0, Math.round(0.9 * n));
  return chans;
}

const SIZES = [[48000], [4096], [4099, 5], [1000, 3, 17]];

function bothPaths<R>(make: (useWasm: boolean) => Analyzer<R>, chans: Float32Array[], labels: ChannelLabel[], sizes: number[]): [R, R] {
  return [runAnalyzer(make(false), chans, labels, sizes), runAnalyzer(make(true), chans, labels, sizes)];
}

describe('WASM block scans', () => {
  it('are built by npm run build:wasm and load', () => {
    expect(module, 'no dist/wasm/block-scan.wasm: run npm run build:wasm').not.toBeNull();
  });

  it('without a module (missing build, DUBSTAGE_WASM=0) every analyzer runs its plain loop, with the same results', () => {
    expect(scanModule({ wasm: null })).toBeNull();
    expect(scanModule({ useWasm: false })).toBeNull();
    expect(BlockScan.create(null)).toBeNull();
    const chans = adversarial(1.5, 31, LABELS_51);
    const makers: Array<(o: { wasm?: null }) => Analyzer<unknown>> = [
      (o) => new ClippingAnalyzer(o),
      (o) => new PeakOversAnalyzer(-1, 200, o),
      (o) => new SilenceAnalyzer({ ...o, minSilenceSeconds: 0.05 }),
      (o) => new DcOffsetAnalyzer(o),
      (o) => new PhaseAnalyzer(o),
    ];
    for (const make of makers) expect(runAnalyzer(make({ wasm: null }), chans, LABELS_51, [4099])).toEqual(runAnalyzer(make({}), chans, LABELS_51, [4099]));
  });

  it('absPeak equals the plain-JS absPeak (Object.is) on edge inputs and odd lengths', () => {
    const scan = BlockScan.create(module)!;
    const rnd = lcg(3);
    const cases: Float32Array[] = [
      new Float32Array(0),
      Float32Array.from([-0]),
      Float32Array.from([NaN, -0.5, NaN]),
      Float32Array.from([NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN]),
      Float32Array.from([-Infinity, 0.25]),
      new Float32Array(17).fill(-1e-40),
    ];
    for (const len of [1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 1023, 48000]) {
      const x = new Float32Array(len);
      for (let i = 0; i < len; i++) x[i] = (rnd() - 0.5) * 2;
      x[Math.floor(rnd() * len)] = rnd() < 0.5 ? 1 : -1;
      cases.push(x);
    }
    for (const x of cases) {
      for (let n = 0; n <= x.length; n += n < 20 ? 1 : 997) {
        expect(scan.reset({ channels: [x], frames: n, frameOffset: 0 })).toBe(true);
        expect(Object.is(scan.absPeak(0), absPeak(x, n))).toBe(true);
      }
    }
  });

  it('float32AtLeast: |x| >= t in double exactly when |x| >= float32AtLeast(t) in float32', () => {
    for (const t of [10 ** (-60 / 20), 10 ** (-0.45 / 20), 0.999, 1, 1e-45, 1e-50, 0, 3.4028235677973366e38, 1e39]) {
      const t32 = float32AtLeast(t);
      expect(Math.fround(t32)).toBe(t32);
      expect(t32 >= t).toBe(true);
      if (t32 > 0) expect(ulps(t32, -1) < t).toBe(true);
    }
  });

  it('clipping: WASM block peaks give the plain result', () => {
    for (const [seed, labels] of [[1, LABELS_51], [2, ['L', 'R']], [4, LABELS_714], [5, ['M']]] as Array<[number, ChannelLabel[]]>) {
      const chans = adversarial(2.5, seed, labels);
      for (const sizes of SIZES) {
        for (const threshold of [undefined, -6]) {
          const [plain, wasm] = bothPaths((useWasm) => new ClippingAnalyzer({ useWasm, thresholdDbfs: threshold }), chans, labels, sizes);
          expect(plain.runs.length).toBeGreaterThan(0);
          expect(wasm).toEqual(plain);
        }
      }
    }
  });

  it('peak overs: WASM block peaks give the plain result', () => {
    for (const [seed, labels] of [[1, LABELS_51], [2, ['L', 'R']], [5, ['M']]] as Array<[number, ChannelLabel[]]>) {
      const chans = adversarial(2.5, seed, labels);
      for (const sizes of SIZES) {
        for (const limit of [-1, -20]) {
          const [plain, wasm] = bothPaths((useWasm) => new PeakOversAnalyzer(limit, 200, { useWasm }), chans, labels, sizes);
          expect(plain.runs.length).toBeGreaterThan(0);
          expect(wasm).toEqual(plain);
        }
      }
    }
  });

  it('dc offset: WASM channel sums equal the JS sums for 1 to 12 channels', () => {
    const chans = adversarial(2, 7, LABELS_714).map((x) => x.map((v) => (Number.isNaN(v) ? 0.5 : v)));
    for (let count = 1; count <= 12; count++) {
      const labels = LABELS_714.slice(0, count);
      for (const sizes of SIZES) {
        const [plain, wasm] = bothPaths((useWasm) => new DcOffsetAnalyzer({ useWasm }), chans.slice(0, count), labels, sizes);
        expect(wasm).toEqual(plain);
        plain.channels.forEach((p, c) => expect(Object.is(wasm.channels[c]!.sum, p.sum)).toBe(true));
      }
    }
  });

  it('phase: WASM pair sums equal the JS sums (1, 2, 3 and 5 pairs; antiphase, dual mono, NaN)', () => {
    const base = adversarial(6, 13, LABELS_714);
    // Lss/Rss in antiphase for a stretch (a negative run), Lrs/Rrs identical (dual mono)
    for (let i = 2 * SR; i < 4 * SR; i++) base[5]![i] = -base[4]![i]!;
    base[7] = base[6]!.slice();
    const cases: Array<[Float32Array[], ChannelLabel[]]> = [
      [base.slice(0, 2), LABELS_714.slice(0, 2)],
      [base.slice(0, 6), LABELS_714.slice(0, 6)],
      [base.slice(0, 8), LABELS_714.slice(0, 8)],
      [base, LABELS_714],
      [[base[7]!, base[6]!], ['L', 'R']],
    ];
    for (const [chans, labels] of cases) {
      for (const sizes of SIZES) {
        const [plain, wasm] = bothPaths((useWasm) => new PhaseAnalyzer({ useWasm }), chans, labels, sizes);
        expect(wasm).toEqual(plain);
      }
    }
    const [plain] = bothPaths((useWasm) => new PhaseAnalyzer({ useWasm }), base, LABELS_714, [4096]);
    expect(plain.pairs.some((p) => p.negativeRuns.length > 0)).toBe(true);
    expect(plain.pairs.some((p) => p.identical)).toBe(true);
  });

  it('silence: stepping by stretches gives the plain result (holes, gaps, room tone at the level, NaN)', () => {
    for (const [seed, labels] of [[1, LABELS_51], [2, ['L', 'R']], [3, LABELS_714], [5, ['M']]] as Array<[number, ChannelLabel[]]>) {
      const chans = adversarial(3, seed, labels);
      for (const sizes of SIZES) {
        for (const options of [{ minSilenceSeconds: 0.05 }, {}, { minSilenceSeconds: 0.0002, minDropoutSeconds: 0.0001 }]) {
          const [plain, wasm] = bothPaths((useWasm) => new SilenceAnalyzer({ ...options, useWasm }), chans, labels, sizes);
          expect(wasm).toEqual(plain);
        }
      }
      const [plain] = bothPaths((useWasm) => new SilenceAnalyzer({ minSilenceSeconds: 0.05, useWasm }), chans, labels, [4096]);
      expect(plain.dropouts.length + plain.gaps.length).toBeGreaterThan(0);
      expect(plain.silences.length).toBeGreaterThan(0);
      const short = chans.map((x) => x.subarray(Math.round(0.45 * x.length), Math.round(0.7 * x.length)));
      const [plainOne, wasmOne] = bothPaths((useWasm) => new SilenceAnalyzer({ minSilenceSeconds: 0.05, useWasm }), short, labels, [1]);
      expect(wasmOne).toEqual(plainOne);
    }
  }, 60_000);

  it('silence: a long quiet run between active samples inside one block is still reported', () => {
    const n = 6 * SR;
    const x = new Float32Array(n).fill(1e-4);
    for (let i = 0; i < 1000; i++) x[i] = 0.5;
    for (let i = 5 * SR; i < n; i++) x[i] = 0.5;
    const y = x.map((v, i) => (i % 2 === 0 ? v : -v));
    y[3 * SR] = 0; // a zero inside R's quiet run; L's is one non-zero stretch from 0 to the end
    for (const sizes of [[n], [2 * SR + 1]]) {
      const [plain, wasm] = bothPaths((useWasm) => new SilenceAnalyzer({ minSilenceSeconds: 1, useWasm }), [x, y], ['L', 'R'], sizes);
      expect(plain.silences.length).toBeGreaterThan(0);
      expect(wasm).toEqual(plain);
    }
  });

  it('silence: another channel active only at the first or last frame of a zero run', () => {
    const thr = float32AtLeast(10 ** (-60 / 20));
    for (const len of [1, 5, 9, 20, 300]) {
      for (const where of ['first', 'last', 'none'] as const) {
        const n = 4 * 4096;
        const a = new Float32Array(n).fill(0.5);
        const b = new Float32Array(n).fill(1e-5);
        const at = 4096 - Math.floor(len / 2); // straddles a block edge
        a.fill(0, at, at + len);
        if (where === 'first') b[at] = thr;
        if (where === 'last') b[at + len - 1] = -thr;
        for (const sizes of [[4096], [n]]) {
          const [plain, wasm] = bothPaths((useWasm) => new SilenceAnalyzer({ minDropoutSeconds: 1 / SR, useWasm }), [a, b], ['L', 'R'], sizes);
          expect(wasm).toEqual(plain);
          const hole = [...plain.dropouts, ...plain.gaps];
          expect(hole.length).toBeGreaterThan(0);
          if (len >= 5 || where !== 'none') expect(plain.dropouts.length > 0 && plain.dropouts[0]!.otherChannelsActive).toBe(where !== 'none');
        }
      }
    }
  });

  it('the host shares one scan between analyzers and each result equals its plain twin', async () => {
    const chans = adversarial(5, 21, LABELS_51);
    const frames = chans[0]!.length;
    let pos = 0;
    const source = {
      header: { format: { frames, sampleRate: SR, channels: chans.length, channelLabels: LABELS_51 } },
      files: [],
      seek(frame: number) {
        pos = frame;
      },
      read(out: Float32Array[], max: number) {
        const got = Math.min(max, frames - pos);
        chans.forEach((x, c) => out[c]!.set(x.subarray(pos, pos + got)));
        pos += got;
        return got;
      },
      close() {},
    } as unknown as AudioSource;
    const make = (useWasm: boolean): Analyzer<unknown>[] => [
      new ClippingAnalyzer({ useWasm }),
      new PeakOversAnalyzer(-1, 200, { useWasm }),
      new SilenceAnalyzer({ useWasm, minSilenceSeconds: 0.05 }),
      new DcOffsetAnalyzer({ useWasm }),
      new PhaseAnalyzer({ useWasm }),
    ];
    const plain = make(false);
    const wasm = make(true);
    let sawScan = false;
    const probe: Analyzer<null> = {
      id: 'probe',
      start() {},
      process(block) {
        if (block.scan) sawScan = true;
      },
      finish: () => null,
    };
    for (const blockFrames of [48000, 4099]) {
      await runAnalyzers(source, [...plain, ...wasm, probe], { blockFrames, fromFrame: 7 });
      expect(sawScan).toBe(true);
      plain.forEach((a, k) => expect(wasm[k]!.finish()).toEqual(a.finish()));
    }
  });
});
