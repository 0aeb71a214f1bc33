/**
 * IMF's XML documents (ASSETMAP, PKL, CPL) as a small element tree, read with saxes: no DTD, no
 * entity expansion (a DOCTYPE is refused before anything is expanded), a size cap, and errors that
 * name the file and line. Names are kept without their namespace prefix; the root's namespace is kept
 * so a reader can tell a 2013 CPL from a 2016 one.
 */
import { readFileSync, statSync } from 'node:fs';
import { SaxesParser } from 'saxes';
import { DubstageError } from '../errors.js';

export interface XmlElement {
  name: string;
  /** The namespace URI of the element as declared by xmlns / xmlns:prefix in scope. */
  ns: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** CPLs of two-hour features are a few MB; anything this large is not an IMF document. */
export const MAX_IMF_XML_BYTES = 64 * 1024 * 1024;

export function parseImfXml(text: string, filePath: string, what: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, fileName: filePath });
  const fail = (message: string): never => {
    throw new DubstageError({ code: 'bad-format', message: `${filePath}: ${what} line ${parser.line}: ${message}`, path: filePath, line: parser.line });
  };
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  parser.on('doctype', () => fail('DOCTYPE/ENTITY declarations are not accepted in IMF XML (refused without expanding)'));
  parser.on('error', (err) => fail(err.message.replace(/^[^:]*:\d+:\d+: /, '')));
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes)) attrs[typeof v === 'string' ? k : v.local || k] = typeof v === 'string' ? v : v.value;
    const el: XmlElement = { name: tag.local ?? tag.name, ns: tag.uri ?? '', attrs, children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('text', (t) => {
    if (stack.length > 0) stack[stack.length - 1]!.text += t;
  });
  parser.on('closetag', () => {
    const el = stack.pop();
    if (el) el.text = el.text.trim();
  });
  parser.write(text).close();
  if (!root) fail('no root element');
  return root!;
}

/** Read and parse an IMF XML file (refused above MAX_IMF_XML_BYTES). */
export function readImfXml(filePath: string, what: string): { root: XmlElement; bytes: Buffer } {
  let size: number;
  try {
    size = statSync(filePath).size;
  } catch {
    throw new DubstageError({ code: 'io', message: `cannot open ${filePath}: no such file`, path: filePath });
  }
  if (size > MAX_IMF_XML_BYTES) {
    throw new DubstageError({ code: 'too-large', message: `${filePath}: ${what} is ${size} bytes; IMF XML over ${MAX_IMF_XML_BYTES} bytes is not read`, path: filePath });
  }
  const bytes = readFileSync(filePath);
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { root: parseImfXml(text, filePath, what), bytes };
}

export function kid(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}
export function kids(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}
export function kidText(el: XmlElement | undefined, name: string): string | undefined {
  return kid(el, name)?.text;
}
