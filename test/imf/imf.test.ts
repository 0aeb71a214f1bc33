// IMF packages built by code: each audio virtual track (entry points, durations, repeats, segments)
// measures exactly like a WAV of the samples it plays; PKL hashes checked in the pass; missing and bad
// assets reported without stopping the audio; hostile XML refused.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureFile } from '../../src/analysis/measure.js';
import { bufferSource } from '../../src/audio/bytesource.js';
import { HashingByteSource, hashTrackFiles, imfVirtualTrackAddresses, nonAudioTrackFiles, readImfPackage } from '../../src/imf/index.js';
import { DubstageError } from '../../src/errors.js';
import { fmtBody, riffFile, tempDir } from '../helpers/audio-fixtures.js';
import { repoRoot } from '../helpers/corpus.js';
import { testPcm } from '../audio/mxf/mxf-writer.js';
import { writePackage, type PackageSpec } from './imf-writer.js';

const root = tempDir('dubstage-imf-');
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => path.join(root, `${n++}-${name}`);

const L51 = ['chL', 'chR', 'chC', 'chLFE', 'chLs', 'chRs'];
const A = testPcm(96000, 6, 24, 11);
const B = testPcm(48000, 6, 24, 12);
const C = testPcm(96000, 2, 24, 13);
const BA = 18; // 5.1 24-bit block align
const slice = (pcm: Buffer, from: number, frames: number, align: number) => pcm.subarray(from * align, (from + frames) * align);

function wav(pcm: Buffer, channels: number): string {
  const p = fresh('expected.wav');
  writeFileSync(p, riffFile([{ id: 'fmt ', body: fmtBody({ channels, sampleRate: 48000, bits: 24 }) }, { id: 'data', body: pcm }]));
  return p;
}

function feature(extra: Partial<PackageSpec> = {}, version: '2013' | '2016' = '2016'): PackageSpec {
  return {
    trackFiles: [
      { name: 'PM51_A.mxf', channels: 6, pcm: A, mca: { channels: L51, group: 'sg51', language: 'en-US' } },
      { name: 'PM51_B.mxf', channels: 6, pcm: B, mca: { channels: L51, group: 'sg51', language: 'en-US' } },
      { name: 'PM20_C.mxf', channels: 2, pcm: C, mca: { channels: ['chL', 'chR'], group: 'sgST', language: 'en-US' } },
    ],
    cpls: [{
      name: 'CPL_feature.xml', title: 'The Feature', version,
      segments: [
        { imageFile: 'VIDEO.mxf', audio: { pm51: [{ file: 'PM51_A.mxf', entryPoint: 12000, sourceDuration: 48000 }], st: [{ file: 'PM20_C.mxf', entryPoint: 0, sourceDuration: 48000, explicit: true }] } },
        { imageFile: 'VIDEO.mxf', audio: { pm51: [{ file: 'PM51_B.mxf', repeatCount: 2 }, { file: 'PM51_A.mxf', entryPoint: 90000, sourceDuration: 6000 }], st: [{ file: 'PM20_C.mxf', entryPoint: 48000, sourceDuration: 48000 }] } },
      ],
    }],
    ...extra,
  };
}

/** The samples virtual track 1 (5.1) and 2 (stereo) of `feature` play. */
const VT1 = Buffer.concat([slice(A, 12000, 48000, BA), B, B, slice(A, 90000, 6000, BA)]);
const VT2 = C;

async function expectSame(address: string, expectedWav: string) {
  const [a, b] = await Promise.all([measureFile(address, { threads: 1 }), measureFile(expectedWav, { threads: 1 })]);
  expect(a.error).toBeUndefined();
  expect(a.format!.container).toBe('imf');
  expect(a.format!.frames).toBe(b.format!.frames);
  expect(a.loudness).toEqual(b.loudness);
  expect(a.channels).toEqual(b.channels);
  return a;
}

describe('IMF audio virtual tracks', () => {
  for (const version of ['2016', '2013'] as const) {
    it(`render sample-accurately across resources, entry points and repeats (CPL ${version})`, async () => {
      const pkg = writePackage(fresh('imp'), feature({ missingImages: ['VIDEO.mxf'] }, version));
      const r = await imfVirtualTrackAddresses(pkg.dir);
      expect(r.tracks.map((t) => path.basename(t.address))).toEqual(['CPL_feature.xml#track1', 'CPL_feature.xml#track2']);
      expect(r.tracks[0]!.imf).toEqual({ cpl: `urn:uuid:${pkg.ids.get('CPL_feature.xml')}`, title: 'The Feature', editRate: '24/1', language: 'en-US', mcaGroup: 'sg51' });
      expect(r.tracks[1]!.imf.mcaGroup).toBe('sgST');
      // the image track file is missing: reported, naming its id and the CPL, and the audio goes on
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]!.error.message).toContain(`urn:uuid:${pkg.ids.get('VIDEO.mxf')}`);
      expect(r.problems[0]!.error.message).toContain('CPL_feature.xml');
      const m = await expectSame(r.tracks[0]!.address, wav(VT1, 6));
      expect(m.format!.channelLabels).toEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
      expect(m.channelLabelSource).toBe('mca');
      await expectSame(r.tracks[1]!.address, wav(VT2, 2));
    });
  }

  it('resources in frames of the composition edit rate (24 fps: 2000 samples a frame)', async () => {
    const spec = feature();
    spec.cpls[0]!.segments = [{ audio: { pm51: [{ file: 'PM51_A.mxf', editRate: [24, 1], entryPoint: 3, sourceDuration: 24 }, { file: 'PM51_B.mxf', editRate: [24, 1], entryPoint: 0, sourceDuration: 12, repeatCount: 3 }] } }];
    const pkg = writePackage(fresh('imp24'), spec);
    const r = await imfVirtualTrackAddresses(pkg.cplPaths[0]!);
    await expectSame(r.tracks[0]!.address, wav(Buffer.concat([slice(A, 6000, 48000, BA), slice(B, 0, 24000, BA), slice(B, 0, 24000, BA), slice(B, 0, 24000, BA)]), 6));
  });

  it('a PKL hash mismatch on an audio track file is an error naming the file', async () => {
    const pkg = writePackage(fresh('imp-hash'), feature({ wrongHash: ['PM51_B.mxf'] }));
    const r = await imfVirtualTrackAddresses(pkg.dir);
    const bad = await measureFile(r.tracks[0]!.address, { threads: 1 });
    expect(bad.error?.code).toBe('mismatch');
    expect(bad.error?.message).toContain(path.join(pkg.dir, 'PM51_B.mxf'));
    expect(bad.error?.message).toMatch(/SHA-1 .* but the PKL/);
    // the other virtual track does not use that file
    expect((await measureFile(r.tracks[1]!.address, { threads: 1 })).error).toBeUndefined();
  });

  it('a wrong hash on the CPL is reported and the audio is still measured', async () => {
    const pkg = writePackage(fresh('imp-cplhash'), feature({ wrongHash: ['CPL_feature.xml'] }));
    const r = await imfVirtualTrackAddresses(pkg.dir);
    // the image file is not in this package at all (an 'io' problem); the CPL's hash is the mismatch
    expect(r.problems.map((p) => p.error.code).sort()).toEqual(['io', 'mismatch']);
    expect(r.problems.find((p) => p.error.code === 'mismatch')!.path).toBe(pkg.cplPaths[0]);
    expect((await measureFile(r.tracks[0]!.address, { threads: 1 })).error).toBeUndefined();
  });

  it('picture and subtitle track files are hashed against the PKL beside the audio; a mismatch names the file, the PKL and both hashes', async () => {
    const spec = feature({ pictures: [{ name: 'VIDEO.mxf', frames: 96, elementBytes: 30_000 }], otherFiles: [{ name: 'SUBS.mxf', bytes: Buffer.from('timed text '.repeat(5000)) }] });
    spec.cpls[0]!.segments[0]!.subtitleFile = 'SUBS.mxf';
    const good = writePackage(fresh('imp-pichash-ok'), spec);
    const ok = await imfVirtualTrackAddresses(good.dir);
    expect(ok.problems).toEqual([]);
    expect(nonAudioTrackFiles(readImfPackage(good.dir), readImfPackage(good.dir).cpls).map((f) => [path.basename(f.path), f.kind])).toEqual([['VIDEO.mxf', 'MainImageSequence'], ['SUBS.mxf', 'SubtitlesSequence']]);
    expect(await ok.hashes()).toEqual([]);

    const bad = writePackage(fresh('imp-pichash-bad'), { ...spec, wrongHash: ['VIDEO.mxf', 'SUBS.mxf'] });
    const r = await imfVirtualTrackAddresses(bad.dir);
    expect(r.problems).toEqual([]); // sizes agree: only the hashes can tell
    const started = r.hashes();
    expect(r.hashes()).toBe(started); // one run, whoever asks
    // the audio is measured while the picture is hashed, and is not affected by it
    await expectSame(r.tracks[0]!.address, wav(VT1, 6));
    const problems = await started;
    expect(problems.map((p) => path.basename(p.path))).toEqual(['VIDEO.mxf', 'SUBS.mxf']);
    const video = readFileSync(path.join(bad.dir, 'VIDEO.mxf'));
    const actual = createHash('sha1').update(video).digest('base64');
    const expected = createHash('sha1').update('not the file').digest('base64');
    const pklName = readImfPackage(bad.dir).pkl.get(bad.ids.get('VIDEO.mxf')!)!.pkl;
    expect(problems[0]!.error.code).toBe('mismatch');
    expect(problems[0]!.error.message).toBe(`${path.join(bad.dir, 'VIDEO.mxf')}: SHA-1 ${actual} but the PKL (${path.basename(pklName)}) says ${expected} (MainImageSequence track file urn:uuid:${bad.ids.get('VIDEO.mxf')}); the audio is measured without it`);
  });

  it('the hashing thread reads in large positional chunks and gives the whole-file SHA-1 (any chunk size, unreadable files named)', async () => {
    const dir = fresh('hash-chunks');
    const pkg = writePackage(dir, feature({ pictures: [{ name: 'VIDEO.mxf', frames: 50, elementBytes: 12_345 }] }));
    const files = nonAudioTrackFiles(readImfPackage(pkg.dir), readImfPackage(pkg.dir).cpls);
    const want = createHash('sha1').update(readFileSync(files[0]!.path)).digest('base64');
    for (const chunk of [1, 4096, 1 << 20, 64 << 20]) {
      const [h] = await hashTrackFiles(files, chunk === 1 ? 7 : chunk);
      expect(h!.sha1).toBe(want);
      expect(h!.error).toBeNull();
    }
    rmSync(files[0]!.path);
    const [gone] = await hashTrackFiles(files);
    expect(gone!.sha1).toBeNull();
    expect(gone!.error!.message).toMatch(/VIDEO\.mxf: cannot read the MainImageSequence track file to check its PKL hash: .*ENOENT/);
  });

  it('a CPL naming a track file the ASSETMAP lacks: an error naming its id and the CPL', async () => {
    const pkg = writePackage(fresh('imp-missing'), feature({ notInAssetMap: ['PM20_C.mxf'] }));
    const r = await imfVirtualTrackAddresses(pkg.dir);
    const m = await measureFile(r.tracks[1]!.address, { threads: 1 });
    expect(m.error?.code).toBe('io');
    expect(m.error?.message).toContain(`urn:uuid:${pkg.ids.get('PM20_C.mxf')}`);
    expect(m.error?.message).toContain('CPL_feature.xml');
    expect((await measureFile(r.tracks[0]!.address, { threads: 1 })).error).toBeUndefined();
  });

  it('an XML entity bomb in a CPL is refused without expanding', async () => {
    const bomb = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n';
    const spec = feature();
    spec.cpls[0]!.prolog = bomb;
    spec.cpls[0]!.title = '&lol3;';
    const pkg = writePackage(fresh('imp-bomb'), spec);
    const p = readImfPackage(pkg.dir);
    expect(p.cpls).toHaveLength(0);
    expect(p.problems[0]!.error.code).toBe('bad-format');
    expect(p.problems[0]!.error.message).toMatch(/DOCTYPE\/ENTITY declarations are not accepted/);
    await expect(imfVirtualTrackAddresses(pkg.dir)).rejects.toThrow(DubstageError);
  });

  it('the track file hash covers every byte once, whatever order the reads come in', () => {
    const bytes = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) & 0xff));
    const h = new HashingByteSource(bufferSource('x', bytes));
    const buf = Buffer.alloc(5000);
    h.read(buf, 0, 100, 0); // header
    h.read(buf, 0, 16, 99_000); // a look at the end (not hashed yet)
    h.read(buf, 0, 5000, 20_000); // a jump: the gap is hashed first
    h.read(buf, 0, 5000, 10_000); // re-reading earlier bytes hashes nothing twice
    const digest = h.digest();
    h.close();
    expect(digest).toBe(createHash('sha1').update(bytes).digest('base64'));
  });

  it('`dubstage measure IMP_DIR --json`: one entry per virtual track with the imf object, problems as error entries', () => {
    const pkg = writePackage(fresh('imp-cli'), feature({ missingImages: ['VIDEO.mxf'] }));
    const r = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cli', 'main.ts'), 'measure', '--json', pkg.dir], { encoding: 'utf8', cwd: repoRoot, timeout: 240_000 });
    const doc = JSON.parse(r.stdout) as { files: Array<{ path: string; format?: { container: string }; imf?: { mcaGroup: string }; error?: { message: string } }> };
    expect(r.status).toBe(2); // the missing image is an error entry
    const audio = doc.files.filter((f) => f.format);
    expect(audio.map((f) => f.format!.container)).toEqual(['imf', 'imf']);
    expect(audio.map((f) => f.imf!.mcaGroup)).toEqual(['sg51', 'sgST']);
    expect(doc.files.filter((f) => f.error).map((f) => path.basename(f.path))).toEqual(['VIDEO.mxf']);
    void readFileSync;
  });

  it('`dubstage measure IMP_DIR --json` and `qc IMP_DIR`: a wrong picture hash is an error entry after the audio entries', () => {
    const pkg = writePackage(fresh('imp-cli-pic'), feature({ pictures: [{ name: 'VIDEO.mxf', frames: 48, elementBytes: 20_000 }], wrongHash: ['VIDEO.mxf'] }));
    const run = (...args: string[]) => spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 240_000 });
    const r = run('measure', '--json', pkg.dir);
    const doc = JSON.parse(r.stdout) as { files: Array<{ path: string; format?: { container: string }; error?: { code: string; message: string } }> };
    expect(r.status).toBe(2);
    expect(doc.files.map((f) => (f.error ? `error ${path.basename(f.path)} ${f.error.code}` : f.format!.container))).toEqual(['imf', 'imf', 'error VIDEO.mxf mismatch']);
    expect(doc.files[2]!.error!.message).toMatch(/SHA-1 .* but the PKL \(PKL_.*\.xml\) says .*MainImageSequence/);
    const q = run('qc', '--json', '--spec', 'netflix-imf', pkg.dir);
    const qdoc = JSON.parse(q.stdout) as { errors: Array<{ code: string; path: string; message: string }> };
    expect(q.status).toBe(2);
    expect(qdoc.errors.map((e) => [path.basename(e.path), e.code])).toEqual([['VIDEO.mxf', 'mismatch']]);
  });
});
