/**
 * What an LFE carries before its low-pass, for fixtures: white and pink noise, a brown rumble, sub hits
 * (decaying 35-55 Hz sines with a noise attack, as a kick or a door slam), and explosions (a sub sine
 * under broadband noise, both decaying). Deterministic (a small LCG), levels in linear full scale.
 */
function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return 2 * (s / 2 ** 32) - 1;
  };
}

export function whiteNoise(frames: number, seed: number, amp = 0.5): Float32Array {
  const r = lcg(seed);
  return Float32Array.from({ length: frames }, () => amp * r());
}

/** Pink (-3 dB/oct) noise, Paul Kellet's economy filter on white noise. */
export function pinkNoise(frames: number, seed: number, amp = 0.1): Float32Array {
  const r = lcg(seed);
  let b0 = 0, b1 = 0, b2 = 0;
  return Float32Array.from({ length: frames }, () => {
    const w = r();
    b0 = 0.99765 * b0 + w * 0.099046;
    b1 = 0.963 * b1 + w * 0.2965164;
    b2 = 0.57 * b2 + w * 1.0526913;
    return amp * (b0 + b1 + b2 + w * 0.1848);
  });
}

/** Brown (-6 dB/oct) rumble: leaky integrated white noise. */
export function rumble(frames: number, seed: number, amp = 0.02): Float32Array {
  const r = lcg(seed);
  let y = 0;
  return Float32Array.from({ length: frames }, () => (y = 0.999 * y + amp * r()));
}

/** Sub hits every `everySeconds`: a 35-55 Hz sine decaying over ~1 s with a 10 ms noise attack. */
export function subHits(frames: number, rate: number, seed: number, everySeconds = 1.7): Float32Array {
  const r = lcg(seed);
  const x = new Float32Array(frames);
  for (let h = 0, k = 0; h < frames; h += Math.round(everySeconds * rate), k++) {
    const hz = 35 + 10 * (k % 3);
    for (let i = 0; i < 2 * rate && h + i < frames; i++) {
      const t = i / rate;
      x[h + i]! += 0.8 * Math.exp(-3 * t) * Math.sin(2 * Math.PI * hz * t) + (i < rate / 100 ? 0.5 * r() * Math.exp(-i / 100) : 0);
    }
  }
  return x;
}

/** Explosions at the given times: a 45 Hz sine under broadband noise, decaying over ~1.5 s. */
export function explosions(frames: number, rate: number, seed: number, atSeconds: number[]): Float32Array {
  const r = lcg(seed);
  const x = new Float32Array(frames);
  for (const at of atSeconds) {
    const h = Math.round(at * rate);
    for (let i = 0; i < 2 * rate && h + i < frames; i++) {
      const t = i / rate;
      x[h + i]! += Math.exp(-2 * t) * (0.6 * Math.sin(2 * Math.PI * 45 * t) + 0.3 * r());
    }
  }
  return x;
}
