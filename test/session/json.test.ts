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
      gainDb: -3, fadeInSeconds: 0, fadeOutSeconds: 0.5, muted: true,
    }] });
    expect(Object.keys(j.media[0]!)).toEqual(['id', 'name', 'path', 'resolvedPath', 'embedded', 'channels', 'sampleRate']);
    // two frames after 00:59:59;28 crosses into minute 60, a tenth minute: no labels dropped
    expect(j.markers).toEqual([{ name: 'FFOA', startSeconds: 0.066733333, timecode: '01:00:00;00' }]);
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
});
