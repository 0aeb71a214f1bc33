/**
 * The Dolby metadata (`dbmd`) chunk of an Atmos ADM master, as far as Dolby's public parser
 * documents it: little-endian u32 version, then segments {u8 id, u16 size, payload, u8 checksum}
 * ended by id 0. Segment 9 (Dolby Atmos): the creating tool and its version, warp mode. Segment 10
 * (Dolby Atmos supplemental, sync 0xf8726fbd): auto or manual trims for nine re-render configs.
 * Downmix settings sit in bytes that public parser does not document, so they are not reported.
 * Dolby's own 5.1 re-render applies these; dubstage's BS.2127 render does not.
 */
export interface DbmdSummary {
  tool: string | null;
  warpMode: string | null;
  trims: Array<{ config: string; mode: 'automatic' | 'manual' }>;
  problems: string[];
  /** One line for people. */
  text: string;
}

const TRIM_CONFIGS = ['2.0', '5.1', '7.1', '2.1.2', '5.1.2', '7.1.2', '2.1.4', '5.1.4', '7.1.4'];
const WARP = ['normal', 'warping', 'downmix Pro Logic IIx', 'downmix LoRo', 'not indicated (default warping)'];

function checksumOk(b: Uint8Array, at: number, size: number): boolean {
  let sum = size & 0xff;
  for (let i = 0; i < size; i++) sum = (sum + b[at + i]!) & 0xff;
  return ((~sum + 1) & 0xff) === b[at + size];
}

export function readDbmd(b: Uint8Array): DbmdSummary {
  const out: DbmdSummary = { tool: null, warpMode: null, trims: [], problems: [], text: '' };
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let p = 4;
  while (p + 3 <= b.length) {
    const id = b[p]!;
    if (id === 0) break;
    const size = view.getUint16(p + 1, true);
    const body = p + 3;
    if (body + size + 1 > b.length) {
      out.problems.push(`dbmd segment ${id} at byte ${p} runs past the chunk`);
      break;
    }
    if (!checksumOk(b, body, size)) out.problems.push(`dbmd segment ${id} at byte ${p}: checksum does not match`);
    else if (id === 9 && size >= 32 + 64 + 3 + 53 + 1) {
      const name = Buffer.from(b.subarray(body + 32, body + 96)).toString('latin1').replace(/\0.*$/s, '').trim();
      const v = b.subarray(body + 96, body + 99);
      out.tool = `${name} (${v[0]}.${v[1]}.${v[2]})`;
      out.warpMode = WARP[b[body + 96 + 3 + 53]! & 0x7] ?? 'reserved';
    } else if (id === 10 && size >= 7 && view.getUint32(body, true) === 0xf8726fbd) {
      for (let c = 0; c < TRIM_CONFIGS.length && body + 7 + c * 15 < body + size; c++) {
        out.trims.push({ config: TRIM_CONFIGS[c]!, mode: b[body + 7 + c * 15]! & 1 ? 'automatic' : 'manual' });
      }
    }
    p = body + size + 1;
  }
  const trims = out.trims.length ? `trims ${out.trims.map((t) => `${t.config} ${t.mode}`).join(', ')}` : 'no trim metadata';
  out.text = [out.tool ? `created by ${out.tool}` : null, out.warpMode ? `warp mode ${out.warpMode}` : null, trims, 'downmix settings not decoded', ...out.problems]
    .filter(Boolean)
    .join('; ');
  return out;
}
