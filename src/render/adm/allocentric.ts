/**
 * BS.2127 section 6.2 (and 11.x): the allocentric panner for cartesian objects. Speakers sit on
 * planes of equal Z, rows of equal Y and columns of equal X in the layout's allocentric positions;
 * the source is balance-panned between the two planes around its Z, in each plane between the two
 * rows around its Y, in each row between the two columns around its X (cos/sin balance laws).
 */
import type { Vec3 } from './layouts.js';

type Entry = { index: number; pos: Vec3 };
type Tree = Entry[][][]; // [z plane][y row][x column]

function speakerTree(positions: Vec3[]): Tree {
  const tree: Tree = [];
  positions.forEach((pos, index) => {
    const e = { index, pos };
    let zi = tree.findIndex((plane) => plane[0]![0]!.pos[2] >= pos[2]);
    if (zi < 0) {
      tree.push([[e]]);
      return;
    }
    if (tree[zi]![0]![0]!.pos[2] !== pos[2]) {
      tree.splice(zi, 0, [[e]]);
      return;
    }
    const plane = tree[zi]!;
    const yi = plane.findIndex((row) => row[0]!.pos[1] >= pos[1]);
    if (yi < 0) {
      plane.push([e]);
      return;
    }
    if (plane[yi]![0]!.pos[1] !== pos[1]) {
      plane.splice(yi, 0, [e]);
      return;
    }
    const row = plane[yi]!;
    const xi = row.findIndex((c) => c.pos[0] >= pos[0]);
    if (xi >= 0 && row[xi]!.pos[0] === pos[0]) throw new Error('allocentric panner: two speakers at one position');
    if (xi < 0) row.push(e);
    else row.splice(xi, 0, e);
    zi = 0;
  });
  return tree;
}

function balance(min: number, max: number, value: number): [number, number] {
  if (min === max) return [1, 1];
  if (value <= min) return [0, 1];
  if (value >= max) return [1, 0];
  const a = ((value - min) / (max - min)) * (Math.PI / 2);
  return [Math.cos(a), Math.sin(a)];
}

/** The two neighbours of `v` in a sorted list of coordinates (the same one twice at or beyond an end, or on it). */
function around(coords: number[], v: number): [number, number] {
  if (v <= coords[0]!) return [0, 0];
  for (let i = 0; i < coords.length; i++) {
    if (coords[i] === v) return [i, i];
    if (coords[i]! > v) return [i - 1, i];
  }
  return [coords.length - 1, coords.length - 1];
}

export class AllocentricPanner {
  private readonly tree: Tree;
  constructor(private readonly positions: Vec3[]) {
    this.tree = speakerTree(positions);
  }
  get channelCount(): number {
    return this.positions.length;
  }
  handle(p: Vec3): Float64Array {
    const out = new Float64Array(this.positions.length);
    const t = this.tree;
    const zs = around(t.map((plane) => plane[0]![0]!.pos[2]), p[2]);
    const zg = balance(t[zs[0]]![0]![0]!.pos[2], t[zs[1]]![0]![0]!.pos[2], p[2]);
    for (let a = 0; a < 2; a++) {
      const plane = t[zs[a]!]!;
      const ys = around(plane.map((row) => row[0]!.pos[1]), p[1]);
      const yg = balance(plane[ys[0]]![0]!.pos[1], plane[ys[1]]![0]!.pos[1], p[1]);
      for (let b = 0; b < 2; b++) {
        const row = plane[ys[b]!]!;
        const xs = around(row.map((e) => e.pos[0]), p[0]);
        const xg = balance(row[xs[0]]!.pos[0], row[xs[1]]!.pos[0], p[0]);
        for (let c = 0; c < 2; c++) out[row[xs[c]!]!.index] = zg[a]! * yg[b]! * xg[c]!;
      }
    }
    return out;
  }
}
