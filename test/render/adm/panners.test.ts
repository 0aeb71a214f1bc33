/**
 * The BS.2127 panners against answers derived from the standard's equations, not from this code:
 * a source on a speaker plays from that speaker alone; a horizontal source between two speakers gets
 * the 2-D VBAP pair (the unique non-negative pair pointing at it, power-normalised); cartesian
 * sources get the allocentric cos/sin balance laws; DirectSpeakers follow BS.2127 8.4's rules.
 */
import { describe, expect, it } from 'vitest';
import { AllocentricPanner } from '../../../src/render/adm/allocentric.js';
import { DirectSpeakersPanner, type DirectSpeakersBlock } from '../../../src/render/adm/direct-speakers.js';
import { cart, targetLayout, TARGET_LAYOUTS, type Vec3 } from '../../../src/render/adm/layouts.js';
import { ObjectGains, type ObjectsBlock } from '../../../src/render/adm/objects.js';
import { pointSourcePanner } from '../../../src/render/adm/point-source.js';

const rad = (d: number): number => (d * Math.PI) / 180;
/** 2-D VBAP between speakers at azimuths a and b for a source at azimuth s (all in the horizontal plane). */
function vbap2(a: number, b: number, s: number): [number, number] {
  // solve ga*[cos a, sin a] + gb*[cos b, sin b] = [cos s, sin s]
  const det = Math.cos(rad(a)) * Math.sin(rad(b)) - Math.sin(rad(a)) * Math.cos(rad(b));
  const ga = (Math.cos(rad(s)) * Math.sin(rad(b)) - Math.sin(rad(s)) * Math.cos(rad(b))) / det;
  const gb = (Math.cos(rad(a)) * Math.sin(rad(s)) - Math.sin(rad(a)) * Math.cos(rad(s))) / det;
  const n = Math.hypot(ga, gb);
  return [ga / n, gb / n];
}

function block(p: Partial<ObjectsBlock> & { position: Vec3 }): ObjectsBlock {
  return {
    rtimeSeconds: null, durationSeconds: null, cartesian: false, gain: 1, width: 0, height: 0, depth: 0, diffuse: 0,
    divergence: null, channelLock: null, jumpPosition: false, interpolationLengthSeconds: null, zoneExclusion: false, screenRef: false, admVersion2: true,
    ...p,
  };
}

describe('point-source panner (BS.2127 6.1)', () => {
  for (const layout of TARGET_LAYOUTS.filter((l) => l.id !== '2.0')) {
    it(`${layout.id}: a source on each speaker plays from it alone, power-normalised everywhere`, () => {
      const psp = pointSourcePanner(layout);
      const speakers = layout.speakers.filter((s) => !s.isLfe);
      speakers.forEach((s, i) => {
        const g = psp.handle(cart(s.azimuthDeg, s.elevationDeg, 1));
        g.forEach((v, k) => expect(v).toBeCloseTo(k === i ? 1 : 0, 9));
      });
      for (let az = -180; az < 180; az += 7) {
        for (const el of [-60, -20, 0, 15, 30, 50, 89]) {
          const g = psp.handle(cart(az, el, 1));
          expect(Math.hypot(...g)).toBeCloseTo(1, 9);
          for (const v of g) expect(v).toBeGreaterThanOrEqual(0);
        }
      }
    });
  }

  it('5.1: horizontal sources between two speakers get the 2-D VBAP pair', () => {
    const psp = pointSourcePanner(targetLayout('5.1'));
    // channels (non-LFE): L R C Ls Rs
    const cases: Array<[number, number, number, number, number]> = [
      [15, 2, 0, 0, 30],
      [-10, 2, 1, 0, -30],
      [70, 0, 3, 30, 110],
      [180, 3, 4, 110, 250],
      [-140, 4, 3, -110, -250],
    ];
    for (const [s, i, j, a, b] of cases) {
      const [ga, gb] = vbap2(a, b, s);
      const g = psp.handle(cart(s, 0, 1));
      expect(g[i]).toBeCloseTo(ga, 9);
      expect(g[j]).toBeCloseTo(gb, 9);
      expect(g.reduce((x, y) => x + y, 0)).toBeCloseTo(ga + gb, 9);
    }
  });

  it('2.0: the 0+5+0 pan downmixed, with the centre at sqrt(1/2) each side and -3 dB at the back', () => {
    const psp = pointSourcePanner(targetLayout('2.0'));
    const c = psp.handle(cart(0, 0, 1));
    expect(c[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(c[1]).toBeCloseTo(Math.SQRT1_2, 12);
    const l = psp.handle(cart(30, 0, 1));
    expect([l[0], l[1]]).toEqual([1, 0]);
    // Ls alone (az 110): downmix row sqrt(1/2) to L, then normalised to 1, then 0.5^0.5 for all-back
    const ls = psp.handle(cart(110, 0, 1));
    expect(ls[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(ls[1]).toBeCloseTo(0, 12);
  });
});

describe('allocentric panner (BS.2127 6.2)', () => {
  it('5.1: X 0.5 on the front row pans C/R by the cos/sin law; corners are single speakers', () => {
    const l = targetLayout('5.1');
    const p = new AllocentricPanner(l.speakers.filter((s) => !s.isLfe).map((s) => s.allo));
    const g = p.handle([0.5, 1, 0]);
    // non-LFE order L R C Ls Rs
    expect(g[2]).toBeCloseTo(Math.cos(Math.PI / 4), 12);
    expect(g[1]).toBeCloseTo(Math.sin(Math.PI / 4), 12);
    expect(Array.from(p.handle([-1, 1, 0]))).toEqual([1, 0, 0, 0, 0]);
    expect(Array.from(p.handle([1, -1, 0]))).toEqual([0, 0, 0, 0, 1]);
    // Y 0 between the front row and the back row: cos/sin of half-way on each
    const mid = p.handle([-1, 0, 0]);
    expect(mid[0]).toBeCloseTo(Math.cos(Math.PI / 4), 12);
    expect(mid[3]).toBeCloseTo(Math.sin(Math.PI / 4), 12);
  });

  it('7.1.4: Z 0.5 splits between the mid and the upper plane by the cos/sin law', () => {
    const l = targetLayout('7.1.4');
    const speakers = l.speakers.filter((s) => !s.isLfe);
    const p = new AllocentricPanner(speakers.map((s) => s.allo));
    const g = p.handle([-1, 1, 0.5]);
    const mid = speakers.findIndex((s) => s.name === 'M+030');
    const top = speakers.findIndex((s) => s.name === 'U+045');
    expect(g[mid]).toBeCloseTo(Math.cos(Math.PI / 4), 12);
    expect(g[top]).toBeCloseTo(Math.sin(Math.PI / 4), 12);
  });
});

describe('object gains (BS.2127 7)', () => {
  it('divergence 0.5 with azimuthRange 30 at the front: C, L and R each at sqrt(1/3)', () => {
    const o = new ObjectGains(targetLayout('5.1'));
    const g = o.gains(block({ position: [0, 0, 1], divergence: { value: 0.5, azimuthRange: 30, positionRange: null } }));
    // layout order L R C LFE Ls Rs
    for (const i of [0, 1, 2]) expect(g[i]).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(g[3]).toBe(0);
  });

  it('channel lock moves a source at az 20 onto L (30) in 5.1, and not when maxDistance is too short', () => {
    const o = new ObjectGains(targetLayout('5.1'));
    const locked = o.gains(block({ position: [20, 0, 1], channelLock: { maxDistance: null } }));
    expect(Array.from(locked)).toEqual([1, 0, 0, 0, 0, 0]);
    const free = o.gains(block({ position: [20, 0, 1], channelLock: { maxDistance: 0.01 } }));
    const [gc, gl] = vbap2(0, 30, 20);
    expect(free[0]).toBeCloseTo(gl, 9);
    expect(free[2]).toBeCloseTo(gc, 9);
  });

  it('block gain scales, LFE stays silent', () => {
    const o = new ObjectGains(targetLayout('7.1.4'));
    const g = o.gains(block({ position: [0.3, -0.2, 0.4], cartesian: true, gain: 0.5 }));
    expect(g[3]).toBe(0);
    expect(Math.hypot(...g)).toBeCloseTo(0.5 * Math.hypot(...o.gains(block({ position: [0.3, -0.2, 0.4], cartesian: true }))), 12);
  });
});

describe('DirectSpeakers (BS.2127 8)', () => {
  const ds = (label: string, az: number, el: number, lfe = false): DirectSpeakersBlock => ({
    speakerLabels: [`urn:itu:bs:2051:0:speaker:${label}`],
    polar: { azimuth: { value: az, min: null, max: null }, elevation: { value: el, min: null, max: null }, distance: { value: 1, min: null, max: null } },
    cartesian: null,
    lowPassHz: lfe ? 120 : null,
    highPassHz: null,
    gain: 1,
  });
  it('a 7.1.4 pack to 5.1 by the mapping rules: M+090 -> L/Ls at sqrt(1/2), U+045 -> L, U+135 -> Ls, LFE -> LFE', () => {
    const p = new DirectSpeakersPanner(targetLayout('5.1'));
    expect(Array.from(p.gains(ds('M+090', 90, 0), 'AP_00010017'))).toEqual([Math.SQRT1_2, 0, 0, 0, Math.SQRT1_2, 0]);
    expect(Array.from(p.gains(ds('U+045', 45, 30), 'AP_00010017'))).toEqual([1, 0, 0, 0, 0, 0]);
    expect(Array.from(p.gains(ds('U-135', -135, 30), 'AP_00010017'))).toEqual([0, 0, 0, 0, 0, 1]);
    expect(Array.from(p.gains(ds('LFE', 0, -30, true), 'AP_00010017'))).toEqual([0, 0, 0, 1, 0, 0]);
  });
  it('a 7.1.2 pack (no rules for it) to 5.1: M+090 by the point-source panner, the 2-D VBAP pair L/Ls', () => {
    const p = new DirectSpeakersPanner(targetLayout('5.1'));
    const g = p.gains(ds('M+090', 90, 0), 'AP_00010016');
    const [gl, gls] = vbap2(30, 110, 90);
    expect(g[0]).toBeCloseTo(gl, 12);
    expect(g[4]).toBeCloseTo(gls, 12);
    expect(g[3]).toBe(0);
  });
  it('2.0 has no LFE: the LFE channel is dropped (BS.2127 8.x)', () => {
    const p = new DirectSpeakersPanner(targetLayout('2.0'));
    expect(Array.from(p.gains(ds('LFE', 0, -30, true), 'AP_00010003'))).toEqual([0, 0]);
  });
});
