import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DubstageError } from '../../src/errors.js';
import { builtinIds, builtinProfilesDir, loadSpec } from '../../src/specs/loader.js';

const EXPECTED = [
  'aes-streaming', 'amazon-originals', 'arib-tr-b32', 'atsc-a85', 'ebu-r128', 'ebu-r128-s1', 'max', 'netflix',
  'netflix-atmos', 'netflix-imf', 'op-59', 'spotify', 'youtube',
];

/** Every key path of a numeric leaf (arrays of numbers count as one leaf). */
function numericPaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'number') return [prefix];
  if (Array.isArray(value)) return value.some((v) => typeof v === 'number') ? [prefix] : [];
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => numericPaths(v, prefix ? `${prefix}.${k}` : k));
  }
  return [];
}

function tmpSpec(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-spec-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function specError(ref: string): DubstageError {
  try {
    loadSpec(ref);
  } catch (err) {
    if (err instanceof DubstageError) return err;
    throw err;
  }
  throw new Error(`expected ${ref} to fail`);
}

describe('built-in spec profiles', () => {
  it('lists every built-in', () => {
    expect(builtinIds()).toEqual(EXPECTED);
    expect(fs.existsSync(path.join(builtinProfilesDir(), 'netflix.yaml'))).toBe(true);
  });

  for (const id of EXPECTED) {
    it(`${id} passes the schema, its id matches its file, and every number cites a source`, () => {
      const { spec, builtin } = loadSpec(id);
      expect(builtin).toBe(true);
      expect(spec.id).toBe(id);
      const { sources: _s, evidence: _e, rules: _r, ...numbersOnly } = spec;
      for (const p of numericPaths(numbersOnly)) {
        expect(spec.evidence[p], `${id}: ${p} has no evidence entry`).toBeDefined();
      }
      for (const ev of Object.values(spec.evidence)) expect(spec.sources[ev.source]).toBeDefined();
    });
  }

  it('netflix requires 5.1 and 2.0 printmasters, 5.1 DX/MX/FX stems and a 5.1 M&E', () => {
    const { spec } = loadSpec('netflix');
    expect(spec.loudness).toMatchObject({ mode: 'dialogue-gated', targetLufs: -27, toleranceLu: 2, maxTruePeakDbtp: -2 });
    expect(spec.deliverables?.required).toEqual([
      { role: 'printmaster', layout: '5.1' },
      { role: 'printmaster', layout: '2.0' },
      { role: 'stem', stem: 'dialogue', layout: '5.1' },
      { role: 'stem', stem: 'music', layout: '5.1' },
      { role: 'stem', stem: 'effects', layout: '5.1' },
      { role: 'me', layout: '5.1' },
    ]);
  });

  it('netflix-atmos extends netflix: keeps its loudness, adds the Atmos limits', () => {
    const { spec } = loadSpec('netflix-atmos');
    expect(spec.loudness?.targetLufs).toBe(-27);
    // judgeOnRenders comes from netflix (the Atmos re-renders must meet the mix spec), merged key by key
    expect(spec.atmos).toEqual({ judgeOnRenders: ['5.1', '2.0'], beds: ['LCR', '5.0', '5.1', '7.1', '7.1.2'], maxObjects: 118 });
    expect(spec.deliverables?.required[0]).toEqual({ role: 'atmos' });
    expect(spec.evidence['loudness.targetLufs']?.status).toBe('V');
  });
});

describe('user spec files', () => {
  it('a house spec extends a built-in and overrides one number', () => {
    const file = tmpSpec('house.yaml', 'extends: netflix\nid: house\nname: House\nversion: "1"\nloudness:\n  targetLufs: -24\n');
    const { spec, builtin } = loadSpec(file);
    expect(builtin).toBe(false);
    expect(spec.loudness).toMatchObject({ mode: 'dialogue-gated', targetLufs: -24, toleranceLu: 2 });
    expect(spec.format?.sampleRateHz).toEqual([48000]);
  });

  it('a wrong key names the key path and the file', () => {
    const file = tmpSpec('bad-key.yaml', 'id: bad\nname: Bad\nversion: "1"\nloudness:\n  mode: programme\n  targetLufs: -23\n  toleranceLu: 1\n  targetLkfs: -24\n');
    const err = specError(file);
    expect(err.code).toBe('bad-spec');
    expect(err.path).toBe(file);
    expect(err.message).toContain("'loudness'");
    expect(err.message).toContain('targetLkfs');
  });

  it('a wrong value names the key path', () => {
    const file = tmpSpec('bad-value.yaml', 'extends: netflix\nid: bad\nname: Bad\nversion: "1"\nloudness:\n  mode: speech\n');
    const err = specError(file);
    expect(err.code).toBe('bad-spec');
    expect(err.message).toContain("key 'loudness.mode'");
  });

  it('an unknown rule id is rejected', () => {
    const file = tmpSpec('bad-rule.yaml', 'extends: ebu-r128\nid: bad\nname: Bad\nversion: "1"\nrules:\n  loudness/integrate: error\n');
    const err = specError(file);
    expect(err.message).toContain("'rules");
    expect(err.message).toContain('loudness/integrate');
  });

  it('broken YAML reports the line', () => {
    const file = tmpSpec('broken.yaml', 'id: x\nname: [unclosed\nversion: 1\n');
    const err = specError(file);
    expect(err.code).toBe('bad-spec');
    expect(err.line).toBeGreaterThan(0);
  });

  it('an unknown built-in name lists the built-ins', () => {
    const err = specError('netflx');
    expect(err.code).toBe('bad-spec');
    expect(err.message).toContain('netflix-atmos');
  });

  it('an extends loop is an error, not a hang', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-spec-'));
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'extends: ./b.yaml\nid: a\n');
    fs.writeFileSync(path.join(dir, 'b.yaml'), 'extends: ./a.yaml\nid: b\n');
    expect(specError(path.join(dir, 'a.yaml')).message).toContain('loops');
  });
});
