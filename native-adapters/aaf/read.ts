/**
 * AAF → Session: choose the composition, flatten its sound slots into clips (Sequences, Fillers,
 * Transitions that overlap their neighbours, OperationGroups for gain and channel combining, MC's
 * mute Selectors), follow each SourceClip through MasterMob → SourceMob to the file descriptor and
 * its locator (or embedded essence), convert edit rates at every hop, and read the primary timecode.
 */
import path from 'node:path';
import { DubstageError } from '../../src/errors.js';
import { filePathFromUrl } from '../../src/session/media.js';
import type { Clip, FadeShape, Marker, MediaRef, ReadOptions, Session, Track } from '../../src/session/model.js';
import {
  addTime,
  compareTime,
  formatTimecode,
  parseFrameRate,
  rescaleTime,
  subtractTime,
  type Rational,
  type RationalTime,
} from '../../src/session/time.js';
import { DATA_DEF, DEF, PID } from './model.js';
import { AafFile, NULL_MOB_ID, type AafObject } from './objects.js';

type DataKind = 'sound' | 'picture' | 'timecode' | 'edgecode' | 'descriptive' | 'other';

/** One channel's source, resolved to media. */
interface ChannelSource {
  mediaId: string | null;
  /**
   * Offset into the media, exact: at the media slot's rate when it is a whole count there, else at the
   * rate it was given in (a 29.97 fps start of 1 frame is 1601.6 samples at 48 kHz: kept as 1 frame).
   */
  sourceStart: RationalTime;
  channel: number | null;
  masterName: string;
  /** The media slot's edit rate, which mediaLength and derivedStart count in. */
  mediaRate?: Rational;
  /** Length of the file slot the source plays, at mediaRate (null when not known). */
  mediaLength?: number | null;
  /** Where the file's own source clip starts in what it derives from (Pro Tools: the session timeline), at mediaRate. */
  derivedStart?: number | null;
}

/** A clip on the composition timeline before fade pieces are folded, in composition edit units. */
interface Piece {
  start: number;
  length: number;
  sources: ChannelSource[];
  name: string;
  gainDb: number;
  muted: boolean;
  fadeIn: number;
  fadeOut: number;
  fadeInShape?: FadeShape;
  fadeOutShape?: FadeShape;
}

interface Ctx {
  file: AafFile;
  mobs: Map<string, AafObject>;
  essence: Set<string>;
  media: Map<string, MediaRef>;
  warnings: string[];
  warned: Set<string>;
}

function warnOnce(ctx: Ctx, key: string, message: string): void {
  if (ctx.warned.has(key)) return;
  ctx.warned.add(key);
  ctx.warnings.push(message);
}

function dataKind(ctx: Ctx, component: AafObject): DataKind {
  const key = component.weakKey(PID.DataDefinition);
  if (!key) return 'other';
  const known = DATA_DEF[key];
  if (known) return known;
  // an unlisted definition: go by its name; Avid's SoundMasterTrack and DataEssenceTrack are not audio tracks
  let name = '';
  try {
    name = component.weak(PID.DataDefinition)?.string(PID.DefinitionName) ?? '';
  } catch {
    return 'other';
  }
  if (/^(DataDef_)?(Legacy)?Sound$/i.test(name)) return 'sound';
  if (/timecode/i.test(name)) return 'timecode';
  return 'other';
}

function rateOf(slot: AafObject): Rational | null {
  const r = slot.rational(PID.EditRate) ?? slot.rational(PID.EventEditRate);
  return r && r.num > 0 && r.den > 0 ? r : null;
}

/** value at rate `from` → value at rate `to`, exact when it is a whole count. */
/** A time as a whole count at `rate` when it is one there, else null (the exact test, no tolerance). */
function unitsAt(t: RationalTime, rate: Rational): number | null {
  const r = rescaleTime(t, rate, 'floor');
  return compareTime(r, t) === 0 ? r.value : null;
}

/** The same time at `rate` when it is a whole count there, else as it is (exact either way). */
function exactAt(t: RationalTime, rate: Rational): RationalTime {
  const v = unitsAt(t, rate);
  return v === null ? t : { value: v, rate };
}

function convert(value: number, from: Rational, to: Rational): number {
  if (from.num === to.num && from.den === to.den) return value;
  const v = (value * to.num * from.den) / (to.den * from.num);
  const r = Math.round(v);
  return Math.abs(v - r) < 1e-6 ? r : v;
}

/** A gain of zero is silence: −144 dB (below 24-bit resolution) keeps the value a finite JSON number. */
const SILENCE_DB = -144;

function linearToDb(x: number): number {
  return x > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(x)) : SILENCE_DB;
}

/** A gain parameter value (Rational or integer, as an Indirect) → linear. */
function indirectNumber(v: { type: string; value: Buffer } | null): number | null {
  if (!v) return null;
  if (v.type === DEF.TypeRational && v.value.length >= 8) {
    const den = v.value.readInt32LE(4);
    return den === 0 ? null : v.value.readInt32LE(0) / den;
  }
  if ((v.type === DEF.TypeInt32 || v.type === DEF.TypeUInt32) && v.value.length >= 4) return v.value.readInt32LE(0);
  return null;
}

/** Gain in dB from an audio-gain OperationGroup's Amplitude parameter; automation → its first point. */
function gainOf(ctx: Ctx, group: AafObject, where: string): number {
  for (const param of group.vector(PID.Parameters)) {
    const def = param.auid(PID.ParameterDefinition);
    if (def !== DEF.Amplitude) continue;
    if (param.has(PID.ConstantValueValue)) {
      const v = indirectNumber(param.indirect(PID.ConstantValueValue));
      if (v !== null) return linearToDb(v);
    }
    const points = param.vector(PID.PointList);
    const values = points.map((p) => indirectNumber(p.indirect(PID.ControlPointValue))).filter((v): v is number => v !== null);
    if (values.length > 0) {
      if (values.some((v) => Math.abs(v - values[0]!) > 1e-9)) {
        warnOnce(ctx, `auto:${where}`, `${where}: clip gain automation is read as each clip's first point`);
      }
      return linearToDb(values[0]!);
    }
  }
  return 0;
}

// ---------------------------------------------------------------- source chain

function slotById(mob: AafObject, slotId: number): AafObject | null {
  for (const s of mob.vector(PID.Slots)) if (s.u32(PID.SlotID) === slotId) return s;
  return null;
}

/** The component of a slot's segment at `pos` and the offset into it (Sequences searched in order). */
function componentAt(segment: AafObject, pos: number): { comp: AafObject; offset: number } | null {
  if (!segment.isA('Sequence')) return { comp: segment, offset: pos };
  let at = 0;
  for (const c of segment.vector(PID.Components)) {
    const len = c.i64(PID.Length) ?? 0;
    if (c.isA('Transition')) {
      at -= len;
      continue;
    }
    if (pos < at + len || len === 0) {
      if (pos >= at) return { comp: c, offset: pos - at };
    }
    at += len;
  }
  return null;
}

function fileDescriptor(desc: AafObject | null): AafObject | null {
  if (!desc) return null;
  if (desc.isA('MultipleDescriptor')) {
    for (const d of desc.vector(PID.FileDescriptors)) if (d.isA('SoundDescriptor') || d.isA('WAVEDescriptor') || d.isA('AIFCDescriptor')) return d;
    return desc;
  }
  return desc.isA('FileDescriptor') ? desc : null;
}

/** Channels and rate from a WAVE `fmt ` chunk or an AIFC `COMM` chunk held in a descriptor's Summary. */
function summaryFormat(summary: Buffer | null): { channels: number; sampleRate: number } | null {
  if (!summary || summary.length < 12) return null;
  const id = summary.toString('latin1', 0, 4);
  if (id === 'RIFF' || id === 'RF64') {
    for (let at = 12; at + 8 <= summary.length; ) {
      const cid = summary.toString('latin1', at, at + 4);
      const size = summary.readUInt32LE(at + 4);
      if (cid === 'fmt ' && at + 16 <= summary.length) return { channels: summary.readUInt16LE(at + 10), sampleRate: summary.readUInt32LE(at + 12) };
      at += 8 + size + (size & 1);
    }
  }
  if (id === 'FORM') {
    for (let at = 12; at + 8 <= summary.length; ) {
      const cid = summary.toString('latin1', at, at + 4);
      const size = summary.readUInt32BE(at + 4);
      if (cid === 'COMM' && at + 26 <= summary.length) {
        return { channels: summary.readUInt16BE(at + 8), sampleRate: extended80(summary, at + 16) };
      }
      at += 8 + size + (size & 1);
    }
  }
  return null;
}

/** IEEE 754 80-bit extended (AIFF sample rate). */
function extended80(b: Buffer, at: number): number {
  const exp = b.readUInt16BE(at) & 0x7fff;
  const hi = b.readUInt32BE(at + 2);
  const lo = b.readUInt32BE(at + 6);
  if (exp === 0 && hi === 0 && lo === 0) return 0;
  return Math.round((hi * 2 ** 32 + lo) * 2 ** (exp - 16383 - 63));
}

function mediaFor(ctx: Ctx, sourceMob: AafObject, mobId: string, masterName: string): MediaRef {
  let ref = ctx.media.get(mobId);
  if (ref) return ref;
  const desc = fileDescriptor(sourceMob.strong(PID.EssenceDescription));
  const embedded = ctx.essence.has(mobId);
  const url = locatorOf(ctx, sourceMob);
  let channels: number | null = null;
  let sampleRate: number | null = null;
  if (desc) {
    const fmt = summaryFormat(desc.data(PID.WaveSummary) ?? desc.data(PID.AifcSummary));
    if (fmt) {
      channels = fmt.channels;
      sampleRate = fmt.sampleRate;
    }
    channels ??= desc.u32(PID.Channels);
    const r = desc.rational(PID.AudioSamplingRate) ?? desc.rational(PID.SampleRate);
    if (sampleRate === null && r && r.den > 0) sampleRate = Math.round(r.num / r.den);
  }
  const fileName = url ? path.basename(filePathFromUrl(url).replace(/\\/g, '/')) : null;
  ref = {
    id: mobId,
    name: fileName || masterName || sourceMob.string(PID.MobName) || '',
    path: embedded ? null : url ? filePathFromUrl(url) : null,
    resolvedPath: null,
    embedded,
    channels,
    sampleRate,
  };
  ctx.media.set(mobId, ref);
  return ref;
}

/** The first location a descriptor's locators give: a NetworkLocator URL, else a TextLocator name. */
function descriptorLocator(desc: AafObject | null): string | null {
  if (!desc) return null;
  const descs = [desc, ...(desc.isA('MultipleDescriptor') ? desc.vector(PID.FileDescriptors) : [])];
  for (const d of descs) {
    for (const loc of d.vector(PID.Locator)) {
      const u = loc.string(PID.URLString) ?? loc.string(PID.TextLocatorName);
      if (u && u.trim()) return u.trim();
    }
  }
  return null;
}

/**
 * Where a file SourceMob's essence is: its own descriptor's locator, else the locator of a source
 * it derives from (Logic Pro puts the WAVE file's file:// URL on the import SourceMob below the
 * file mob, not on the file mob itself).
 */
function locatorOf(ctx: Ctx, sourceMob: AafObject): string | null {
  let mob: AafObject | null = sourceMob;
  const seen = new Set<AafObject>();
  for (let hop = 0; mob && hop < 8 && !seen.has(mob); hop++) {
    seen.add(mob);
    const u = descriptorLocator(mob.strong(PID.EssenceDescription));
    if (u) return u;
    const sc: AafObject | null = mob.vector(PID.Slots).map(firstSourceClip).find((c) => c !== null) ?? null;
    const next: string | null = sc ? sc.mobId(PID.SourceID) : null;
    mob = next && next !== NULL_MOB_ID ? ctx.mobs.get(next) ?? null : null;
    if (mob && !mob.isA('SourceMob')) break;
  }
  return null;
}

/** The first SourceClip a slot plays (directly or first in its Sequence). */
function firstSourceClip(slot: AafObject): AafObject | null {
  const seg = slot.strong(PID.Segment);
  if (!seg) return null;
  if (seg.isA('SourceClip')) return seg;
  if (seg.isA('Sequence')) return seg.vector(PID.Components).find((c) => c.isA('SourceClip')) ?? null;
  return null;
}

/**
 * Which channel of a multichannel file a clip plays: a MasterMob gives each channel of one file
 * slot its own mono slot, in PhysicalTrackNumber order (Resolve DR_Multichannel_5.1_single_source:
 * six master slots on one 6-channel WAV). Failing that, the file slot's own track number.
 */
function channelInFile(master: { mob: AafObject; slot: AafObject } | null, fileMobId: string, fileSlotId: number, fileSlot: AafObject): number | null {
  if (master) {
    const siblings = master.mob
      .vector(PID.Slots)
      .filter((s) => {
        const sc = firstSourceClip(s);
        return sc !== null && sc.mobId(PID.SourceID) === fileMobId && sc.u32(PID.SourceMobSlotID) === fileSlotId;
      })
      .map((s, i) => ({ s, key: s.u32(PID.PhysicalTrackNumber) ?? i }))
      .sort((a, b) => a.key - b.key)
      .map((x) => x.s);
    const index = siblings.indexOf(master.slot);
    if (siblings.length > 1 && index >= 0) return index + 1;
  }
  return fileSlot.u32(PID.PhysicalTrackNumber);
}

/**
 * Follow a SourceClip down the mob chain to the file SourceMob. `start` is in `rate` units (the
 * referencing slot's edit rate) and is converted at every hop.
 */
function resolveSource(ctx: Ctx, clip: AafObject, rate: Rational, where: string): ChannelSource {
  let mobId = clip.mobId(PID.SourceID) ?? NULL_MOB_ID;
  let slotId = clip.u32(PID.SourceMobSlotID) ?? 0;
  // where the clip starts in what it refers to, exact across every hop's edit rate
  let pos: RationalTime = { value: clip.i64(PID.StartTime) ?? 0, rate };
  let masterName = '';
  let master: { mob: AafObject; slot: AafObject } | null = null;
  for (let hop = 0; hop < 16; hop++) {
    if (mobId === NULL_MOB_ID) break;
    const mob = ctx.mobs.get(mobId);
    if (!mob) {
      warnOnce(ctx, `mob:${mobId}`, `${where}: clip refers to mob ${mobId.slice(-32)}, which is not in the file`);
      break;
    }
    const slot = slotById(mob, slotId);
    if (!slot) {
      warnOnce(ctx, `slot:${mobId}:${slotId}`, `${where}: clip refers to slot ${slotId} of '${mob.string(PID.MobName) ?? ''}', which it does not have`);
      break;
    }
    const slotRate = rateOf(slot) ?? pos.rate;
    // the whole edit unit of this slot that holds the position, and what is left of it below one unit
    const inSlot = rescaleTime(pos, slotRate, 'floor');
    const below = subtractTime(pos, inSlot);
    // the clip is named after what the composition points at: a master clip or a subclip
    if (hop === 0 && !mob.isA('SourceMob')) masterName = mob.string(PID.MobName) ?? '';
    if (mob.isA('MasterMob')) {
      masterName ||= mob.string(PID.MobName) ?? '';
      master = { mob, slot };
    }
    if (mob.isA('SourceMob')) {
      const desc = mob.strong(PID.EssenceDescription);
      if (fileDescriptor(desc)) {
        const media = mediaFor(ctx, mob, mobId, masterName);
        const channel = (media.channels ?? 1) > 1 ? channelInFile(master, mobId, slotId, slot) : null;
        const fileSeg = slot.strong(PID.Segment);
        const mediaLength = fileSeg?.i64(PID.Length) ?? null;
        const derivedStart = fileSeg?.isA('SourceClip') ? fileSeg.i64(PID.StartTime) : null;
        // not a whole count of the media's units: keep it in the composition's edit units, where it is one
        const sourceStart = below.value === 0 ? inSlot : exactAt(pos, rate);
        return { mediaId: media.id, sourceStart, channel, masterName, mediaRate: slotRate, mediaLength, derivedStart };
      }
    }
    const seg = slot.strong(PID.Segment);
    let hit = seg ? componentAt(seg, inSlot.value) : null;
    // subclips and master clips may wrap their source in an effect, a selector or a sequence
    for (let depth = 0; hit && !hit.comp.isA('SourceClip') && depth < 16; depth++) {
      const c: AafObject = hit.comp;
      const inner = c.isA('OperationGroup') ? c.vector(PID.InputSegments)[0] : c.isA('Selector') ? c.strong(PID.Selected) : null;
      if (inner) hit = { comp: inner, offset: hit.offset };
      else if (c.isA('Sequence')) hit = componentAt(c, hit.offset);
      else hit = null;
    }
    if (!hit || !hit.comp.isA('SourceClip')) break;
    mobId = hit.comp.mobId(PID.SourceID) ?? NULL_MOB_ID;
    slotId = hit.comp.u32(PID.SourceMobSlotID) ?? 0;
    const next: RationalTime = { value: (hit.comp.i64(PID.StartTime) ?? 0) + hit.offset, rate: slotRate };
    pos = below.value === 0 ? next : addTime(next, below);
  }
  return { mediaId: null, sourceStart: { value: clip.i64(PID.StartTime) ?? 0, rate }, channel: null, masterName };
}

// ---------------------------------------------------------------- flattening

interface Flat {
  pieces: Piece[];
  volumeDb: number;
  channels: number;
}

const MAX_NESTING = 64;

function tooDeep(ctx: Ctx, where: string): DubstageError {
  return new DubstageError({ code: 'bad-session', message: `${ctx.file.path}: ${where}: effects nested more than ${MAX_NESTING} deep (a loop in the file?)`, path: ctx.file.path });
}

/** The source clips one segment plays, per channel, with gain; null when it plays nothing. */
function clipSources(ctx: Ctx, seg: AafObject, rate: Rational, where: string, depth = 0): { sources: ChannelSource[]; gainDb: number; muted: boolean } | null {
  if (depth > MAX_NESTING) throw tooDeep(ctx, where);
  if (seg.isA('SourceClip')) {
    if ((seg.mobId(PID.SourceID) ?? NULL_MOB_ID) === NULL_MOB_ID) return null;
    return { sources: [resolveSource(ctx, seg, rate, where)], gainDb: 0, muted: false };
  }
  if (seg.isA('OperationGroup')) {
    const op = seg.weakKey(PID.Operation);
    const inputs = seg.vector(PID.InputSegments);
    if (op === DEF.AudioChannelCombiner) {
      const sources: ChannelSource[] = [];
      let gainDb = 0;
      let muted = false;
      for (const input of inputs) {
        const s = clipSources(ctx, input, rate, where, depth + 1);
        if (s) {
          sources.push(...s.sources);
          gainDb = s.gainDb;
          muted ||= s.muted;
        } else sources.push({ mediaId: null, sourceStart: { value: 0, rate }, channel: null, masterName: '' });
      }
      return sources.some((s) => s.mediaId !== null || s.masterName) ? { sources, gainDb, muted } : null;
    }
    const inner = inputs[0] ? clipSources(ctx, inputs[0], rate, where, depth + 1) : null;
    if (!inner) return null;
    if (op === DEF.MonoAudioGain || op === DEF.StereoAudioGain) inner.gainDb += gainOf(ctx, seg, where);
    else warnOnce(ctx, `op:${op}`, `${where}: effect ${opName(ctx, seg)} is not applied (clip read without it)`);
    return inner;
  }
  if (seg.isA('Selector')) {
    // Media Composer mutes a clip by selecting a Filler and keeping the clip as an alternate
    const selected = seg.strong(PID.Selected);
    if (selected && !selected.isA('Filler')) return clipSources(ctx, selected, rate, where, depth + 1);
    for (const alt of seg.vector(PID.Alternates)) {
      const s = clipSources(ctx, alt, rate, where, depth + 1);
      if (s) return { ...s, muted: true };
    }
    return null;
  }
  if (seg.isA('Sequence')) {
    // a nested sequence inside an effect (Media Composer's Audio Warp, Motion Control) holding one clip
    const parts = seg.vector(PID.Components).filter((c) => !c.isA('Filler'));
    if (parts.length === 1) return clipSources(ctx, parts[0]!, rate, where, depth + 1);
    if (parts.length > 1) warnOnce(ctx, `nested:${where}`, `${where}: a nested sequence of ${parts.length} pieces inside an effect is read as its first piece`);
    return parts[0] ? clipSources(ctx, parts[0], rate, where, depth + 1) : null;
  }
  if (seg.isA('EssenceGroup')) {
    const first = seg.vector(PID.Choices)[0];
    return first ? clipSources(ctx, first, rate, where, depth + 1) : null;
  }
  return null;
}

function opName(ctx: Ctx, group: AafObject): string {
  try {
    const def = group.weak(PID.Operation);
    const name = def?.string(PID.DefinitionName);
    if (name) return `'${name}'`;
  } catch {
    // a missing definition only costs the name in a message
  }
  return `{${group.weakKey(PID.Operation)}}`;
}

/** Avid's audio-dissolve curve parameter: 0 linear, 1 equal power (as Media Composer's fade dialog). */
const AVID_DISSOLVE_CURVE = '8134fc48-3bd6-4904-9520-7a6360cc7127';

/** The curve of a fade or crossfade Transition: Avid's curve parameter, else the level's interpolation. */
function transitionShape(transition: AafObject): FadeShape | null {
  const group = transition.strong(PID.TransitionOperationGroup);
  if (!group) return null;
  for (const param of group.vector(PID.Parameters)) {
    if (param.auid(PID.ParameterDefinition) === AVID_DISSOLVE_CURVE) {
      const v = indirectNumber(param.indirect(PID.ConstantValueValue));
      if (v === 0) return 'linear';
      if (v === 1) return 'equal-power';
    }
  }
  for (const param of group.vector(PID.Parameters)) {
    if (!param.has(PID.Interpolation)) continue;
    let name = '';
    try {
      name = param.weak(PID.Interpolation)?.string(PID.DefinitionName) ?? '';
    } catch {
      continue;
    }
    if (/^linear/i.test(name)) return 'linear';
    if (/^log/i.test(name)) return 'logarithmic';
    if (/^power/i.test(name)) return 'equal-power';
    if (/^(exp)/i.test(name)) return 'exponential';
    if (name) return 'other';
  }
  return null;
}

function flattenSlot(ctx: Ctx, segment: AafObject, rate: Rational, where: string): Flat {
  const flat: Flat = { pieces: [], volumeDb: 0, channels: 1 };
  let seg = segment;
  // a gain group around the whole sequence is the track's volume, not a clip's gain
  for (let depth = 0; seg.isA('OperationGroup'); depth++) {
    if (depth > MAX_NESTING) throw tooDeep(ctx, where);
    const op = seg.weakKey(PID.Operation);
    const input = seg.vector(PID.InputSegments)[0];
    if (!input || !(input.isA('Sequence') || input.isA('OperationGroup'))) break;
    if (op === DEF.MonoAudioGain || op === DEF.StereoAudioGain) flat.volumeDb += gainOf(ctx, seg, where);
    else if (op !== DEF.AudioPan) warnOnce(ctx, `op:${op}`, `${where}: track effect ${opName(ctx, seg)} is not applied`);
    seg = input;
  }
  const components = seg.isA('Sequence') ? seg.vector(PID.Components) : [seg];
  let pos = 0;
  let pendingFadeIn = 0;
  let pendingShape: FadeShape | null = null;
  let prev: 'clip' | 'gap' = 'gap';
  for (const c of components) {
    const len = c.i64(PID.Length) ?? 0;
    if (c.isA('Transition')) {
      pos -= len;
      const last = flat.pieces[flat.pieces.length - 1];
      // a transition after a clip fades it out; before a clip it fades that clip in (both = crossfade)
      const shape = transitionShape(c);
      if (prev === 'clip' && last) {
        last.fadeOut = len;
        if (shape) last.fadeOutShape = shape;
      }
      pendingFadeIn = len;
      pendingShape = shape;
      continue;
    }
    if (c.isA('Filler') || c.isA('Event')) {
      pos += len;
      prev = 'gap';
      pendingFadeIn = 0;
      continue;
    }
    const s = clipSources(ctx, c, rate, where);
    if (s) {
      flat.channels = Math.max(flat.channels, s.sources.length);
      const first = s.sources[0]!;
      flat.pieces.push({
        start: pos,
        length: len,
        sources: s.sources,
        name: first.masterName || (first.mediaId ? ctx.media.get(first.mediaId)?.name ?? '' : ''),
        gainDb: s.gainDb,
        muted: s.muted,
        fadeIn: pendingFadeIn,
        fadeOut: 0,
        ...(pendingFadeIn > 0 && pendingShape ? { fadeInShape: pendingShape } : {}),
      });
      prev = 'clip';
    } else {
      if (!c.isA('SourceClip') && !c.isA('Selector') && !c.isA('OperationGroup')) {
        warnOnce(ctx, `seg:${c.className}`, `${where}: ${c.className} segments are read as silence`);
      }
      prev = 'gap';
    }
    pendingFadeIn = 0;
    pos += len;
  }
  return flat;
}

// ---------------------------------------------------------------- Pro Tools rendered fades

type PieceKind = 'fade' | 'edit' | null;

/**
 * What Pro Tools renders for an AAF (with "Enforce Media Composer Compatibility"), told by structure,
 * never by name (the names are localized: 'Fade ', 'Fondu', 'Fundido', '페이드', 'サンプル精度編集'…):
 * each piece plays a media file of its own (used by no other piece) that wraps it exactly —
 * a sub-frame edit pad is one edit unit long, from the file's start, in a file one unit long;
 * a rendered fade is played from one unit in, in a file one unit longer at each end, and that file
 * was rendered from the session timeline at the piece's own place (the file's source clip starts
 * where the piece sits, less its one-unit handle). A real clip whose media happens to have
 * one-frame handles (PT_Fades_no_handles) still derives from where it was recorded, not from here.
 */
function renderedKind(p: Piece, uses: Map<string, number>, rate: Rational): PieceKind {
  if (p.sources.length === 0) return null;
  let kind: PieceKind = null;
  for (const src of p.sources) {
    if (!src.mediaId || src.mediaLength === null || src.mediaLength === undefined || !src.mediaRate || uses.get(src.mediaId) !== 1) return null;
    const start = unitsAt(src.sourceStart, rate);
    const length = unitsAt({ value: src.mediaLength, rate: src.mediaRate }, rate);
    let k: PieceKind = null;
    if (p.length === 1 && start === 0 && length === 1) k = 'edit';
    else if (start === 1 && length === p.length + 2 && src.derivedStart !== null && src.derivedStart !== undefined) {
      const placed = unitsAt(addTime({ value: src.derivedStart, rate: src.mediaRate }, src.sourceStart), rate);
      if (placed === p.start) k = 'fade';
    }
    if (k === null || (kind !== null && kind !== k)) return null;
    kind = k;
  }
  return kind;
}

/** Kinds for a track's pieces: a 1-unit piece touching a rendered fade is edit padding too. */
function pieceKinds(sorted: Piece[], uses: Map<string, number>, rate: Rational): Map<Piece, PieceKind> {
  const kinds = new Map<Piece, PieceKind>(sorted.map((p) => [p, renderedKind(p, uses, rate)]));
  sorted.forEach((p, i) => {
    if (kinds.get(p) !== null || p.length !== 1) return;
    const prev = sorted[i - 1];
    const next = sorted[i + 1];
    const touchesFade =
      (prev && kinds.get(prev) === 'fade' && prev.start + prev.length === p.start) ||
      (next && kinds.get(next) === 'fade' && p.start + p.length === next.start);
    if (touchesFade) kinds.set(p, 'edit');
  });
  return kinds;
}

/**
 * A clip extended back over its fade plays media that much earlier, when the media has that handle
 * (PT_Fades); without handles (PT_Fades_no_handles) the fade is only in the render, and the source
 * start stays where the clip's own media begins (as src/session/fades.ts does).
 */
function moveSourceBack(p: Piece, extra: number, rate: Rational): void {
  for (const s of p.sources) {
    const earlier = subtractTime(s.sourceStart, { value: extra, rate });
    if (earlier.value >= 0) s.sourceStart = exactAt(earlier, s.sourceStart.rate);
  }
}

/**
 * Pro Tools (with "Enforce Media Composer Compatibility") renders fades as 'Fade ' clips and pads
 * sub-frame edits with 1-frame 'Sample accurate edit' clips. Within each run of touching pieces, the
 * rendered pieces before the first real clip are its fade-in, those after the last its fade-out,
 * and those between two clips a crossfade both clips extend over. A run without a real clip stays.
 */
function foldRenderedFades(pieces: Piece[], uses: Map<string, number>, where: string, rate: Rational, warnings: string[]): Piece[] {
  const sorted = [...pieces].sort((a, b) => a.start - b.start);
  const kinds = pieceKinds(sorted, uses, rate);
  const kindOf = (p: Piece) => kinds.get(p) ?? null;
  if (!sorted.some((p) => kindOf(p) !== null)) return pieces;
  const out: Piece[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i + 1;
    while (j < sorted.length && sorted[j]!.start === sorted[j - 1]!.start + sorted[j - 1]!.length) j++;
    const run = sorted.slice(i, j);
    const real = run.filter((p) => kindOf(p) === null);
    if (real.length === 0) {
      for (const p of run) {
        warnings.push(`${where}: rendered '${p.name.trim()}' clip at ${((p.start * rate.den) / rate.num).toFixed(3)} s has no clip to belong to; kept as a clip`);
        out.push(p);
      }
    } else {
      const firstIdx = run.indexOf(real[0]!);
      const lastIdx = run.indexOf(real[real.length - 1]!);
      const head = run.slice(0, firstIdx);
      if (head.length > 0) {
        const first = real[0]!;
        const extra = first.start - head[0]!.start;
        first.start -= extra;
        first.length += extra;
        if (head.some((p) => kindOf(p) === 'fade')) first.fadeIn = extra;
        moveSourceBack(first, extra, rate);
      }
      const tail = run.slice(lastIdx + 1);
      if (tail.length > 0) {
        const last = real[real.length - 1]!;
        const extra = tail[tail.length - 1]!.start + tail[tail.length - 1]!.length - (last.start + last.length);
        last.length += extra;
        if (tail.some((p) => kindOf(p) === 'fade')) last.fadeOut = extra;
      }
      for (let k = 0; k + 1 < real.length; k++) {
        const a = real[k]!;
        const b = real[k + 1]!;
        const between = run.slice(run.indexOf(a) + 1, run.indexOf(b));
        if (between.length === 0) continue;
        const from = between[0]!.start;
        const to = between[between.length - 1]!.start + between[between.length - 1]!.length;
        if (between.some((p) => kindOf(p) === 'fade')) {
          // a rendered crossfade: both clips play across it
          a.length = to - a.start;
          a.fadeOut = to - from;
          const extra = b.start - from;
          b.start = from;
          b.length += extra;
          b.fadeIn = to - from;
          moveSourceBack(b, extra, rate);
        } else {
          // only sub-frame edit padding: the outgoing clip runs to the incoming one
          a.length = b.start - a.start;
        }
      }
      out.push(...real);
    }
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------- composition

interface CompInfo {
  mob: AafObject;
  name: string;
  audioClips: number;
}

function countAudio(ctx: Ctx, mob: AafObject): number {
  let n = 0;
  for (const slot of mob.vector(PID.Slots)) {
    const seg = slot.strong(PID.Segment);
    if (!seg || dataKind(ctx, seg) !== 'sound' || !slot.isA('TimelineMobSlot')) continue;
    const comps = seg.isA('Sequence') ? seg.vector(PID.Components) : [seg];
    n += comps.filter((c) => !c.isA('Filler') && !c.isA('Transition')).length;
  }
  return n;
}

function chooseComposition(ctx: Ctx, options: ReadOptions, filePath: string): AafObject {
  const comps = [...ctx.mobs.values()].filter((m) => m.isA('CompositionMob'));
  if (comps.length === 0) throw new DubstageError({ code: 'bad-session', message: `${filePath}: the AAF holds no composition (CompositionMob)`, path: filePath });
  const info = (m: AafObject): CompInfo => ({ mob: m, name: m.string(PID.MobName) ?? '', audioClips: countAudio(ctx, m) });
  if (options.composition !== undefined) {
    const want = options.composition;
    const hit = comps.find((m) => m.string(PID.MobName) === want) ?? comps.find((m) => (m.string(PID.MobName) ?? '').toLowerCase() === want.toLowerCase());
    if (!hit) {
      throw new DubstageError({
        code: 'usage',
        message: `${filePath}: no composition named '${want}' (compositions: ${comps.map((m) => `'${m.string(PID.MobName) ?? ''}'`).join(', ')})`,
        path: filePath,
      });
    }
    return hit;
  }
  let candidates = comps.filter((m) => m.auid(PID.UsageCode) === DEF.UsageTopLevel);
  if (candidates.length === 0) {
    // no usage codes: compositions no other composition uses
    const used = new Set<string>();
    for (const m of comps) {
      for (const slot of m.vector(PID.Slots)) {
        const seg = slot.strong(PID.Segment);
        const comps2 = seg ? (seg.isA('Sequence') ? seg.vector(PID.Components) : [seg]) : [];
        for (const c of comps2) if (c.isA('SourceClip')) used.add(c.mobId(PID.SourceID) ?? '');
      }
    }
    candidates = comps.filter((m) => !used.has(m.mobId(PID.MobID) ?? ''));
    if (candidates.length === 0) candidates = comps;
  }
  if (candidates.length === 1) return candidates[0]!;
  const infos = candidates.map(info);
  let best = infos[0]!;
  for (const i of infos) if (i.audioClips > best.audioClips) best = i;
  ctx.warnings.push(
    `${infos.length} top-level compositions; read '${best.name}' (most audio). Others: ${infos
      .filter((i) => i !== best)
      .map((i) => `'${i.name}'`)
      .join(', ')} (choose one with --composition NAME)`,
  );
  return best.mob;
}

interface TimecodeInfo {
  frameRate: Rational;
  dropFrame: boolean;
  startFrames: number;
  fps: number;
}

function readTimecode(ctx: Ctx, comp: AafObject): TimecodeInfo | null {
  const tcSlots: { slot: AafObject; tc: AafObject }[] = [];
  for (const slot of comp.vector(PID.Slots)) {
    if (!slot.isA('TimelineMobSlot')) continue;
    const seg = slot.strong(PID.Segment);
    if (!seg) continue;
    const tc = seg.isA('Timecode') ? seg : seg.isA('Sequence') ? seg.vector(PID.Components).find((c) => c.isA('Timecode')) : undefined;
    if (tc) tcSlots.push({ slot, tc });
  }
  if (tcSlots.length === 0) return null;
  // the primary timecode is the Timecode slot with PhysicalTrackNumber 1 (Edit Protocol)
  const primary = tcSlots.find((t) => t.slot.u32(PID.PhysicalTrackNumber) === 1) ?? tcSlots[0]!;
  const rate = rateOf(primary.slot);
  const fps = primary.tc.u16(PID.TimecodeFPS) ?? (rate ? Math.round(rate.num / rate.den) : 25);
  const drop = primary.tc.bool(PID.TimecodeDrop) ?? false;
  const frameRate = timecodeFrameRate(fps, drop, rate);
  // Start counts frames at FPS; the slot's Origin counts its own edit units (samples in Logic's files)
  const origin = primary.slot.i64(PID.Origin) ?? 0;
  const originFrames = rate && origin !== 0 ? Math.round(convert(origin, rate, frameRate)) : 0;
  return { frameRate, dropFrame: drop, startFrames: (primary.tc.i64(PID.TimecodeStart) ?? 0) + originFrames, fps };
}

/**
 * The frame rate a Timecode segment states: its FPS and drop flag. The slot's edit rate only counts
 * the segment's length; it is the exact frame rate when it is one near FPS (30000/1001 for FPS 30),
 * but Logic Pro writes its timecode slot at the sample rate (48000/1) with FPS 30 and Drop set.
 */
export function timecodeFrameRate(fps: number, drop: boolean, slotRate: Rational | null): Rational {
  if (slotRate) {
    const r = slotRate.num / slotRate.den;
    if (fps > 0 && Math.abs(r - fps) <= fps * 0.002) return parseFrameRate(r);
    if (fps <= 0) return parseFrameRate(r);
  }
  // drop-frame timecode only exists at the 1000/1001 rates
  return drop ? { num: fps * 1000, den: 1001 } : { num: Math.max(1, fps), den: 1 };
}

function readMarkers(ctx: Ctx, comp: AafObject): Marker[] {
  const markers: Marker[] = [];
  const userPid = ctx.file.dynamicPid('CommentMarkerUSer');
  for (const slot of comp.vector(PID.Slots)) {
    const rate = rateOf(slot);
    const seg = slot.strong(PID.Segment);
    if (!rate || !seg) continue;
    const comps = seg.isA('Sequence') ? seg.vector(PID.Components) : [seg];
    for (const c of comps) {
      if (!c.isA('CommentMarker')) continue;
      const pos = c.i64(PID.EventPosition) ?? 0;
      const comment = c.string(PID.EventComment) ?? '';
      const label = userPid !== null ? c.string(userPid) ?? '' : '';
      const len = c.i64(PID.Length);
      const marker: Marker = { name: label || comment, start: { value: pos, rate } };
      if (comment && label) marker.comment = comment;
      if (len && len > 1) marker.duration = { value: len, rate };
      markers.push(marker);
    }
  }
  return markers.sort((a, b) => (a.start.value * a.start.rate.den) / a.start.rate.num - (b.start.value * b.start.rate.den) / b.start.rate.num);
}

export function readAafSession(filePath: string, options: ReadOptions): Session {
  const file = AafFile.open(filePath);
  try {
    const header = file.header;
    const content = header.strong(PID.Content);
    if (!content) throw new DubstageError({ code: 'bad-session', message: `${filePath}: the AAF Header has no ContentStorage`, path: filePath });
    const essence = new Set<string>();
    for (const ed of content.set(PID.EssenceDataSet)) {
      const id = ed.mobId(PID.EssenceDataMobID);
      if (id) essence.add(id);
    }
    const ctx: Ctx = { file, mobs: content.keyedSet(PID.Mobs), essence, media: new Map(), warnings: [...file.cfb.warnings], warned: new Set() };
    const writer = aafWriter(header);
    if (![...ctx.mobs.values()].some((m) => m.isA('CompositionMob')) && options.composition === undefined) {
      // an AAF of master clips only (a bin, pyaaf2's empty.aaf) is a session with no timeline
      return {
        format: 'aaf',
        name: path.basename(filePath, path.extname(filePath)),
        path: filePath,
        frameRate: { num: 25, den: 1 },
        dropFrame: false,
        startTimecode: '00:00:00:00',
        sampleRate: null,
        tracks: [],
        media: [],
        markers: [],
        warnings: [...ctx.warnings, 'no audio tracks: the AAF holds no composition (CompositionMob), only clips; frame rate 25 assumed'],
        frameRateAssumed: true,
        ...(writer ? { writer } : {}),
      };
    }
    const comp = chooseComposition(ctx, options, filePath);
    const compName = comp.string(PID.MobName) ?? path.basename(filePath, path.extname(filePath));
    const tc = readTimecode(ctx, comp);

    const tracks: Track[] = [];
    const keptPieces: Piece[] = [];
    let firstPictureRate: Rational | null = null;
    let firstSoundRate: Rational | null = null;
    const slots = comp.vector(PID.Slots).filter((s) => s.isA('TimelineMobSlot'));
    const soundSlots = slots
      .map((slot) => ({ slot, seg: slot.strong(PID.Segment) }))
      .filter((x): x is { slot: AafObject; seg: AafObject } => x.seg !== null);
    let audioIndex = 0;
    const flattened: { slot: AafObject; rate: Rational; trackName: string; where: string; origin: number; flat: Flat }[] = [];
    for (const { slot, seg } of soundSlots) {
      const kind = dataKind(ctx, seg);
      const rate = rateOf(slot);
      if (!rate) continue;
      if (kind === 'picture') firstPictureRate ??= rate;
      if (kind !== 'sound') continue;
      firstSoundRate ??= rate;
      audioIndex++;
      const trackName = slot.string(PID.SlotName) || `A${slot.u32(PID.PhysicalTrackNumber) ?? audioIndex}`;
      const where = `${compName} / ${trackName}`;
      flattened.push({ slot, rate, trackName, where, origin: slot.i64(PID.Origin) ?? 0, flat: flattenSlot(ctx, seg, rate, where) });
    }
    // how many pieces play each media file: a rendered fade's file is played by its piece alone
    const uses = new Map<string, number>();
    for (const f of flattened) for (const p of f.flat.pieces) for (const src of p.sources) if (src.mediaId) uses.set(src.mediaId, (uses.get(src.mediaId) ?? 0) + 1);
    for (const { rate, trackName, where, origin, flat } of flattened) {
      const pieces = foldRenderedFades(flat.pieces, uses, where, rate, ctx.warnings);
      keptPieces.push(...pieces);
      const toSec = (n: number) => (n * rate.den) / rate.num;
      const clips: Clip[] = pieces.map((p) => {
        const first = p.sources[0]!;
        return {
          name: p.name,
          start: { value: p.start - origin, rate },
          duration: { value: p.length, rate },
          sourceStart: first.sourceStart,
          mediaId: first.mediaId,
          channel: p.sources.length === 1 ? first.channel : null,
          // a multichannel clip of N mono files (Pro Tools 5.1) names a file per channel
          // (one source with no channel: the whole file, spelled out by the registry from its channel count)
          ...(p.sources.length > 1 || first.channel !== null
            ? { channelMedia: p.sources.map((src) => ({ mediaId: src.mediaId, channel: src.channel ?? 1 })) }
            : {}),
          gainDb: p.gainDb,
          fadeInSeconds: toSec(p.fadeIn),
          fadeOutSeconds: toSec(p.fadeOut),
          ...(p.fadeIn > 0 && p.fadeInShape ? { fadeInShape: p.fadeInShape } : {}),
          ...(p.fadeOut > 0 && p.fadeOutShape ? { fadeOutShape: p.fadeOutShape } : {}),
          muted: p.muted,
        };
      });
      const track: Track = { name: trackName, channels: flat.channels, clips };
      if (flat.volumeDb !== 0) track.volumeDb = flat.volumeDb;
      tracks.push(track);
    }

    const frameRate = tc?.frameRate ?? firstPictureRate ?? (firstSoundRate && firstSoundRate.num / firstSoundRate.den < 200 ? parseFrameRate(firstSoundRate.num / firstSoundRate.den) : { num: 25, den: 1 });
    if (!tc) ctx.warnings.push(`${compName}: no timecode track; start taken as 00:00:00:00 at ${frameRate.num}/${frameRate.den}`);
    // timecode counts at the nominal rate the Timecode segment states (its FPS)
    const tcRate = tc ? (tc.fps === Math.round(frameRate.num / frameRate.den) ? frameRate : { num: tc.fps, den: 1 }) : frameRate;
    const startTimecode = formatTimecode(tc?.startFrames ?? 0, tcRate, tc?.dropFrame ?? false);

    // media only rendered fade pieces used were folded away with them
    const used = new Set<string>();
    for (const p of keptPieces) for (const src of p.sources) if (src.mediaId) used.add(src.mediaId);
    const media = [...ctx.media.values()].filter((m) => used.has(m.id));
    const rates = media.map((m) => m.sampleRate).filter((r): r is number => r !== null);
    const sampleRate = rates.length > 0 ? mostCommon(rates) : firstSoundRate && firstSoundRate.den === 1 && firstSoundRate.num >= 8000 ? firstSoundRate.num : null;

    return {
      format: 'aaf',
      name: compName,
      path: filePath,
      frameRate,
      dropFrame: tc?.dropFrame ?? false,
      startTimecode,
      sampleRate,
      tracks,
      media,
      markers: readMarkers(ctx, comp),
      warnings: ctx.warnings,
      ...(tc || firstPictureRate ? {} : { frameRateAssumed: true }),
      ...(writer ? { writer } : {}),
    };
  } finally {
    file.close();
  }
}

/** The application that last wrote the file: the Header's newest Identification (product and version). */
function aafWriter(header: AafObject): string | undefined {
  const ids = header.vector(PID.IdentificationList);
  const last = ids[ids.length - 1];
  if (!last) return undefined;
  const clean = (w: string | null) => (w ?? '').replace(/\0+$/, '').trim();
  const product = clean(last.string(PID.ProductName)) || clean(last.string(PID.CompanyName));
  // Media Composer and Resolve write "Unknown version" here (their version is in ProductVersion's fields)
  const version = clean(last.string(PID.ProductVersionString)).replace(/^unknown version$/i, '');
  return product ? (version ? `${product} ${version}` : product) : undefined;
}

function mostCommon(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0]!;
  for (const [v, n] of counts) if (n > counts.get(best)!) best = v;
  return best;
}
