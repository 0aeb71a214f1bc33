/**
 * Handoff fixtures: a design package built by code — media written at the rates and bit depths a real
 * package arrives with, and the same timeline written as a REAPER project and as an FCPXML — with
 * problems planted where the test knows them: a missing file, a 44.1 kHz file in a 48 kHz session, a
 * 16-bit file, a clip at +18 dB, a clip past its media's end, a scene whose dialogue is 6 dB quiet, a
 * track over full scale. `clean` writes the same package with none of them.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeTestWav } from '../helpers/wav-writer.js';
import { programme, tempDir, writeRpp, type SpecTrack } from '../render/fixtures.js';

export interface PackageMedia {
  file: string;
  sampleRate: number;
  bitDepth: 16 | 24;
  seconds: number;
  channels: number;
  /** 'noise': programme() at `level`; 'sine': a 1 kHz sine of amplitude `level`. */
  kind: 'noise' | 'sine';
  level: number;
  seed: number;
}

export interface Package {
  dir: string;
  media: PackageMedia[];
  tracks: SpecTrack[];
  markers: { name: string; at: number }[];
}

function samples(m: PackageMedia, channel: number): Float32Array {
  const n = Math.round(m.seconds * m.sampleRate);
  if (m.kind === 'sine') {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = m.level * Math.sin((2 * Math.PI * 1000 * i) / m.sampleRate + channel);
    return out;
  }
  // programme() counts samples at 48 kHz: take the right number at this rate; its level swings over 5 s
  // (at 48 kHz), so every 10 s scene holds whole swings and scenes of one level measure alike
  return programme(n / 48000, m.seed + channel, m.level, 5);
}

/**
 * The package. Timeline (seconds from 01:00:00:00, scenes at 0, 10, 20):
 *   DX      dx.wav 0-10 and 10-20, dx_quiet.wav 20-30 (the same voice 6 dB down)   → scene 3 is 6 dB quiet
 *   MX      mx.wav 0-30 at +18 dB clip gain (quiet media: no over)                  → clip/extreme-gain
 *   FX      fx_44k.wav 0-30 (44.1 kHz), gone.wav 5-8 (never written)                → sample-rate-mismatch, missing
 *   FOLEY   foley_16.wav 0-30 (16-bit)                                              → media/bit-depth
 *   BG      bg_short.wav (3 s) as a 5 s clip at 12                                  → clip/past-media-end
 *   FX HITS hits.wav, a sine at 0.9 with the track (REAPER) or clip (FCPXML) +6 dB  → track/over-full-scale
 */
export function buildPackage(clean = false): Package {
  const dir = tempDir();
  const media: PackageMedia[] = [
    { file: 'dx.wav', sampleRate: 48000, bitDepth: 24, seconds: 30, channels: 1, kind: 'noise', level: 0.3, seed: 11 },
    { file: 'dx_quiet.wav', sampleRate: 48000, bitDepth: 24, seconds: 10, channels: 1, kind: 'noise', level: clean ? 0.3 : 0.3 * Math.pow(10, -6 / 20), seed: 12 },
    { file: 'mx.wav', sampleRate: 48000, bitDepth: 24, seconds: 30, channels: 2, kind: 'noise', level: 0.02, seed: 13 },
    { file: clean ? 'fx.wav' : 'fx_44k.wav', sampleRate: clean ? 48000 : 44100, bitDepth: 24, seconds: 30, channels: 2, kind: 'noise', level: 0.1, seed: 14 },
    { file: clean ? 'foley.wav' : 'foley_16.wav', sampleRate: 48000, bitDepth: clean ? 24 : 16, seconds: 30, channels: 1, kind: 'noise', level: 0.1, seed: 15 },
    { file: 'bg_short.wav', sampleRate: 48000, bitDepth: 24, seconds: clean ? 5 : 3, channels: 1, kind: 'noise', level: 0.05, seed: 16 },
    { file: 'hits.wav', sampleRate: 48000, bitDepth: 24, seconds: 30, channels: 1, kind: 'sine', level: clean ? 0.3 : 0.9, seed: 17 },
    { file: 'impacts.wav', sampleRate: 48000, bitDepth: 24, seconds: 3, channels: 1, kind: 'noise', level: 0.1, seed: 18 },
  ];
  for (const m of media) {
    writeTestWav(path.join(dir, m.file), { sampleRate: m.sampleRate, bitDepth: m.bitDepth, channels: Array.from({ length: m.channels }, (_, c) => samples(m, c)) });
  }
  const tracks: SpecTrack[] = [
    {
      name: 'DX',
      channels: 1,
      clips: [
        { media: 'dx.wav', start: 0, length: 10, offset: 0 },
        { media: 'dx.wav', start: 10, length: 10, offset: 10 },
        { media: 'dx_quiet.wav', start: 20, length: 10, offset: 0 },
      ],
    },
    { name: 'MX', channels: 2, clips: [{ media: 'mx.wav', start: 0, length: 30, offset: 0, gainDb: clean ? 0 : 18 }] },
    {
      name: 'FX',
      channels: 2,
      clips: [
        { media: clean ? 'fx.wav' : 'fx_44k.wav', start: 0, length: 30, offset: 0 },
        { media: clean ? 'impacts.wav' : 'gone.wav', start: 5, length: 3, offset: 0 },
      ],
    },
    { name: 'FOLEY', channels: 1, clips: [{ media: clean ? 'foley.wav' : 'foley_16.wav', start: 0, length: 30, offset: 0 }] },
    { name: 'BG', channels: 1, clips: [{ media: 'bg_short.wav', start: 12, length: 5, offset: 0 }] },
    { name: 'FX HITS', channels: 1, volumeDb: 6, clips: [{ media: 'hits.wav', start: 0, length: 30, offset: 0 }] },
  ];
  return { dir, media, tracks, markers: [{ name: 'SC 1 kitchen', at: 0 }, { name: 'SC 2 street', at: 10 }, { name: 'SC 3 car', at: 20 }] };
}

/** The package as a REAPER project (start offset 01:00:00:00, 25 fps). */
export function writePackageRpp(p: Package, name = 'package.RPP'): string {
  const file = path.join(p.dir, name);
  writeFileSync(file, writeRpp(p.tracks, p.markers));
  return file;
}

/**
 * The package as an FCPXML 1.10 (as Final Cut Pro writes it): one gap in the spine holding every clip as a
 * connected asset-clip, a lane per track and the track's role as audioRole; FCPXML has no track volume, so
 * a track's volume rides on its clips' adjust-volume.
 */
export function writePackageFcpxml(p: Package, name = 'package.fcpxml'): string {
  const file = path.join(p.dir, name);
  const roleOf: Record<string, string> = { DX: 'dialogue', MX: 'music', FX: 'effects', FOLEY: 'foley', BG: 'effects.bg', 'FX HITS': 'effects.hits' };
  const s = (seconds: number) => `${Math.round(seconds * 25)}/25s`;
  const assets = new Map<string, { id: string; m: PackageMedia | null }>();
  for (const t of p.tracks) {
    for (const c of t.clips) {
      if (!assets.has(c.media)) assets.set(c.media, { id: `r${assets.size + 2}`, m: p.media.find((m) => m.file === c.media) ?? null });
    }
  }
  const assetXml = [...assets]
    .map(([file, { id, m }]) => {
      // a file the package lacks is written as the editor saw it: 48 kHz, 30 s
      const rate = m?.sampleRate ?? 48000;
      const secs = m?.seconds ?? 30;
      return `    <asset id="${id}" name="${file.replace(/\.wav$/, '')}" start="0s" duration="${s(secs)}" hasAudio="1" audioSources="1" audioChannels="${m?.channels ?? 1}" audioRate="${rate}">
      <media-rep kind="original-media" src="file://${encodeURI(path.join(p.dir, file))}"/>
    </asset>`;
    })
    .join('\n');
  const clips = p.tracks
    .flatMap((t, lane) =>
      t.clips.map((c) => {
        const gain = (c.gainDb ?? 0) + (t.volumeDb ?? 0);
        const adjust = gain !== 0 ? `<adjust-volume amount="${gain}dB"/>` : '';
        return `            <asset-clip ref="${assets.get(c.media)!.id}" lane="${lane + 1}" offset="${s(3600 + c.start)}" name="${c.media}" start="${s(c.offset)}" duration="${s(c.length)}" audioRole="${roleOf[t.name] ?? 'dialogue'}">${adjust}</asset-clip>`;
      }),
    )
    .join('\n');
  const markers = p.markers.map((m) => `            <marker start="${s(3600 + m.at)}" duration="1/25s" value="${m.name}"/>`).join('\n');
  writeFileSync(
    file,
    `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE fcpxml>
<fcpxml version="1.10">
  <resources>
    <format id="r1" name="FFVideoFormat1080p25" frameDuration="1/25s" width="1920" height="1080"/>
${assetXml}
  </resources>
  <library>
    <event name="Design">
      <project name="Reel 2 design">
        <sequence format="r1" duration="${s(30)}" tcStart="3600s" tcFormat="NDF" audioLayout="stereo" audioRate="48k">
          <spine>
            <gap name="Gap" offset="3600s" start="3600s" duration="${s(30)}">
${markers}
${clips}
            </gap>
          </spine>
        </sequence>
      </project>
    </event>
  </library>
</fcpxml>
`,
  );
  return file;
}
