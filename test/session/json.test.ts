import { describe, expect, it } from 'vitest';
import { sessionToJson } from '../../src/session/json.js';
import type { Session } from '../../src/session/model.js';
import { rational } from '../../src/session/time.js';

describe('sessionToJson', () => {
  it('writes the schema-1 document with exact seconds and marker timecode', () => {
    const fr = rational(30000, 1001);
    const s: Session = {
      format: 'edl', name: 'R1', path: '/x/r1.edl', frameRate: fr, dropFrame: true, startTimecode: '00:59:59;28',
      sampleRate: 48000,
      tracks: [{ name: 'A1', channels: 2, role: 'dialogue', clips: [{
        name: 'line', start: { value: 1601600, rate: rational(48000) }, duration: { value: 30, rate: fr },
        sourceStart: { value: 0, rate: fr }, mediaId: 'm1', channel: 1, gainDb: -3, fadeInSeconds: 0, fadeOutSeconds: 0.5, muted: true,
      }] }],
      media: [{ id: 'm1', name: 'line.wav', path: 'line.wav', resolvedPath: null, embedded: false, offline: true, channels: 2, sampleRate: 48000 }],
      markers: [{ name: 'FFOA', start: { value: 2, rate: fr } }],
      warnings: ['w'],
    };
    const j = sessionToJson(s);
    expect(Object.keys(j)).toEqual(['schema', 'format', 'name', 'frameRate', 'dropFrame', 'startTimecode', 'sampleRate', 'tracks', 'media', 'markers', 'warnings']);
    expect(j.frameRate).toEqual({ num: 30000, den: 1001 });
    expect(j.tracks[0]).toEqual({ name: 'A1', channels: 2, clips: [{
      name: 'line', startSeconds: 33.366666667, durationSeconds: 1.001, sourceStartSeconds: 0, mediaId: 'm1',
      // the clip says it plays channel 1 of its media: one entry (issue 14's channelMedia)
      channelMedia: [{ mediaId: 'm1', channel: 1 }],
      gainDb: -3, fadeInSeconds: 0, fadeOutSeconds: 0.5, muted: true,
    }] });
    expect(Object.keys(j.media[0]!)).toEqual(['id', 'name', 'path', 'resolvedPath', 'embedded', 'channels', 'sampleRate']);
    // two frames after 00:59:59;28 crosses into minute 60, a tenth minute: no labels dropped
    expect(j.markers).toEqual([{ name: 'FFOA', startSeconds: 0.066733333, timecode: '01:00:00;00' }]);
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });

  it('writes channelMedia per clip channel: a 5.1 clip of six mono files names six media, mediaId stays channel 1', () => {
    const fr = rational(25);
    const ids = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'].map((c) => `m_${c}`);
    const s: Session = {
      format: 'aaf', name: 'X', path: '/x/x.aaf', frameRate: fr, dropFrame: false, startTimecode: '01:00:00:00', sampleRate: 48000,
      tracks: [{ name: 'A1', channels: 6, clips: [{
        name: 'fx', start: { value: 0, rate: fr }, duration: { value: 25, rate: fr }, sourceStart: { value: 0, rate: fr },
        mediaId: ids[0]!, channel: null, gainDb: 0, fadeInSeconds: 0, fadeOutSeconds: 0, muted: false,
        channelMedia: ids.map((mediaId) => ({ mediaId, channel: 1 })),
      }] }],
      media: ids.map((id) => ({ id, name: `${id}.wav`, path: `${id}.wav`, resolvedPath: null, embedded: false, channels: 1, sampleRate: 48000 })),
      markers: [], warnings: [],
    };
    const clip = sessionToJson(s).tracks[0]!.clips[0]!;
    expect(clip.mediaId).toBe('m_L');
    expect(clip.channelMedia).toEqual(ids.map((mediaId) => ({ mediaId, channel: 1 })));
    // a clip that leaves it implicit gets one medium over its channels (a stereo file on a stereo track)
    const stereo: Session = { ...s, tracks: [{ name: 'A1', channels: 2, clips: [{ ...s.tracks[0]!.clips[0]!, channelMedia: undefined }] }],
      media: [{ ...s.media[0]!, channels: 2 }] };
    delete stereo.tracks[0]!.clips[0]!.channelMedia;
    expect(sessionToJson(stereo).tracks[0]!.clips[0]!.channelMedia).toEqual([{ mediaId: 'm_L', channel: 1 }, { mediaId: 'm_L', channel: 2 }]);
  });
});
