/**
 * BS.2127 section 8: DirectSpeakers (beds). A channel goes to a speaker by, in order: the mapping
 * rules for ITU common-definition packs (8.4, e.g. a 7.1.4 bed's U+045 to M+030 in 5.1), its own
 * speakerLabel when the layout has that speaker, the one speaker inside its position bounds closest
 * to it, LFE to LFE1 (or nowhere), and otherwise the point-source panner at its position.
 */
import { AllocentricPanner } from './allocentric.js';
import { cart, insideAngleRange, type TargetLayout, type Vec3 } from './layouts.js';
import { pointSourcePanner, type PointSourcePanner } from './point-source.js';

export interface Bound {
  value: number;
  min: number | null;
  max: number | null;
}

export interface DirectSpeakersBlock {
  speakerLabels: string[];
  polar: { azimuth: Bound; elevation: Bound; distance: Bound } | null;
  cartesian: { x: Bound; y: Bound; z: Bound } | null;
  /** channelFormat frequency lowPass (Hz), null when absent; highPass present means not LFE. */
  lowPassHz: number | null;
  highPassHz: number | null;
  gain: number;
}

type Rule = { label: string; gains: Array<[string, number]>; inputs?: string[]; outputs?: string[] };
const h = Math.sqrt(1 / 2);
const t3 = Math.sqrt(1 / 3);
const t23 = Math.sqrt(2 / 3);
const q = Math.sqrt(1 / 4);
// BS.2127 Table 8.x mapping rules (the + side; the - side is made by symmetry below).
const BASE_RULES: Rule[] = [
  { label: 'M+000', gains: [['M+000', 1]] },
  { label: 'M+000', gains: [['M+030', h], ['M-030', h]] },
  { label: 'M+060', gains: [['M+060', 1]] },
  { label: 'M+060', gains: [['M+030', t23], ['M+110', t3]] },
  { label: 'M+060', gains: [['M+030', h], ['M+090', h]] },
  { label: 'M+060', gains: [['M+030', 1]] },
  { label: 'M+090', gains: [['M+090', 1]] },
  { label: 'M+090', gains: [['M+030', t3], ['M+110', t23]], inputs: ['9+10+3'] },
  { label: 'M+090', gains: [['M+030', h], ['M+110', h]] },
  { label: 'M+090', gains: [['M+030', h]] },
  { label: 'M+110', gains: [['M+110', 1]] },
  { label: 'M+110', gains: [['M+135', 1]] },
  { label: 'M+110', gains: [['M+030', h]] },
  { label: 'M+135', gains: [['M+135', 1]] },
  { label: 'M+135', gains: [['M+110', 1]] },
  { label: 'M+135', gains: [['M+030', h]] },
  { label: 'M+180', gains: [['M+180', 1]] },
  { label: 'M+180', gains: [['M+135', h], ['M-135', h]] },
  { label: 'M+180', gains: [['M+110', h], ['M-110', h]] },
  { label: 'M+180', gains: [['M+030', q], ['M-030', q]] },
  { label: 'U+000', gains: [['U+000', 1]] },
  { label: 'U+000', gains: [['U+030', h], ['U-030', h]] },
  { label: 'U+000', gains: [['U+045', h], ['U-045', h]] },
  { label: 'U+000', gains: [['M+000', 1]] },
  { label: 'U+000', gains: [['M+030', h], ['M-030', h]] },
  { label: 'U+030', gains: [['U+030', 1]] },
  { label: 'U+030', gains: [['U+045', 1]] },
  { label: 'U+030', gains: [['M+030', 1]] },
  { label: 'U+045', gains: [['U+045', 1]] },
  { label: 'U+045', gains: [['U+030', 1]] },
  { label: 'U+045', gains: [['M+030', 1]] },
  { label: 'U+090', gains: [['U+090', 1]] },
  { label: 'U+090', gains: [['U+045', t23], ['UH+180', t3]], inputs: ['9+10+3'] },
  { label: 'U+090', gains: [['U+030', h], ['U+110', h]] },
  { label: 'U+090', gains: [['U+045', h], ['U+135', h]] },
  { label: 'U+090', gains: [['M+090', 1]] },
  { label: 'U+090', gains: [['U+030', h], ['M+110', h]] },
  { label: 'U+090', gains: [['M+030', h], ['M+110', h]] },
  { label: 'U+090', gains: [['M+030', h]] },
  { label: 'U+110', gains: [['U+110', 1]] },
  { label: 'U+110', gains: [['U+135', 1]] },
  { label: 'U+110', gains: [['U+045', h], ['UH+180', h]] },
  { label: 'U+110', gains: [['M+110', 1]] },
  { label: 'U+110', gains: [['M+135', 1]] },
  { label: 'U+110', gains: [['M+030', h]] },
  { label: 'U+135', gains: [['U+135', 1]] },
  { label: 'U+135', gains: [['U+110', 1]] },
  { label: 'U+135', gains: [['U+045', t3], ['UH+180', t23]], inputs: ['9+10+3'] },
  { label: 'U+135', gains: [['U+045', h], ['UH+180', h]] },
  { label: 'U+135', gains: [['M+135', 1]] },
  { label: 'U+135', gains: [['M+110', 1]] },
  { label: 'U+135', gains: [['M+030', h]] },
  { label: 'U+180', gains: [['U+180', 1]] },
  { label: 'U+180', gains: [['UH+180', 1]] },
  { label: 'U+180', gains: [['U+135', h], ['U-135', h]] },
  { label: 'U+180', gains: [['U+110', h], ['U-110', h]] },
  { label: 'U+180', gains: [['M+135', h], ['M-135', h]] },
  { label: 'U+180', gains: [['M+110', h], ['M-110', h]] },
  { label: 'U+180', gains: [['M+030', q], ['M-030', q]] },
  { label: 'UH+180', gains: [['UH+180', 1]] },
  { label: 'UH+180', gains: [['U+180', 1]] },
  { label: 'UH+180', gains: [['U+135', h], ['U-135', h]] },
  { label: 'UH+180', gains: [['U+110', h], ['U-110', h]] },
  { label: 'UH+180', gains: [['M+135', h], ['M-135', h]] },
  { label: 'UH+180', gains: [['M+110', h], ['M-110', h]] },
  { label: 'UH+180', gains: [['M+030', q], ['M-030', q]] },
  { label: 'T+000', gains: [['T+000', 1]] },
  { label: 'T+000', gains: [['U+045', q], ['U-045', q], ['U+135', q], ['U-135', q]] },
  { label: 'T+000', gains: [['U+030', q], ['U-030', q], ['U+110', q], ['U-110', q]] },
  { label: 'T+000', gains: [['U+045', t3], ['U-045', t3], ['UH+180', t3]] },
  { label: 'T+000', gains: [['U+045', q], ['U-045', q], ['M+135', q], ['M-135', q]] },
  { label: 'T+000', gains: [['U+030', q], ['U-030', q], ['M+110', q], ['M-110', q]] },
  { label: 'T+000', gains: [['M+030', q], ['M-030', q], ['M+135', q], ['M-135', q]] },
  { label: 'T+000', gains: [['M+030', q], ['M-030', q], ['M+110', q], ['M-110', q]] },
  { label: 'T+000', gains: [['M+030', q], ['M-030', q]] },
  { label: 'B+000', gains: [['B+000', 1]] },
  { label: 'B+000', gains: [['M+000', 1]] },
  { label: 'B+000', gains: [['M+030', h], ['M-030', h]] },
  { label: 'B+045', gains: [['B+045', 1]] },
  { label: 'B+045', gains: [['M+030', 1]] },
  { label: 'LFE1', gains: [['LFE1', 1]], inputs: ['9+10+3', '3+7+0'], outputs: ['9+10+3', '3+7+0'] },
  { label: 'LFE2', gains: [['LFE2', 1]], inputs: ['9+10+3', '3+7+0'], outputs: ['9+10+3', '3+7+0'] },
  { label: 'LFE1', gains: [['LFE1', h]], inputs: ['9+10+3', '3+7+0'] },
  { label: 'LFE2', gains: [['LFE1', h]], inputs: ['9+10+3', '3+7+0'] },
  { label: 'LFE1', gains: [['LFE1', 1]] },
];

const opposite = (name: string): string => (/(000|180)$/.test(name) ? name : name.includes('+') ? name.replace('+', '-') : name.replace('-', '+'));
const RULES: Rule[] = BASE_RULES.flatMap((r) => {
  const mirrored: Rule = { ...r, label: opposite(r.label), gains: r.gains.map(([n, g]) => [opposite(n), g]) };
  const same = mirrored.label === r.label && JSON.stringify([...mirrored.gains].sort()) === JSON.stringify([...r.gains].sort());
  return same ? [r] : [r, mirrored];
});

/** ITU common-definition packs the rules apply to (BS.2127 8.4). */
export const ITU_PACKS: Record<string, string> = {
  AP_00010001: '0+1+0', AP_00010002: '0+2+0', AP_0001000c: '0+5+0', AP_00010003: '0+5+0', AP_00010004: '2+5+0', AP_00010005: '4+5+0',
  AP_00010010: '4+5+1', AP_00010007: '3+7+0', AP_00010008: '4+9+0', AP_00010009: '9+10+3', AP_0001000f: '0+7+0', AP_00010017: '4+7+0',
};

const URN = /^urn:itu:bs:2051:[0-9]+:speaker:(.*)$/;
const SUBSTITUTIONS: Record<string, string> = { LFE: 'LFE1', LFEL: 'LFE1', LFER: 'LFE2' };
export function nominalSpeakerLabel(label: string): string {
  const m = URN.exec(label);
  const l = m ? m[1]! : label;
  return SUBSTITUTIONS[l] ?? l;
}

export class DirectSpeakersPanner {
  private readonly names: string[];
  private readonly isLfe: boolean[];
  private readonly nominal: Vec3[];
  private readonly allo: Vec3[];
  private readonly psp: PointSourcePanner;
  private readonly alloPsp: AllocentricPanner;
  constructor(private readonly layout: TargetLayout) {
    this.names = layout.speakers.map((sp) => sp.name);
    this.isLfe = layout.speakers.map((sp) => sp.isLfe);
    this.nominal = layout.speakers.map((sp) => cart(sp.azimuthDeg, sp.elevationDeg, 1));
    this.allo = layout.speakers.map((sp) => sp.allo);
    this.psp = pointSourcePanner(layout);
    this.alloPsp = new AllocentricPanner(layout.speakers.filter((sp) => !sp.isLfe).map((sp) => sp.allo));
  }

  private one(i: number): Float64Array {
    const g = new Float64Array(this.names.length);
    g[i] = 1;
    return g;
  }

  /** Gains (layout order, LFE included) for one DirectSpeakers channel; `packId` is its innermost pack. */
  gains(block: DirectSpeakersBlock, packId: string | null): Float64Array {
    const g = this.gainsWithoutGain(block, packId);
    for (let i = 0; i < g.length; i++) g[i]! *= block.gain;
    return g;
  }

  isLfeChannel(block: DirectSpeakersBlock): boolean {
    const byFreq = block.lowPassHz !== null && block.lowPassHz <= 200 && block.highPassHz === null;
    const byName = block.speakerLabels.some((l) => ['LFE1', 'LFE2'].includes(nominalSpeakerLabel(l)));
    return byFreq || byName;
  }

  private gainsWithoutGain(block: DirectSpeakersBlock, packId: string | null): Float64Array {
    const tol = 1e-5;
    const lfe = this.isLfeChannel(block);
    const input = packId ? ITU_PACKS[packId] : undefined;
    if (input && block.speakerLabels.length > 0) {
      const label = nominalSpeakerLabel(block.speakerLabels[0]!);
      for (const r of RULES) {
        if (r.inputs && !r.inputs.includes(input)) continue;
        if (r.outputs && !r.outputs.includes(this.layout.itu)) continue;
        if (r.label !== label) continue;
        if (!r.gains.every(([n]) => this.names.includes(n))) continue;
        const g = new Float64Array(this.names.length);
        for (const [n, v] of r.gains) g[this.names.indexOf(n)] = v;
        return g;
      }
    }
    for (const l of block.speakerLabels) {
      const i = this.names.indexOf(nominalSpeakerLabel(l));
      if (i >= 0 && this.isLfe[i] === lfe) return this.one(i);
    }
    // the closest speaker within the position's bounds, when exactly one is closest
    const within: number[] = [];
    let target: Vec3;
    let positions: Vec3[];
    if (block.cartesian) {
      const b = [block.cartesian.x, block.cartesian.y, block.cartesian.z];
      target = [b[0]!.value, b[1]!.value, b[2]!.value];
      positions = this.allo;
      this.allo.forEach((p, i) => {
        if (b.every((bd, k) => p[k]! + tol >= (bd.min ?? bd.value) && p[k]! - tol <= (bd.max ?? bd.value))) within.push(i);
      });
    } else {
      const pp = block.polar ?? { azimuth: { value: 0, min: null, max: null }, elevation: { value: 0, min: null, max: null }, distance: { value: 1, min: null, max: null } };
      target = cart(pp.azimuth.value, pp.elevation.value, pp.distance.value);
      positions = this.nominal;
      const [azMin, azMax] = [pp.azimuth.min ?? pp.azimuth.value, pp.azimuth.max ?? pp.azimuth.value];
      const [elMin, elMax] = [pp.elevation.min ?? pp.elevation.value, pp.elevation.max ?? pp.elevation.value];
      const [dMin, dMax] = [pp.distance.min ?? pp.distance.value, pp.distance.max ?? pp.distance.value];
      this.layout.speakers.forEach((sp, i) => {
        const azOk = insideAngleRange(sp.azimuthDeg, azMin, azMax, tol) || Math.abs(sp.elevationDeg) >= 90 - tol;
        if (azOk && sp.elevationDeg > elMin - tol && sp.elevationDeg < elMax + tol && 1 > dMin - tol && 1 < dMax + tol) within.push(i);
      });
    }
    const candidates = within.filter((i) => this.isLfe[i] === lfe);
    if (candidates.length > 0) {
      const d = candidates.map((i) => Math.hypot(positions[i]![0] - target[0], positions[i]![1] - target[1], positions[i]![2] - target[2]));
      const min = Math.min(...d);
      if (d.filter((x) => Math.abs(x - min) < tol).length === 1) return this.one(candidates[d.indexOf(min)]!);
    }
    if (lfe) {
      const i = this.names.indexOf('LFE1');
      return i >= 0 ? this.one(i) : new Float64Array(this.names.length);
    }
    const pv = block.cartesian ? this.alloPsp.handle(target) : this.psp.handle(target);
    const g = new Float64Array(this.names.length);
    let k = 0;
    for (let i = 0; i < g.length; i++) if (!this.isLfe[i]) g[i] = pv[k++]!;
    return g;
  }
}
