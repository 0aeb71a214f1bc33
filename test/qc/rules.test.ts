import { describe, expect, it } from 'vitest';
import { runRules } from '../../src/qc/engine.js';
import { RULE_IDS } from '../../src/qc/ids.js';
import { RULES } from '../../src/qc/rules/index.js';
import type { Finding, StemsNullResult } from '../../src/qc/types.js';
import { loadSpec } from '../../src/specs/loader.js';
import { context, deliverable, netflixSet } from './fixtures.js';

const byRule = (findings: Finding[], rule: string) => findings.filter((f) => f.rule === rule);

describe('rule catalog', () => {
  it('has exactly the contract ids, each once, with a severity and description', () => {
    expect(RULES.map((r) => r.id).sort()).toEqual([...RULE_IDS].sort());
    for (const r of RULES) {
      expect(['error', 'warning', 'info']).toContain(r.defaultSeverity);
      expect(r.description.length).toBeGreaterThan(10);
    }
  });
});

describe('a clean Netflix delivery', () => {
  it('passes with no error finding', () => {
    const out = runRules(context(netflixSet()));
    expect(out.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(out.verdict).toBe('pass');
  });
});

describe('loudness rules', () => {
  // issue 13 changed this from 'info': a mixer delivering to -27 ±2 must see the dialogue figure out of spec
  it('dialogue-gated out of spec but programme fallback in spec: passes with a warning stating both figures', () => {
    const dlg = { gatedLufs: -31, speechPercent: 30, method: 'detector' as const, fallbackUsed: false, loudnessRangeLu: 6, ldrLu: 7 };
    const out = runRules(context(netflixSet({ pm51: { loudness: { integratedLufs: -24.5, dialogue: dlg } } })));
    const f = byRule(out.findings, 'loudness/integrated');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('warning');
    expect(f[0]!.message).toContain('dialogue-gated loudness -31.0 LUFS');
    expect(f[0]!.message).toContain('programme loudness -24.5 LUFS');
    expect(out.verdict).toBe('pass');
  });

  it('both paths outside ±3 LU: error on the printmaster with the whole-file timecode range', () => {
    const dlg = { gatedLufs: -20, speechPercent: 30, method: 'detector' as const, fallbackUsed: false, loudnessRangeLu: 6, ldrLu: 0 };
    const out = runRules(context(netflixSet({ pm51: { loudness: { integratedLufs: -18, dialogue: dlg }, seconds: 10 } })));
    const f = byRule(out.findings, 'loudness/integrated');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'error', measured: -20, deliverable: 'printmaster 5.1', startTimecode: '01:00:00:00', endTimecode: '01:00:10:00' });
    expect(out.verdict).toBe('fail');
  });

  it('outside ±2 but inside the ±3 LU QC window on a path: warning', () => {
    const dlg = { gatedLufs: -24.5, speechPercent: 30, method: 'detector' as const, fallbackUsed: false, loudnessRangeLu: 6, ldrLu: 0 };
    const out = runRules(context(netflixSet({ pm20: { loudness: { integratedLufs: -21.5, dialogue: dlg } } })));
    expect(byRule(out.findings, 'loudness/integrated').map((f) => f.severity)).toEqual(['warning']);
  });

  it('no dialogue measurement: falls back to programme loudness and says so (info)', () => {
    const out = runRules(context(netflixSet({ pm51: { loudness: { integratedLufs: -24, dialogue: undefined } } })));
    const f = byRule(out.findings, 'loudness/integrated');
    expect(f.map((x) => x.severity)).toEqual(['info']);
    expect(f[0]!.message).toContain('not measured');
  });

  it('judges printmasters only: a loud M&E and stems are not loudness findings', () => {
    const out = runRules(context(netflixSet({ me: { loudness: { integratedLufs: -10 } }, dx: { loudness: { integratedLufs: -12 } } })));
    expect(byRule(out.findings, 'loudness/integrated')).toEqual([]);
  });

  it('programme mode (EBU R 128): -21 LUFS is an error', () => {
    const out = runRules(context([deliverable({ role: 'printmaster', layout: '2.0', loudness: { integratedLufs: -21 } })], 'ebu-r128'));
    expect(byRule(out.findings, 'loudness/integrated')[0]).toMatchObject({ severity: 'error', measured: -21, limit: '-23 ±1' });
  });

  it('true peak: over -1 dBTP is an error on every file (incl. the M&E); between -2 and -1 a warning', () => {
    const out = runRules(context(netflixSet({ me: { truePeakDbtp: -0.4 }, dx: { truePeakDbtp: -1.5 } })));
    const f = byRule(out.findings, 'loudness/true-peak');
    expect(f.filter((x) => x.deliverable === 'me 5.1' && x.severity === 'error')).toHaveLength(6);
    expect(f.filter((x) => x.deliverable === 'stem dialogue 5.1').every((x) => x.severity === 'warning')).toBe(true);
    expect(f[0]!.channel).toBe('L');
  });

  it('loudness range outside 4-18 LU is a warning on Netflix', () => {
    const out = runRules(context(netflixSet({ pm51: { loudness: { loudnessRangeLu: 22 } } })));
    expect(byRule(out.findings, 'loudness/range')).toMatchObject([{ severity: 'warning', measured: 22 }]);
  });

  it('R 128 s1: max short-term over -18 points at the loudest 3 s window', () => {
    const d = deliverable({ role: 'printmaster', layout: '2.0', loudness: { integratedLufs: -23, shortTermMaxLufs: -15 }, timeReferenceSamples: 0 });
    d.measurement!.series = { intervalSeconds: 0.1, momentaryLufs: [], shortTermLufs: [null, -30, -15, -25] };
    const out = runRules(context([d], 'ebu-r128-s1'));
    const f = byRule(out.findings, 'loudness/short-term-max');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'error', measured: -15, startSeconds: 0, endSeconds: expect.closeTo(0.3, 9) });
  });
});

describe('format rules', () => {
  it('wrong sample rate and bit depth', () => {
    const out = runRules(context(netflixSet({ fx: { sampleRate: 44100 }, mx: { bitDepth: 16 } })));
    expect(byRule(out.findings, 'format/sample-rate')).toMatchObject([{ deliverable: 'stem effects 5.1', measured: 44100, severity: 'error' }]);
    expect(byRule(out.findings, 'format/bit-depth')).toMatchObject([{ deliverable: 'stem music 5.1', measured: 16 }]);
  });

  it('layout not allowed, and a layout that disagrees with the channel count', () => {
    const d71 = deliverable({ role: 'printmaster', layout: '7.1', labels: ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs'] });
    const wrong = deliverable({ role: 'stem', stem: 'foley', layout: '5.1', labels: ['L', 'R'] });
    const out = runRules(context([...netflixSet(), d71, wrong]));
    const f = byRule(out.findings, 'format/layout');
    expect(f.map((x) => x.deliverable)).toEqual(['printmaster 7.1', 'stem foley 5.1']);
  });

  it('channel order: film order where SMPTE is required', () => {
    const out = runRules(context(netflixSet({ pm51: { labels: ['L', 'C', 'R', 'Ls', 'Rs', 'LFE'] } })));
    expect(byRule(out.findings, 'format/channel-order')).toMatchObject([{ severity: 'error', measured: 'L C R Ls Rs LFE' }]);
  });
});

describe('delivery rules', () => {
  it('missing deliverables are named', () => {
    const set = netflixSet().filter((d) => d.id !== 'me 5.1' && d.id !== 'stem music 5.1');
    const out = runRules(context(set));
    expect(byRule(out.findings, 'delivery/missing-deliverable').map((f) => f.message)).toEqual([
      'missing deliverable: 5.1 music stem',
      'missing deliverable: 5.1 M&E',
    ]);
  });

  it('a stem one frame short is a duration mismatch (sample-exact)', () => {
    const out = runRules(context(netflixSet({ dx: { seconds: 10 - 1 / 24 } })));
    expect(byRule(out.findings, 'delivery/duration-match')).toMatchObject([{ deliverable: 'stem dialogue 5.1', measured: -2000 }]);
  });

  it('a stem starting one frame late is a start-timecode finding', () => {
    const out = runRules(context(netflixSet({ fx: { timeReferenceSamples: 3600 * 48000 + 2000 } })));
    expect(byRule(out.findings, 'delivery/start-timecode')).toMatchObject([{ deliverable: 'stem effects 5.1', measured: '01:00:00:01' }]);
  });
});

describe('start timecode required by the profile (Max: 01:00:00:00)', () => {
  it('a file at 00:00:00:00 and one without a TimeReference are errors; 01:00:00:00 passes', () => {
    const ok = deliverable({ role: 'printmaster', layout: '5.1', loudness: { integratedLufs: -23 } });
    const zero = deliverable({ role: 'printmaster', layout: '2.0', loudness: { integratedLufs: -23 }, timeReferenceSamples: 0 });
    const none = deliverable({ role: 'me', layout: '5.1', timeReferenceSamples: null });
    const out = runRules(context([ok, zero, none], 'max'));
    expect(byRule(out.findings, 'delivery/start-timecode').map((f) => [f.deliverable, f.measured])).toEqual([
      ['printmaster 2.0', '00:00:00:00'],
      ['me 5.1', null],
    ]);
  });

  it('a file without declared channel labels gets an info saying the order was assumed', () => {
    const d = deliverable({ role: 'printmaster', layout: '5.1', loudness: { integratedLufs: -23 } });
    d.measurement!.channelLabelSource = 'assumed-by-count';
    const out = runRules(context([d], 'max'));
    expect(byRule(out.findings, 'format/channel-order')).toMatchObject([{ severity: 'info', limit: 'L R C LFE Ls Rs' }]);
  });
});

describe('signal, LFE, leader and Atmos rules on analyzer results', () => {
  it('clipping runs become one finding per clipped passage with timecodes', () => {
    const runs = [0, 1, 2].map((i) => ({ channel: 2, label: 'C', startSeconds: 5 + i * 0.01, endSeconds: 5.001 + i * 0.01, lengthSamples: 40, levelDbfs: 0 }));
    const clipping = { thresholdDbfs: -0.45, channels: [], runs, netflix: { segmentsAtAssetPeak: 3, fullScalePercent: 0.001 } };
    const out = runRules(context(netflixSet({ pm51: { analyzers: { clipping } } })));
    expect(byRule(out.findings, 'signal/clipping')).toMatchObject([{ channel: 'C', startTimecode: '01:00:05:00', severity: 'error' }]);
  });

  it('silence: a whole-file silent LFE is info, a dropout inside programme is an error', () => {
    const silence = {
      channels: [{ channel: 3, label: 'LFE', silentThroughout: true, digitalZeroThroughout: true }],
      dropouts: [{ channel: 0, label: 'L', startSeconds: 2, endSeconds: 2.05, lengthSamples: 2400 }],
    };
    const out = runRules(context(netflixSet({ dx: { analyzers: { silence } } })));
    expect(byRule(out.findings, 'signal/silence').map((f) => [f.severity, f.channel, f.startTimecode])).toEqual([
      ['error', 'L', '01:00:02:00'],
      ['info', 'LFE', '01:00:00:00'],
    ]);
  });

  it('silence: channels that drop out together are one finding with their channel list', () => {
    const at = (channel: number, label: string, startSeconds: number, endSeconds: number) => ({ channel, label, startSeconds, endSeconds, lengthSamples: Math.round((endSeconds - startSeconds) * 48000) });
    const silence = {
      channels: [],
      // a 40 ms hole in all six channels at 2 s, then C alone for 300 ms at 4 s
      dropouts: [...['L', 'R', 'C', 'LFE', 'Ls', 'Rs'].map((l, c) => at(c, l, 2, 2.04)), at(2, 'C', 4, 4.3)],
    };
    const out = runRules(context(netflixSet({ pm51: { analyzers: { silence } } })));
    expect(byRule(out.findings, 'signal/silence').map((f) => [f.severity, f.channel, f.startTimecode, f.measured, f.message])).toEqual([
      ['error', 'L, R, C, LFE, Ls, Rs', '01:00:02:00', 40, 'dropout: 40.0 ms of digital zero on L, R, C, LFE, Ls, Rs together inside programme'],
      ['error', 'C', '01:00:04:00', 300, 'dropout: 300.0 ms of digital zero on C inside programme'],
    ]);
  });

  it('LFE band: a stretch over the limit carries its own figure; an LFE over the limit most of the time is one finding', () => {
    const run = (startSeconds: number, endSeconds: number, aboveBandDb: number, maxAboveBandDb: number) => ({ channel: 3, label: 'LFE', cutoffHz: 120, startSeconds, endSeconds, aboveBandDb, maxAboveBandDb });
    const cutoff = (aboveBandDb: number, overLimitSeconds: number, runs: ReturnType<typeof run>[]) => ({
      cutoffHz: 120, bandFromHz: 60, aboveFromHz: 240, aboveBandDb, worstWindow: { aboveBandDb: 20, startSeconds: 3, endSeconds: 4 },
      overLimitRuns: runs, judgedSeconds: 100, overLimitSeconds,
    });
    // Two unfiltered explosions in a legal LFE: the file reads -20 dB, each stretch its own figure.
    const local = { channels: [{ label: 'LFE', channel: 3, cutoffs: [cutoff(-20, 5, [run(3, 5, 12.3, 20), run(40, 43, -2.1, -1)])] }] };
    const a = byRule(runRules(context(netflixSet({ pm51: { analyzers: { 'lfe-band': local } } }))).findings, 'lfe/band-limit');
    expect(a.map((f) => [f.startTimecode, f.endTimecode, f.measured, f.limit])).toEqual([
      ['01:00:03:00', '01:00:05:00', 12.3, -6],
      ['01:00:40:00', '01:00:43:00', -2.1, -6],
    ]);
    expect(a[0]!.message).toBe('LFE carries content a 120 Hz low-pass would remove: energy above 240 Hz relative to the 60-120 Hz octave is +12.3 dB over this stretch (worst second +20.0 dB)');
    // Not low-passed at all: over the limit for 90 of 100 s in three stretches is one finding.
    const whole = { channels: [{ label: 'LFE', channel: 3, cutoffs: [cutoff(8.04, 90, [run(0, 30, 8, 9), run(31, 60, 8, 9), run(61, 92, 8, 9)])] }] };
    const b = byRule(runRules(context(netflixSet({ pm51: { analyzers: { 'lfe-band': whole } } }))).findings, 'lfe/band-limit');
    expect(b).toHaveLength(1);
    expect(b[0]).toMatchObject({ severity: 'error', channel: 'LFE', measured: 8, limit: -6 });
    expect(b[0]!.message).toBe('LFE is not low-passed at 120 Hz: energy above 240 Hz relative to the 60-120 Hz octave is +8.0 dB over the file (over the limit for 90 of 100 s; worst second +20.0 dB at 01:00:03:00)');
  });

  it('DC offset over -40 dBFS is a warning', () => {
    const dc = { channels: [{ channel: 1, label: 'R', meanDbfs: -30 }] };
    const out = runRules(context(netflixSet({ pm20: { analyzers: { 'dc-offset': dc } } })));
    expect(byRule(out.findings, 'signal/dc-offset')).toMatchObject([{ severity: 'warning', channel: 'R', measured: -30 }]);
  });

  it('phase: a stretch of negative L/R correlation', () => {
    const phase = {
      pairs: [{ pair: 'L/R', labels: ['L', 'R'], identical: false, monoFoldLossDb: 1.2, negativeRuns: [{ pair: 'L/R', startSeconds: 3, endSeconds: 4, minCorrelation: -0.8 }] }],
    };
    const out = runRules(context(netflixSet({ pm20: { analyzers: { phase } } })));
    expect(byRule(out.findings, 'signal/phase')).toMatchObject([{ channel: 'L/R', startTimecode: '01:00:03:00', endTimecode: '01:00:04:00' }]);
  });

  it('LFE carrying full band', () => {
    const lfe = { channels: [{ label: 'LFE', channel: 3, cutoffs: [{ cutoffHz: 120, aboveBandDb: -3, worstWindow: null, overLimitRuns: [] }] }] };
    const out = runRules(context(netflixSet({ pm51: { analyzers: { 'lfe-band': lfe } } })));
    expect(byRule(out.findings, 'lfe/band-limit')).toMatchObject([{ severity: 'error', channel: 'LFE', measured: -3 }]);
  });

  it('2-pop: forbidden on Netflix; out of sync across files when pops are allowed', () => {
    const pop = (at: number) => ({
      'two-pop': { present: true, startSeconds: at, durationSeconds: 1 / 24, offsetFromExpectedFrames: null, inSync: null },
    });
    const set = () => netflixSet({ pm51: { analyzers: pop(1) }, dx: { analyzers: pop(1) }, mx: { analyzers: pop(1 + 1 / 24) } });
    const nfx = runRules(context(set()));
    expect(byRule(nfx.findings, 'leader/two-pop').filter((f) => f.message.includes('forbids'))).toHaveLength(3);
    const spec = { ...loadSpec('netflix').spec, leader: { twoPop: 'allowed' as const } };
    const out = runRules(context(set(), spec));
    expect(byRule(out.findings, 'leader/two-pop')).toMatchObject([{ deliverable: 'stem music 5.1', measured: 41.7 }]);
  });

  it('Atmos: a 7.1.2 bed is allowed, 119 objects are one too many', () => {
    const atmos = deliverable({ role: 'atmos', layout: '7.1.2', labels: [] });
    atmos.adm = { bedLayout: '7.1.2', bedChannels: 10, objectCount: 119 };
    const out = runRules(context([...netflixSet(), atmos], 'netflix-atmos'));
    expect(byRule(out.findings, 'atmos/bed-layout')).toEqual([]);
    expect(byRule(out.findings, 'atmos/object-count')).toMatchObject([{ severity: 'error', measured: 119, limit: 118 }]);
  });
});

describe('stems and M&E rules on null-test results', () => {
  const clean: StemsNullResult = {
    offsetSamples: 0,
    stemIssues: [],
    channels: [{ label: 'C', residualPeakDbfs: -120, residualRmsDbfs: -130, nullDepthDb: 100, regions: [] }],
  };

  it('a clean null passes; a residual region outside the limiter is an error with its timecode', () => {
    const ctx = context(netflixSet());
    ctx.cross.stems = [{ printmaster: 'printmaster 5.1', stems: ['stem dialogue 5.1'], result: clean }];
    expect(byRule(runRules(ctx).findings, 'stems/sum-to-printmaster')).toEqual([]);
    const missing: StemsNullResult = {
      ...clean,
      channels: [
        {
          label: 'Ls', residualPeakDbfs: -12, residualRmsDbfs: -30, nullDepthDb: 12,
          regions: [
            { startSeconds: 4, endSeconds: 4.5, residualRmsDbfs: -20, limiterLike: false },
            { startSeconds: 7, endSeconds: 7.2, residualRmsDbfs: -50, limiterLike: true },
          ],
        },
      ],
    };
    ctx.cross.stems = [{ printmaster: 'printmaster 5.1', stems: ['stem dialogue 5.1'], result: missing }];
    const f = byRule(runRules(ctx).findings, 'stems/sum-to-printmaster');
    // issue 13 (one finding per defect): the shallow null depth this residual causes is the error's detail,
    // no longer a second (warning) finding; a shallow null with no region above the limit is still a warning
    expect(f.map((x) => [x.severity, x.channel, x.startTimecode])).toEqual([['error', 'Ls', '01:00:04:00']]);
    expect(f[0]!.details).toMatchObject({ nullDepthDb: { Ls: 12 }, regions: [{ channel: 'Ls', startSeconds: 4, endSeconds: 4.5 }] });
    const shallow: StemsNullResult = { ...missing, channels: [{ ...missing.channels[0]!, regions: [] }] };
    ctx.cross.stems = [{ printmaster: 'printmaster 5.1', stems: ['stem dialogue 5.1'], result: shallow }];
    const w = byRule(runRules(ctx).findings, 'stems/sum-to-printmaster');
    expect(w.map((x) => [x.severity, x.channel, x.startTimecode, x.measured])).toEqual([['warning', 'Ls', '01:00:00:00', 12]]);
  });

  it('residual pieces of one event on several channels are one finding with its regions', () => {
    const ctx = context(netflixSet());
    const piece = (startSeconds: number, endSeconds: number) => ({ startSeconds, endSeconds, residualRmsDbfs: -30, limiterLike: false });
    const result: StemsNullResult = {
      ...clean,
      channels: [
        { label: 'L', residualPeakDbfs: -12, residualRmsDbfs: -40, nullDepthDb: 20, regions: [piece(2, 2.3), piece(2.5, 2.9), piece(3.2, 3.4)] },
        { label: 'C', residualPeakDbfs: -12, residualRmsDbfs: -40, nullDepthDb: 20, regions: [piece(2.1, 2.4), piece(9, 9.5)] },
      ],
    };
    ctx.cross.stems = [{ printmaster: 'printmaster 5.1', stems: ['stem effects 5.1'], result }];
    const f = byRule(runRules(ctx).findings, 'stems/sum-to-printmaster');
    expect(f.map((x) => [x.channel, x.startSeconds, x.endSeconds])).toEqual([
      ['L, C', 2, 3.4],
      ['C', 9, 9.5],
    ]);
    expect((f[0]!.details!.regions as unknown[]).length).toBe(4);
    expect(f[0]!.message).toContain('(4 pieces)');
  });

  it('offset and gain mismatch are errors', () => {
    const ctx = context(netflixSet());
    ctx.cross.stems = [
      { printmaster: 'printmaster 5.1', stems: ['x'], result: { ...clean, offsetSamples: 2000, stemIssues: [{ stem: 'stem music 5.1', kind: 'gain', gainDb: 3 }] } },
    ];
    const f = byRule(runRules(ctx).findings, 'stems/sum-to-printmaster');
    expect(f.map((x) => x.message)).toEqual([
      'stems (x) 2000 samples (1.00 frames) late against printmaster 5.1',
      'stem music 5.1 is +3.0 dB against printmaster 5.1',
    ]);
  });

  it('M&E null and dialogue leak', () => {
    const ctx = context(netflixSet({ me: { analyzers: { speech: { speechPercent: 12, speechSeconds: 1.2 } } } }));
    ctx.cross.me = [{ me: 'me 5.1', stems: ['mx', 'fx'], result: { ...clean, offsetSamples: -48 } }];
    const out = runRules(ctx);
    expect(byRule(out.findings, 'me/music-effects-match')).toMatchObject([{ deliverable: 'me 5.1', measured: -48 }]);
    expect(byRule(out.findings, 'me/dialogue-leak')).toMatchObject([{ deliverable: 'me 5.1', measured: 12, severity: 'error' }]);
  });
});

describe('engine', () => {
  it('a profile can turn a rule off or lower it; a rule never raises severity above the setting', () => {
    const spec = loadSpec('netflix').spec;
    const set = () => netflixSet({ me: { truePeakDbtp: 0 } });
    expect(runRules(context(set(), { ...spec, rules: { 'loudness/true-peak': 'off' } })).verdict).toBe('pass');
    const lowered = runRules(context(set(), { ...spec, rules: { 'loudness/true-peak': 'warning' } }));
    expect(byRule(lowered.findings, 'loudness/true-peak').every((f) => f.severity === 'warning')).toBe(true);
    expect(lowered.verdict).toBe('pass');
  });
});
