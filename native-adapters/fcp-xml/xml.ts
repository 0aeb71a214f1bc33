/**
 * A small element tree over fast-xml-parser (preserveOrder, so a track's clipitems and transitions
 * keep their order), with the XML validated first so that a truncated or garbled file fails with the
 * line and column the parser stopped at. Shared by the FCP 7 XML and FCPXML adapters.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DubstageError } from '../../src/errors.js';

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** Concatenated direct text content, trimmed. */
  text: string;
  /** 1-based line of the start tag (for messages that point at a value). */
  line: number;
}

type Ordered = Record<string, unknown>;

const META = XMLParser.getMetaDataSymbol() as unknown as string;

/** Line numbers from character indices: the start index of every line, searched by halves. */
function lineIndex(text: string): (at: number) => number {
  const starts = [0];
  for (let j = text.indexOf('\n'); j >= 0; j = text.indexOf('\n', j + 1)) starts.push(j + 1);
  return (at) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function convert(items: Ordered[], lineOf: (at: number) => number): XmlNode[] {
  const out: XmlNode[] = [];
  for (const item of items) {
    const name = Object.keys(item).find((k) => k !== ':@');
    if (name === undefined || name === '#text' || name.startsWith('?') || name === '#comment') continue;
    const rawAttrs = (item[':@'] ?? {}) as Record<string, unknown>;
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(rawAttrs)) attrs[k] = String(v);
    const kids = (item[name] ?? []) as Ordered[];
    let text = '';
    for (const k of kids) if ('#text' in k) text += String(k['#text']);
    const meta = item[META] as { startIndex?: number } | undefined;
    out.push({ name, attrs, children: convert(kids, lineOf), text: text.trim(), line: lineOf(meta?.startIndex ?? 0) });
  }
  return out;
}

/** The parser's own limit on element depth (fast-xml-parser's maxNestedTags); real FCP XML nests about 20 deep. */
export const MAX_XML_DEPTH = 100;

/**
 * One pass over the text before it is parsed, for what the parser would refuse without a line or
 * would act on: a DOCTYPE with an internal subset or entity declarations (entities would be expanded
 * into clip names; a billion-laughs subset into gigabytes), a second DOCTYPE, an unclosed comment,
 * CDATA or processing instruction, and elements nested deeper than the parser allows. Each is a
 * 'bad-session' DubstageError with the file and the line.
 */
export function checkXmlSafety(text: string, filePath: string, what: string): void {
  const fail = (at: number, message: string): never => {
    const line = lineAt(text, at);
    throw new DubstageError({ code: 'bad-session', message: `${filePath}: line ${line}: ${what}: ${message}`, path: filePath, line });
  };
  let doctypes = 0;
  let depth = 0;
  let i = text.indexOf('<');
  while (i >= 0 && i < text.length) {
    if (text.startsWith('<!--', i)) {
      const e = text.indexOf('-->', i + 4);
      if (e < 0) fail(i, 'a comment (<!--) is never closed; truncated or damaged?');
      i = text.indexOf('<', e + 3);
    } else if (text.startsWith('<![CDATA[', i)) {
      const e = text.indexOf(']]>', i + 9);
      if (e < 0) fail(i, 'a CDATA section is never closed; truncated or damaged?');
      i = text.indexOf('<', e + 3);
    } else if (text.startsWith('<?', i)) {
      const e = text.indexOf('?>', i + 2);
      if (e < 0) fail(i, 'a processing instruction (<?) is never closed; truncated or damaged?');
      i = text.indexOf('<', e + 2);
    } else if (text.startsWith('<!', i) && text.slice(i + 2, i + 9).toUpperCase() === 'DOCTYPE') {
      doctypes++;
      if (doctypes > 1) fail(i, 'a second DOCTYPE declaration; a document has at most one');
      const end = doctypeEnd(text, i);
      const decl = text.slice(i, end < 0 ? undefined : end);
      if (/<!ENTITY/i.test(decl)) fail(i, 'the DOCTYPE declares entities; dubstage refuses XML with entity declarations (they could expand into names or into gigabytes)');
      if (decl.includes('[')) fail(i, 'the DOCTYPE has an internal subset ([...]); dubstage refuses XML with an internal DTD subset (it can declare entities); Final Cut and Premiere never write one');
      if (end < 0) fail(i, 'the DOCTYPE declaration is never closed; truncated or damaged?');
      i = text.indexOf('<', end);
    } else if (text.startsWith('<!', i)) {
      // a markup declaration outside a DOCTYPE: the validator reports it with its line
      i = text.indexOf('<', i + 2);
    } else if (text[i + 1] === '/') {
      depth--;
      i = text.indexOf('<', i + 2);
    } else {
      const e = tagEnd(text, i);
      if (e < 0) return; // an unclosed tag: the validator reports it with its line
      if (text[e - 1] !== '/') {
        depth++;
        if (depth > MAX_XML_DEPTH) fail(i, `elements nested more than ${MAX_XML_DEPTH} deep; not a session file dubstage can trust`);
      }
      i = text.indexOf('<', e + 1);
    }
  }
}

/** Index just past the '>' closing a DOCTYPE that starts at `at` (brackets of an internal subset skipped), or -1. */
function doctypeEnd(text: string, at: number): number {
  let inSubset = false;
  let quote = '';
  for (let j = at + 2; j < text.length; j++) {
    const c = text[j]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') inSubset = true;
    else if (c === ']') inSubset = false;
    else if (c === '>' && !inSubset) return j + 1;
  }
  return -1;
}

/** Index of the '>' that closes a start tag at `at` (quoted attribute values may hold '>'), or -1. */
function tagEnd(text: string, at: number): number {
  let quote = '';
  for (let j = at + 1; j < text.length; j++) {
    const c = text[j]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j;
  }
  return -1;
}

function lineAt(text: string, at: number): number {
  let line = 1;
  for (let j = text.indexOf('\n'); j >= 0 && j < at; j = text.indexOf('\n', j + 1)) line++;
  return line;
}

/** Parse XML text into its root element; a malformed or unsafe document is a 'bad-session' error with its line. */
export function parseXml(text: string, filePath: string, what: string): XmlNode {
  checkXmlSafety(text, filePath, what);
  let valid: ReturnType<typeof XMLValidator.validate>;
  try {
    valid = XMLValidator.validate(text, { allowBooleanAttributes: true });
  } catch (err) {
    throw new DubstageError({ code: 'bad-session', message: `${filePath}: not well-formed ${what} (${(err as Error).message})`, path: filePath, line: 1 });
  }
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    throw new DubstageError({
      code: 'bad-session',
      message: `${filePath}: line ${line}, column ${col}: not well-formed ${what} (${msg}); truncated or damaged?`,
      path: filePath,
      line,
    });
  }
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: true,
    allowBooleanAttributes: true,
    trimValues: false,
    maxNestedTags: MAX_XML_DEPTH,
    captureMetaData: true,
  });
  let parsed: Ordered[];
  try {
    parsed = parser.parse(text) as Ordered[];
  } catch (err) {
    // checkXmlSafety and the validator catch what we know of, with a line; anything else still names the file
    throw new DubstageError({ code: 'bad-session', message: `${filePath}: line 1: not a ${what} dubstage can read (the XML parser says: ${(err as Error).message})`, path: filePath, line: 1 });
  }
  const root = convert(parsed, lineIndex(text)).find((n) => !n.name.startsWith('!'));
  if (!root) {
    throw new DubstageError({ code: 'bad-session', message: `${filePath}: no root element in ${what}`, path: filePath, line: 1 });
  }
  return root;
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((c) => c.name === name);
}

export function childrenNamed(node: XmlNode | undefined, name: string): XmlNode[] {
  return node ? node.children.filter((c) => c.name === name) : [];
}

/** The element at a path of child names, e.g. at(clip, 'rate', 'timebase'). */
export function at(node: XmlNode | undefined, ...names: string[]): XmlNode | undefined {
  let cur = node;
  for (const n of names) cur = child(cur, n);
  return cur;
}

/** Text at a path of child names, or undefined when absent. */
export function textAt(node: XmlNode | undefined, ...names: string[]): string | undefined {
  return at(node, ...names)?.text;
}

/** Every descendant (depth first, document order) for which `pick` is true; does not descend into picked nodes when `stop` says so. */
export function descendants(node: XmlNode, pick: (n: XmlNode) => boolean, stop?: (n: XmlNode) => boolean): XmlNode[] {
  const out: XmlNode[] = [];
  const walk = (n: XmlNode) => {
    for (const c of n.children) {
      if (pick(c)) out.push(c);
      if (!stop || !stop(c)) walk(c);
    }
  };
  walk(node);
  return out;
}

/**
 * The name of the root element in the first bytes of a file, skipping a BOM, the XML declaration,
 * DOCTYPE, comments and processing instructions. Null when the head is not XML.
 */
export function xmlRootName(head: Uint8Array): string | null {
  let t = Buffer.from(head.subarray(0, 65536)).toString('utf8');
  if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
  for (;;) {
    t = t.replace(/^\s+/, '');
    if (t.startsWith('<?')) {
      const e = t.indexOf('?>');
      if (e < 0) return null;
      t = t.slice(e + 2);
    } else if (t.startsWith('<!--')) {
      const e = t.indexOf('-->');
      if (e < 0) return null;
      t = t.slice(e + 3);
    } else if (t.startsWith('<!')) {
      // a DOCTYPE may hold an internal subset with '>' inside its brackets; the reader refuses it
      // with a reason, so the sniff must still see the root behind it
      const e = doctypeEnd(t, 0);
      if (e < 0) {
        // a subset longer than the head: the DOCTYPE names the root element itself
        const named = /^<!DOCTYPE\s+([A-Za-z_][\w.:-]*)/i.exec(t);
        return named ? named[1]! : null;
      }
      t = t.slice(e);
    } else break;
  }
  const m = /^<([A-Za-z_][\w.:-]*)/.exec(t);
  return m ? m[1]! : null;
}
