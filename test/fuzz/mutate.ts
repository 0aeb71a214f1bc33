/**
 * A small seeded mutator (no dependency): the same seed gives the same inputs on every machine, so a
 * failing case is reproduced by its format, seed and index. Mutations are the ones real damage and
 * hostile files are made of: byte flips, truncation, length and count fields set to 0, -1 or huge,
 * numbers in text replaced by 0, -1, NaN, 1e308, 1e400, deep XML nesting, DOCTYPEs with entities or
 * an internal subset, invalid UTF-8, lines dropped or repeated.
 */

/** mulberry32: a 32-bit state PRNG, uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A numeric field of a binary seed: where it is and how wide, so a mutation can corrupt it on purpose. */
export interface Field {
  offset: number;
  bytes: 2 | 4 | 8 | 10;
  littleEndian: boolean;
}

export interface Seed {
  name: string;
  bytes: Buffer;
  /** Binary seeds: the header fields worth corrupting (sizes, counts, rates). */
  fields?: Field[];
  /** Text seeds: mutate as text too (numbers, lines, XML). */
  text?: boolean;
  xml?: boolean;
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, n: number): number => Math.floor(r() * n);

const HOSTILE_NUMBERS = ['0', '-1', 'NaN', '1e308', '1e400', '-1e400', 'Infinity', '0.0001', '4294967296', '99999999999999999999', '-0', '1/0', '0/0', ''];
const HOSTILE_U32 = [0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0xfffffffe, 0x10000, 4, 11, 100];

function flipBytes(r: Rand, b: Buffer): Buffer {
  const out = Buffer.from(b);
  const n = 1 + int(r, 8);
  for (let i = 0; i < n; i++) {
    // half the flips land in the first 512 bytes, where the headers are
    const at = r() < 0.5 ? int(r, Math.min(512, out.length)) : int(r, out.length);
    if (out.length > 0) out[at] = r() < 0.5 ? out[at]! ^ (1 << int(r, 8)) : int(r, 256);
  }
  return out;
}

function truncate(r: Rand, b: Buffer): Buffer {
  return b.subarray(0, r() < 0.5 ? int(r, Math.min(b.length, 1024)) : int(r, b.length));
}

function corruptField(r: Rand, b: Buffer, fields: Field[]): Buffer {
  const out = Buffer.from(b);
  const f = pick(r, fields);
  if (f.offset + f.bytes > out.length) return out;
  const v = pick(r, HOSTILE_U32);
  if (f.bytes === 2) {
    const x = v & 0xffff;
    f.littleEndian ? out.writeUInt16LE(x, f.offset) : out.writeUInt16BE(x, f.offset);
  } else if (f.bytes === 4) {
    f.littleEndian ? out.writeUInt32LE(v >>> 0, f.offset) : out.writeUInt32BE(v >>> 0, f.offset);
  } else if (f.bytes === 8) {
    const big = r() < 0.5 ? BigInt(v) : pick(r, [0xffffffffffffffffn, 0x7fffffffffffffffn, 1n << 53n]);
    f.littleEndian ? out.writeBigUInt64LE(big, f.offset) : out.writeBigUInt64BE(big, f.offset);
  } else {
    // an 80-bit extended (AIFF sample rate): exponent and mantissa bytes at random, or all ones (Inf/NaN)
    for (let i = 0; i < 10; i++) out[f.offset + i] = r() < 0.3 ? 0xff : int(r, 256);
  }
  return out;
}

function splice(r: Rand, b: Buffer): Buffer {
  if (b.length < 4) return b;
  const from = int(r, b.length);
  const len = 1 + int(r, Math.min(256, b.length - from));
  const to = int(r, b.length);
  return Buffer.concat([b.subarray(0, to), b.subarray(from, from + len), b.subarray(to)]);
}

function replaceNumber(r: Rand, t: string): string {
  const re = /-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g;
  const spots: Array<[number, number]> = [];
  for (let m = re.exec(t); m; m = re.exec(t)) spots.push([m.index, m[0].length]);
  if (spots.length === 0) return t;
  const n = 1 + int(r, 3);
  let out = t;
  for (let i = 0; i < n; i++) {
    const [at, len] = pick(r, spots);
    if (at + len > out.length) continue;
    out = out.slice(0, at) + pick(r, HOSTILE_NUMBERS) + out.slice(at + len);
  }
  return out;
}

function lines(r: Rand, t: string): string {
  const ls = t.split('\n');
  const i = int(r, ls.length);
  const k = r();
  if (k < 0.4) ls.splice(i, 1);
  else if (k < 0.8) ls.splice(i, 0, ...Array.from({ length: 1 + int(r, 50) }, () => ls[i]!));
  else ls.splice(i, 0, 'x'.repeat(1 + int(r, 100000)));
  return ls.join('\n');
}

function xmlMutation(r: Rand, t: string): string {
  const k = int(r, 6);
  const rootOpen = /<(?!\?|!)[A-Za-z_][^>]*>/.exec(t);
  const after = rootOpen ? rootOpen.index + rootOpen[0].length : 0;
  const declEnd = t.startsWith('<?xml') ? t.indexOf('?>') + 2 : 0;
  const head = t.slice(0, declEnd);
  const body = t.slice(declEnd).replace(/^\s*<!DOCTYPE[^>]*>/i, '');
  const root = /<([A-Za-z_][\w.:-]*)/.exec(body)?.[1] ?? 'x';
  switch (k) {
    case 0: {
      const depth = pick(r, [50, 101, 150, 5000]);
      return t.slice(0, after) + '<n>'.repeat(depth) + '</n>'.repeat(depth) + t.slice(after);
    }
    case 1:
      return `${head}\n<!DOCTYPE ${root} [\n<!ENTITY x "EVIL">\n<!ENTITY y "&x;&x;&x;&x;&x;&x;&x;&x;&x;&x;">\n]>\n${body.replace(/<name>[^<]*<\/name>/, '<name>&y;</name>')}`;
    case 2:
      return `${head}\n<!DOCTYPE ${root} [ <!ELEMENT ${root} ANY> ]>\n${body}`;
    case 3:
      return `${head}\n<!DOCTYPE ${root}>\n<!DOCTYPE ${root}>\n${body}`;
    case 4:
      return t.slice(0, after) + '<?pi never closed' + t.slice(after);
    default:
      return t.slice(0, after) + '<!-- unclosed ' + t.slice(after);
  }
}

function invalidUtf8(r: Rand, b: Buffer): Buffer {
  const at = int(r, b.length + 1);
  const junk = Buffer.from(pick(r, [[0xc3, 0x28], [0xff, 0xfe], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x00], [0xef, 0xbb, 0xbf]]));
  return Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
}

/** One mutated input: 1 to 3 mutations of the seed, chosen by `r`. */
export function mutate(r: Rand, seed: Seed): Buffer {
  let b = seed.bytes;
  const n = 1 + int(r, 3);
  for (let i = 0; i < n; i++) {
    const kinds: string[] = ['flip', 'truncate', 'splice', 'utf8'];
    if (seed.fields && seed.fields.length > 0) kinds.push('field', 'field', 'field');
    if (seed.text) kinds.push('number', 'number', 'number', 'lines');
    if (seed.xml) kinds.push('xml', 'xml');
    const k = pick(r, kinds);
    if (k === 'flip') b = flipBytes(r, b);
    else if (k === 'truncate') b = truncate(r, b);
    else if (k === 'splice') b = splice(r, b);
    else if (k === 'utf8') b = invalidUtf8(r, b);
    else if (k === 'field') b = corruptField(r, b, seed.fields!);
    else if (k === 'number') b = Buffer.from(replaceNumber(r, b.toString('latin1')), 'latin1');
    else if (k === 'lines') b = Buffer.from(lines(r, b.toString('latin1')), 'latin1');
    else if (k === 'xml') b = Buffer.from(xmlMutation(r, b.toString('utf8')), 'utf8');
  }
  return b;
}
