/**
 * Issue 14's ADM items, on BWFs built by code: an incomplete common pack is a problem, bedChannels
 * is the channels of the bed packs, HOA is reported as HOA and inspect labels come from the ADM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectAny } from '../../../src/analysis/inspect.js';
import { measureFile } from '../../../src/analysis/measure.js';
import { admLoudnessScope, readAdm } from '../../../src/audio/adm/index.js';
import { writeBw64 } from '../../helpers/bw64-writer.js';
import { AC, buildAdm, encodeChna } from './build-adm.js';

const dir = mkdtempSync(path.join(tmpdir(), 'dubstage-adm14-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bwf(name: string, xml: string, chna: Uint8Array, channels: number): string {
  const file = path.join(dir, name);
  writeBw64(file, { form: 'BW64', sampleRate: 48000, bitDepth: 24, channelCount: channels, frames: 480, before: [{ id: 'chna', data: chna }, { id: 'axml', data: Buffer.from(xml, 'utf8') }] });
  return file;
}

describe('ADM (issue 14)', () => {
  it('a common 5.1 pack carried by 2 of its 6 tracks is an incomplete bed, a problem, not a 2.0 bed', async () => {
    const built = buildAdm({ bed: { packId: 'AP_00010003', channelIds: [AC.L!, AC.R!] } });
    const r = await readAdm(bwf('incomplete.wav', built.xml, built.chna, 2));
    expect(r.problems.map((p) => p.code)).toContain('incomplete-pack');
    const p = r.problems.find((x) => x.code === 'incomplete-pack')!;
    expect(p.message).toMatch(/AP_00010003 .*6 channels.* only 2 tracks: C LFE Ls Rs missing/);
    expect(r.beds).toEqual([{ layout: '5.1 (0+5+0) (incomplete: 2 of 6 ch)', channels: 2 }]);
    expect(r.bedChannels).toBe(2);
  });

  it('a complete pack has no such problem and bedChannels is the sum of the beds', async () => {
    const built = buildAdm({ bed: { packId: 'AP_00010003', channelIds: ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'].map((c) => AC[c]!) }, objects: 2 });
    const r = await readAdm(bwf('full.wav', built.xml, built.chna, 8));
    expect(r.problems.map((p) => p.code)).not.toContain('incomplete-pack');
    expect(r.bedChannels).toBe(r.beds.reduce((n, b) => n + b.channels, 0));
    expect(r.bedChannels).toBe(6);
  });

  it('inspect labels channels from the ADM track map (R, L as chna says), not by count', async () => {
    const built = buildAdm({ bed: { packId: 'AP_00010002', channelIds: [AC.R!, AC.L!] } });
    const res = await inspectAny(bwf('swapped.wav', built.xml, built.chna, 2));
    expect(res.channelLabelSource).toBe('adm');
    expect(res.channelLabels).toEqual(['R', 'L']);
    expect(res.warnings.some((w) => w.startsWith('channel layout assumed'))).toBe(false);
  });

  // the shape of EAR Production Suite's hoa_4ch_bwf_1stOrderAmbix.wav: one HOA object on the common
  // first-order SN3D/ACN pack, four ATUs, chna track formats AT_0004000n_01
  const hoaXml = `<?xml version="1.0" encoding="UTF-8"?>
<ebuCoreMain xmlns="urn:ebu:metadata-schema:ebuCore_2014"><coreMetadata><format><audioFormatExtended>
<audioProgramme audioProgrammeID="APR_1001" audioProgrammeName="Ambix"><audioContentIDRef>ACO_1001</audioContentIDRef></audioProgramme>
<audioContent audioContentID="ACO_1001" audioContentName="Ambix"><audioObjectIDRef>AO_1001</audioObjectIDRef></audioContent>
<audioObject audioObjectID="AO_1001" audioObjectName="FOA"><audioPackFormatIDRef>AP_00040001</audioPackFormatIDRef>
${[1, 2, 3, 4].map((i) => `<audioTrackUIDRef>ATU_0000000${i}</audioTrackUIDRef>`).join('')}</audioObject>
${[1, 2, 3, 4].map((i) => `<audioTrackUID UID="ATU_0000000${i}" sampleRate="48000" bitDepth="24"/>`).join('')}
</audioFormatExtended></format></coreMetadata></ebuCoreMain>`;
  const hoaChna = encodeChna([1, 2, 3, 4].map((i) => ({ trackIndex: i, uid: `ATU_0000000${i}`, formatRef: `AT_0004000${i}_01`, packRef: 'AP_00040001' })));

  it('a first-order Ambisonics file is said to be HOA (order, normalisation, ordering), not a quad', async () => {
    const file = bwf('foa.wav', hoaXml, hoaChna, 4);
    const r = await readAdm(file);
    expect(r.otherDetails).toHaveLength(1);
    expect(r.otherDetails[0]!.hoa).toEqual({ order: 1, normalization: 'SN3D', ordering: 'ACN', acn: [0, 1, 2, 3] });
    const res = await inspectAny(file);
    expect(res.channelLabels).toEqual(['Ch1', 'Ch2', 'Ch3', 'Ch4']);
    expect(res.channelLabelSource).toBe('adm');
    expect(res.warnings.join('\n')).toMatch(/HOA order 1 \(SN3D normalisation, ACN channel ordering, ACN 0 1 2 3\)/);
    // measurement scope: no loudspeaker weighting of HOA components, and it says so
    const scope = admLoudnessScope(r);
    expect(scope.indices).toEqual([]);
    expect(scope.note).toMatch(/HOA order 1 .*not loudspeaker feeds: not loudness-weighted/);
  });
  // the shape of Pro Tools' ADM export (wavinfo's Test_ADM_ProTools.wav): a bed plus objects on a track
  // count no layout has (14 there), so the header's count rule finds nothing; the ADM then labels the bed
  it('a bed plus objects on an odd track count: the ADM labels it, no "no channel layout known" left over', async () => {
    const built = buildAdm({ bed: { packId: 'AP_00010003', channelIds: ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'].map((c) => AC[c]!) }, objects: 7 });
    const file = bwf('bed-objects-13.wav', built.xml, built.chna, 13);
    const res = await inspectAny(file);
    expect(res.channelLabelSource).toBe('adm');
    expect(res.channelLabels).toEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs', 'Ch7', 'Ch8', 'Ch9', 'Ch10', 'Ch11', 'Ch12', 'Ch13']);
    expect(res.warnings.filter((w) => /channel layout/.test(w))).toEqual([]);
    const m = await measureFile(file);
    expect(m.channels?.map((c) => c.label)).toEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
    expect(m.warnings.filter((w) => /channel layout/.test(w))).toEqual([]);
    expect(m.warnings.some((w) => /^ADM: bed only \(5\.1.*6 ch\): 7 objects not rendered/.test(w))).toBe(true);
  });
});
