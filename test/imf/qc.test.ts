// `qc IMP_DIR --spec netflix-imf`: the rendered virtual tracks get every loudness and signal rule as
// printmasters, and the IMF rules read what the track files carry.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runQc } from '../../src/qc/pipeline.js';
import { loadSpec } from '../../src/specs/loader.js';
import { tempDir } from '../helpers/audio-fixtures.js';
import { testPcm } from '../audio/mxf/mxf-writer.js';
import { writePackage } from './imf-writer.js';

const root = tempDir('dubstage-imf-qc-');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const L51 = ['chL', 'chR', 'chC', 'chLFE', 'chLs', 'chRs'];

describe('qc --spec netflix-imf', () => {
  it('checks each audio virtual track as a printmaster and the package against the IMF rules', async () => {
    const frames = 48000 * 3;
    const pkg = writePackage(path.join(root, 'imp'), {
      trackFiles: [
        { name: 'EN51.mxf', channels: 6, pcm: testPcm(frames, 6, 24, 1), mca: { channels: L51, group: 'sg51', language: 'en' } },
        { name: 'EN20.mxf', channels: 2, pcm: testPcm(frames, 2, 24, 2), mca: { channels: ['chL', 'chR'], group: 'sgST', language: 'en' } },
        // French: a 5.1 only, frame-wrapped, and its 2.0 missing
        { name: 'FR51.mxf', channels: 6, pcm: testPcm(frames, 6, 24, 3), mca: { channels: L51, group: 'sg51', language: 'fr' }, wrapping: 'frame' },
        // an unlabelled stereo (no MCA): labels assumed, the IMF rule says so
        { name: 'XX20.mxf', channels: 2, bits: 16, pcm: testPcm(frames, 2, 16, 4) },
      ],
      cpls: [
        { name: 'CPL_en.xml', title: 'Feature EN', segments: [{ audio: { a: [{ file: 'EN51.mxf' }], b: [{ file: 'EN20.mxf' }] } }] },
        { name: 'CPL_fr.xml', title: 'Feature FR', segments: [{ audio: { a: [{ file: 'FR51.mxf' }], b: [{ file: 'XX20.mxf' }] } }] },
      ],
    });
    const run = await runQc({ paths: [pkg.dir], spec: loadSpec('netflix-imf').spec, threads: 1 });
    expect(run.inputErrors).toEqual([]);
    expect(run.deliverables).toHaveLength(4);
    expect(run.deliverables.every((d) => d.role === 'printmaster')).toBe(true);
    expect(run.deliverables.map((d) => d.layout).sort()).toEqual(['2.0', '2.0', '5.1', '5.1']);
    const by = (rule: string) => run.outcome.findings.filter((f) => f.rule === rule);
    // loudness rules ran on the rendered virtual tracks
    expect(by('loudness/integrated').length).toBeGreaterThanOrEqual(4);
    expect(by('imf/clip-wrapped').map((f) => path.basename(f.file ?? ''))).toEqual(['CPL_fr.xml#track1']);
    expect(by('imf/mca-labels').map((f) => f.message)).toEqual(['MCA labels: no MCA audio channel labels; no MCA soundfield group; no RFC 5646 spoken language']);
    const lang = by('imf/language-versions').map((f) => f.message).sort();
    // the unlabelled track has neither a language nor a soundfield group: it counts as neither kind
    expect(lang).toEqual([
      'language (no language): no 2.0 audio virtual track (sgST or sgLtRt)',
      'language (no language): no 5.1 audio virtual track (sg51)',
      'language fr: no 2.0 audio virtual track (sgST or sgLtRt)',
    ]);
    expect(by('format/bit-depth').map((f) => path.basename(f.file ?? ''))).toEqual(['CPL_fr.xml#track2']);
  });
});
