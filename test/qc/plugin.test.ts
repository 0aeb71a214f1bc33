/**
 * A user's analyzer and rule, written here and loaded through `--plugin` / the registries, without
 * touching src/qc or src/analysis: the pass runs the plugin's analyzer where its rule needs it (inline and
 * in the pool's workers), the rule's findings come out with the built-ins', and the catalog lists it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlugins } from '../../src/qc/plugins.js';
import { runQc } from '../../src/qc/pipeline.js';
import { ruleCatalog } from '../../src/qc/catalog.js';
import { loadSpec } from '../../src/specs/loader.js';
import { buildDelivery } from './delivery-fixture.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

// A plain-JS plugin as a user would write it: an analyzer counting samples above a level per channel,
// and a rule that fails a printmaster with more than `maxCount` of them (an option a profile may set).
const PLUGIN = `
export const analyzers = [{
  id: 'hot-samples',
  description: 'samples at or above a level, per channel',
  create(options) {
    const limit = 10 ** (options.levelDbfs / 20);
    let counts = [];
    let rate = 48000;
    let first = [];
    return {
      id: 'hot-samples',
      start(stream) { counts = new Array(stream.channelCount).fill(0); first = new Array(stream.channelCount).fill(null); rate = stream.sampleRate; },
      process(block) {
        block.channels.forEach((ch, c) => {
          for (let i = 0; i < block.frames; i++) if (Math.abs(ch[i]) >= limit) { counts[c]++; if (first[c] === null) first[c] = (block.frameOffset + i) / rate; }
        });
      },
      finish() { return { counts, firstSeconds: first }; },
    };
  },
}];

export const rules = [{
  id: 'house/hot-samples',
  meta: {
    description: 'printmaster samples at or above a house level, counted per channel',
    defaultSeverity: 'error',
    options: { hotSamples: {
      levelDbfs: { default: -6, unit: 'dBFS', description: 'level a sample must reach' },
      maxCount: { default: 0, unit: 'samples', description: 'hot samples allowed per channel' },
    } },
  },
  needs: (file, o) => (file.role === 'printmaster' ? [{ id: 'hot-samples', options: { levelDbfs: o.hotSamples.levelDbfs } }] : []),
  check(ctx, o) {
    const out = [];
    for (const d of ctx.deliverables) {
      const r = d.measurement?.analyzers?.['hot-samples'];
      if (!r) continue;
      r.counts.forEach((n, c) => {
        if (n > o.hotSamples.maxCount) out.push({ message: n + ' hot samples', deliverable: d.id, file: d.files[0], channel: String(c),
          startSeconds: r.firstSeconds[c], endSeconds: r.firstSeconds[c], startTimecode: null, endTimecode: null, measured: n, limit: o.hotSamples.maxCount });
      });
    }
    return out;
  },
}];
`;

let pluginFile = '';
beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-plugin-'));
  dirs.push(dir);
  pluginFile = path.join(dir, 'house-plugin.mjs');
  fs.writeFileSync(pluginFile, PLUGIN);
});

describe('a plugin analyzer and rule', () => {
  it('run through the registries, inline and in the worker pool, with the same findings', async () => {
    const [loaded] = await loadPlugins([pluginFile]);
    expect(loaded!.analyzers).toEqual(['hot-samples']);
    expect(loaded!.rules).toEqual(['house/hot-samples']);
    // loading it again is harmless (the module system gives the same objects)
    await loadPlugins([pluginFile]);
    const dir = await buildDelivery('true-peak');
    dirs.push(dir);
    const spec = loadSpec('netflix').spec;
    const plain = await runQc({ paths: [dir], spec, fps: '24', threads: 1, plugins: [loaded!.url] });
    const pooled = await runQc({ paths: [dir], spec, fps: '24', threads: 2, plugins: [loaded!.url] });
    const hot = plain.outcome.findings.filter((f) => f.rule === 'house/hot-samples');
    // the planted transient (0.98 in the centre of the effects, so in both printmasters) is hot; nothing else is
    expect(hot.length).toBeGreaterThan(0);
    expect(hot.every((f) => f.severity === 'error' && f.deliverable?.startsWith('printmaster'))).toBe(true);
    expect(plain.outcome.verdict).toBe('fail');
    expect(pooled.outcome.findings.filter((f) => f.rule === 'house/hot-samples')).toEqual(hot);
    // only printmasters ran the analyzer (its rule's needs), and the stems did not
    for (const d of plain.deliverables) expect(d.measurement?.analyzers?.['hot-samples'] !== undefined).toBe(d.role === 'printmaster');
    expect(plain.outcome.rulesRun.map((r) => r.id)).toContain('house/hot-samples');
  });

  it('takes its options and severity from a profile, and the catalog lists it', async () => {
    await loadPlugins([pluginFile]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-plugin-spec-'));
    dirs.push(dir);
    const house = path.join(dir, 'house.yaml');
    fs.writeFileSync(house, 'extends: netflix\nid: house\nname: House\nversion: "1"\nrules:\n  house/hot-samples: warning\nthresholds:\n  hotSamples: { levelDbfs: 0.5 }\n');
    const spec = loadSpec(house).spec;
    const delivery = await buildDelivery('true-peak');
    dirs.push(delivery);
    const run = await runQc({ paths: [delivery], spec, fps: '24', threads: 1 });
    // above full scale nothing in a fixed-point file is hot
    expect(run.outcome.findings.filter((f) => f.rule === 'house/hot-samples')).toEqual([]);
    expect(run.outcome.rulesRun.find((r) => r.id === 'house/hot-samples')?.severity).toBe('warning');
    const entry = ruleCatalog().find((r) => r.id === 'house/hot-samples');
    expect(entry?.options.map((o) => `${o.key}=${o.default}`)).toEqual(['thresholds.hotSamples.levelDbfs=-6', 'thresholds.hotSamples.maxCount=0']);
    expect(entry?.analyzers).toEqual(['hot-samples']);
  });

  it('a profile naming an unknown threshold section is still refused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-plugin-bad-'));
    dirs.push(dir);
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'extends: netflix\nid: bad\nname: Bad\nversion: "1"\nthresholds:\n  hotSampels: { levelDbfs: -1 }\n');
    expect(() => loadSpec(bad)).toThrow(/thresholds.*hotSampels/);
  });

  it('from the command line: qc --plugin and rules --plugin', async () => {
    const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'src', 'cli', 'main.js');
    const dir = await buildDelivery('true-peak');
    dirs.push(dir);
    const qc = spawnSync(process.execPath, [cli, 'qc', dir, '--spec', 'netflix', '--fps', '24', '--json', '--plugin', pluginFile], { encoding: 'utf8' });
    expect(qc.status).toBe(1);
    const json = JSON.parse(qc.stdout) as { findings: Array<{ rule: string }> };
    expect(json.findings.some((f) => f.rule === 'house/hot-samples')).toBe(true);
    const rules = spawnSync(process.execPath, [cli, 'rules', '--plugin', pluginFile], { encoding: 'utf8' });
    expect(rules.status).toBe(0);
    expect(rules.stdout).toContain('house/hot-samples  [error]');
    expect(rules.stdout).toContain('thresholds.hotSamples.maxCount = 0 samples');
    const missing = spawnSync(process.execPath, [cli, 'rules', '--plugin', path.join(dir, 'nope.mjs')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^dubstage rules: --plugin: no such module file \(.*nope\.mjs\)/);
  });
});
