// Channel labels: --channels, defaults by count (said as an assumption), unknown counts.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureFile } from '../../src/analysis/measure.js';
import { parseChannelList } from '../../src/audio/channels.js';
import { openAudio, readAudioHeader } from '../../src/audio/open.js';
import { writeWav } from '../../src/audio/writer.js';
import { tempDir } from '../helpers/audio-fixtures.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function wav(channels: number, mask?: number): string {
  const p = path.join(dir, `${channels}ch${mask === undefined ? '' : `-${mask}`}.wav`);
  const spec = { sampleRate: 48000, channels, encoding: 's16le' as const, ...(mask === undefined ? {} : { channelMask: mask }) };
  writeWav(p, spec, Array.from({ length: channels }, () => new Float32Array(4)));
  return p;
}

describe('parseChannelList (--channels)', () => {
  it('reads the contract labels and the common aliases, case-insensitively', () => {
    expect(parseChannelList('L,R,C,LFE,Ls,Rs')).toEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
    expect(parseChannelList('l, r ,c,lfe,lss,rss,Lsr,Rsr')).toEqual(['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs']);
    expect(parseChannelList('M')).toEqual(['M']);
    expect(parseChannelList('Ltf,Rtf,Ltr,Rtr,Lts,Rts,Cs,Lw,Rw')).toEqual(['Ltf', 'Rtf', 'Ltr', 'Rtr', 'Lts', 'Rts', 'Cs', 'Lw', 'Rw']);
  });

  it('names the bad entry', () => {
    expect(() => parseChannelList('L,R,Q')).toThrow(/unknown channel label 'Q' \(expected one of M L R C LFE/);
    expect(() => parseChannelList('L,,R')).toThrow(/unknown channel label ''/);
  });
});

describe('labels for a file', () => {
  it('--channels wins over the mask and by-count defaults', async () => {
    const src = await openAudio(wav(6, 0x3f), { channels: parseChannelList('L,C,R,Ls,Rs,LFE') });
    expect(src.header.format.channelLabels).toEqual(['L', 'C', 'R', 'Ls', 'Rs', 'LFE']);
    expect(src.header.format.labelSource).toBe('user');
    // the override is said, with what the file itself claimed
    expect(src.header.warnings.join('\n')).toMatch(/overrides the file's own labels \(L R C LFE Ls Rs, from channel-mask\)/);
    src.close();
  });

  it('--channels that agrees with the file says nothing more', async () => {
    const src = await openAudio(wav(6, 0x3f), { channels: parseChannelList('L,R,C,LFE,Ls,Rs') });
    expect(src.header.warnings.some((w) => w.includes('overrides'))).toBe(false);
    src.close();
  });

  it('--channels with the wrong count is a usage error', async () => {
    const p = wav(2);
    await expect(openAudio(p, { channels: parseChannelList('L,R,C') })).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining('--channels names 3 channels but the file has 2') });
  });

  const byCount: Array<[number, string[], RegExp | null]> = [
    [1, ['M'], null],
    [2, ['L', 'R'], null],
    [6, ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'], /assumed from the channel count: SMPTE 5\.1 \(L R C LFE Ls Rs\); use --channels/],
    [8, ['L', 'R', 'C', 'LFE', 'Lss', 'Rss', 'Lrs', 'Rrs'], /assumed from the channel count: SMPTE 7\.1/],
  ];
  for (const [count, labels, note] of byCount) {
    it(`${count} channels without a mask: ${labels.join(' ')} assumed by count`, () => {
      const h = readAudioHeader(wav(count));
      expect(h.format.channelLabels).toEqual(labels);
      expect(h.format.labelSource).toBe('assumed-by-count');
      if (note) expect(h.warnings.some((w) => note.test(w))).toBe(true);
      else expect(h.warnings).toEqual([]);
    });
  }

  it('an unknown count (7) gets Ch1..Ch7, weight 1.0, with a warning', () => {
    const h = readAudioHeader(wav(7));
    expect(h.format.channelLabels).toEqual(['Ch1', 'Ch2', 'Ch3', 'Ch4', 'Ch5', 'Ch6', 'Ch7']);
    expect(h.format.labelSource).toBe('unknown');
    expect(h.warnings).toContain('no channel layout known for 7 channels: every channel weighted 1.0; use --channels to declare it');
  });

  it('the assumption reaches the measurement', async () => {
    const m = await measureFile(wav(6));
    expect(m.channelLabelSource).toBe('assumed-by-count');
    expect(m.warnings.some((w) => /assumed from the channel count/.test(w))).toBe(true);
    const u = await measureFile(wav(6), { channels: parseChannelList('L,R,C,LFE,Ls,Rs') });
    expect(u.channelLabelSource).toBe('user');
    expect(u.warnings.some((w) => /assumed/.test(w))).toBe(false);
  });
});
