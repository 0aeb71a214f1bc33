/**
 * inspect on ADM masters, bare ADM XML and plain files; measure on an ADM master measures the bed alone.
 * Counts are read by hand from the corpus files' axml (see the ADM adapter's corpus test for the detail).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectAny } from '../../src/analysis/inspect.js';
import { measureFile } from '../../src/analysis/measure.js';
import { samplesDir } from '../helpers/corpus.js';

const renderer = samplesDir('adm_bwf', 'ebu__ebu_adm_renderer', 'test_bwf.wav');
const dolby = samplesDir('adm_bwf', 'DolbyLaboratories__dbmd-atmos-parser', 'sample_adm_file_0.wav');
const xml714 = samplesDir('adm_xml', 'Mach1Studios__m1-admparser', '7-1-4-ADM.txt');

describe('inspect', () => {
  it('reports the ADM of a BW64 master in the contract shape', async () => {
    const r = await inspectAny(renderer);
    expect(r.kind).toBe('audio');
    expect(r.chunks!.map((c) => c.id)).toEqual(['JUNK', 'fmt ', 'chna', 'axml', 'data']);
    // 4 tracks; 2 Objects-type audioObjects; 3 DirectSpeakers objects sharing 2 tracks: bedChannels is
    // the channels of the bed packs (issue 14), 1 + 1 + 1, the sum of the beds inspect lists
    expect(r.adm).toMatchObject({ objects: 2, tracks: 4, bedChannels: 3, unusedTracks: 0 });
    expect(r.adm!.bedChannels).toBe(r.adm!.beds.reduce((n, b) => n + b.channels, 0));
    expect(Object.keys(r.adm!).sort()).toEqual(['bedChannels', 'beds', 'objects', 'problems', 'programmes', 'tracks', 'unusedTracks']);
  });

  it('reads a bare ADM XML file (7.1.4 bed, no objects)', async () => {
    const r = await inspectAny(xml714);
    expect(r.kind).toBe('adm-xml');
    expect(r.adm).toMatchObject({ bedChannels: 12, objects: 0 });
  });

  it('gives start, duration and end as timecode', async () => {
    const r = await inspectAny(dolby);
    expect(r.timecode).toMatchObject({ start: '00:00:00:00', duration: '00:00:05:00' });
    expect(r.dbmd).toBe(true);
  });
});

describe('measure on ADM masters', () => {
  it('measures the bed alone and says the objects are not rendered', async () => {
    const m = await measureFile(renderer);
    expect(m.error).toBeUndefined();
    expect(m.format!.channels).toBe(4);
    expect(m.channels!.length).toBe(2);
    expect(m.warnings.join('\n')).toMatch(/objects not rendered yet/);
  });

  it('gives no programme loudness for an objects-only master', async () => {
    const m = await measureFile(dolby);
    expect(m.error).toBeUndefined();
    expect(m.loudness!.integratedLufs).toBeNull();
    expect(m.warnings.join('\n')).toMatch(/no bed channels to measure/);
  });

  it('leaves a file without axml alone', async () => {
    const m = await measureFile(path.join(samplesDir('..', 'ebu-testset'), 'seq-3341-1-16bit.wav'));
    expect(m.warnings.some((w) => w.startsWith('ADM'))).toBe(false);
    expect(m.channels!.length).toBe(2);
  });
});
