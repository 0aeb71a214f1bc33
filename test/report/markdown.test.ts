// The brief's Markdown as HTML: the common forms drawn, and nothing the writer typed reaches the page as markup.
import { describe, expect, it } from 'vitest';
import { escapeHtml, inlineMarkdown, markdownToHtml } from '../../src/report/markdown.js';

describe('markdownToHtml', () => {
  it('draws headings (under the page\'s own), paragraphs, lists, quotes, fences and rules', () => {
    const md = ['# Reel 1', '## Dialogue', 'Line one', 'line two', '', '- a', '- b', '  continued', '', '1. first', '2) second', '', '> the director', '> says', '', '```', '<b>raw</b> **not bold**', '```', '---', 'end'].join('\n');
    expect(markdownToHtml(md)).toBe(
      [
        '<h3>Reel 1</h3>',
        '<h4>Dialogue</h4>',
        '<p>Line one<br>\nline two</p>',
        '<ul><li>a</li><li>b continued</li></ul>',
        '<ol><li>first</li><li>second</li></ol>',
        '<blockquote><p>the director<br>\nsays</p></blockquote>',
        '<pre><code>&lt;b&gt;raw&lt;/b&gt; **not bold**</code></pre>',
        '<hr>',
        '<p>end</p>',
      ].join('\n'),
    );
  });

  it('inline: strong, emphasis, code, links for http(s) and mailto only; snake_case stays as written', () => {
    expect(inlineMarkdown('**loud** and *soft* and _soft_ and `a <b> c` in file_name_v2.wav')).toBe(
      '<strong>loud</strong> and <em>soft</em> and <em>soft</em> and <code>a &lt;b&gt; c</code> in file_name_v2.wav',
    );
    expect(inlineMarkdown('[sheet](https://x.test/a?b=1&c="2") [m](mailto:mixer@x.test) [bad](javascript:alert(1)) [data](data:text/html,x)')).toBe(
      '<a href="https://x.test/a?b=1&amp;c=&quot;2&quot;" rel="noopener noreferrer">sheet</a> <a href="mailto:mixer@x.test" rel="noopener noreferrer">m</a> [bad](javascript:alert(1)) [data](data:text/html,x)',
    );
  });

  it('raw HTML, entities and attribute breakers are text, in every block', () => {
    const hostile = [
      '<script>alert(1)</script>',
      '# <img src=x onerror=alert(1)>',
      '- <iframe src="//evil">',
      '> <style>body{display:none}</style>',
      '&lt;already&gt; & "quotes" \'single\'',
      '[x](https://ok.test/"><script>)',
    ].join('\n\n');
    const html = markdownToHtml(hostile);
    expect(html).not.toMatch(/<(script|img|iframe|style)\b/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<h3>&lt;img src=x onerror=alert(1)&gt;</h3>');
    expect(html).toContain('&amp;lt;already&amp;gt; &amp; &quot;quotes&quot; &#39;single&#39;');
    // a URL with a quote or angle bracket in it never leaves the attribute
    expect(html).not.toMatch(/href="[^"]*"[^>]*><script/);
  });

  it('escapeHtml escapes the five characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
