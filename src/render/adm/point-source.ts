/**
 * BS.2127 section 6.1: the point-source panner. The layout's speakers (plus BS.2127's extra speakers
 * that fill a missing upper or lower layer, and virtual speakers straight above and below) are
 * triangulated by their convex hull; each facet is a VBAP triplet, a quad (bilinear panning), or,
 * where it touches a virtual speaker, a virtual n-gon whose centre gain is spread over its corners.
 * 0+2+0 pans on 0+5+0 and downmixes (6.1.2.4). Gains are power-normalised.
 */
import { cart, cross, dot, norm, sub, type TargetLayout, type Vec3 } from './layouts.js';

interface Region {
  /** Output channel indices of the region's corners (into the panner's channel list). */
  channels: number[];
  /** Gains for `position`, one per corner, or null when the position is outside the region. */
  handle(position: Vec3): number[] | null;
}

function inverse3(m: Vec3[]): number[][] {
  const [a, b, c] = m as [Vec3, Vec3, Vec3];
  const det = dot(a, cross(b, c));
  // rows of the inverse are the cofactor columns: (pv · M = p) solved as pv = p · M^-1
  const c0 = cross(b, c);
  const c1 = cross(c, a);
  const c2 = cross(a, b);
  return [
    [c0[0] / det, c1[0] / det, c2[0] / det],
    [c0[1] / det, c1[1] / det, c2[1] / det],
    [c0[2] / det, c1[2] / det, c2[2] / det],
  ];
}

/** VBAP over three speakers (6.1.2.1): non-negative gains whose weighted sum points at the source. */
class Triplet implements Region {
  private readonly basis: number[][];
  constructor(readonly channels: number[], positions: Vec3[]) {
    this.basis = inverse3(positions);
  }
  handle(p: Vec3): number[] | null {
    const m = this.basis;
    const g0 = p[0] * m[0]![0]! + p[1] * m[1]![0]! + p[2] * m[2]![0]!;
    const g1 = p[0] * m[0]![1]! + p[1] * m[1]![1]! + p[2] * m[2]![1]!;
    const g2 = p[0] * m[0]![2]! + p[1] * m[1]![2]! + p[2] * m[2]![2]!;
    const eps = -1e-11;
    if (g0 < eps || g1 < eps || g2 < eps) return null;
    const n = Math.sqrt(g0 * g0 + g1 * g1 + g2 * g2);
    return [g0 / n, g1 / n, g2 / n].map((g) => Math.min(1, Math.max(0, g)));
  }
}

/** Order the corners of a convex, near-planar polygon around its centre. */
function ngonOrder(vertices: Vec3[]): number[] {
  const n = vertices.length;
  const centre: Vec3 = [0, 0, 0];
  for (const v of vertices) for (let i = 0; i < 3; i++) centre[i]! += v[i]! / n;
  const rel = vertices.map((v) => sub(v, centre));
  const a = rel[0]!;
  let b = rel[1]!;
  for (const v of rel.slice(1)) if (Math.abs(dot(v, a)) < Math.abs(dot(b, a))) b = v;
  const angles = rel.map((v) => Math.atan2(dot(v, a), dot(v, b)));
  return angles.map((_, i) => i).sort((i, j) => angles[i]! - angles[j]!);
}

/** 6.1.2.2: real speakers around a virtual centre speaker whose gain goes to them at 1/sqrt(n). */
class VirtualNgon implements Region {
  private readonly triplets: Triplet[] = [];
  private readonly downmix: number;
  constructor(readonly channels: number[], positions: Vec3[], centre: Vec3) {
    const n = channels.length;
    const order = ngonOrder(positions);
    for (let i = 0; i < n; i++) {
      const a = order[i]!;
      const b = order[(i + 1) % n]!;
      this.triplets.push(new Triplet([a, b, n], [positions[a]!, positions[b]!, centre]));
    }
    this.downmix = 1 / Math.sqrt(n);
  }
  handle(p: Vec3): number[] | null {
    const n = this.channels.length;
    for (const t of this.triplets) {
      const g = t.handle(p);
      if (!g) continue;
      const out = new Array<number>(n).fill(0);
      let centre = 0;
      t.channels.forEach((c, k) => {
        if (c === n) centre = g[k]!;
        else out[c] = g[k]!;
      });
      for (let i = 0; i < n; i++) out[i]! += centre * this.downmix;
      const s = norm(out);
      return out.map((x) => x / s);
    }
    return null;
  }
}

/** Roots in [0, 1] of c2 x^2 + c1 x + c0 (numpy.roots semantics: a zero leading coefficient is dropped). */
function unitRoots(c2: number, c1: number, c0: number): number[] {
  const eps = 1e-10;
  const keep = (rs: number[]): number[] => rs.filter((r) => r > -eps && r < 1 + eps).map((r) => Math.min(1, Math.max(0, r)));
  if (c2 === 0) return c1 === 0 ? [] : keep([-c0 / c1]);
  const disc = c1 * c1 - 4 * c2 * c0;
  if (disc < 0) return Math.sqrt(-disc) / Math.abs(2 * c2) < eps ? keep([-c1 / (2 * c2)]) : [];
  // the stable form: no cancellation when c2 is tiny (coplanar edges leave it at rounding level)
  const q = -0.5 * (c1 + (c1 < 0 ? -1 : 1) * Math.sqrt(disc));
  return keep(q === 0 ? [0] : [q / c2, c0 / q]);
}

/** 6.1.2.3: four coplanar speakers, panned bilinearly so the gains' weighted sum points at the source. */
class QuadRegion implements Region {
  private readonly order: number[];
  private readonly polyX: [Vec3, Vec3, Vec3];
  private readonly polyY: [Vec3, Vec3, Vec3];
  constructor(readonly channels: number[], private readonly positions: Vec3[]) {
    this.order = ngonOrder(positions);
    const o = this.order.map((i) => positions[i]!);
    this.polyX = QuadRegion.axis(o[0]!, o[1]!, o[2]!, o[3]!);
    this.polyY = QuadRegion.axis(o[1]!, o[2]!, o[3]!, o[0]!);
  }
  private static axis(a: Vec3, b: Vec3, c: Vec3, d: Vec3): [Vec3, Vec3, Vec3] {
    const ba = sub(b, a);
    const cd = sub(c, d);
    const mid = cross(a, cd);
    const mid2 = cross(ba, d);
    return [cross(ba, cd), [mid[0] + mid2[0], mid[1] + mid2[1], mid[2] + mid2[2]], cross(a, d)];
  }
  handle(p: Vec3): number[] | null {
    const xs = unitRoots(dot(this.polyX[0], p), dot(this.polyX[1], p), dot(this.polyX[2], p));
    const ys = unitRoots(dot(this.polyY[0], p), dot(this.polyY[1], p), dot(this.polyY[2], p));
    // each axis' quadratic has one root that belongs to the source; when both fall in [0, 1] the
    // pair whose gains point at the source is it
    let best: number[] | null = null;
    let bestErr = Number.POSITIVE_INFINITY;
    const o = this.order;
    for (const x of xs) {
      for (const y of ys) {
        const g = [0, 0, 0, 0];
        g[o[0]!] = (1 - x) * (1 - y);
        g[o[1]!] = x * (1 - y);
        g[o[2]!] = x * y;
        g[o[3]!] = (1 - x) * y;
        const v: Vec3 = [0, 0, 0];
        for (let i = 0; i < 4; i++) for (let k = 0; k < 3; k++) v[k]! += g[i]! * this.positions[i]![k]!;
        if (dot(v, p) <= 0) continue;
        const err = norm(cross(v, p)) / (norm(v) * norm(p));
        if (err < bestErr) {
          bestErr = err;
          best = g;
        }
      }
    }
    if (!best) return null;
    const s = norm(best);
    return best.map((x2) => x2 / s);
  }
}

/** Convex hull facets by brute force (a layout has at most ~20 points): coplanar triangles merged. */
function hullFacets(points: Vec3[]): number[][] {
  const n = points.length;
  const facets = new Map<string, number[]>();
  const tol = 1e-7;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (let k = j + 1; k < n; k++) {
        const nv = cross(sub(points[j]!, points[i]!), sub(points[k]!, points[i]!));
        const len = norm(nv);
        if (len < 1e-9) continue;
        const u: Vec3 = [nv[0] / len, nv[1] / len, nv[2] / len];
        const d = dot(u, points[i]!);
        let above = false;
        let below = false;
        const on: number[] = [];
        for (let m = 0; m < n; m++) {
          const sd = dot(u, points[m]!) - d;
          if (sd > tol) above = true;
          else if (sd < -tol) below = true;
          else on.push(m);
        }
        if (above && below) continue;
        facets.set(on.join(','), on);
      }
    }
  }
  return [...facets.values()];
}

export interface PointSourcePanner {
  /** Output channels: the layout's non-LFE speakers in layout order. */
  readonly channelCount: number;
  /** Power-normalised gains for a direction (any non-zero length). */
  handle(position: Vec3): Float64Array;
}

class RegionPanner implements PointSourcePanner {
  constructor(
    private readonly regions: Region[],
    private readonly innerCount: number,
    /** downmix[inner] = real channel it folds into (extra speakers), identity for the rest. */
    private readonly fold: number[],
    readonly channelCount: number,
  ) {}
  handle(position: Vec3): Float64Array {
    const inner = new Float64Array(this.innerCount);
    let found = false;
    for (const r of this.regions) {
      const g = r.handle(position);
      if (!g) continue;
      r.channels.forEach((c, k) => (inner[c] = g[k]!));
      found = true;
      break;
    }
    const out = new Float64Array(this.channelCount);
    if (!found) return out;
    for (let i = 0; i < this.innerCount; i++) out[this.fold[i]!]! += inner[i]!;
    const s = norm(out);
    for (let i = 0; i < out.length; i++) out[i]! /= s;
    return out;
  }
}

interface PanSpeaker {
  azimuthDeg: number;
  elevationDeg: number;
  name: string;
}

/** 6.1.3.1: extra speakers filling an empty or narrow upper/lower layer, folded into the mid layer. */
function extraSpeakers(speakers: PanSpeaker[]): Array<{ position: Vec3; fold: number }> {
  const extra: Array<{ position: Vec3; fold: number }> = [];
  const layers: Array<[number, number, number]> = [
    [-30, -70, -10],
    [30, 10, 70],
  ];
  for (const [nominalEl, lb, ub] of layers) {
    const inLayer = speakers.filter((sp) => sp.elevationDeg >= lb && sp.elevationDeg <= ub);
    let azLimit = 0;
    let layerEl = nominalEl;
    if (inLayer.length > 0) {
      azLimit = Math.max(...inLayer.map((sp) => Math.abs(sp.azimuthDeg))) + 40;
      layerEl = inLayer.reduce((a, sp) => a + sp.elevationDeg, 0) / inLayer.length;
    }
    speakers.forEach((sp, i) => {
      if (sp.elevationDeg < -10 || sp.elevationDeg > 10) return;
      if (Math.abs(sp.azimuthDeg) >= azLimit - 1e-5) extra.push({ position: cart(sp.azimuthDeg, layerEl, 1), fold: i });
    });
  }
  return extra;
}

function configureFull(speakers: PanSpeaker[]): PointSourcePanner {
  const extra = extraSpeakers(speakers);
  const positions: Vec3[] = [...speakers.map((sp) => cart(sp.azimuthDeg, sp.elevationDeg, 1)), ...extra.map((e) => e.position)];
  const fold = [...speakers.map((_, i) => i), ...extra.map((e) => e.fold)];
  const virtual: Vec3[] = [[0, 0, -1]];
  // no virtual speaker overhead when a real one may be there (T+000, UH+180)
  if (!speakers.some((sp) => sp.name === 'T+000' || sp.name === 'UH+180')) virtual.push([0, 0, 1]);
  const all = [...positions, ...virtual];
  const facets = hullFacets(all);
  const regions: Region[] = [];
  const firstVirtual = positions.length;
  virtual.forEach((centre, vi) => {
    const v = firstVirtual + vi;
    const around = new Set<number>();
    for (const f of facets) if (f.includes(v)) for (const x of f) if (x !== v) around.add(x);
    const real = [...around].sort((a, b) => a - b);
    regions.push(new VirtualNgon(real, real.map((i) => all[i]!), centre));
  });
  for (const f of facets) {
    if (f.some((x) => x >= firstVirtual)) continue;
    if (f.length === 3) regions.push(new Triplet(f, f.map((i) => all[i]!)));
    else if (f.length === 4) regions.push(new QuadRegion(f, f.map((i) => all[i]!)));
    else throw new Error(`point-source panner: a hull facet with ${f.length} corners`);
  }
  // virtual n-gon regions report corner indices into `all`, which are inner channels as well
  return new RegionPanner(regions, positions.length, fold, speakers.length);
}

const FIVE: PanSpeaker[] = [
  { name: 'M+030', azimuthDeg: 30, elevationDeg: 0 },
  { name: 'M-030', azimuthDeg: -30, elevationDeg: 0 },
  { name: 'M+000', azimuthDeg: 0, elevationDeg: 0 },
  { name: 'M+110', azimuthDeg: 110, elevationDeg: 0 },
  { name: 'M-110', azimuthDeg: -110, elevationDeg: 0 },
];

/** 6.1.2.4: 0+2+0 pans on 0+5+0, downmixes (BS.775 with a velocity-preserving centre) and tilts front/back. */
class StereoPanner implements PointSourcePanner {
  readonly channelCount = 2;
  private readonly five = configureFull(FIVE);
  handle(position: Vec3): Float64Array {
    const pv = this.five.handle(position);
    const c = Math.sqrt(3) / 3;
    const h = Math.sqrt(0.5);
    let l = pv[0]! + c * pv[2]! + h * pv[3]!;
    let r = pv[1]! + c * pv[2]! + h * pv[4]!;
    const n = Math.hypot(l, r);
    l /= n;
    r /= n;
    const front = Math.max(pv[0]!, pv[1]!, pv[2]!);
    const back = Math.max(pv[3]!, pv[4]!);
    const g = 0.5 ** ((0.5 * back) / (front + back));
    return Float64Array.of(l * g, r * g);
  }
}

/** The point-source panner for a layout's non-LFE speakers (outputs in layout order, LFE skipped). */
export function pointSourcePanner(layout: TargetLayout): PointSourcePanner {
  const speakers = layout.speakers.filter((sp) => !sp.isLfe);
  if (layout.itu === '0+2+0') return new StereoPanner();
  return configureFull(speakers);
}
