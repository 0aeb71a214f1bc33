import { describe, expect, it } from 'vitest';
import {
  LAYOUTS,
  describeLabels,
  labelFromFileSuffix,
  labelsFromIxmlTracks,
  layoutByAdmPack,
  layoutByLabels,
  layoutByName,
  layoutsWithSameSpeakers,
  pickChannelLabels,
} from '../../src/audio/layouts.js';
import { COMMON_CHANNELS, COMMON_PACKS } from '../../src/audio/adm/common-definitions.js';

describe('layouts', () => {
  it('ids and aliases are unique', () => {
    const names = LAYOUTS.flatMap((l) => [l.id, ...l.aliases].map((n) => n.toLowerCase()));
    expect(new Set(names).size).toBe(names.length);
  });

  it('looks up by name and alias, case-insensitive', () => {
    expect(layoutByName('5.1-film')!.labels).toEqual(['L', 'C', 'R', 'Ls', 'Rs', 'LFE']);
    expect(layoutByName('5.1')!.id).toBe('5.1-smpte');
    expect(layoutByName('5.1-DTS')!.labels).toEqual(['L', 'R', 'Ls', 'Rs', 'C', 'LFE']);
    expect(layoutByName('7.1-sdds')!.labels).toEqual(['L', 'Lc', 'C', 'Rc', 'R', 'Ls', 'Rs', 'LFE']);
    expect(layoutByName('7.1.2-atmos-bed')!.labels).toEqual(['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Lts', 'Rts']);
    expect(layoutByName('9.1.6')!.labels).toHaveLength(16);
    expect(layoutByName('LCR')!.id).toBe('lcr-smpte');
    expect(layoutByName('6.1')).toBeNull();
  });

  it('looks up by label list: the order decides', () => {
    expect(layoutByLabels(['L', 'R', 'C', 'LFE', 'Ls', 'Rs'])!.id).toBe('5.1-smpte');
    expect(layoutByLabels(['L', 'C', 'R', 'Ls', 'Rs', 'LFE'])!.id).toBe('5.1-film');
    expect(layoutByLabels(['L', 'R', 'C', 'LFE', 'Lrs', 'Rrs', 'Lss', 'Rss'])!.id).toBe('7.1-rear-first');
    expect(layoutByLabels(['C'])!.id).toBe('mono');
    expect(layoutByLabels(['R', 'L'])).toBeNull();
    expect(describeLabels(['R', 'L'])).toBe('custom (R L)');
    expect(layoutsWithSameSpeakers(['L', 'R', 'C', 'LFE', 'Ls', 'Rs']).map((l) => l.id)).toEqual(['5.1-smpte', '5.1-film', '5.1-dts']);
  });

  it('looks up by ADM pack, and every pack-backed layout matches the BS.2094 pack channel for channel', () => {
    expect(layoutByAdmPack('AP_00010017')!.id).toBe('7.1.4-smpte');
    expect(layoutByAdmPack('AP_00010016')!.id).toBe('7.1.2-smpte');
    expect(layoutByAdmPack('AP_00031001')).toBeNull();
    for (const l of LAYOUTS.filter((x) => x.admPackId)) {
      const pack = COMMON_PACKS.get(l.admPackId!)!;
      const labels = pack.channels.map((c) => COMMON_CHANNELS.get(c)!.label);
      // ADM mono is the centre speaker M+000
      expect(labels, l.id).toEqual(l.id === 'mono' ? ['C'] : l.labels);
    }
  });
});

describe('pickChannelLabels', () => {
  const smpte = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'] as const;
  const film = ['L', 'C', 'R', 'Ls', 'Rs', 'LFE'] as const;

  it('takes ADM first, then iXML, mask, multi-mono names, user', () => {
    expect(pickChannelLabels(6, { adm: film, ixml: smpte, user: smpte })).toEqual({ labels: [...film], source: 'adm', notes: [] });
    expect(pickChannelLabels(6, { ixml: film, channelMask: smpte }).source).toBe('ixml');
    expect(pickChannelLabels(6, { channelMask: smpte, multiMono: film }).source).toBe('channel-mask');
    expect(pickChannelLabels(6, { multiMono: film, user: smpte }).source).toBe('multi-mono-names');
    expect(pickChannelLabels(6, { user: film }).source).toBe('user');
  });

  it('passes over a source with the wrong count or unnamed channels, and says so', () => {
    const r = pickChannelLabels(6, { adm: ['L', 'R'], ixml: ['L', 'R', 'C', 'Ch4', 'Ls', 'Rs'], user: film });
    expect(r.source).toBe('user');
    expect(r.notes).toHaveLength(2);
    expect(r.notes[0]).toContain('name 2 channels, the file has 6');
  });

  it('assumes the common layout by count, else Ch1..N', () => {
    expect(pickChannelLabels(6, {})).toMatchObject({ labels: [...smpte], source: 'assumed-by-count' });
    expect(pickChannelLabels(7, {})).toMatchObject({ labels: ['Ch1', 'Ch2', 'Ch3', 'Ch4', 'Ch5', 'Ch6', 'Ch7'], source: 'unknown' });
  });

  it('reads iXML track functions and names by interleave index', () => {
    const tracks = ['L-5.1', 'C-5.1', 'R-5.1', 'Ls-5.1', 'Rs-5.1', 'LFE-5.1'].map((f, i) => ({ interleaveIndex: i + 1, name: '', function: f }));
    expect(labelsFromIxmlTracks(tracks, 6)).toEqual([...film]);
    const named = [{ interleaveIndex: 2, name: 'Right', function: '' }, { interleaveIndex: 1, name: 'Left', function: '' }];
    expect(labelsFromIxmlTracks(named, 2)).toEqual(['L', 'R']);
    expect(labelsFromIxmlTracks([{ interleaveIndex: 1, name: 'Dialog', function: '' }], 1)).toBeNull();
  });

  it('reads multi-mono suffixes', () => {
    expect(labelFromFileSuffix('Reel1_PM.L.wav')).toBe('L');
    expect(labelFromFileSuffix('mix_Ls.wav')).toBe('Ls');
    expect(labelFromFileSuffix('FILM-LFE.wav')).toBe('LFE');
    expect(labelFromFileSuffix('dialogue.wav')).toBeNull();
  });
});

describe('BS.2051 system names', () => {
  it('name the SMPTE/ITU layouts', () => {
    expect(layoutByName('0+5+0')!.id).toBe('5.1-smpte');
    expect(layoutByName('4+7+0')!.id).toBe('7.1.4-smpte');
    expect(layoutByName('2+7+0')!.admPackId).toBe('AP_00010016');
  });
});
