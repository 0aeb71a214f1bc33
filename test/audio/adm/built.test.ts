/**
 * ADM BWFs built by code (test/helpers/bw64-writer.ts + build-adm.ts): counts known by construction,
 * chunk-order variants, and the bad inputs (malformed XML, entity bomb, oversize axml).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { admBedChannelIndices, admLoudnessScope, admTrackLabels, readAdm } from '../../../src/audio/adm/index.js';
import { DubstageError } from '../../../src/errors.js';
import { writeBw64, type ExtraChunk } from '../../helpers/bw64-writer.js';
import { AC, buildAdm, type AdmSpec } from './build-adm.js';
import { testHeader } from './header.js';

const dir = mkdtempSync(path.join(tmpdir(), 'dubstage-adm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BED_712 = ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Lts', 'Rts'];
const BED_51 = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];
const ITU_714 = ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Ltf', 'Rtf', 'Ltr', 'Rtr'];
const FILM_714 = ['L', 'C', 'R', 'Lss', 'Rss', 'Lrs', 'Rrs', 'LFE', 'Ltf', 'Rtf', 'Ltr', 'Rtr'];

interface Options {
  channels?: number;
  chnaFirst?: boolean;
  dbmd?: boolean;
  axmlSizeOverride?: number;
  xml?: string;
}

function admFile(name: string, spec: AdmSpec, o: Options = {}): string {
  const built = buildAdm(spec);
  const file = path.join(dir, name);
  const adm: ExtraChunk[] = [
    { id: 'chna', data: built.chna },
    { id: 'axml', data: Buffer.from(o.xml ?? built.xml, 'utf8'), sizeOverride: o.axmlSizeOverride },
  ];
  if (o.dbmd) adm.push({ id: 'dbmd', data: new Uint8Array(64) });
  const channelCount = o.channels ?? built.tracks;
  // Dolby writes chna/axml after data, EBU tools before it: both orders are read.
  writeBw64(file, {
    form: 'BW64',
    sampleRate: 48000,
    bitDepth: 24,
    channelCount,
    frames: 480,
    before: o.chnaFirst ? adm : [],
    after: o.chnaFirst ? [] : adm,
  });
  return file;
}

const read = (file: string) => readAdm(file, testHeader(file));

describe('ADM built by code', () => {
  it('7.1.2 bed + 118 objects = 128 tracks, the Atmos master profile', async () => {
    const file = admFile('atmos-128.wav', { bed: { packId: 'AP_00010016', channelIds: BED_712.map((l) => AC[l]!) }, objects: 118 }, { dbmd: true });
    const r = await read(file);
    expect(r.programmes).toEqual(['Atmos_Master']);
    expect(r.beds).toEqual([{ layout: '7.1.2-smpte', channels: 10 }]);
    expect(r.bedChannels).toBe(10);
    expect(r.objects).toBe(118); // the bed is not an object
    expect(r.tracks).toBe(128);
    expect(r.unusedTracks).toBe(0);
    expect(r.problems).toEqual([]);
    expect(r.hasDbmd).toBe(true);
    expect(r.objectDetails[0]!.tracks).toEqual([11]);
    expect(r.objectDetails[117]!.tracks).toEqual([128]);
    expect(admBedChannelIndices(r)).toEqual({ indices: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], labels: BED_712 });
  });

  it('5.1 bed + 3 objects, chunks before data, and one spare track no object uses', async () => {
    const file = admFile('bed51-3obj.wav', { bed: { packId: 'AP_00010003', channelIds: BED_51.map((l) => AC[l]!) }, objects: 3 }, { chnaFirst: true, channels: 10 });
    const r = await read(file);
    expect(r.beds).toEqual([{ layout: '5.1-smpte', channels: 6 }]);
    expect(r.bedChannels).toBe(6);
    expect(r.objects).toBe(3);
    expect(r.tracks).toBe(10);
    expect(r.unusedTracks).toBe(1);
    expect(r.unusedTrackIndices).toEqual([10]);
    expect(r.hasDbmd).toBe(false);
    // Atmos_Master without dbmd is said
    expect(r.problems.map((p) => p.code)).toEqual(['no-dbmd']);
  });

  it('chna naming a track that does not exist: the object is missing its track', async () => {
    // 5.1 + 3 objects is 9 tracks in chna; the file has 8 channels
    const file = admFile('chna-ghost.wav', { bed: { packId: 'AP_00010003', channelIds: BED_51.map((l) => AC[l]!) }, objects: 3 }, { channels: 8, dbmd: true });
    const r = await read(file);
    expect(r.tracks).toBe(8);
    expect(r.objects).toBe(2);
    expect(r.problems.map((p) => p.code)).toEqual(['chna-track-missing', 'object-track-missing']);
    expect(r.problems[0]!.message).toContain('track 9');
    expect(r.problems[1]!.message).toContain('AO_1004');
  });

  it('an object pack with no track is not an object, and is reported', async () => {
    const file = admFile('empty-object.wav', { objects: 2, objectWithoutTrack: true }, { dbmd: true });
    const r = await read(file);
    expect(r.objects).toBe(2);
    expect(r.beds).toEqual([]);
    expect(r.problems.map((p) => p.code)).toEqual(['object-without-track']);
    expect(r.problems[0]!.message).toContain('AO_1003');
  });

  it('7.1.4 in ITU order vs Film order: the layout follows the chna track order', async () => {
    const itu = await read(admFile('714-itu.wav', { bed: { packId: 'AP_00010017', channelIds: ITU_714.map((l) => AC[l]!) } }, { dbmd: true }));
    const film = await read(admFile('714-film.wav', { bed: { packId: 'AP_00010017', channelIds: FILM_714.map((l) => AC[l]!) } }, { dbmd: true }));
    expect(itu.beds).toEqual([{ layout: '7.1.4-smpte', channels: 12 }]);
    expect(film.beds).toEqual([{ layout: '7.1.4-film', channels: 12 }]);
    expect(admBedChannelIndices(itu).labels).toEqual(ITU_714);
    expect(admBedChannelIndices(film).labels).toEqual(FILM_714);
    expect(film.problems).toEqual([]);
  });

  it('reads the same report through src/audio readAudioHeader when no header is given', async () => {
    const file = admFile('via-reader.wav', { bed: { packId: 'AP_00010003', channelIds: BED_51.map((l) => AC[l]!) }, objects: 3 }, { dbmd: true });
    const withHeader = await read(file);
    const viaReader = await readAdm(file);
    expect({ ...viaReader, frames: null, durationSeconds: null }).toEqual({ ...withHeader, frames: null, durationSeconds: null });
    expect(viaReader.objects).toBe(3);
  });
});

async function failure(p: Promise<unknown>): Promise<DubstageError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DubstageError);
    return err as DubstageError;
  }
  throw new Error('expected an error');
}

describe('ADM bad input', () => {
  it('malformed XML: an error naming the line', async () => {
    const good = buildAdm({ objects: 1 }).xml;
    const bad = good.replace('</audioContent>', '</audioContentX>');
    const line = bad.split('\n').findIndex((l) => l.includes('</audioContentX>')) + 1;
    const err = await failure(read(admFile('malformed.wav', { objects: 1 }, { xml: bad })));
    expect(err.code).toBe('bad-format');
    expect(err.line).toBe(line);
    expect(err.message).toContain(`line ${line}`);
  });

  it('bare XML that is malformed names the line too', async () => {
    const file = path.join(dir, 'bad.xml');
    writeFileSync(file, '<?xml version="1.0"?>\n<ebuCoreMain>\n<audioObject audioObjectID="AO_1001">\n</ebuCoreMain>\n');
    const err = await failure(readAdm(file));
    expect(err.line).toBe(4);
  });

  it('an entity bomb is refused without expanding', async () => {
    const levels = ['<!ENTITY lol0 "lol">'];
    for (let i = 1; i < 10; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
    const prolog = `<!DOCTYPE ebuCoreMain [\n${levels.join('\n')}\n]>\n`;
    const xml = buildAdm({ objects: 1, prolog }).xml.replace('audioObjectName="Obj_1"', 'audioObjectName="&lol9;"');
    const started = Date.now();
    const err = await failure(read(admFile('bomb.wav', { objects: 1 }, { xml })));
    expect(err.code).toBe('bad-format');
    expect(err.message).toMatch(/DOCTYPE\/ENTITY/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('an axml chunk claiming more bytes than the file holds: an error with its offset', async () => {
    const file = admFile('oversize.wav', { objects: 1 }, { axmlSizeOverride: 500_000_000 });
    const axml = testHeader(file).chunks.find((c) => c.id === 'axml')!;
    const err = await failure(read(file));
    expect(err.code).toBe('truncated');
    expect(err.byteOffset).toBe(axml.offset);
    expect(err.message).toContain(`byte ${axml.offset}`);
    expect(err.message).toContain('500000000');
  });
});

describe('ADM streaming and labels', () => {
  it('a multi-MB axml streams across read chunks, multi-byte names intact, blocks counted not kept', async () => {
    const built = buildAdm({ objects: 4 });
    const blocks = (k: number): string => {
      let s = '';
      for (let i = 2; i <= 4000; i++) {
        s += `<audioBlockFormat audioBlockFormatID="AB_0003${(0x1001 + k).toString(16)}_${i.toString(16).padStart(8, '0')}" rtime="00:00:0${(i / 1000).toFixed(5)}" duration="00:00:00.00100"><position coordinate="X">0.5</position><position coordinate="Y">1</position></audioBlockFormat>\n`;
      }
      return s;
    };
    let n = 0;
    const xml = built.xml
      .replace(/<\/audioChannelFormat>/g, () => `${blocks(n++)}</audioChannelFormat>`)
      .replace('audioObjectName="Obj_1"', 'audioObjectName="Dialogue — Français ünïcödé ☃"');
    expect(Buffer.byteLength(xml)).toBeGreaterThan(2_000_000);
    const file = admFile('big-axml.wav', { objects: 4 }, { xml, dbmd: true });
    const r = await read(file);
    expect(r.objects).toBe(4);
    expect(r.objectDetails[0]!.name).toBe('Dialogue — Français ünïcödé ☃');
  });

  it('admTrackLabels gives every channel when the whole file is a bed, else null', async () => {
    const bedOnly = await read(admFile('labels-51.wav', { bed: { packId: 'AP_00010003', channelIds: ['L', 'C', 'R', 'Ls', 'Rs', 'LFE'].map((l) => AC[l]!) } }, { dbmd: true }));
    expect(admTrackLabels(bedOnly)).toEqual(['L', 'C', 'R', 'Ls', 'Rs', 'LFE']);
    expect(bedOnly.beds).toEqual([{ layout: '5.1-film', channels: 6 }]);
    const withObjects = await read(admFile('labels-obj.wav', { bed: { packId: 'AP_00010003', channelIds: BED_51.map((l) => AC[l]!) }, objects: 1 }, { dbmd: true }));
    expect(admTrackLabels(withObjects)).toBeNull();
  });
});

describe('admLoudnessScope', () => {
  it('says plainly that objects are not rendered when a bed is measured alone', async () => {
    const r = await read(admFile('scope-712.wav', { bed: { packId: 'AP_00010016', channelIds: BED_712.map((l) => AC[l]!) }, objects: 5 }, { dbmd: true }));
    const scope = admLoudnessScope(r);
    expect(scope.indices).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(scope.note).toBe('bed only (7.1.2-smpte, 10 ch): 5 objects not rendered yet, so this is not the full programme\'s loudness');
    const objectsOnly = await read(admFile('scope-obj.wav', { objects: 2 }, { dbmd: true }));
    expect(admLoudnessScope(objectsOnly)).toMatchObject({ indices: [], note: expect.stringContaining('no programme loudness') });
    const bedOnly = await read(admFile('scope-51.wav', { bed: { packId: 'AP_00010003', channelIds: BED_51.map((l) => AC[l]!) } }, { dbmd: true }));
    expect(admLoudnessScope(bedOnly).note).toBe('bed (5.1-smpte, 6 ch): the whole programme');
  });

  // EAR Production Suite's jp_*.wav (one object, no bed) measured with renders: the note must not also
  // say "not rendered yet, no programme loudness" next to the renders' loudness
  it('when the programme is rendered, the note says the loudness is the renders\', never "not rendered yet"', async () => {
    const objectsOnly = await read(admFile('scope-obj-r.wav', { objects: 1 }, { dbmd: true }));
    const a = admLoudnessScope(objectsOnly, { rendered: true });
    expect(a.indices).toEqual([]);
    expect(a.note).toBe("no bed channels to measure directly; the programme's loudness is that of its renders");
    const bedAndObjects = await read(admFile('scope-712-r.wav', { bed: { packId: 'AP_00010016', channelIds: BED_712.map((l) => AC[l]!) }, objects: 5 }, { dbmd: true }));
    const b = admLoudnessScope(bedAndObjects, { rendered: true });
    expect(b.indices).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(b.note).toBe("the file's channels measured here are the bed's (7.1.2-smpte, 10 ch); the programme's loudness is that of its renders");
    expect(b.note).not.toMatch(/not rendered/);
  });
});
