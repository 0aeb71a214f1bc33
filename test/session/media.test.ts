import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filePathFromHfs, filePathFromUrl, mediaReport, resolveMedia } from '../../src/session/media.js';
import type { Clip, MediaRef, Session } from '../../src/session/model.js';
import { rational } from '../../src/session/time.js';

const fr = rational(24);

function media(id: string, p: string | null, extra: Partial<MediaRef> = {}): MediaRef {
  return { id, name: id, path: p, resolvedPath: null, embedded: false, channels: null, sampleRate: null, ...extra };
}

function clip(name: string, mediaId: string | null): Clip {
  const z = { value: 0, rate: fr };
  return { name, start: z, duration: { value: 24, rate: fr }, sourceStart: z, mediaId, gainDb: 0, fadeInSeconds: 0, fadeOutSeconds: 0, muted: false };
}

function session(sessionPath: string, refs: MediaRef[], clips: Clip[]): Session {
  return {
    format: 'test', name: 't', path: sessionPath, frameRate: fr, dropFrame: false, startTimecode: '01:00:00:00',
    sampleRate: 48000, tracks: [{ name: 'DX 1', channels: 1, clips }], media: refs, markers: [], warnings: [],
  };
}

describe('resolveMedia', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dubstage-media-'));
  const sessionDir = path.join(root, 'show');
  mkdirSync(path.join(sessionDir, 'Audio Files'), { recursive: true });
  const elsewhere = path.join(root, 'elsewhere');
  mkdirSync(elsewhere);
  writeFileSync(path.join(root, 'absolute.wav'), 'x');
  writeFileSync(path.join(sessionDir, 'Audio Files', 'relative.wav'), 'x');
  writeFileSync(path.join(sessionDir, 'Audio Files', 'moved.wav'), 'x');
  writeFileSync(path.join(elsewhere, 'searched.wav'), 'x');
  const sessionPath = path.join(sessionDir, 'show.txt');

  it('finds media as written, relative to the session, by trailing path, and in --media folders', () => {
    const s = session(
      sessionPath,
      [
        media('abs', path.join(root, 'absolute.wav')),
        media('rel', 'Audio Files/relative.wav'),
        media('moved', 'c:/Users/editor/Projects/show/Audio Files/moved.wav'),
        media('searched', '/Volumes/Macintosh HD/Audio/searched.wav'),
        media('gone', '/nowhere/gone.wav'),
        media('emb', null, { embedded: true }),
      ],
      [clip('line 12', 'gone'), clip('line 13', 'gone'), clip('room tone', 'abs')],
    );
    resolveMedia(s, sessionPath, [elsewhere]);
    const by = Object.fromEntries(s.media.map((m) => [m.id, m.resolvedPath]));
    expect(by.abs).toBe(path.join(root, 'absolute.wav'));
    expect(by.rel).toBe(path.join(sessionDir, 'Audio Files', 'relative.wav'));
    expect(by.moved).toBe(path.join(sessionDir, 'Audio Files', 'moved.wav'));
    expect(by.searched).toBe(path.join(elsewhere, 'searched.wav'));
    expect(by.gone).toBeNull();
    expect(by.emb).toBeNull();

    const report = mediaReport(s);
    expect(report.missing.map((p) => p.media.id)).toEqual(['gone']);
    expect(report.missing[0]!.clips).toEqual([
      { track: 'DX 1', clip: 'line 12' },
      { track: 'DX 1', clip: 'line 13' },
    ]);
    expect(report.offline).toEqual([]);
  });

  it('does not find a folder of the same name, and lists offline media as the session says', () => {
    mkdirSync(path.join(sessionDir, 'folder.wav'));
    const s = session(sessionPath, [media('f', 'folder.wav', { offline: true })], [clip('a', 'f')]);
    resolveMedia(s, sessionPath, []);
    expect(s.media[0]!.resolvedPath).toBeNull();
    const report = mediaReport(s);
    expect(report.offline.map((p) => p.media.id)).toEqual(['f']);
    expect(report.missing.map((p) => p.media.id)).toEqual(['f']);
  });
});

describe('filePathFromUrl', () => {
  it('decodes the URL shapes sessions write', () => {
    expect(filePathFromUrl('file:///c%3a/Users/user/Desktop/a%20b.wav')).toBe('c:/Users/user/Desktop/a b.wav');
    expect(filePathFromUrl('file:///C:/Media/x.wav')).toBe('C:/Media/x.wav');
    expect(filePathFromUrl('file://localhost/Users/me/x.wav')).toBe('/Users/me/x.wav');
    expect(filePathFromUrl('file:///Volumes/Media/%E6%97%A5%E6%9C%AC.wav')).toBe('/Volumes/Media/日本.wav');
    expect(filePathFromUrl('file://server/share/x.wav')).toBe('//server/share/x.wav');
    expect(filePathFromUrl('file:/Users/me/x.wav')).toBe('/Users/me/x.wav');
    expect(filePathFromUrl('file:///a/100%.wav')).toBe('/a/100%.wav');
    expect(filePathFromUrl('/plain/path.wav')).toBe('/plain/path.wav');
    expect(filePathFromUrl('file://localhost/D%3a/media/track_08.wav')).toBe('D:/media/track_08.wav');
    expect(filePathFromUrl('file:///Macintosh%20HD:Users:me:x.wav')).toBe('/Volumes/Macintosh HD/Users/me/x.wav');
    expect(filePathFromUrl('file://Macintosh HD/Users/me/x.wav')).toBe('/Volumes/Macintosh HD/Users/me/x.wav');
  });

  it('turns Pro Tools HFS locations into POSIX paths', () => {
    expect(filePathFromHfs('Macintosh HD:Users:user:Audio Files:')).toBe('/Volumes/Macintosh HD/Users/user/Audio Files/');
    expect(filePathFromHfs('Media:Show:x.wav')).toBe('/Volumes/Media/Show/x.wav');
    expect(filePathFromHfs('x.wav')).toBe('x.wav');
    // Pro Tools on Windows writes Windows locations: a drive letter is not an HFS volume
    expect(filePathFromHfs('G:\\[PARK POST]\\Kassa 8-12-2007\\Fade Files\\')).toBe('G:/[PARK POST]/Kassa 8-12-2007/Fade Files/');
    expect(filePathFromHfs('e:\\Economie 03-05-2012\\Audio Files\\')).toBe('e:/Economie 03-05-2012/Audio Files/');
    expect(filePathFromHfs('\\\\server\\share\\Audio Files\\')).toBe('//server/share/Audio Files/');
  });
});
