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
}

type Ordered = Record<string, unknown>;

function convert(items: Ordered[]): XmlNode[] {
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
    out.push({ name, attrs, children: convert(kids), text: text.trim() });
  }
  return out;
}

/** Parse XML text into its root element; a malformed document is a 'bad-session' error with its line. */
export function parseXml(text: string, filePath: string, what: string): XmlNode {
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: true });
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
  });
  const root = convert(parser.parse(text) as Ordered[]).find((n) => !n.name.startsWith('!'));
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
  let t = Buffer.from(head.subarray(0, 4096)).toString('utf8');
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
      const e = t.indexOf('>');
      if (e < 0) return null;
      t = t.slice(e + 1);
    } else break;
  }
  const m = /^<([A-Za-z_][\w.:-]*)/.exec(t);
  return m ? m[1]! : null;
}
