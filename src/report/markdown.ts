/**
 * A creative brief's Markdown as safe HTML: every character of the text is escaped first, so raw HTML in
 * the brief shows as the text it is and never reaches the page as markup. Then the common block forms
 * (ATX headings, paragraphs, - * + and 1. lists, > quotes, ``` fences, --- rules) and inline forms
 * (`code`, **strong**, *em* / _em_, [text](url) for http, https and mailto only) are drawn on top.
 * Anything else stays as written.
 */

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Inline forms on one run of text (escaped here). Code spans are cut out first so nothing inside them is styled. */
export function inlineMarkdown(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const m = /(`+)([\s\S]*?[^`])\1(?!`)/.exec(rest);
    if (!m) break;
    out += styled(rest.slice(0, m.index)) + `<code>${escapeHtml(m[2]!.trim() === '' ? m[2]! : m[2]!.replace(/^ (.*) $/s, '$1'))}</code>`;
    rest = rest.slice(m.index + m[0].length);
  }
  return out + styled(rest);
}

function styled(raw: string): string {
  // links are found on the raw text (the URL is checked before escaping), then each piece is escaped
  const parts: string[] = [];
  const re = /\[([^\]\n]+)\]\(([^()\s]+)\)/g;
  let last = 0;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    parts.push(emphasis(escapeHtml(raw.slice(last, m.index))));
    const url = m[2]!;
    if (/^(https?:\/\/|mailto:)/i.test(url)) parts.push(`<a href="${escapeHtml(url)}" rel="noopener noreferrer">${emphasis(escapeHtml(m[1]!))}</a>`);
    else parts.push(emphasis(escapeHtml(m[0])));
    last = m.index + m[0].length;
  }
  parts.push(emphasis(escapeHtml(raw.slice(last))));
  return parts.join('');
}

/** Strong and emphasis on escaped text (the markers * and _ are not touched by escaping). */
function emphasis(s: string): string {
  return s
    .replace(/\*\*(?=\S)([^*]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/__(?=\S)([^_]*?\S)__/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*(?=\S)([^*]*?\S)\*(?![*\w])/g, '$1<em>$2</em>')
    .replace(/(^|[^_\w])_(?=\S)([^_]*?\S)_(?![_\w])/g, '$1<em>$2</em>');
}

/** The whole brief. `headingBase`: the level a `#` heading becomes (the page's own headings sit above). */
export function markdownToHtml(markdown: string, headingBase = 3): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let para: string[] = [];
  let list: { tag: 'ul' | 'ol'; items: string[] } | null = null;
  let quote: string[] = [];
  const flushPara = () => {
    if (para.length > 0) out.push(`<p>${para.map(inlineMarkdown).join('<br>\n')}</p>`);
    para = [];
  };
  const flushList = () => {
    if (list) out.push(`<${list.tag}>${list.items.map((i) => `<li>${inlineMarkdown(i)}</li>`).join('')}</${list.tag}>`);
    list = null;
  };
  const flushQuote = () => {
    if (quote.length > 0) out.push(`<blockquote>${markdownToHtml(quote.join('\n'), headingBase)}</blockquote>`);
    quote = [];
  };
  const flushAll = () => {
    flushPara();
    flushList();
    flushQuote();
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^ {0,3}(```+|~~~+)\s*([\w+-]*)/.exec(line);
    if (fence) {
      flushAll();
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && !lines[j]!.trimStart().startsWith(fence[1]!)) body.push(lines[j++]!);
      out.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`);
      i = j;
      continue;
    }
    const q = /^ {0,3}> ?(.*)$/.exec(line);
    if (q) {
      flushPara();
      flushList();
      quote.push(q[1]!);
      continue;
    }
    flushQuote();
    if (line.trim() === '') {
      flushPara();
      flushList();
      continue;
    }
    const h = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      flushAll();
      const level = Math.min(6, headingBase + h[1]!.length - 1);
      out.push(`<h${level}>${inlineMarkdown(h[2]!)}</h${level}>`);
      continue;
    }
    if (/^ {0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flushAll();
      out.push('<hr>');
      continue;
    }
    const ul = /^ {0,3}[-*+]\s+(.*)$/.exec(line);
    const ol = /^ {0,3}\d{1,9}[.)]\s+(.*)$/.exec(line);
    if (ul || ol) {
      flushPara();
      const tag = ul ? 'ul' : 'ol';
      if (list && list.tag !== tag) flushList();
      list ??= { tag, items: [] };
      list.items.push((ul ?? ol)![1]!);
      continue;
    }
    if (list && /^\s+\S/.test(line)) {
      // a continuation line of the last item
      list.items[list.items.length - 1] += ` ${line.trim()}`;
      continue;
    }
    flushList();
    para.push(line.trim());
  }
  flushAll();
  return out.join('\n');
}
