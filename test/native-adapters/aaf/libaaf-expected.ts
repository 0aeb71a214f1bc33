/**
 * LibAAF's `aaftool` dumps (samples/aaf/agfline__LibAAF/expected/*.expected) read as data: a second,
 * independent witness of tracks, clip positions (in samples from 00:00:00:00) and channel formats.
 */
import { readFileSync } from 'node:fs';

export interface ExpectedClip {
  startSamples: number;
  lengthSamples: number;
  sourceOffsetSamples: number;
  channels: number;
  muted: boolean;
  /** Constant clip gain LibAAF printed, null when it printed none. */
  gainDb: number | null;
  volumeAutomation: boolean;
  fadeInSamples: number;
  fadeOutSamples: number;
  /** LibAAF's curve names: CURV_LIN, CURV_PWR, CURV_LOG; null when no fade. */
  fadeInCurve: string | null;
  fadeOutCurve: string | null;
  /** LibAAF names a subclip and counts its source offset from the subclip, not the media. */
  subclip: boolean;
}

export interface ExpectedTrack {
  format: string;
  name: string | null;
  clips: ExpectedClip[];
}

export interface Expected {
  compStartSamples: number;
  /** Samples per second LibAAF counted in (composition end in samples / in seconds); null when it cannot be told. */
  samplesPerSecond: number | null;
  tracks: ExpectedTrack[];
}

export function readExpected(file: string): Expected {
  const text = readFileSync(file, 'utf8');
  const num = (re: RegExp) => {
    const m = re.exec(text);
    return m ? Number(m[1]) : null;
  };
  const compStartSamples = num(/Composition Start \(samples\)\s*:\s*(-?\d+)/) ?? 0;
  const endEu = num(/Composition End \(EU\)\s*:\s*(-?\d+)/);
  const endSamples = num(/Composition End \(samples\)\s*:\s*(-?\d+)/);
  const rate = /Composition End \(EU\)\s*:\s*-?\d+ \(EditRate: (\d+)\/(\d+)\)/.exec(text);
  const startEu = num(/Composition Start \(EU\)\s*:\s*(-?\d+)/) ?? 0;
  let samplesPerSecond: number | null = null;
  const tcRate = /TC EditRrate\s*:\s*(\d+)\/(\d+)/.exec(text);
  if (startEu > 0 && tcRate && Number(tcRate[1]) > 0) {
    samplesPerSecond = Math.round(compStartSamples / ((startEu * Number(tcRate[2])) / Number(tcRate[1])));
  } else if (endEu !== null && endSamples !== null && rate && Number(rate[2]) > 0 && Number(rate[1]) > 0 && endEu - startEu > 0) {
    const seconds = ((endEu - startEu) * Number(rate[2])) / Number(rate[1]);
    samplesPerSecond = Math.round((endSamples - compStartSamples) / seconds);
  }
  const tracks: ExpectedTrack[] = [];
  let pendingFadeIn = 0;
  let pendingCurve: string | null = null;
  for (const line of text.split('\n')) {
    const t = /AudioTrack\[\d+\] ::.*Format: (\S+)(?:\s+Name: "(.*)")?/.exec(line);
    if (t) {
      tracks.push({ format: t[1]!, name: t[2] ?? null, clips: [] });
      pendingFadeIn = 0;
      pendingCurve = null;
      continue;
    }
    if (/VideoTrack\[/.test(line) || /^Markers/.test(line)) {
      if (tracks.length > 0 && /VideoTrack/.test(line)) break;
    }
    // a crossfade between two clips: LibAAF lists it apart; it fades the clip before out and the next in
    const x = /X-FADE: (\S+)\s+Length: (\d+)/.exec(line);
    if (x && tracks.length > 0) {
      const clips = tracks[tracks.length - 1]!.clips;
      if (clips.length > 0) {
        clips[clips.length - 1]!.fadeOutSamples = Number(x[2]);
        clips[clips.length - 1]!.fadeOutCurve = x[1]!;
      }
      pendingFadeIn = Number(x[2]);
      pendingCurve = x[1]!;
      continue;
    }
    // some dumps give positions as timecode: those are NaN here and only counted
    const c = /Clip \(\d+\):\s+Start: (\S+)\s+Len: (\S+)[^E]*End: \S+\s+SourceOffset: (\S+)\s+Channels: (\d+)(.*)$/.exec(line);
    if (c && tracks.length > 0) {
      tracks[tracks.length - 1]!.clips.push({
        startSamples: Number(c[1]),
        lengthSamples: Number(c[2]),
        sourceOffsetSamples: Number(c[3]),
        channels: Number(c[4]),
        muted: /Mute: MUTE/.test(c[5] ?? ''),
        subclip: /ClipName:/.test(c[5] ?? ''),
        gainDb: /Gain: ([+-]\d+(?:\.\d+)?) dB/.test(c[5] ?? '') ? Number(/Gain: ([+-]\d+(?:\.\d+)?) dB/.exec(c[5]!)![1]) : null,
        volumeAutomation: /VolumeAutomation: YES/.test(c[5] ?? ''),
        fadeInSamples: Number(/FadeIn: \S+ \((\d+)\)/.exec(c[5] ?? '')?.[1] ?? pendingFadeIn),
        fadeOutSamples: Number(/FadeOut: \S+ \((\d+)\)/.exec(c[5] ?? '')?.[1] ?? 0),
        fadeInCurve: /FadeIn: (\S+) \(/.exec(c[5] ?? '')?.[1] ?? pendingCurve,
        fadeOutCurve: /FadeOut: (\S+) \(/.exec(c[5] ?? '')?.[1] ?? null,
      });
      pendingFadeIn = 0;
      pendingCurve = null;
    }
  }
  return { compStartSamples, samplesPerSecond, tracks };
}

export function formatChannels(format: string): number | null {
  return ({ MONO: 1, STEREO: 2, '5.1': 6, '7.1': 8 } as Record<string, number>)[format] ?? null;
}
