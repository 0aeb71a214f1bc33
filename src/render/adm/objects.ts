/**
 * BS.2127 section 7: gains of an Objects block. Polar positions go through channel lock, divergence
 * and the point-source panner; cartesian positions (the Dolby Atmos ADM profile) through the
 * allocentric channel lock, divergence and the allocentric panner. What is not rendered here
 * (extent, diffuse decorrelation, zone exclusion, screen scaling) is reported by the caller, never
 * silently approximated: extent renders as a point source, diffuse as direct sound.
 */
import { AllocentricPanner } from './allocentric.js';
import { azimuthOf, cart, elevationOf, norm, type TargetLayout, type Vec3 } from './layouts.js';
import { pointSourcePanner, type PointSourcePanner } from './point-source.js';

export interface ObjectsBlock {
  /** Seconds from the object's start; null when the block has no rtime/duration (it lasts the whole object). */
  rtimeSeconds: number | null;
  durationSeconds: number | null;
  cartesian: boolean;
  /** Polar: azimuth, elevation (degrees), distance; cartesian: X, Y, Z. */
  position: Vec3;
  gain: number;
  width: number;
  height: number;
  depth: number;
  diffuse: number;
  divergence: { value: number; azimuthRange: number | null; positionRange: number | null } | null;
  channelLock: { maxDistance: number | null } | null;
  jumpPosition: boolean;
  /** Seconds; null when jumpPosition has none (an immediate jump). */
  interpolationLengthSeconds: number | null;
  zoneExclusion: boolean;
  screenRef: boolean;
  /** BS.2076 version of the document is 2 or later (divergence azimuthRange default 0 rather than 45). */
  admVersion2: boolean;
}

export class ObjectGains {
  private readonly psp: PointSourcePanner;
  private readonly allo: AllocentricPanner;
  private readonly egoPositions: Vec3[];
  private readonly alloPositions: Vec3[];
  private readonly priority: number[];
  private readonly nonLfe: number[];
  readonly channelCount: number;

  constructor(layout: TargetLayout) {
    const speakers = layout.speakers.filter((sp) => !sp.isLfe);
    this.nonLfe = layout.speakers.flatMap((sp, i) => (sp.isLfe ? [] : [i]));
    this.channelCount = layout.speakers.length;
    this.psp = pointSourcePanner(layout);
    this.alloPositions = speakers.map((sp) => sp.allo);
    this.allo = new AllocentricPanner(this.alloPositions);
    this.egoPositions = speakers.map((sp) => cart(sp.azimuthDeg, sp.elevationDeg, 1));
    // 7.3.6 channel lock tie-break: lowest |elevation|, then elevation, |azimuth|, azimuth
    const order = speakers
      .map((sp, i) => i)
      .sort((a, b) => {
        const A = speakers[a]!;
        const B = speakers[b]!;
        return (
          Math.abs(A.elevationDeg) - Math.abs(B.elevationDeg) ||
          A.elevationDeg - B.elevationDeg ||
          Math.abs(A.azimuthDeg) - Math.abs(B.azimuthDeg) ||
          A.azimuthDeg - B.azimuthDeg
        );
      });
    this.priority = new Array<number>(speakers.length);
    order.forEach((spk, rank) => (this.priority[spk] = rank));
  }

  /** 7.3.6: move the source onto the nearest speaker (within maxDistance). */
  private channelLock(p: Vec3, lock: { maxDistance: number | null }, cartesian: boolean): Vec3 {
    const tol = 1e-5;
    const positions = cartesian ? this.alloPositions : this.egoPositions;
    const plain = positions.map((c) => Math.hypot(p[0] - c[0], p[1] - c[1], p[2] - c[2]));
    const possible = positions.map((_, i) => i).filter((i) => lock.maxDistance === null || plain[i]! < lock.maxDistance + tol);
    if (possible.length === 0) return p;
    const w: Vec3 = cartesian ? [1 / 16, 4, 32] : [1, 1, 1];
    const d = possible.map((i) => {
      const c = positions[i]!;
      return Math.sqrt(w[0] * (p[0] - c[0]) ** 2 + w[1] * (p[1] - c[1]) ** 2 + w[2] * (p[2] - c[2]) ** 2);
    });
    const min = Math.min(...d);
    let best = -1;
    possible.forEach((i, k) => {
      if (d[k]! < min + tol && (best < 0 || this.priority[i]! < this.priority[best]!)) best = i;
    });
    return [...positions[best]!] as Vec3;
  }

  /** 7.3.7 divergence: the source and two copies either side, with gains that sum to one. */
  private diverge(p: Vec3, block: ObjectsBlock): Array<{ gain: number; position: Vec3 }> {
    const dv = block.divergence;
    if (!dv || dv.value === 0) return [{ gain: 1, position: p }];
    const x = dv.value;
    const side = x / (x + 1);
    const centre = (1 - x) / (x + 1);
    if (block.cartesian) {
      const r = dv.positionRange ?? 0;
      const clip = (v: Vec3): Vec3 => v.map((c) => Math.min(1, Math.max(-1, c))) as Vec3;
      return [
        { gain: side, position: clip([p[0] + r, p[1], p[2]]) },
        { gain: centre, position: clip(p) },
        { gain: side, position: clip([p[0] - r, p[1], p[2]]) },
      ];
    }
    const range = dv.azimuthRange ?? (block.admVersion2 ? 0 : 45);
    const d = norm(p);
    const az = azimuthOf(p);
    const el = elevationOf(p);
    // the local frame whose +y points at the source (BS.2127 local_coordinate_system)
    const ex = cart(az - 90, 0, 1);
    const ey = cart(az, el, 1);
    const ez = cart(az, el + 90, 1);
    const local = (q: Vec3): Vec3 => [0, 1, 2].map((k) => q[0] * ex[k]! + q[1] * ey[k]! + q[2] * ez[k]!) as Vec3;
    return [
      { gain: side, position: local(cart(range, 0, d)) },
      { gain: centre, position: p },
      { gain: side, position: local(cart(-range, 0, d)) },
    ];
  }

  /** Gains in layout order (LFE silent) for one block, before the object's own gain. */
  gains(block: ObjectsBlock): Float64Array {
    let p: Vec3 = block.cartesian
      ? (block.position.map((c) => Math.min(1, Math.max(-1, c))) as Vec3)
      : cart(block.position[0], block.position[1], block.position[2]);
    if (block.channelLock) p = this.channelLock(p, block.channelLock, block.cartesian);
    const parts = this.diverge(p, block);
    const n = this.nonLfe.length;
    const power = new Float64Array(n);
    for (const part of parts) {
      const g = block.cartesian ? this.allo.handle(part.position) : this.psp.handle(part.position);
      for (let i = 0; i < n; i++) power[i]! += part.gain * g[i]! * g[i]!;
    }
    const out = new Float64Array(this.channelCount);
    // diffuse is not decorrelated here: its share goes out with the direct sound (same power per speaker)
    for (let i = 0; i < n; i++) {
      const v = Math.sqrt(power[i]!) * block.gain;
      out[this.nonLfe[i]!] = Number.isFinite(v) ? v : 0;
    }
    return out;
  }
}
