// Hostile and damaged session files (issue 15), each built by code: every one is answered with the
// project's DubstageError naming the file and the line — never the XML parser's own error, never a
// plain Error from the time arithmetic, never "not a session file" for a file that is one.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findAdapter, readSession } from '../../native-adapters/index.js';
import { MAX_EDL_BYTES } from '../../native-adapters/edl/index.js';
import { MAX_PROTOOLS_TEXT_BYTES } from '../../native-adapters/protools/index.js';
import { DubstageError } from '../../src/errors.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dubstage-hostile-'));
let n = 0;
function put(text: string | Buffer, name: string): string {
  const p = path.join(dir, `${n++}-${name}`);
  writeFileSync(p, text);
  return p;
}

async function refusal(p: string): Promise<DubstageError> {
  try {
    await readSession(p);
  } catch (err) {
    expect(err).toBeInstanceOf(DubstageError);
    return err as DubstageError;
  }
  throw new Error(`${p} was read; a refusal was expected`);
}

const rate = (tb: string, ntsc = false) => `<rate><timebase>${tb}</timebase><ntsc>${ntsc ? 'TRUE' : 'FALSE'}</ntsc></rate>`;

/** A Premiere-style xmeml v4 sequence with one audio clip; `doctype` replaces the usual `<!DOCTYPE xmeml>`. */
function xmeml(o: { doctype?: string; timebase?: string; inner?: string; clipName?: string } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
${o.doctype ?? '<!DOCTYPE xmeml>'}
<xmeml version="4">
  <sequence id="seq-1">${o.inner ?? ''}
    <name>Reel 1 Dx</name>
    <duration>240</duration>
    ${rate(o.timebase ?? '24', true)}
    <timecode>${rate('24', true)}<string>01:00:00:00</string><frame>86400</frame><displayformat>NDF</displayformat></timecode>
    <media>
      <audio>
        <format><samplecharacteristics><depth>24</depth><samplerate>48000</samplerate></samplecharacteristics></format>
        <track>
          <clipitem id="clip-1">
            <name>${o.clipName ?? 'DX_101_A.wav'}</name>
            <duration>240</duration>${rate('24', true)}
            <start>0</start><end>240</end><in>0</in><out>240</out>
            <file id="file-1"><name>DX_101_A.wav</name><pathurl>file://localhost/Volumes/Media/DX_101_A.wav</pathurl>${rate('24', true)}<duration>240</duration>
              <media><audio><samplecharacteristics><depth>24</depth><samplerate>48000</samplerate></samplecharacteristics><channelcount>1</channelcount></audio></media>
            </file>
          </clipitem>
        </track>
      </audio>
    </media>
  </sequence>
</xmeml>
`;
}

/** An FCPXML 1.10 project as Final Cut Pro 10.6 writes it, with one audio asset clip. */
function fcpxml(o: { doctype?: string; inner?: string; frameDuration?: string } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
${o.doctype ?? '<!DOCTYPE fcpxml>'}

<fcpxml version="1.10">${o.inner ?? ''}
    <resources>
        <format id="r1" name="FFVideoFormat1080p2398" frameDuration="${o.frameDuration ?? '1001/24000s'}" width="1920" height="1080"/>
        <asset id="r2" name="Forest Day" uid="8047F659" start="0s" duration="480000/48000s" hasAudio="1" audioSources="1" audioChannels="2" audioRate="48000">
            <media-rep kind="original-media" src="file:///Users/user/Movies/Forest%20Day.caf"/>
        </asset>
    </resources>
    <library>
        <event name="Day 1">
            <project name="Reel 1">
                <sequence format="r1" duration="240240/24000s" tcStart="0s" tcFormat="NDF" audioLayout="stereo" audioRate="48k">
                    <spine>
                        <asset-clip ref="r2" offset="0s" name="Forest Day" duration="240240/24000s" audioRole="dialogue"/>
                    </spine>
                </sequence>
            </project>
        </event>
    </library>
</fcpxml>
`;
}

describe('XML readers: the parser never speaks for itself', () => {
  it('the plain documents are read (the fixtures are right)', async () => {
    expect((await readSession(put(xmeml(), 'ok.xml'))).format).toBe('fcp-xml');
    expect((await readSession(put(fcpxml(), 'ok.fcpxml'))).format).toBe('fcpxml');
  });

  for (const [what, make, ext] of [
    ['FCP XML', xmeml, 'xml'],
    ['FCPXML', fcpxml, 'fcpxml'],
  ] as const) {
    it(`${what}: elements nested past the limit are refused with the line ("Maximum nested tags exceeded")`, async () => {
      const p = put(make({ inner: '\n' + '<n>'.repeat(150) + '</n>'.repeat(150) }), `deep.${ext}`);
      const e = await refusal(p);
      expect(e).toMatchObject({ code: 'bad-session', path: p });
      expect(e.line).toBeGreaterThanOrEqual(4);
      expect(e.message).toContain('elements nested more than 100 deep');
    });

    it(`${what}: two DOCTYPE declarations are refused with the line of the second`, async () => {
      const root = ext === 'xml' ? 'xmeml' : 'fcpxml';
      const p = put(make({ doctype: `<!DOCTYPE ${root}>\n<!DOCTYPE ${root}>` }), `doctype2.${ext}`);
      const e = await refusal(p);
      expect(e).toMatchObject({ code: 'bad-session', path: p, line: 3 });
      expect(e.message).toContain('a second DOCTYPE declaration');
    });

    it(`${what}: an unclosed processing instruction is refused with its line ("Pi Tag is not closed")`, async () => {
      const p = put(make({ inner: '\n<?dubstage never closed' }), `pi.${ext}`);
      const e = await refusal(p);
      expect(e).toMatchObject({ code: 'bad-session', path: p, line: 5 });
      expect(e.message).toContain('processing instruction (<?) is never closed');
    });

    it(`${what}: a DOCTYPE with an internal subset is sniffed as ${what} and refused with the reason, not "not a session file"`, async () => {
      const root = ext === 'xml' ? 'xmeml' : 'fcpxml';
      const p = put(make({ doctype: `<!DOCTYPE ${root} [\n  <!ELEMENT ${root} ANY>\n  <!ATTLIST ${root} version CDATA #IMPLIED>\n]>` }), `subset.${ext}`);
      expect(findAdapter(p)?.format).toBe(ext === 'xml' ? 'fcp-xml' : 'fcpxml');
      const e = await refusal(p);
      expect(e).toMatchObject({ code: 'bad-session', path: p, line: 2 });
      expect(e.message).toContain('internal DTD subset');
    });

    it(`${what}: entities declared in the DOCTYPE are refused, never expanded into names`, async () => {
      const root = ext === 'xml' ? 'xmeml' : 'fcpxml';
      const evil = `<!DOCTYPE ${root} [\n<!ENTITY a "EVIL">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>`;
      const text = make({ doctype: evil }).replace(ext === 'xml' ? 'DX_101_A.wav</name>' : 'name="Forest Day" duration', ext === 'xml' ? '&b;</name>' : 'name="&b;" duration');
      const p = put(text, `entity.${ext}`);
      const e = await refusal(p);
      expect(e).toMatchObject({ code: 'bad-session', path: p, line: 2 });
      expect(e.message).toContain('the DOCTYPE declares entities');
      expect(e.message).not.toContain('EVIL');
    });

    it(`${what}: a subset too long for the sniffing head still names its root`, async () => {
      const root = ext === 'xml' ? 'xmeml' : 'fcpxml';
      const p = put(make({ doctype: `<!DOCTYPE ${root} [\n<!-- ${'x'.repeat(70000)} -->\n]>` }), `long-subset.${ext}`);
      expect(findAdapter(p)?.format).toBe(ext === 'xml' ? 'fcp-xml' : 'fcpxml');
      expect((await refusal(p)).message).toContain('internal DTD subset');
    });
  }

  it('FCP XML: <timebase>0.0001</timebase> is refused with its line, not carried as a 0 fps rate', async () => {
    const p = put(xmeml({ timebase: '0.0001' }), 'timebase.xml');
    const e = await refusal(p);
    expect(e).toMatchObject({ code: 'bad-session', path: p, line: 7 });
    expect(e.message).toContain('<timebase>0.0001</timebase> is not a frame rate');
  });

  it('FCPXML: a zero frame duration is a typed error with the file', async () => {
    const p = put(fcpxml({ frameDuration: '0/24000s' }), 'zero.fcpxml');
    const e = await refusal(p);
    expect(e).toMatchObject({ code: 'bad-session', path: p, line: 6 });
    expect(e.message).toBe(`${p}: line 6: <format id="r1"> frameDuration '0/24000s' is not a frame duration`);
  });
});

describe('text readers: rates with the line, sizes capped', () => {
  const rpp = (sr: string) => `<REAPER_PROJECT 0.1 "6.10/OSX64" 1590000000
  RIPPLE 0
  SAMPLERATE ${sr} 0 0
  TIMEMODE 1 5 -1 30 0 0 -1
  <TRACK {6F2E0B3A-2C71-4F2B-9D7E-6B1E0C2E9A11}
    NAME Dialogue
    <ITEM
      POSITION 2
      LENGTH 4
      NAME DX_101_A.wav
      <SOURCE WAVE
        FILE "Audio/DX_101_A.wav"
      >
    >
  >
>
`;

  it('RPP: SAMPLERATE 1e400 (Infinity) is refused with line 3', async () => {
    const p = put(rpp('1e400'), 'inf.RPP');
    const e = await refusal(p);
    expect(e).toMatchObject({ code: 'bad-session', path: p, line: 3 });
    expect(e.message).toBe(`${p}: line 3: SAMPLERATE '1e400': expected 8000 to 768000 Hz`);
  });

  it('RPP: SAMPLERATE 48000 reads (the fixture is right)', async () => {
    expect((await readSession(put(rpp('48000'), 'ok.RPP'))).sampleRate).toBe(48000);
  });

  const edl = (tc: string) => `TITLE: REEL 1 DX
FCM: NON-DROP FRAME

001  AX       A     C        01:00:00:00 ${tc} 01:00:00:00 ${tc}
* FROM CLIP NAME: DX_101_A.wav
`;

  it('EDL: frame numbers no rate counts to name the file and the line', async () => {
    const p = put(edl('01:00:01:99'), 'frames.edl');
    const e = await refusal(p);
    expect(e).toMatchObject({ code: 'bad-session', path: p, line: 4 });
    expect(e.message).toContain(`${p}, line 4: a timecode with frame number 99 fits no known frame rate`);
  });

  it('EDL: a file over the cap is refused by size before it is read', async () => {
    const p = put(Buffer.concat([Buffer.from(edl('01:00:01:00')), Buffer.alloc(MAX_EDL_BYTES, 0x20)]), 'huge.edl');
    const e = await refusal(p);
    expect(e).toMatchObject({ code: 'too-large', path: p });
    expect(e.message).toContain('EDL of 2.0 MiB; dubstage reads EDLs up to 2.0 MiB');
  });

  const pt = (o: { sampleRate?: string; tcFormat?: string } = {}) => `SESSION NAME:\tReel 1
SAMPLE RATE:\t${o.sampleRate ?? '48000.000000'}
BIT DEPTH:\t24-bit
SESSION START TIMECODE:\t00:59:55:00
TIMECODE FORMAT:\t${o.tcFormat ?? '23.976 Frame'}
# OF AUDIO TRACKS:\t1
# OF AUDIO CLIPS:\t1
# OF AUDIO FILES:\t1


T R A C K  L I S T I N G
TRACK NAME:\tDX 1
COMMENTS:\t
USER DELAY:\t0 Samples
STATE:\t
CHANNEL \tEVENT   \tCLIP NAME                     \tSTART TIME    \tEND TIME      \tDURATION      \tSTATE
1       \t1       \tDX_101_A                      \t01:00:00:00   \t01:00:10:00   \t00:00:10:00   \tUnmuted
`;

  it('Pro Tools text: the plain session reads (the fixture is right)', async () => {
    expect((await readSession(put(pt(), 'ok.txt'))).format).toBe('protools');
  });

  for (const [tc, line] of [
    ['4294967296 Frame', 5],
    ['0 Frame', 5],
    ['0.0001 Frame', 5],
    ['99999999999999999999 Frame', 5],
  ] as const) {
    it(`Pro Tools text: TIMECODE FORMAT '${tc}' is refused with line ${line}`, async () => {
      const p = put(pt({ tcFormat: tc }), 'rate.txt');
      const e = await refusal(p);
      expect(e).toMatchObject({ code: 'bad-session', path: p, line });
      expect(e.message).toContain(`${p}: line ${line}: TIMECODE FORMAT: bad frame rate`);
    });
  }

  for (const sr of ['1e308', '4', 'NaN', '0']) {
    it(`Pro Tools text: SAMPLE RATE ${sr} is refused with line 2`, async () => {
      const p = put(pt({ sampleRate: sr }), 'sr.txt');
      const e = await refusal(p);
      expect(e).toMatchObject({ code: 'bad-session', path: p, line: 2 });
      expect(e.message).toContain(`bad sample rate '${sr}' (expected 8000 to 768000 Hz)`);
    });
  }

  it('Pro Tools text: a track of 160 000 rows is read (no "Maximum call stack size exceeded")', async () => {
    const tc = (n: number) => [1 + Math.floor(n / 86400), Math.floor(n / 1440) % 60, Math.floor(n / 24) % 60, n % 24].map((x) => String(x).padStart(2, '0')).join(':');
    const rows: string[] = [];
    for (let i = 0; i < 160000; i++) rows.push(`1\t${i + 1}\tDX_${i}\t${tc(i * 2)}\t${tc(i * 2 + 1)}\t00:00:00:01\tUnmuted`);
    const p = put(pt() + rows.join('\n') + '\n', 'rows.txt');
    const s = await readSession(p);
    expect(s.tracks[0]!.clips.length).toBeGreaterThanOrEqual(160000);
  }, 60_000);

  it('Pro Tools text: a file over the cap is refused by size', async () => {
    const p = put(Buffer.concat([Buffer.from(pt()), Buffer.alloc(MAX_PROTOOLS_TEXT_BYTES, 0x20)]), 'huge.txt');
    const e = await refusal(p);
    expect(e).toMatchObject({ code: 'too-large', path: p });
  });
});
