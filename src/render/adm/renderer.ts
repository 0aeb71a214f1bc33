/**
 * An ADM master rendered to loudspeaker layouts (ITU-R BS.2127), block by block as the analysis host
 * reads the file. Each rendering item (one track of a DirectSpeakers or Objects audioObject) walks its
 * channel's audioBlockFormats in time: per BS.2127 7.2 a block's gains are reached by a linear ramp
 * over the block (or its jumpPosition interpolationLength) from the previous block's gains when the
 * previous block ends where this one starts, and held to its end; DirectSpeakers blocks hold their gains.
 */
import { closeSync } from 'node:fs';
import type { Chna } from '../../audio/adm/chna.js';
import type { PcmDecodeTarget } from '../../audio/types.js';
import { COMMON_CHANNELS, COMMON_PACKS } from '../../audio/adm/common-definitions.js';
import { DubstageError } from '../../errors.js';
import { DirectSpeakersPanner, type DirectSpeakersBlock } from './direct-speakers.js';
import type { TargetLayout } from './layouts.js';
import { BlockCursor, NOTHING_UNSUPPORTED, openForCursors, type AdmScan, type RenderBlock, type ScanChannel, type UnrenderedFeatures } from './metadata.js';
import { createMixer, entryFloats, type Mixer } from './mix.js';
import { ObjectGains } from './objects.js';
import { add, ceilSample, cmp, samplePosition, ZERO, type Rational } from './time.js';

export interface RenderItem {
  objectId: string;
  /** 0-based channel of the file. */
  track: number;
  channelId: string;
  kind: 'Objects' | 'DirectSpeakers';
  /** Innermost pack that holds the channel (for the DirectSpeakers mapping rules). */
  packId: string | null;
  objectStart: Rational;
  objectEnd: Rational | null;
  /** audioObject gain along the nesting path, 0 when muted. */
  objectGain: number;
}

export interface RenderPlan {
  items: RenderItem[];
  /** audioObjects that carry audio this renderer does not render (HOA, Matrix, Binaural), by id. */
  skipped: Array<{ objectId: string; type: string }>;
}

const TYPES: Record<string, string> = { '0001': 'DirectSpeakers', '0002': 'Matrix', '0003': 'Objects', '0004': 'HOA', '0005': 'Binaural' };

function typeOf(id: string, typeLabel: string | null, typeDefinition: string | null): string {
  const m = /^A[PC]_([0-9a-fA-F]{4})/.exec(id);
  return (typeLabel && TYPES[typeLabel]) || typeDefinition || (m ? (TYPES[m[1]!.toLowerCase()] ?? 'unknown') : 'unknown');
}

/** Link programme -> content -> objects -> packs/tracks -> channel formats into rendering items. */
export function planRender(scan: AdmScan, chna: Chna | null, fileChannels: number): RenderPlan {
  const path = scan.path;
  const items: RenderItem[] = [];
  const skipped: RenderPlan['skipped'] = [];
  const trackOf = new Map<string, number>();
  const formatOf = new Map<string, string>();
  for (const e of chna?.entries ?? []) {
    if (e.trackIndex >= 1 && e.trackIndex <= fileChannels) trackOf.set(e.uid, e.trackIndex - 1);
    formatOf.set(e.uid, e.formatRef);
  }
  const channelOfUid = (uid: string): string | null => {
    const atu = scan.trackUids.get(uid);
    const ref = formatOf.get(uid) ?? atu?.trackFormatRef ?? null;
    if (ref?.startsWith('AC_')) return ref;
    if (atu?.channelFormatRef) return atu.channelFormatRef;
    if (ref) {
      const s = scan.trackStream.get(ref);
      const c = s ? scan.streamChannel.get(s) : undefined;
      if (c) return c;
      const m = /^AT_([0-9a-fA-F]{8})_/.exec(ref);
      if (m) return `AC_${m[1]}`;
    }
    return null;
  };
  // pack trees: a pack that refers to itself (directly or round a loop) is refused
  const packChannels = (packId: string, trail: string[]): Array<{ channel: string; pack: string }> => {
    if (trail.includes(packId)) {
      throw new DubstageError({ code: 'bad-format', message: `${path}: audioPackFormat ${packId} refers to itself (${[...trail, packId].join(' -> ')})`, path });
    }
    const own = scan.packs.get(packId);
    if (!own) return (COMMON_PACKS.get(packId)?.channels ?? []).map((channel) => ({ channel, pack: packId }));
    return [...own.packRefs.flatMap((p) => packChannels(p, [...trail, packId])), ...own.channelRefs.map((channel) => ({ channel, pack: packId }))];
  };
  const roots: string[] = [];
  const programme = scan.programmes[0];
  if (programme) for (const c of programme.contentRefs) roots.push(...(scan.contents.get(c) ?? []));
  else {
    const children = new Set([...scan.objects.values()].flatMap((o) => o.objectRefs));
    for (const id of scan.objects.keys()) if (!children.has(id)) roots.push(id);
  }
  const visit = (id: string, start: Rational | null, end: Rational | null, gain: number, trail: string[]): void => {
    if (trail.includes(id)) {
      throw new DubstageError({ code: 'bad-format', message: `${path}: audioObject ${id} refers to itself (${[...trail, id].join(' -> ')})`, path });
    }
    const o = scan.objects.get(id);
    if (!o) return;
    const objectStart = o.start ?? start ?? ZERO;
    const objectEnd = o.duration ? add(objectStart, o.duration) : end;
    const g = gain * (o.mute ? 0 : o.gain);
    for (const child of o.objectRefs) visit(child, objectStart, objectEnd, g, [...trail, id]);
    if (o.trackUidRefs.length === 0 || o.packRefs.length === 0) return;
    const inPacks = o.packRefs.flatMap((p) => packChannels(p, []));
    const type = typeOf(o.packRefs[0]!, scan.packs.get(o.packRefs[0]!)?.typeLabel ?? null, scan.packs.get(o.packRefs[0]!)?.typeDefinition ?? null);
    if (type !== 'Objects' && type !== 'DirectSpeakers') {
      skipped.push({ objectId: id, type });
      return;
    }
    o.trackUidRefs.forEach((uid, k) => {
      const track = trackOf.get(uid);
      if (track === undefined) return; // no audio for it: the ADM report says so
      const channelId = channelOfUid(uid) ?? inPacks[k]?.channel ?? null;
      if (!channelId) return;
      const pack = inPacks.find((p) => p.channel === channelId)?.pack ?? o.packRefs[0]!;
      items.push({ objectId: id, track, channelId, kind: type, packId: pack, objectStart, objectEnd, objectGain: g });
    });
  };
  for (const r of roots) visit(r, null, null, 1, []);
  return { items, skipped };
}

/** Where an item's blocks come from: an ADM channel's audioBlockFormats (BlockCursor), or a DAMF element's events. */
export interface BlockSource {
  next(): RenderBlock | null;
  /** Before the first next(): skip, unparsed, what ends by `limit` (seconds from the object's start) but the last such block. */
  skipTo?(limit: Rational): void;
  /** Blocks read and not yet taken (memory). */
  readonly queued: number;
}

/**
 * The items of a master and their block sources: `open` gives fresh sources (at the start and at each
 * seek), one per item in `items` order — a source, or a fixed DirectSpeakers block (a common definition).
 */
export interface RenderFeed {
  readonly path: string;
  readonly items: RenderItem[];
  open(): Array<BlockSource | DirectSpeakersBlock>;
  close(): void;
}

/** An ADM master's feed: each item's channel is read from its byte range by a BlockCursor. */
export function admFeed(path: string, scan: AdmScan, plan: RenderPlan): RenderFeed {
  const fd = openForCursors(path);
  return {
    path,
    items: plan.items,
    open: () =>
      plan.items.map((item) => {
        const own = scan.channels.get(item.channelId);
        if (own) return new BlockCursor(path, fd, own, item.kind, scan.version2, own.lowPassHz, own.highPassHz);
        const fixed = item.kind === 'DirectSpeakers' ? commonBlock(item.channelId) : null;
        if (!fixed) {
          throw new DubstageError({ code: 'bad-format', message: `${path}: audioChannelFormat ${item.channelId} (audioObject ${item.objectId}) is neither in the file nor a common definition`, path });
        }
        return fixed;
      }),
    close: () => closeSync(fd),
  };
}

/**
 * A ramp or a hold of gains over [first, last) samples: the mixer's table entry for it (coefficients
 * splatted, slot and p0/dp patched per span), and the ramp's sample positions (a hold: startPos = endPos).
 */
interface Segment {
  first: number;
  last: number;
  startPos: number;
  endPos: number;
  ramp: boolean;
  entry: Float32Array;
  /** Bit g: outputs 4g..4g+3 get something (0: the item is silent here, never mixed). */
  mask: number;
}

export function commonBlock(channelId: string): DirectSpeakersBlock | null {
  const c = COMMON_CHANNELS.get(channelId);
  if (!c) return null;
  const m = /^(UH|[MUTB])([+-]\d{3}|[+-]SC)?/.exec(c.speakerLabel);
  const layer = m?.[1] ?? 'M';
  const el = layer === 'U' ? 30 : layer === 'T' ? 90 : layer === 'B' ? -30 : layer === 'UH' ? 45 : 0;
  const az = m?.[2] && !m[2].endsWith('SC') ? Number(m[2]) : 0;
  const lfe = c.speakerLabel.startsWith('LFE');
  const bound = (value: number) => ({ value, min: null, max: null });
  return {
    speakerLabels: [`urn:itu:bs:2051:0:speaker:${c.speakerLabel}`],
    polar: { azimuth: bound(c.speakerLabel === 'M+022' ? 22.5 : c.speakerLabel === 'M-022' ? -22.5 : az), elevation: bound(lfe ? -30 : el), distance: bound(1) },
    cartesian: null,
    lowPassHz: lfe ? 120 : null,
    highPassHz: null,
    gain: 1,
  };
}

class ItemState {
  private segments: Segment[] = [];
  private lastEnd: Rational | null = null;
  private lastGains: Float64Array[] | null = null;
  private prevEnd: Rational | null = null;
  private exhausted = false;
  constructor(
    readonly item: RenderItem,
    /** The mixer's input slot of the item's track. */
    readonly slot: number,
    private readonly cursor: BlockSource | null,
    private staticBlock: DirectSpeakersBlock | null,
    private readonly gainsFor: (block: RenderBlock) => Float64Array[],
    private readonly entryFor: (from: Float64Array[] | null, to: Float64Array[]) => { entry: Float32Array; mask: number },
    /** Count what a block uses that is not rendered (by its first sample: a split pass counts each block once). */
    private readonly count: (block: RenderBlock, firstSample: number) => void,
    private readonly rate: number,
    private readonly path: string,
  ) {}

  private pull(): boolean {
    if (this.exhausted) return false;
    let block: RenderBlock | null;
    if (this.cursor) block = this.cursor.next();
    else {
      block = this.staticBlock ? { id: this.item.channelId, byteOffset: 0, rtime: null, duration: null, interpolationLength: null, objects: null, directSpeakers: this.staticBlock, unsupported: NOTHING_UNSUPPORTED } : null;
      this.staticBlock = null;
    }
    if (!block) {
      this.exhausted = true;
      return false;
    }
    const it = this.item;
    let start: Rational;
    let end: Rational | null;
    if (block.rtime && block.duration) {
      start = add(it.objectStart, block.rtime);
      end = add(start, block.duration);
      if (it.objectEnd && cmp(end, it.objectEnd) > 0) end = it.objectEnd; // BS.2127 refuses; we hold to the object's end
    } else if (block.rtime) {
      // open-ended (a DAMF element's last event; ADM blocks never come without a duration): to the object's end
      start = add(it.objectStart, block.rtime);
      end = it.objectEnd;
    } else {
      start = it.objectStart;
      end = it.objectEnd;
    }
    if (this.prevEnd && cmp(start, this.prevEnd) < 0) {
      throw new DubstageError({
        code: 'bad-format',
        message: `${this.path}: ADM XML at byte ${block.byteOffset}: audioBlockFormat ${block.id} of ${it.channelId} starts at ${samplePosition(start, 1).toFixed(5)} s, before the previous block ends (${samplePosition(this.prevEnd, 1).toFixed(5)} s): blocks must be in time order and not overlap`,
        path: this.path,
        byteOffset: block.byteOffset,
      });
    }
    this.prevEnd = end;
    const to = this.gainsFor(block);
    const startPos = samplePosition(start, this.rate);
    const first = ceilSample(start, this.rate);
    if (block.unsupported.length > 0) this.count(block, first);
    const last = end ? ceilSample(end, this.rate) : Number.POSITIVE_INFINITY;
    const endPos = end ? samplePosition(end, this.rate) : Number.POSITIVE_INFINITY;
    let target: Rational = start;
    const continues = block.objects !== null && this.lastEnd !== null && cmp(start, this.lastEnd) === 0;
    if (continues) target = block.interpolationLength ? add(start, block.interpolationLength) : (end ?? start);
    const targetSample = ceilSample(target, this.rate);
    const targetPos = samplePosition(target, this.rate);
    if (continues && targetSample > first) {
      const ramp = this.entryFor(this.lastGains, to);
      // the ramp's step per sample is the segment's (its position at a span's first sample is set per span)
      ramp.entry.fill(1 / (targetPos - startPos), 8, 12);
      this.segments.push({ first, last: targetSample, startPos, endPos: targetPos, ramp: true, ...ramp });
    }
    if (last > targetSample || !end) this.segments.push({ first: Math.max(first, targetSample), last, startPos, endPos, ramp: false, ...this.entryFor(null, to) });
    this.lastEnd = end;
    this.lastGains = to;
    return true;
  }

  /** Blocks parsed and not yet played (the memory a long master costs per item). */
  held(): number {
    return this.segments.length + (this.cursor?.queued ?? 0);
  }

  /** Jump the cursor to `frame` (a split pass's start) without parsing what the item plays before it. */
  skimTo(frame: number): void {
    if (!this.cursor?.skipTo) return;
    const limit = add({ n: BigInt(frame), d: BigInt(this.rate) }, { n: -this.item.objectStart.n, d: this.item.objectStart.d });
    if (limit.n > 0n) this.cursor.skipTo(limit);
  }

  /** The segment at or after `frame` (what ends by it dropped, unmixed), or null when the item has no more. */
  advance(frame: number): Segment | null {
    for (;;) {
      if (this.segments.length === 0 && !this.pull()) return null;
      const s = this.segments[0]!;
      if (s.last > frame) return s;
      this.segments.shift();
    }
  }
}

/** Renders one file's items to several layouts at once (one pass, gains per layout). */
export class AdmRenderer {
  readonly unrendered: UnrenderedFeatures = { extent: 0, diffuse: 0, zoneExclusion: 0, screenRef: 0, nearDistance: 0 };
  private states: ItemState[] = [];
  /** outputs[layout][channel]: the block's render (maxFrames long). */
  readonly outputs: Float32Array[][];
  private readonly mixer: Mixer;
  private readonly offsets: number[];
  private readonly totalOutputs: number;
  /** The track each input slot of the mixer holds. */
  private readonly slotTracks: number[];
  private readonly slotOf: Map<number, number>;
  /** The mixer's outputs are the render itself (a block fits the mixer), else copied out per chunk. */
  private readonly direct: boolean;
  private frame = 0;

  private readonly path: string;
  constructor(
    private readonly feed: RenderFeed,
    readonly layouts: TargetLayout[],
    private readonly sampleRate: number,
    private readonly maxFrames: number,
    useWasm = true,
    /** Give every track of a file of this many tracks its own slot (slot = track), so a reader can decode into them (pcmTarget). */
    slotPerTrack?: number,
  ) {
    // one panner set per layout, shared by every item (they hold no per-item state)
    this.objectPanners = layouts.map((l) => new ObjectGains(l));
    this.directPanners = layouts.map((l) => new DirectSpeakersPanner(l));
    this.path = feed.path;
    this.offsets = [];
    let total = 0;
    for (const l of layouts) {
      this.offsets.push(total);
      total += l.speakers.length;
    }
    this.totalOutputs = total;
    this.slotTracks = slotPerTrack !== undefined ? Array.from({ length: slotPerTrack }, (_, t) => t) : [...new Set(feed.items.map((i) => i.track))];
    this.slotOf = new Map(this.slotTracks.map((t, s) => [t, s]));
    // the kernel's blocks are short (its block stays in the cache): longer blocks are rendered in chunks
    this.mixer = createMixer(this.slotTracks.length, total, Math.min(maxFrames, MIXER_FRAMES), useWasm, feed.items.length);
    this.direct = maxFrames <= this.mixer.capacity;
    this.outputs = layouts.map((l, i) => l.speakers.map((_, c) => (this.direct ? this.mixer.outputs[this.offsets[i]! + c]! : new Float32Array(maxFrames))));
    this.reset(0);
  }

  private readonly objectPanners: ObjectGains[];
  private readonly directPanners: DirectSpeakersPanner[];

  private gainsFor(item: RenderItem): (block: RenderBlock) => Float64Array[] {
    const objects = this.objectPanners;
    const direct = this.directPanners;
    return (block) => {
      const g = block.objects
        ? objects.map((o) => o.gains(block.objects!))
        : block.directSpeakers
          ? direct.map((d) => d.gains(block.directSpeakers!, item.packId))
          : this.layouts.map((l) => new Float64Array(l.speakers.length));
      for (const v of g) for (let i = 0; i < v.length; i++) v[i]! *= item.objectGain;
      return g;
    };
  }

  /** A segment's table entry: per output g0 and the ramp's extent d (a hold: g0 = the gain, d = 0), splatted. */
  private entryFor(from: Float64Array[] | null, to: Float64Array[]): { entry: Float32Array; mask: number } {
    // [slot, mask, -, -] [p0 x4] [dp x4] then per output [g0 x4] [d x4] (slot and p0/dp are patched per span)
    const entry = new Float32Array(entryFloats(this.mixer.paddedOutputs));
    let mask = 0;
    for (let l = 0; l < to.length; l++) {
      const t = to[l]!;
      const f = from?.[l] ?? null;
      for (let c = 0; c < t.length; c++) {
        const o = this.offsets[l]! + c;
        const g1 = t[c]!;
        const g0 = f ? f[c]! : g1;
        const at = 12 + 8 * o;
        entry.fill(g0, at, at + 4);
        entry.fill(g1 - g0, at + 4, at + 8);
        if (entry[at] !== 0 || entry[at + 4] !== 0) mask |= 1 << (o >> 2);
      }
    }
    entry[1] = mask;
    return { entry, mask };
  }

  /** The segment each item's table entry holds (null: the entry is silenced). */
  private inTable: Array<Segment | null> = [];

  private countFrom = 0;
  private countTo = Number.POSITIVE_INFINITY;

  /** Count unrendered features only of blocks starting in [fromFrame, toFrame) (a split pass's own segment). */
  countBlocksIn(fromFrame: number, toFrame: number): void {
    this.countFrom = fromFrame;
    this.countTo = toFrame;
  }

  /** Start over at `frame` (the host's seek): sources restart and the metadata is walked up to it, nothing mixed. */
  reset(frame: number): void {
    const sources = this.feed.open();
    const entryFor = (from: Float64Array[] | null, to: Float64Array[]) => this.entryFor(from, to);
    const count = (block: RenderBlock, firstSample: number): void => {
      if (firstSample < this.countFrom || firstSample >= this.countTo) return;
      for (const k of block.unsupported) this.unrendered[k]++;
    };
    this.states = this.feed.items.map((item, k) => {
      const src = sources[k]!;
      const cursor = 'next' in src ? src : null;
      const fixed = 'next' in src ? null : src;
      return new ItemState(item, this.slotOf.get(item.track)!, cursor, fixed, this.gainsFor(item), entryFor, count, this.sampleRate, this.path);
    });
    this.inTable = this.states.map(() => null);
    this.mixer.table.fill(0, 0, this.states.length * entryFloats(this.mixer.paddedOutputs));
    // a segment of a parallel pass starts deep in a long master
    if (frame > 0) {
      for (const st of this.states) {
        st.skimTo(frame);
        st.advance(frame);
      }
    }
    this.frame = frame;
  }

  /**
   * Render `frames` frames of the file's channels (planar; input[track]) into `outputs[layout][channel]`.
   * A caller that read the block straight into `inputsFor()`'s arrays saves the copy into the mixer.
   */
  render(input: Float32Array[], frames: number): void {
    const m = this.mixer;
    const entryLength = entryFloats(m.paddedOutputs);
    for (let c0 = 0; c0 < frames; c0 += m.capacity) {
      const n = Math.min(m.capacity, frames - c0);
      this.slotTracks.forEach((track, slot) => {
        const src = input[track]!;
        const dst = m.inputs[slot]!;
        if (c0 > 0 || src.buffer !== dst.buffer || src.byteOffset !== dst.byteOffset) dst.set(src.subarray(c0, c0 + n));
      });
      for (const o of m.outputs) o.fill(0, 0, n);
      const f0 = this.frame + c0;
      const f1 = f0 + n;
      // spans where no item's gains change course: every item of a span goes to the kernel in one call
      for (let pos = f0; pos < f1; ) {
        let end = f1;
        for (const st of this.states) {
          const s = st.advance(pos);
          if (!s) continue;
          const next = s.first > pos ? s.first : s.last;
          if (next < end) end = next;
        }
        // entry k is item k's: rewritten when its segment changes, silenced (mask 0) between its segments
        const states = this.states;
        for (let k = 0; k < states.length; k++) {
          const st = states[k]!;
          const s = st.advance(pos);
          const base = k * entryLength;
          if (!s || s.first > pos || s.mask === 0) {
            if (this.inTable[k] !== null) {
              m.table[base + 1] = 0;
              this.inTable[k] = null;
            }
            continue;
          }
          if (this.inTable[k] !== s) {
            m.table.set(s.entry, base);
            m.table[base] = st.slot;
            this.inTable[k] = s;
          }
          // the ramp's position at the span's first sample (BS.2127 7.2 linear interpolation)
          if (s.ramp) m.table.fill((pos - s.startPos) / (s.endPos - s.startPos), base + 4, base + 8);
        }
        m.mix(states.length, pos - f0, end - f0);
        pos = end;
      }
      // what ends with the chunk is dropped now: the next block is read (and checked) as the single pass always did
      for (const st of this.states) st.advance(f1);
      if (!this.direct) {
        this.outputs.forEach((outs, l) => outs.forEach((o, c) => o.set(m.outputs[this.offsets[l]! + c]!.subarray(0, n), c0)));
      }
    }
    this.frame += frames;
  }

  /**
   * Arrays a caller may read the file's block into (index = track, length maxFrames) so the render needs
   * no copy: the mixer's own inputs for the tracks it plays when a block fits it, else null.
   */
  inputsFor(channels: number): Float32Array[] | null {
    if (!this.direct) return null;
    return Array.from({ length: channels }, (_, t) => {
      const slot = this.slotOf.get(t);
      return slot === undefined ? new Float32Array(this.maxFrames) : this.mixer.inputs[slot]!.subarray(0, this.maxFrames);
    });
  }

  /**
   * Where a reader may decode a block of a file of `channels` tracks straight into the mixer's inputs
   * (each track into its slot), or null: no kernel, slots not one per track, or a block longer than the mixer's.
   */
  pcmTarget(channels: number): PcmDecodeTarget | null {
    const identity = this.slotTracks.length === channels && this.slotTracks.every((t, s) => t === s);
    return this.direct && identity ? this.mixer.decoder : null;
  }

  /** Blocks parsed and waiting, over all items: bounded by the cursors' windows, not by the master's length. */
  heldBlocks(): number {
    return this.states.reduce((n, s) => n + s.held(), 0);
  }

  close(): void {
    this.feed.close();
  }
}

/** Frames the renderer hands the mixer at once (the kernel's capacity). */
const MIXER_FRAMES = 8192;

export type { ScanChannel };
