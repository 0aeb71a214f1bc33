/**
 * The catalogue's index: index.json, index.csv (RFC 4180) and a self-contained index.html, one row per
 * delivery with a link to its report; each written to a temp file and renamed (whole or not at all).
 */
import path from 'node:path';
import { writeWhole } from '../report/write.js';
import type { IndexRow, Verdict } from './deliver.js';

export interface IndexMeta {
  spec?: { id: string; name: string; version: string };
  /** When the batch ran (ISO 8601): shown in the HTML, kept in the JSON. */
  date?: string;
}

export interface IndexJson {
  schema: 1;
  spec: IndexMeta['spec'] | null;
  date: string | null;
  /** Deliveries by verdict. */
  totals: Record<Verdict, number>;
  deliveries: IndexRow[];
}

export function indexJson(rows: IndexRow[], meta: IndexMeta = {}): IndexJson {
  const totals: Record<Verdict, number> = { pass: 0, warning: 0, fail: 0, error: 0 };
  for (const r of rows) totals[r.verdict]++;
  return { schema: 1, spec: meta.spec ?? null, date: meta.date ?? null, totals, deliveries: rows };
}

export const CSV_COLUMNS = ['id', 'title', 'reel', 'verdict', 'errors', 'warnings', 'integratedLufs', 'truePeakDbtp', 'dialogueLufs', 'figuresFrom', 'report', 'error'] as const;

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled. */
export function csvField(value: string | number | null | undefined): string {
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Header line then one line per delivery, CRLF line ends (RFC 4180). */
export function indexCsv(rows: IndexRow[]): string {
  const lines = [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => csvField(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number | null): string => (v === null ? '—' : v.toFixed(1));
const COLOR: Record<Verdict, string> = { pass: '#1e7d32', warning: '#b26a00', fail: '#c62828', error: '#6a1b9a' };

/** One page, no scripts or outside resources: the deliveries with their verdicts, counts, figures and report links. */
export function indexHtml(rows: IndexRow[], meta: IndexMeta = {}): string {
  const t = indexJson(rows, meta).totals;
  const head = meta.spec ? `${esc(meta.spec.name)} (${esc(meta.spec.version)})` : '';
  const when = meta.date ? `${esc(meta.date.slice(0, 10))} ${esc(meta.date.slice(11, 19))} UTC` : '';
  const body = rows
    .map(
      (r) =>
        `<tr><td><span class="v" style="background:${COLOR[r.verdict]}">${r.verdict}</span></td><td>${esc(r.title)}</td><td>${esc(r.reel ?? '')}</td><td class="n">${r.errors}</td><td class="n">${r.warnings}</td><td class="n">${num(r.integratedLufs)}</td><td class="n">${num(r.truePeakDbtp)}</td><td class="n">${num(r.dialogueLufs)}</td><td><a href="${esc(r.report.split('/').map(encodeURIComponent).join('/'))}">${esc(r.id)}</a>${r.error ? `<div class="err">${esc(r.error)}</div>` : ''}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Catalogue QC — ${head}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0 auto;padding:24px;max-width:1180px;color:#1d1d1d}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}.n{text-align:right;font-variant-numeric:tabular-nums}.v{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px;text-transform:uppercase}
.err{color:#6a1b9a;font-size:12px}.sum span{margin-right:16px}
</style></head><body>
<h1>Catalogue QC${head ? ` — ${head}` : ''}</h1>
<p class="sum"><span>${rows.length} deliveries</span><span>${t.pass} pass</span><span>${t.warning} with warnings</span><span>${t.fail} fail</span><span>${t.error} unreadable</span>${when ? `<span>${when}</span>` : ''}</p>
<table><thead><tr><th>verdict</th><th>title</th><th>reel</th><th>errors</th><th>warnings</th><th>integrated LUFS</th><th>true peak dBTP</th><th>dialogue LUFS</th><th>report</th></tr></thead>
<tbody>
${body}
</tbody></table>
</body></html>
`;
}

/** index.json, index.csv and index.html in outDir, each whole or not at all. */
export function writeIndex(outDir: string, rows: IndexRow[], meta: IndexMeta = {}): void {
  writeWhole(path.join(outDir, 'index.json'), `${JSON.stringify(indexJson(rows, meta), null, 2)}\n`);
  writeWhole(path.join(outDir, 'index.csv'), indexCsv(rows));
  writeWhole(path.join(outDir, 'index.html'), indexHtml(rows, meta));
}
