/**
 * A Dolby Atmos master set (DAMF) as the renderer's items: bed channels as DirectSpeakers at their
 * channel's BS.2051 position, objects as cartesian Objects, their blocks made from the
 * `.atmos.metadata` events, read as a stream (one reader shared by every element; each element's
 * events queue only until its item takes them).
 *
 * Event fields (ref: ../shared/reference/session-formats.md s8; truehdd src/damf.rs, a writer from
 * TrueHD OAMD; Cavern's reader and writer):
 * - `samplePos`: the event's first sample. Verified: both writers put the update's sample there.
 * - `rampLength`: samples over which the position/gain move from the previous event's to this one's,
 *   from samplePos on (as an OAMD block update's ramp, BS.2127's jumpPosition interpolationLength).
 *   ASSUMED: Cavern's reader ends the ramp at samplePos instead.
 * - `gain`: dB, "-inf" for silence (a string in some writers). Verified: Cavern writes dB and reads
 *   "-inf" as 0; truehdd writes OAMD's gain as a string.
 * - `pos: [x, y, z]`: x -1 left .. 1 right, y -1 back .. 1 front, z 0 ear level .. 1 ceiling: ADM's
 *   cartesian convention, so ADM X, Y, Z = x, y, z; outside -1..1 is refused. Evidence (no metadata
 *   file from Dolby's tools was available): truehdd (oamd.rs get_damf_pos) writes OAMD pos3d (0..1,
 *   y 0 = front) as 2x - 1, 1 - 2y, z, its test expecting OAMD [0.25, 0.75, 0.5] as [-0.5, -0.5, 0.5];
 *   Cavern reads and writes -1..1 with +y its front, files Dolby's Conversion Tool converts (#376);
 *   Mach1's AtmosParser.lua puts L at x -1, y 1. The Conversion Tool's ADM (dbmd-atmos-parser
 *   samples) holds X -1 and 1, Y -0.2258 and 0.2258, Z 1.
 * - `active: false` silences the element; `snap: true` is rendered as BS.2127 channel lock (ASSUMED);
 *   `elevation: false` as z = 0 (ASSUMED); `size` > 0 and `zones` other than all are reported as not
 *   rendered (extent, zone exclusion), like their ADM counterparts.
 * Events after an element's first carry only the fields that changed.
 */
import { closeSync, readSync } from 'node:fs';
import { COMMON_PACKS } from '../../audio/adm/common-definitions.js';
import { openRegular } from '../../audio/bytesource.js';
import type { DolbyAtmosReport } from '../../audio/dolby-atmos/index.js';
import { DubstageError } from '../../errors.js';
import type { DirectSpeakersBlock } from './direct-speakers.js';
import { NOTHING_UNSUPPORTED, type RenderBlock, type UnrenderedFeatures } from './metadata.js';
import { commonBlock, type BlockSource, type RenderFeed, type RenderItem } from './renderer.js';
import { ZERO } from './time.js';

/** DAMF bed channel names -> BS.2094 common channel formats (the BS.2051 position each plays from). */
const BED_CHANNELS: Record<string, string> = {
  L: '0001', R: '0002', C: '0003', LFE: '0004', Lfe: '0004', Ls: '0005', Rs: '0006', Lc: '0007', Rc: '0008', Cs: '0009',
  Lss: '000a', Rss: '000b', Lrs: '001c', Rrs: '001d', Lsr: '001c', Rsr: '001d', Lts: '0013', Rts: '0014', Ltm: '0013', Rtm: '0014',
  Ltf: '000d', Rtf: '000f', Ltr: '0010', Rtr: '0012', Ltb: '0010', Rtb: '0012', Lw: '0018', Rw: '0019', LFE2: '0021',
};

/** One element's state after an event (fields carry over from its previous event). */
interface DamfState {
  samplePos: number;
  line: number;
  active: boolean;
  pos: [number, number, number];
  gainDb: number;
  rampLength: number;
  snap: boolean;
  elevation: boolean;
  size: number;
  zones: string;
}

type Fields = Partial<Omit<DamfState, 'line'>> & { id?: number };

/** Reads `.atmos.metadata` events in file order, synchronously, 64 KB at a time, and hands each to its element's queue. */
class EventReader {
  private readonly fd: number;
  private readonly size: number;
  private pos = 0;
  private rest = '';
  private lineNo = 0;
  private inEvents = false;
  private current: { fields: Fields; line: number } | null = null;
  private readonly buf = Buffer.alloc(64 * 1024);
  private readonly last = new Map<number, DamfState>();
  readonly queues = new Map<number, DamfState[]>();
  sampleRate: number | null = null;
  /** The largest samplePos read so far, while events come in time order across elements (null once they do not). */
  horizon: number | null = 0;
  done = false;

  constructor(
    readonly path: string,
    known: number[],
  ) {
    const { fd, size } = openRegular(path);
    this.fd = fd;
    this.size = size;
    for (const id of known) this.queues.set(id, []);
  }

  private bad(line: number, what: string): DubstageError {
    return new DubstageError({ code: 'bad-format', message: `${this.path}: line ${line}: ${what}`, path: this.path, line });
  }

  /** Read on until at least one more event is complete (or the end). */
  step(): void {
    if (this.done) return;
    const before = this.lineNo;
    for (;;) {
      const nl = this.rest.indexOf('\n');
      if (nl < 0) {
        if (this.pos >= this.size) {
          if (this.rest.length > 0) {
            const line = this.rest;
            this.rest = '';
            this.line(line);
          }
          this.flush();
          this.done = true;
          if (!this.inEvents) throw this.bad(this.lineNo, 'no "events:" list: not a Dolby Atmos .atmos.metadata');
          return;
        }
        const n = readSync(this.fd, this.buf, 0, Math.min(this.buf.length, this.size - this.pos), this.pos);
        if (n === 0) throw new DubstageError({ code: 'truncated', message: `${this.path}: the file ends at byte ${this.pos} (it shrank while being read)`, path: this.path, byteOffset: this.pos });
        this.pos += n;
        this.rest += this.buf.toString('utf8', 0, n);
        continue;
      }
      const line = this.rest.slice(0, nl).replace(/\r$/, '');
      this.rest = this.rest.slice(nl + 1);
      if (this.line(line) && this.lineNo > before) return;
    }
  }

  /** One line; true when it completed an event. */
  private line(text: string): boolean {
    this.lineNo++;
    const t = text.replace(/\s+#.*$/, '');
    if (t.trim() === '' || t.trimStart().startsWith('#')) return false;
    if (!/^\s/.test(t) && !t.startsWith('-')) {
      // a top-level key
      const done = this.flush();
      const m = /^(\w+):\s*(.*)$/.exec(t);
      if (!m) throw this.bad(this.lineNo, `expected "key: value", found '${t.slice(0, 60)}'`);
      if (m[1] === 'sampleRate') {
        const v = Number(m[2]);
        if (!Number.isInteger(v) || v <= 0) throw this.bad(this.lineNo, `sampleRate '${m[2]}' is not a positive integer`);
        this.sampleRate = v;
      }
      this.inEvents = m[1] === 'events';
      return done;
    }
    if (!this.inEvents) return false;
    const item = /^\s*-\s+(.*)$/.exec(t);
    let done = false;
    let kv = t.trim();
    if (item) {
      done = this.flush();
      this.current = { fields: {}, line: this.lineNo };
      kv = item[1]!;
    }
    if (!this.current) throw this.bad(this.lineNo, `'${kv.slice(0, 60)}' outside an event (events are a list: "  - ID: n")`);
    const m = /^([A-Za-z0-9_]+):\s*(.*)$/.exec(kv);
    if (!m) throw this.bad(this.lineNo, `expected "key: value" in an event, found '${kv.slice(0, 60)}'`);
    this.field(this.current.fields, m[1]!, m[2]!.trim());
    return done;
  }

  private field(f: Fields, key: string, raw: string): void {
    const value = raw.replace(/^(['"])(.*)\1$/, '$2');
    const num = (what: string): number => {
      const v = Number(value);
      if (value === '' || !Number.isFinite(v)) throw this.bad(this.lineNo, `${what} '${raw}' is not a number`);
      return v;
    };
    const bool = (): boolean => value === 'true' || value === '1';
    switch (key) {
      case 'ID': {
        const v = num('ID');
        if (!Number.isInteger(v) || v < 0) throw this.bad(this.lineNo, `event ID '${raw}' is not a non-negative integer`);
        f.id = v;
        return;
      }
      case 'samplePos': {
        const v = num('samplePos');
        if (!Number.isInteger(v) || v < 0) throw this.bad(this.lineNo, `samplePos '${raw}' is not a non-negative integer`);
        f.samplePos = v;
        return;
      }
      case 'rampLength': {
        const v = num('rampLength');
        if (!Number.isInteger(v) || v < 0) throw this.bad(this.lineNo, `rampLength '${raw}' is not a non-negative whole number of samples`);
        f.rampLength = v;
        return;
      }
      case 'gain':
        f.gainDb = /^-inf(inity)?$/i.test(value) ? Number.NEGATIVE_INFINITY : num('gain');
        return;
      case 'active': f.active = bool(); return;
      case 'snap': f.snap = bool(); return;
      case 'elevation': f.elevation = bool(); return;
      case 'size': f.size = num('size'); return;
      case 'zones': f.zones = value; return;
      case 'pos': {
        const m = /^\[\s*([^,\]]+),\s*([^,\]]+),\s*([^,\]]+)\s*\]$/.exec(value);
        const xyz = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
        if (xyz.length !== 3 || xyz.some((v) => !Number.isFinite(v))) throw this.bad(this.lineNo, `pos '${raw}' is not [x, y, z]`);
        for (const [k, v] of xyz.entries()) {
          if (v < -1 || v > 1) throw this.bad(this.lineNo, `pos ${'xyz'[k]} = ${v} is outside -1..1 (DAMF positions are room coordinates: x left -1 to right 1, y back -1 to front 1, z 0 ear level to 1 ceiling)`);
        }
        f.pos = xyz as [number, number, number];
        return;
      }
    }
  }

  /** Close the event being read: its element's state, queued. True when there was one. */
  private flush(): boolean {
    const c = this.current;
    if (!c) return false;
    this.current = null;
    const f = c.fields;
    if (f.id === undefined) throw this.bad(c.line, 'event without an ID');
    const prior = this.last.get(f.id);
    if (f.samplePos === undefined && !prior) throw this.bad(c.line, `the first event of element ${f.id} has no samplePos`);
    const state: DamfState = {
      samplePos: f.samplePos ?? prior!.samplePos,
      line: c.line,
      active: f.active ?? prior?.active ?? true,
      pos: f.pos ?? prior?.pos ?? [0, 1, 0],
      gainDb: f.gainDb ?? prior?.gainDb ?? 0,
      rampLength: f.rampLength ?? prior?.rampLength ?? 0,
      snap: f.snap ?? prior?.snap ?? false,
      elevation: f.elevation ?? prior?.elevation ?? true,
      size: f.size ?? prior?.size ?? 0,
      zones: f.zones ?? prior?.zones ?? 'all',
    };
    if (prior && state.samplePos < prior.samplePos) {
      throw this.bad(c.line, `element ${f.id}: samplePos ${state.samplePos} is before its previous event's (${prior.samplePos}, line ${prior.line}): events must be in time order`);
    }
    this.last.set(f.id, state);
    if (this.horizon !== null) this.horizon = state.samplePos >= this.horizon ? state.samplePos : null;
    this.queues.get(f.id)?.push(state); // an element the .atmos does not list: the report says so; not rendered
    return true;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * One element's blocks: event k lasts to event k + 1's samplePos. While the next event is not read yet
 * and the file is in time order, a block ends at the reader's horizon (the hold goes on in the next
 * block, same gains, no ramp), so the reader stays about a second ahead of the render, not the file's end.
 */
class DamfCursor implements BlockSource {
  private pending: DamfState | null = null;
  private from = 0;
  private ended = false;

  constructor(
    private readonly reader: EventReader,
    private readonly id: number,
    private readonly rate: number,
    private readonly kind: 'Objects' | 'DirectSpeakers',
    private readonly bedBlock: DirectSpeakersBlock | null,
  ) {}

  get queued(): number {
    return this.reader.queues.get(this.id)!.length + (this.pending ? 1 : 0);
  }

  next(): RenderBlock | null {
    const q = this.reader.queues.get(this.id)!;
    while (!this.pending && q.length === 0 && !this.reader.done) this.reader.step();
    if (!this.pending) {
      const first = q.shift();
      if (!first) {
        if (this.ended) return null;
        this.ended = true;
        // an element without events: silent (the report names it)
        return this.block({ samplePos: 0, line: 0, active: false, pos: [0, 1, 0], gainDb: Number.NEGATIVE_INFINITY, rampLength: 0, snap: false, elevation: true, size: 0, zones: 'all' }, 0, null, true);
      }
      this.pending = first;
      this.from = first.samplePos;
    }
    const e = this.pending;
    const isFirstPiece = this.from === e.samplePos;
    // read until this element's next event is known, or the horizon is past the ramp and a second on
    const want = Math.max(e.samplePos + e.rampLength, this.from + this.rate);
    while (q.length === 0 && !this.reader.done && (this.reader.horizon === null || this.reader.horizon < want)) this.reader.step();
    let end: number | null;
    const nextEvent = q[0];
    if (nextEvent) end = nextEvent.samplePos;
    else if (this.reader.done) end = null;
    else end = this.reader.horizon!;
    if (nextEvent && nextEvent.samplePos < this.from) {
      // only after a block was cut at the horizon: the file looked in time order and was not
      throw new DubstageError({
        code: 'bad-format',
        message: `${this.reader.path}: line ${nextEvent.line}: element ${this.id}'s event at samplePos ${nextEvent.samplePos} comes after events of other elements at up to ${this.from}: events must be in time order`,
        path: this.reader.path,
        line: nextEvent.line,
      });
    }
    if (nextEvent && nextEvent.samplePos === this.from) {
      // a later event at the same sample replaces this one (no time to play it)
      this.pending = null;
      return this.next();
    }
    const b = this.block(e, this.from, end, isFirstPiece);
    if (end === null) {
      this.pending = null;
      this.ended = true;
    } else if (nextEvent && end === nextEvent.samplePos) {
      this.pending = null;
    } else this.from = end;
    return b;
  }

  /** What of an event the renderer does not render (on its first piece: counted once per event). */
  private unsupported(e: DamfState): readonly (keyof UnrenderedFeatures)[] {
    if (this.kind !== 'Objects') return NOTHING_UNSUPPORTED;
    const u: (keyof UnrenderedFeatures)[] = [];
    if (e.size > 0) u.push('extent');
    if (e.zones !== 'all' && e.zones !== '' && e.zones !== 'undefined') u.push('zoneExclusion');
    return u.length > 0 ? u : NOTHING_UNSUPPORTED;
  }

  private block(e: DamfState, from: number, end: number | null, first: boolean): RenderBlock {
    const gain = !e.active || e.gainDb === Number.NEGATIVE_INFINITY ? 0 : 10 ** (e.gainDb / 20);
    const r = BigInt(this.rate);
    const rtime = { n: BigInt(from), d: r };
    const duration = end === null ? null : { n: BigInt(end - from), d: r };
    const id = `${this.id}@${from}`;
    if (this.kind === 'DirectSpeakers') {
      return { id, byteOffset: 0, rtime, duration, interpolationLength: null, objects: null, directSpeakers: { ...this.bedBlock!, gain }, unsupported: NOTHING_UNSUPPORTED };
    }
    // a later piece of a hold: reached at once (same gains); the first piece ramps over rampLength, cut to the block
    const ramp = first ? (end === null ? e.rampLength : Math.min(e.rampLength, end - from)) : 0;
    const [x, y, z] = e.pos;
    return {
      id,
      byteOffset: 0,
      rtime,
      duration,
      interpolationLength: { n: BigInt(ramp), d: r },
      directSpeakers: null,
      unsupported: first ? this.unsupported(e) : NOTHING_UNSUPPORTED,
      objects: {
        rtimeSeconds: null,
        durationSeconds: null,
        cartesian: true,
        position: [x, y, e.elevation ? z : 0],
        gain,
        width: 0,
        height: 0,
        depth: 0,
        diffuse: 0,
        divergence: null,
        channelLock: e.snap ? { maxDistance: null } : null,
        jumpPosition: true,
        interpolationLengthSeconds: ramp / this.rate,
        zoneExclusion: false,
        screenRef: false,
        admVersion2: true,
      },
    };
  }
}

/** The renderer's feed for a DAMF set (its report from readDolbyAtmos); CAF channel k is track k. */
export function damfFeed(report: DolbyAtmosReport, sampleRate: number): RenderFeed {
  const items: RenderItem[] = [];
  const elements: Array<{ id: number; kind: 'Objects' | 'DirectSpeakers'; bed: DirectSpeakersBlock | null }> = [];
  const channels = report.tracks;
  for (const bed of report.bedDetails) {
    // the common pack with exactly these channels (a 5.1 bed is 0+5+0): BS.2127's DirectSpeakers mapping rules key on it
    const acs = new Set(bed.channels.map((c) => `AC_0001${BED_CHANNELS[c.channel] ?? '????'}`));
    const pack = [...COMMON_PACKS.values()].find((p) => p.typeLabel === '0001' && p.channels.length === acs.size && p.channels.every((a) => acs.has(a)));
    for (const c of bed.channels) {
      const suffix = BED_CHANNELS[c.channel];
      const block = suffix ? commonBlock(`AC_0001${suffix}`) : null;
      if (!block) {
        throw new DubstageError({ code: 'bad-format', message: `${report.files.atmos}: bed channel '${c.channel}' (ID ${c.id}) has no loudspeaker position dubstage knows; cannot render it`, path: report.files.atmos });
      }
      if (c.track > channels || c.id < 0) continue;
      items.push({ objectId: `bed ${c.channel}`, track: c.track - 1, channelId: `AC_0001${suffix}`, kind: 'DirectSpeakers', packId: pack?.id ?? null, objectStart: ZERO, objectEnd: null, objectGain: 1 });
      elements.push({ id: c.id, kind: 'DirectSpeakers', bed: block });
    }
  }
  for (const o of report.objectDetails) {
    if (o.track > channels || o.id < 0) continue;
    items.push({ objectId: `object ${o.id}`, track: o.track - 1, channelId: `object ${o.id}`, kind: 'Objects', packId: null, objectStart: ZERO, objectEnd: null, objectGain: 1 });
    elements.push({ id: o.id, kind: 'Objects', bed: null });
  }
  let reader: EventReader | null = null;
  return {
    path: report.files.metadata,
    items,
    open: () => {
      reader?.close();
      const r = new EventReader(report.files.metadata, elements.map((e) => e.id));
      reader = r;
      return elements.map((e) => new DamfCursor(r, e.id, sampleRate, e.kind, e.bed));
    },
    close: () => {
      reader?.close();
      reader = null;
    },
  };
}
