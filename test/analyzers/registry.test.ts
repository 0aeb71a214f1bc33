/** The analyzer registry: built-ins by id, a new analyzer registered from test code, refusals. */
import { describe, expect, it } from 'vitest';
import { analyzerDefinitions, createAnalyzer, registerAnalyzer } from '../../src/analyzers/index.js';
import type { AnalyzerDefinition } from '../../src/analyzers/types.js';
import { runAnalyzer } from '../helpers/run-analyzer.js';
import type { ChannelLabel } from '../../src/audio/channels.js';

const stream = { sampleRate: 48000, channelCount: 2, frames: 4800 };

describe('analyzer registry', () => {
  it('has every built-in analyzer the QC rules read, each making an analyzer with its own id', () => {
    const ids = analyzerDefinitions().map((d) => d.id);
    expect(ids).toEqual(expect.arrayContaining(['loudness', 'peak-overs', 'clipping', 'silence', 'dc-offset', 'phase', 'lfe-band', 'two-pop', 'channel-order', 'speech']));
    for (const id of ids.filter((i) => i !== 'speech' && i !== 'peak-overs')) expect(createAnalyzer({ id }, { ...stream, channelLabels: ['L', 'R'] as ChannelLabel[] }).id).toBe(id);
    expect(createAnalyzer({ id: 'peak-overs', options: { limitDbfs: -1 } }, { ...stream, channelLabels: ['L', 'R'] as ChannelLabel[] }).id).toBe('peak-overs');
  });

  it('takes a new analyzer from outside src and runs it by id with its options', () => {
    const def: AnalyzerDefinition<{ gain: number }, { sum: number }> = {
      id: 'test-sum',
      description: 'sum of |x| times a gain (a test analyzer)',
      create: (o) => {
        let sum = 0;
        return { id: 'test-sum', start: () => (sum = 0), process: (b) => { for (const ch of b.channels) for (let i = 0; i < b.frames; i++) sum += o.gain * Math.abs(ch[i]!); }, finish: () => ({ sum }) };
      },
    };
    registerAnalyzer(def);
    registerAnalyzer(def); // the same definition again is harmless
    const a = createAnalyzer({ id: 'test-sum', options: { gain: 2 } }, { ...stream, channelLabels: ['L', 'R'] as ChannelLabel[] });
    const ones = [new Float32Array(100).fill(0.5), new Float32Array(100).fill(-0.25)];
    expect(runAnalyzer(a, ones, ['L', 'R'], [7, 13])).toEqual({ sum: 2 * (100 * 0.5 + 100 * 0.25) });
  });

  it('refuses a taken id, a malformed definition and an unknown id, with a clear message', () => {
    expect(() => registerAnalyzer({ id: 'clipping', description: 'x', create: () => ({}) as never })).toThrow(/'clipping' is already registered/);
    expect(() => registerAnalyzer({ id: 'Bad Id', description: 'x', create: () => ({}) as never })).toThrow(/needs an id/);
    expect(() => createAnalyzer({ id: 'no-such' }, { ...stream, channelLabels: ['L', 'R'] as ChannelLabel[] })).toThrow(/no analyzer 'no-such' is registered/);
  });
});
