// The index: JSON, RFC 4180 CSV (read back by a strict reader written here) and a self-contained HTML page.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IndexRow } from '../../src/batch/deliver.js';
import { CSV_COLUMNS, csvField, indexCsv, indexHtml, writeIndex } from '../../src/batch/index-files.js';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-index-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

const rows: IndexRow[] = [
  { id: 'A_TITLE', title: 'A_TITLE', reel: null, verdict: 'pass', errors: 0, warnings: 0, integratedLufs: -24.02, truePeakDbtp: -2.5, dialogueLufs: -26.9, figuresFrom: 'printmaster 5.1', report: 'A_TITLE/report.html' },
  { id: 'B__REEL_2', title: 'Say "Hello", World', reel: '2', verdict: 'fail', errors: 2, warnings: 1, integratedLufs: -20, truePeakDbtp: 0.5, dialogueLufs: null, figuresFrom: 'printmaster 2.0', report: 'B__REEL_2/report.html' },
  { id: 'The_Caf____Co-0a1b2c3d', title: 'The Café & Co <2019>', reel: null, verdict: 'error', errors: 0, warnings: 0, integratedLufs: null, truePeakDbtp: null, dialogueLufs: null, figuresFrom: null, report: 'The_Caf____Co-0a1b2c3d/report.html', error: 'X_PM_51.wav: no fmt chunk\r\nsecond line, with a comma' },
];

/** RFC 4180 reader: fields split at commas, quoted fields with "" for a quote and any CR/LF inside; records end in CRLF. */
function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else field += text[i++];
      }
    } else if (text[i] === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (text[i] === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (text[i] === '"' || text[i] === '\n' || text[i] === '\r') throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`);
    else field += text[i++];
  }
  if (field !== '' || record.length > 0) throw new Error('last record without CRLF');
  return records;
}

describe('index files', () => {
  it('CSV: quotes only what needs it, doubles quotes, keeps CR/LF inside a field, ends records in CRLF', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(-24.02)).toBe('-24.02');
    const back = readCsv(indexCsv(rows));
    expect(back[0]).toEqual([...CSV_COLUMNS]);
    expect(back).toHaveLength(rows.length + 1);
    for (const [i, r] of rows.entries()) {
      expect(back[i + 1]).toEqual(CSV_COLUMNS.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c]))));
    }
    expect(back[2]![1]).toBe('Say "Hello", World');
    expect(back[3]!.at(-1)).toBe('X_PM_51.wav: no fmt chunk\r\nsecond line, with a comma');
  });

  it('HTML: one row per delivery with its verdict and a link to its report; escaped; nothing from outside, no script', () => {
    const html = indexHtml(rows, { spec: { id: 'netflix', name: 'Netflix', version: '1.4' }, date: '2024-05-01T09:30:00Z' });
    const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
    expect(body.match(/<tr>/g)).toHaveLength(3);
    expect(body).toContain('<a href="A_TITLE/report.html">A_TITLE</a>');
    expect(body).toContain('The Café &amp; Co &lt;2019&gt;');
    expect(body).toContain('Say &quot;Hello&quot;, World');
    expect(body).toContain('-24.0');
    expect(html).toContain('2024-05-01 09:30:00 UTC');
    expect(html).toContain('1 pass');
    expect(html).not.toMatch(/<script|<link|src=|https?:/i);
  });

  it('writes index.json, index.csv and index.html whole, replacing an older index', () => {
    fs.writeFileSync(path.join(out, 'index.json'), 'old');
    writeIndex(out, rows, { spec: { id: 'netflix', name: 'Netflix', version: '1.4' }, date: '2024-05-01T09:30:00Z' });
    expect(fs.readdirSync(out).sort()).toEqual(['index.csv', 'index.html', 'index.json']);
    const j = JSON.parse(fs.readFileSync(path.join(out, 'index.json'), 'utf8'));
    expect(j).toEqual({ schema: 1, spec: { id: 'netflix', name: 'Netflix', version: '1.4' }, date: '2024-05-01T09:30:00Z', totals: { pass: 1, warning: 0, fail: 1, error: 1 }, deliveries: rows });
    expect(fs.readFileSync(path.join(out, 'index.csv'), 'utf8')).toBe(indexCsv(rows));
  });

  it('an index folder that is gone is a clear error naming the file', () => {
    expect(() => writeIndex(path.join(out, 'missing'), rows)).toThrow(/cannot write .*missing\/index\.json/);
  });
});
