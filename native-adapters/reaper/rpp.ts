/**
 * The RPP chunk syntax: `<TAG params…` opens a block, a line holding only `>` closes it, every other
 * line is `KEY param…`. Lines are kept raw and tokenized only when read, so base64 state in
 * `<VST>`/`<JS>` blocks, `|` note lines and MIDI event lines stay opaque and cost nothing.
 */
import { DubstageError } from '../../src/errors.js';

export interface RppLine {
  /** 1-based line number in the file. */
  line: number;
  text: string;
}

export interface RppBlock {
  tag: string;
  /** The whole opening line after '<' (tag included), raw. */
  head: RppLine;
  /** Child lines and blocks in file order. */
  children: (RppLine | RppBlock)[];
}

export function isBlock(x: RppLine | RppBlock): x is RppBlock {
  return (x as RppBlock).children !== undefined;
}

const QUOTES = new Set(['"', "'", '`']);

/**
 * Split one line into tokens. REAPER wraps a token containing spaces or quotes in whichever of
 * " ' ` it does not contain, and never escapes inside; an unquoted token runs to the next space.
 */
export function tokenize(text: string, where?: { path: string; line: number }): string[] {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (QUOTES.has(c)) {
      const end = text.indexOf(c, i + 1);
      if (end < 0) {
        throw new DubstageError({
          code: 'bad-session',
          message: `${where ? `${where.path}: line ${where.line}: ` : ''}unterminated ${c}-quoted value in '${text.trim()}'`,
          path: where?.path,
          line: where?.line,
        });
      }
      out.push(text.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    let end = i;
    while (end < n && text[end] !== ' ' && text[end] !== '\t') end++;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}

/** Parse the whole project text into its root `<REAPER_PROJECT` block. */
export function parseRpp(text: string, filePath: string): RppBlock {
  const lines = text.split(/\r\n|\r|\n/);
  const stack: RppBlock[] = [];
  let root: RppBlock | null = null;
  const fail = (line: number, message: string): never => {
    throw new DubstageError({ code: 'bad-session', message: `${filePath}: line ${line}: ${message}`, path: filePath, line });
  };
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const t = lines[i]!.trim();
    if (t === '') continue;
    if (root && stack.length === 0) {
      // .rpp-bak files may hold several projects back to back; the first is the one REAPER opens
      if (t.startsWith('<REAPER_PROJECT')) break;
      fail(lineNo, `unexpected text after the end of the project: '${t.slice(0, 40)}'`);
    }
    if (t === '>') {
      if (stack.length === 0) fail(lineNo, "'>' closes a block that was never opened");
      stack.pop();
      continue;
    }
    const top = stack[stack.length - 1];
    // note text lines start with '|' (they may contain '<TAG' or '>'), so they never reach here as structure
    if (t.startsWith('<')) {
      const tagEnd = t.search(/[\s]/);
      const tag = (tagEnd < 0 ? t.slice(1) : t.slice(1, tagEnd)).toUpperCase();
      const block: RppBlock = { tag, head: { line: lineNo, text: t.slice(1) }, children: [] };
      if (!top) {
        if (tag !== 'REAPER_PROJECT') fail(lineNo, `expected '<REAPER_PROJECT' as the first block, found '<${tag}'`);
        root = block;
      } else {
        top.children.push(block);
      }
      stack.push(block);
      continue;
    }
    if (!top) fail(lineNo, `expected '<REAPER_PROJECT', found '${t.slice(0, 40)}'`);
    top!.children.push({ line: lineNo, text: t });
  }
  if (!root) fail(1, "no '<REAPER_PROJECT' block: not a REAPER project");
  if (stack.length > 0) {
    const open = stack[stack.length - 1]!;
    fail(
      lines.length,
      `file ends inside '<${open.tag}' opened at line ${open.head.line} (${stack.length} block(s) not closed): truncated?`,
    );
  }
  return root!;
}
