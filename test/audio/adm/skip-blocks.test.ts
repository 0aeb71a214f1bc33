/**
 * The block skipper hands the parser the document without the blocks the structure readers do not need,
 * whatever the chunking: namespace prefixes, self-closing blocks, blocks inside comments and CDATA left
 * alone, counts and line numbers kept; and the ADM report read through it equals the report of every block.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlockSkipper } from '../../../src/audio/adm/skip-blocks.js';
import { parseAdmXml } from '../../../src/audio/adm/axml.js';

const dir = mkdtempSync(path.join(tmpdir(), 'dubstage-skip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const block = (p: string, i: number): string =>
  i % 7 === 3
    ? `<${p}audioBlockFormat ${p ? `${p.slice(0, -1)}:` : ''}audioBlockFormatID="AB_00031001_${String(i).padStart(8, '0')}"/>`
    : `<${p}audioBlockFormat audioBlockFormatID="AB_00031001_${String(i).padStart(8, '0')}" rtime="00:00:0${i % 10}.00000">\n  <${p}position coordinate="azimuth">${i}</${p}position>\n</${p}audioBlockFormat >`;

function doc(p: string): { xml: string; kept: string } {
  const blocks = Array.from({ length: 40 }, (_, i) => block(p, i));
  const head = `<?xml version="1.0"?>\n<${p}audioFormatExtended xmlns${p ? `:${p.slice(0, -1)}` : ''}="urn:x">\n<${p}audioChannelFormat audioChannelFormatID="AC_00031001">\n`;
  const comment = `<!-- old: ${block(p, 98)}\n${block(p, 99)} -->\n`;
  const cdata = `<${p}audioBlockFormat audioBlockFormatID="AB_X"><${p}note><![CDATA[ ${block(p, 97)} ]]></${p}note></${p}audioBlockFormat>\n`;
  const tail = `</${p}audioChannelFormat>\n</${p}audioFormatExtended>\n`;
  const body = [blocks[0], ...blocks.slice(1, 20), comment, cdata, ...blocks.slice(20)].join('\n');
  // what a parser must see: the first block, the comment (and its blocks), the CDATA block; nothing else
  const kept = [blocks[0], ...blocks.slice(1, 20).map(() => ''), comment, cdata, ...blocks.slice(20).map(() => '')].join('\n');
  return { xml: head + body + tail, kept: head + kept + tail };
}

describe('BlockSkipper', () => {
  for (const prefix of ['', 'adm:']) {
    for (const chunk of [1, 7, 64, 1000, 1 << 20]) {
      it(`prefix '${prefix}', chunks of ${chunk}: everything but the channel's later blocks reaches the parser`, () => {
        const { xml, kept } = doc(prefix);
        let out = '';
        let inChannel = false;
        let seen = 0;
        const s = new BlockSkipper(
          (t) => {
            out += t;
            seen += (t.match(/<(?:adm:)?audioBlockFormat[\s/>]/g) ?? []).length;
            inChannel = /audioChannelFormat audioChannelFormatID/.test(out) && !/<\/(?:adm:)?audioChannelFormat>/.test(out);
          },
          // a reader that needs the first block only: cut once it has one
          () => inChannel && seen >= 1 && !/<!--(?![\s\S]*-->)/.test(out),
          () => undefined,
        );
        for (let i = 0; i < xml.length; i += chunk) s.push(xml.slice(i, i + chunk));
        s.end();
        expect(out).toBe(kept);
        expect(s.skipped).toBe(39);
        expect(s.dropped).toBe(xml.length - kept.length);
        expect(s.droppedLines).toBe((xml.match(/\n/g) ?? []).length - (kept.match(/\n/g) ?? []).length);
      });
    }
  }

  it('the ADM report read through it: block counts, first blocks and error lines as without it', async () => {
    const blocks = (n: number, label: string) =>
      Array.from({ length: n }, (_, i) => `    <audioBlockFormat audioBlockFormatID="AB_00011001_${String(i + 1).padStart(8, '0')}" rtime="00:00:0${i % 10}.00000" duration="00:00:01.00000">\n      <speakerLabel>${i === 0 ? label : 'wrong'}</speakerLabel>\n    </audioBlockFormat>`).join('\n');
    const xml = (extra: string) =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<ebuCoreMain xmlns="urn:ebu:metadata-schema:ebuCore_2016"><coreMetadata><format><audioFormatExtended>\n` +
      `  <audioChannelFormat audioChannelFormatID="AC_00011001" audioChannelFormatName="L" typeDefinition="DirectSpeakers">\n${blocks(500, 'M+030')}\n  </audioChannelFormat>\n` +
      `  <audioChannelFormat audioChannelFormatID="AC_00011002" audioChannelFormatName="R" typeDefinition="DirectSpeakers">\n${blocks(3, 'M-030')}\n  </audioChannelFormat>\n${extra}` +
      `</audioFormatExtended></format></coreMetadata></ebuCoreMain>\n`;
    const good = path.join(dir, 'good.xml');
    writeFileSync(good, xml(''));
    const d = await parseAdmXml({ path: good, start: 0, length: Buffer.byteLength(xml('')) });
    expect(d.channels.get('AC_00011001')).toMatchObject({ speakerLabel: 'M+030', blockCount: 500 });
    expect(d.channels.get('AC_00011002')).toMatchObject({ speakerLabel: 'M-030', blockCount: 3 });
    // a broken element after 503 cut blocks: the line is the document's
    const badText = xml('  <audioPackFormat audioPackFormatID="AP_1"></audioChannelFormat>\n');
    const bad = path.join(dir, 'bad.xml');
    writeFileSync(bad, badText);
    const line = badText.split('\n').findIndex((l) => l.includes('AP_1')) + 1;
    await expect(parseAdmXml({ path: bad, start: 0, length: Buffer.byteLength(badText) })).rejects.toThrow(new RegExp(`ADM XML line ${line}:`));
  });
});
