// `dubstage inspect` on IMF packages built by code: CPLs (segments, sequences, durations), audio
// virtual tracks with one entry per MCA soundfield group, assets with their type and PKL status
// (SHA-1 computed with --hash), and problems; a package folder, its ASSETMAP or one CPL.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectImf } from '../../src/imf/inspect.js';
import { renderInspectText } from '../../src/report/inspect-text.js';
import { tempDir } from '../helpers/audio-fixtures.js';
import { writePackage } from './imf-writer.js';

const root = tempDir('dubstage-imf-inspect-');
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => path.join(root, `${n++}-${name}`);

import { twoCpls } from './packages.js';

describe('inspect an IMF package', () => {
  it('CPLs with segments, sequences and durations; audio virtual tracks with their soundfield groups; assets with type and PKL status', async () => {
    const pkg = writePackage(fresh('imp'), twoCpls());
    const r = await inspectImf(pkg.dir);
    expect(r.problems).toEqual([]);
    expect(r.hashed).toBe(false);
    expect(r.cpls.map((c) => [path.basename(c.path), c.title, c.version, c.editRate, c.durationEditUnits, c.durationSeconds])).toEqual([
      ['CPL_OV.xml', 'Feature OV', '2016', '24/1', 48, 2],
      ['CPL_DE.xml', 'Feature VF German', '2013', '25/1', 25, 1],
    ]);
    const ov = r.cpls[0]!;
    expect(ov.id).toBe(`urn:uuid:${pkg.ids.get('CPL_OV.xml')}`);
    expect(ov.segments.map((s) => [s.index, s.durationSeconds, s.sequences.map((q) => `${q.kind}:${q.resources}:${q.durationSeconds}`)])).toEqual([
      [1, 1, ['MainImageSequence:1:1', 'MainAudioSequence:1:1', 'MainAudioSequence:1:1']],
      [2, 1, ['MainImageSequence:1:1', 'MainAudioSequence:1:1', 'MainAudioSequence:1:1']],
    ]);
    expect(ov.audioTracks.map((a) => [path.basename(a.address), a.channels, a.resources, a.durationSeconds, a.language, a.soundfieldGroups.map((g) => `${g.symbol} ${g.channelSymbols.join(' ')}`)])).toEqual([
      ['CPL_OV.xml#track1', 6, 2, 2, 'en-US', ['sg51 chL chR chC chLFE chLs chRs']],
      ['CPL_OV.xml#track2', 2, 2, 2, 'en-US', ['sgST chL chR']],
    ]);
    expect(r.cpls[1]!.audioTracks.map((a) => [a.language, a.soundfieldGroups[0]!.symbol])).toEqual([['de-DE', 'sgST']]);
    const byName = new Map(r.assets.map((a) => [path.basename(a.path), a]));
    expect([...byName.entries()].map(([k, a]) => [k.startsWith('PKL_') ? 'PKL' : k, a.type, a.pkl.status])).toEqual([
      ['PKL', 'pkl', 'packing-list'],
      ['PM51_EN.mxf', 'audio', 'not-checked'],
      ['PM20_EN.mxf', 'audio', 'not-checked'],
      ['DUB20_DE.mxf', 'audio', 'not-checked'],
      ['VIDEO.mxf', 'picture', 'not-checked'],
      ['SUBS_DE.mxf', 'subtitle', 'not-checked'],
      ['CPL_OV.xml', 'cpl', 'match'],
      ['CPL_DE.xml', 'cpl', 'match'],
    ]);
    expect(byName.get('VIDEO.mxf')!.mxf).toEqual({ operationalPattern: 'OP1a', essenceContainers: ['JPEG 2000 frame-wrapped'] });
    expect(byName.get('PM51_EN.mxf')!.audio[0]).toMatchObject({ sampleRate: 48000, bits: 24, channels: 6, wrapping: 'clip', frames: 96000, language: 'en-US' });
    expect(byName.get('VIDEO.mxf')!.sequences).toEqual(['MainImageSequence']);

    // the text: one MCA line per soundfield group, every asset with its PKL status
    const text = renderInspectText([{ path: pkg.dir, kind: 'imf', imf: r, warnings: [] }]);
    expect(text).toContain("CPL 'Feature OV'");
    expect(text).toMatch(/edit rate 24\/1, duration 48 edit units \(2\.000 s\), 2 segments/);
    expect(text).toMatch(/audio CPL_OV\.xml#track1: 6 ch, 2 resources, 2\.000 s, language en-US\n\s+MCA sg51 +5\.1, 6 ch \(1:chL 2:chR 3:chC 4:chLFE 5:chLs 6:chRs\), language en-US/);
    expect(text).toMatch(/VIDEO\.mxf +picture +PKL PKL_.*: size matches, SHA-1 not checked/);
    expect(text).toContain('problems    none');
  });

  it('--hash: every track file against its PKL SHA-1; a mismatch names the file, the PKL and both hashes', async () => {
    const pkg = writePackage(fresh('imp-hash'), twoCpls({ wrongHash: ['VIDEO.mxf', 'DUB20_DE.mxf'] }));
    const r = await inspectImf(pkg.dir, { hash: true });
    const status = Object.fromEntries(r.assets.filter((a) => a.type !== 'pkl').map((a) => [path.basename(a.path), a.pkl.status]));
    expect(status).toEqual({ 'PM51_EN.mxf': 'match', 'PM20_EN.mxf': 'match', 'DUB20_DE.mxf': 'mismatch', 'VIDEO.mxf': 'mismatch', 'SUBS_DE.mxf': 'match', 'CPL_OV.xml': 'match', 'CPL_DE.xml': 'match' });
    const video = r.assets.find((a) => a.path.endsWith('VIDEO.mxf'))!;
    expect(video.pkl.actualSha1).toBe(createHash('sha1').update(readFileSync(video.path)).digest('base64'));
    expect(video.pkl.expectedSha1).toBe(createHash('sha1').update('not the file').digest('base64'));
    expect(r.problems.map((p) => [path.basename(p.path!), p.code])).toEqual([['DUB20_DE.mxf', 'mismatch'], ['VIDEO.mxf', 'mismatch']]);
    expect(r.problems[1]!.message).toContain(`SHA-1 ${video.pkl.actualSha1} but the PKL (${video.pkl.pkl}) says ${video.pkl.expectedSha1}`);
  });

  it('one CPL, or the ASSETMAP; a missing picture, a CPL naming an absent audio file and a wrong-size file are problems', async () => {
    const spec = twoCpls({ notInAssetMap: ['DUB20_DE.mxf'] });
    spec.pictures = [];
    spec.missingImages = ['VIDEO.mxf'];
    const pkg = writePackage(fresh('imp-bad'), spec);
    const one = await inspectImf(pkg.cplPaths[1]!);
    expect(one.cpls.map((c) => c.title)).toEqual(['Feature VF German']);
    expect(one.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(new RegExp(`MainImageSequence track file urn:uuid:${pkg.ids.get('VIDEO.mxf')} needed by CPL CPL_DE\\.xml is not in the ASSETMAP|missing on disk`)),
      `audio track file urn:uuid:${pkg.ids.get('DUB20_DE.mxf')} needed by CPL CPL_DE.xml (urn:uuid:${pkg.ids.get('CPL_DE.xml')}) is not in the ASSETMAP`,
    ]);
    const all = await inspectImf(path.join(pkg.dir, 'ASSETMAP.xml'));
    expect(all.cpls).toHaveLength(2);
    expect(all.assets.find((a) => a.path.endsWith('VIDEO.mxf'))!.pkl.status).toBe('missing');
  });
});
