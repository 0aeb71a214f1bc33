/**
 * The handoff sheet over design packages built by code (REAPER and FCPXML, media written at the rates
 * and bit depths planted): every planted problem found with its code, severity, track, clip, media and
 * timecode; the clean package ready with no error; the levels are the premix render's, from one render.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readSession } from '../../native-adapters/index.js';
import { handoff } from '../../src/handoff/handoff.js';
import { renderHandoffText } from '../../src/report/handoff-text.js';
import { PROBLEM_CODES, type HandoffProblem, type HandoffResult } from '../../src/handoff/types.js';
import { premix } from '../../src/render/premix.js';
import { loadSpec } from '../../src/specs/loader.js';
import { samplesDir } from '../helpers/corpus.js';
import { writeTestWav } from '../helpers/wav-writer.js';
import { programme, tempDir } from '../render/fixtures.js';
import { buildPackage, writePackageFcpxml, writePackageRpp } from './fixtures.js';

// count premix renders: handoff must render the timeline once
const renders = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/render/premix.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/render/premix.js')>();
  return {
    ...real,
    premix: (...args: Parameters<typeof real.premix>) => {
      renders.count++;
      return real.premix(...args);
    },
  };
});

function only(r: HandoffResult, code: string): HandoffProblem {
  const found = r.problems.filter((p) => p.code === code);
  expect(found, `${code} in ${JSON.stringify(r.problems.map((p) => p.code))}`).toHaveLength(1);
  return found[0]!;
}

const planted = buildPackage();
const clean = buildPackage(true);

describe.each([
  { format: 'rpp', write: writePackageRpp, names: { dx: 'DX', mx: 'MX', fx: 'FX', foley: 'FOLEY', bg: 'BG', hits: 'FX HITS' } },
  { format: 'fcpxml', write: writePackageFcpxml, names: { dx: 'dialogue', mx: 'music', fx: 'effects', foley: 'foley', bg: 'effects.bg', hits: 'effects.hits' } },
])('handoff of a planted $format package', ({ format, write, names }) => {
  const file = write(planted);

  it('finds every planted problem with its code, severity, track, clip, media and timecode', async () => {
    const session = await readSession(file);
    const before = renders.count;
    const run = await handoff(session);
    expect(renders.count - before).toBe(1);
    const r = run.result;
    expect(r.session).toMatchObject({ format, sampleRate: 48000, frameRate: { num: 25, den: 1 }, dropFrame: false, startTimecode: '01:00:00:00', durationSeconds: 30 });
    // the writer when the file says (REAPER's version line); FCPXML does not name its application
    expect(run.writer).toBe(format === 'rpp' ? 'REAPER 7.51/linux64' : null);
    expect(renderHandoffText(run).split('\n')[0]).toContain(format === 'rpp' ? '(rpp, written by REAPER 7.51/linux64)' : '(fcpxml)');
    const mediaId = (file: string) => r.media.find((m) => m.name.replace(/\.wav$/, '') === file.replace(/\.wav$/, ''))!.id;

    expect(only(r, 'media/missing')).toMatchObject({ severity: 'error', track: names.fx, clip: 'gone.wav', media: mediaId('gone.wav'), startTimecode: '01:00:05:00' });
    expect(only(r, 'media/sample-rate-mismatch')).toMatchObject({ severity: 'error', track: names.fx, media: mediaId('fx_44k.wav'), startTimecode: '01:00:00:00' });
    expect(only(r, 'media/sample-rate-mismatch').message).toContain('is 44100 Hz, the session 48000 Hz');
    expect(only(r, 'media/bit-depth')).toMatchObject({ severity: 'warning', track: names.foley, media: mediaId('foley_16.wav'), startTimecode: '01:00:00:00' });
    expect(only(r, 'media/bit-depth').message).toContain('is 16-bit');
    expect(only(r, 'clip/extreme-gain')).toMatchObject({ severity: 'warning', track: names.mx, clip: 'mx.wav', startTimecode: '01:00:00:00' });
    expect(only(r, 'clip/extreme-gain').message).toContain('+18.0 dB');
    // a 3 s file under a 5 s clip at 12 s: 2 s past its end
    expect(only(r, 'clip/past-media-end')).toMatchObject({ severity: 'warning', track: names.bg, clip: 'bg_short.wav', media: mediaId('bg_short.wav'), startTimecode: '01:00:12:00' });
    expect(only(r, 'clip/past-media-end').message).toContain('runs 2.000 s past the end');
    expect(only(r, 'track/over-full-scale')).toMatchObject({ severity: 'error', track: names.hits });
    // scene 3's dialogue is the same voice 6 dB down: 6 LU under the median of the three scenes
    const scene = only(r, 'scene/dialogue-inconsistent');
    expect(scene).toMatchObject({ severity: 'warning', startTimecode: '01:00:20:00' });
    expect(scene.message).toContain("scene 'SC 3 car'");
    expect(r.scenes.map((s) => s.name)).toEqual(['SC 1 kitchen', 'SC 2 street', 'SC 3 car']);
    expect(r.scenes[2]!.deviationLu!).toBeCloseTo(-6, 0);
    expect(Math.abs(r.scenes[0]!.deviationLu!)).toBeLessThan(0.5);

    // nothing else: the planted problems and only them
    expect(r.problems.map((p) => p.code).sort()).toEqual(
      ['clip/extreme-gain', 'clip/past-media-end', 'media/bit-depth', 'media/missing', 'media/sample-rate-mismatch', 'scene/dialogue-inconsistent', 'track/over-full-scale'].sort(),
    );
    // errors first, in the contract's order
    expect(r.problems.map((p) => p.severity)).toEqual(['error', 'error', 'error', 'warning', 'warning', 'warning', 'warning']);
    expect(r.verdict).toBe('not-ready');

    // the package facts
    const byName = new Map(r.media.map((m) => [m.name.replace(/\.wav$/, ''), m]));
    expect(byName.get('gone')).toMatchObject({ status: 'missing', bitDepth: null, durationSeconds: null, clips: 1 });
    expect(byName.get('fx_44k')).toMatchObject({ status: 'ok', sampleRate: 44100, bitDepth: 24, channels: 2, durationSeconds: 30, clips: 1 });
    expect(byName.get('foley_16')).toMatchObject({ status: 'ok', sampleRate: 48000, bitDepth: 16, channels: 1, clips: 1 });
    expect(byName.get('dx')).toMatchObject({ status: 'ok', clips: 2, resolvedPath: path.join(planted.dir, 'dx.wav') });
    expect(r.markers).toEqual([
      { name: 'SC 1 kitchen', startSeconds: 0, timecode: '01:00:00:00' },
      { name: 'SC 2 street', startSeconds: 10, timecode: '01:00:10:00' },
      { name: 'SC 3 car', startSeconds: 20, timecode: '01:00:20:00' },
    ]);
    const track = (n: string) => r.tracks.find((t) => t.name === n)!;
    expect(track(names.dx)).toMatchObject({ role: 'dialogue', channels: 1, clips: 3, muted: false });
    expect(track(names.fx)).toMatchObject({ role: 'effects', channels: 2, clips: 2 });
    expect(track(names.hits).loudness.truePeakDbtp!).toBeGreaterThan(4.5);
    expect(track(names.mx).loudness.truePeakDbtp!).toBeLessThan(0);
  });

  it('the levels, groups and scenes are exactly what premix gives for the session', async () => {
    const run = await handoff(await readSession(file));
    const p = (await premix(await readSession(file))).result;
    expect(run.result.groups).toEqual(p.groups);
    expect(run.result.scenes).toEqual(p.scenes);
    expect(run.result.tracks).toEqual(p.tracks.map((t) => ({ name: t.name, role: t.role, channels: t.channels, clips: t.clips, muted: t.muted, loudness: t.loudness })));
  });

  it('the clean package is ready with no error (and no problem at all)', async () => {
    const run = await handoff(await readSession(write(clean)));
    expect(run.result.problems).toEqual([]);
    expect(run.result.verdict).toBe('ready');
    expect(run.result.media.every((m) => m.status === 'ok')).toBe(true);
  });
});

describe('handoff: the spec, unreadable and offline media, an assumed frame rate, a track with no role, the brief', () => {
  it('--spec checks the spec\'s sample rate and bit depth on every media file', async () => {
    const base = loadSpec('netflix').spec;
    const spec = { ...base, format: { ...base.format, sampleRateHz: [96000], bitDepth: [32] } };
    const r = (await handoff(await readSession(writePackageRpp(clean, 'spec.RPP')), { spec })).result;
    const rates = r.problems.filter((p) => p.code === 'media/sample-rate-mismatch');
    const bits = r.problems.filter((p) => p.code === 'media/bit-depth');
    expect(rates).toHaveLength(r.media.length);
    expect(rates[0]!.message).toContain(`the spec '${base.id}' delivers at 96000 Hz`);
    expect(rates[0]!.severity).toBe('error');
    expect(bits).toHaveLength(r.media.length);
    expect(bits[0]!.message).toContain('asks for 32-bit');
    expect(r.verdict).toBe('not-ready');
    // a spec the package meets adds nothing
    const fine = (await handoff(await readSession(writePackageRpp(clean, 'spec2.RPP')), { spec: loadSpec('netflix').spec })).result;
    expect(fine.problems).toEqual([]);
  });

  it('clip gain: -35 dB and +13 dB are extreme; ±12 dB, a clip fully down (-96 dB, -inf) and a muted clip are not', async () => {
    const dir = tempDir();
    writeTestWav(path.join(dir, 'dx.wav'), { channels: [programme(10, 3, 0.05)] });
    const rpp = path.join(dir, 'gains.RPP');
    const { writeRpp } = await import('../render/fixtures.js');
    const clip = (start: number, gainDb: number, muted = false) => ({ media: 'dx.wav', start, length: 1, offset: start, gainDb, muted });
    // REAPER writes a fully-down item as VOLPAN 0: -inf dB
    writeFileSync(rpp, writeRpp([{ name: 'DX', channels: 1, clips: [clip(0, -35), clip(1, 13), clip(2, 12), clip(3, -12), clip(4, -96), clip(5, -Infinity), clip(6, 30, true)] }]));
    const r = (await handoff(await readSession(rpp))).result;
    expect(r.problems.filter((p) => p.code === 'clip/extreme-gain').map((p) => [p.startTimecode, p.message.match(/has (\S+) dB/)![1]])).toEqual([
      ['01:00:00:00', '-35.0'],
      ['01:00:01:00', '+13.0'],
    ]);
  });

  it('a file that is not audio is unreadable (error), with the reader\'s reason', async () => {
    const dir = tempDir();
    writeTestWav(path.join(dir, 'dx.wav'), { channels: [programme(4, 3, 0.2)] });
    writeFileSync(path.join(dir, 'notes.wav'), 'spotting notes, not audio\n');
    const rpp = path.join(dir, 's.RPP');
    const { writeRpp } = await import('../render/fixtures.js');
    writeFileSync(rpp, writeRpp([{ name: 'DX', channels: 1, clips: [{ media: 'dx.wav', start: 0, length: 4, offset: 0 }, { media: 'notes.wav', start: 1, length: 1, offset: 0 }] }]));
    const r = (await handoff(await readSession(rpp))).result;
    expect(r.media.find((m) => m.name === 'notes.wav')).toMatchObject({ status: 'unreadable', sampleRate: null, bitDepth: null });
    const p = only(r, 'media/unreadable');
    expect(p).toMatchObject({ severity: 'error', track: 'DX', clip: 'notes.wav', startTimecode: '01:00:01:00' });
    expect(p.message).toMatch(/cannot be read as audio: .*notes\.wav/);
    expect(r.verdict).toBe('not-ready');
  });

  it('an EDL that states no frame rate: session/frame-rate-assumed (info), still ready', async () => {
    const dir = tempDir();
    writeTestWav(path.join(dir, 'DX01.wav'), { channels: [programme(20, 5, 0.2)] });
    const edl = path.join(dir, 'reel.edl');
    writeFileSync(edl, ['TITLE: REEL 1 DX', '001  DX01     A     C        00:00:02:00 00:00:08:00 01:00:00:00 01:00:06:00', '* FROM CLIP NAME:  DX01.wav', ''].join('\r\n'));
    const r = (await handoff(await readSession(edl))).result;
    // an EDL's tracks are A1, A2, ...: no name says a premix, so each is also track/no-role (info)
    expect(r.problems.map((p) => [p.code, p.severity, p.track])).toEqual([
      ['track/no-role', 'info', 'A1'],
      ['session/frame-rate-assumed', 'info', undefined],
    ]);
    expect(only(r, 'session/frame-rate-assumed').message).toContain('assumed 24 fps');
    expect(r.verdict).toBe('ready');
    // said with --fps: nothing assumed
    const told = (await handoff(await readSession(edl, { fps: { num: 25, den: 1 } }))).result;
    expect(told.problems.map((p) => p.code)).toEqual(['track/no-role']);
  });

  it('a REAPER project with no TIMEMODE: session/frame-rate-assumed (REAPER assumes 30 fps for timecode)', async () => {
    const file = writePackageRpp(clean, 'no-timemode.RPP');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^ {2}TIMEMODE .*\n/m, ''));
    const r = (await handoff(await readSession(file))).result;
    expect(r.problems.map((p) => [p.code, p.severity])).toEqual([['session/frame-rate-assumed', 'info']]);
    expect(r.problems[0]!.message).toContain('assumed 30 fps');
    expect(r.session.frameRate).toEqual({ num: 30, den: 1 });
    expect(r.verdict).toBe('ready');
  });

  it('a Pro Tools session text from Pro Tools 2020.3 (DAWFileKit): its offline file is offline and missing', async () => {
    const file = samplesDir('pt_text', 'orchetect__DAWFileKit', 'SessionText_OneOfEverything_23-976fps_DefaultExportOptions_PT2020.3.txt');
    const r = (await handoff(await readSession(file))).result;
    const offline = r.media.find((m) => m.name === 'Audio 5 Offline Clip1.wav')!;
    expect(offline.status).toBe('offline');
    const p = r.problems.find((x) => x.code === 'media/missing' && x.media === offline.id)!;
    expect(p.message).toContain('offline in the session');
    expect(p.severity).toBe('error');
    expect(r.session.frameRate).toEqual({ num: 24000, den: 1001 });
  });

  it('the brief is kept as written; every code in the contract has its severity', async () => {
    const brief = '# Reel 2\n\n<script>alert(1)</script> **keep the car quiet**\n';
    const r = (await handoff(await readSession(writePackageRpp(clean, 'brief.RPP')), { brief })).result;
    expect(r.brief).toBe(brief);
    expect(PROBLEM_CODES.map((c) => `${c.code}:${c.severity}`)).toEqual([
      'media/missing:error',
      'media/unreadable:error',
      'media/sample-rate-mismatch:error',
      'media/bit-depth:warning',
      'clip/past-media-end:warning',
      'clip/extreme-gain:warning',
      'track/no-role:info',
      'track/over-full-scale:error',
      'scene/dialogue-inconsistent:warning',
      'session/frame-rate-assumed:info',
    ]);
  });
});
