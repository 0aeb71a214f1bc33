/**
 * `measure --render`: an ADM master's renders measured in the same streaming pass as its bed. The
 * hook wraps the file's source (all tracks): each block the host reads is rendered to every
 * requested layout (BS.2127) and fed to a loudness meter per layout, and optionally written to a WAV.
 * The figure is a BS.2127 render, not Dolby's renderer: every result and the text output say so.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { admLoudnessScope, type AdmReport } from '../../audio/adm/index.js';
import type { ChannelLabel } from '../../audio/channels.js';
import { NonFiniteScrubber, type NonFiniteReport } from '../../analysis/non-finite.js';
import { parseChna } from '../../audio/adm/chna.js';
import { readAudioHeader } from '../../audio/open.js';
import type { AudioHeader, AudioSource } from '../../audio/types.js';
import { WavWriter } from '../../audio/writer.js';
import { LoudnessAnalyzer } from '../../analyzers/loudness.js';
import { RENDER_BLOCK_FRAMES, runAnalyzers } from '../../analysis/host.js';
import { DubstageError, toErrorInfo, type ErrorInfo } from '../../errors.js';
import type { FileMeasurement, RenderMeasurement } from '../../analysis/results.js';
import type { MeasureOptions } from '../../analysis/measure.js';
import { dialogueLoudness } from '../../analysis/dialogue.js';
import { createSpeechAnalyzer, type SpeechAnalyzer } from '../../analyzers/speech.js';
import type { Analyzer } from '../../analyzers/types.js';
import { targetLayout, type TargetLayout } from './layouts.js';
import { scanAdm, type UnrenderedFeatures } from './metadata.js';
import { admFeed, AdmRenderer, planRender, type RenderFeed } from './renderer.js';
import { damfFeed } from './damf.js';
import type { DolbyAtmosReport } from '../../audio/dolby-atmos/index.js';
import { readDbmd, type DbmdSummary } from './dbmd.js';
import type { AdmMasterResult } from './parallel.js';
import { closeSync, openSync, readSync } from 'node:fs';

export const RENDER_METHOD = 'ITU-R BS.2127 render by dubstage (EBU ADM renderer rules), not Dolby\'s renderer: no trims, downmix settings or limiter applied';

export type { RenderLoudness, RenderMeasurement } from '../../analysis/results.js';

export interface RenderRequest {
  /** Layout names as typed ("5.1", "2.0", "0+5+0"). */
  layouts: string[];
  /** Write the (single) layout's render here (WAV, 32-bit float). */
  writePath?: string;
  /** True when no --render was given: the default 5.1 render of a master with objects. */
  byDefault?: boolean;
  /** Detect speech on the first layout's render, for its dialogue-gated loudness (qc on a dialogue-gated profile). */
  speech?: boolean;
}

export function parseRenderList(text: string): TargetLayout[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new DubstageError({ code: 'usage', message: `--render '${text}': name at least one layout, e.g. 5.1,2.0` });
  return names.map(targetLayout);
}

function describeUnrendered(u: UnrenderedFeatures, skipped: Array<{ objectId: string; type: string }>): string[] {
  const out: string[] = [];
  if (u.extent) out.push(`extent (width/height/depth) in ${u.extent} block(s): rendered as point sources`);
  if (u.nearDistance) out.push(`polar distance < 1 in ${u.nearDistance} block(s): rendered at the speakers (BS.2127 would widen them)`);
  if (u.diffuse) out.push(`diffuse in ${u.diffuse} block(s): rendered as direct sound (no decorrelation; same power per speaker)`);
  if (u.zoneExclusion) out.push(`zoneExclusion in ${u.zoneExclusion} block(s): not applied`);
  if (u.screenRef) out.push(`screenRef in ${u.screenRef} block(s): no screen scaling applied`);
  for (const s of skipped) out.push(`audioObject ${s.objectId} (${s.type}): not rendered`);
  return out;
}

function chunkBytes(file: string, offset: number, size: number): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(size);
    const n = readSync(fd, b, 0, size, offset);
    return b.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** What a render of this master needs: fresh feeds (one per pass or seek), the objects it skips, the dbmd. */
export function renderSetup(
  damf: DolbyAtmosReport | null,
  header: AudioHeader,
): { makeFeed: () => RenderFeed; skipped: Array<{ objectId: string; type: string }>; dbmd: DbmdSummary | null } {
  const file = header.path;
  const fmt = header.format;
  if (damf) {
    // a Dolby Atmos master set: the CAF's channels, the .atmos.metadata's events
    const probe = damfFeed(damf, fmt.sampleRate);
    probe.close();
    if (probe.items.length === 0) throw new DubstageError({ code: 'bad-format', message: `${damf.files.atmos}: the set has no bed channels or objects to render`, path: damf.files.atmos });
    return { makeFeed: () => damfFeed(damf, fmt.sampleRate), skipped: [], dbmd: null };
  }
  const axml = header.chunks.find((c) => c.id === 'axml');
  if (!axml) throw new DubstageError({ code: 'bad-format', message: `${file}: no axml chunk to render from`, path: file });
  const chnaChunk = header.chunks.find((c) => c.id === 'chna');
  const chna = chnaChunk ? parseChna(chunkBytes(file, chnaChunk.dataOffset, chnaChunk.size), file, chnaChunk.offset) : null;
  const dbmdChunk = header.chunks.find((c) => c.id === 'dbmd');
  const dbmd = dbmdChunk ? readDbmd(chunkBytes(file, dbmdChunk.dataOffset, dbmdChunk.size)) : null;
  const scan = scanAdm(file, axml.dataOffset, axml.size);
  const plan = planRender(scan, chna, fmt.channels);
  if (plan.items.length === 0) throw new DubstageError({ code: 'bad-format', message: `${file}: the ADM has no DirectSpeakers or Objects tracks to render`, path: file });
  return { makeFeed: () => admFeed(file, scan, plan), skipped: plan.skipped, dbmd };
}

/** A master's tracks by name for a non-finite report: the bed's channel labels, the other tracks `ChN` (the file's track N). */
function trackLabels(report: AdmReport | DolbyAtmosReport, tracks: number): ChannelLabel[] {
  const labels = Array.from({ length: tracks }, (_, k) => `Ch${k + 1}` as ChannelLabel);
  if ('source' in report && report.source === 'damf') {
    for (const c of report.bedDetails.flatMap((b) => b.channels)) if (c.track <= tracks) labels[c.track - 1] = c.label;
  } else {
    const scope = admLoudnessScope(report);
    scope.indices.forEach((k, i) => {
      if (k < tracks) labels[k] = scope.labels[i]!;
    });
  }
  return labels;
}

/** One file's renders: made by the hook, read after the pass. */
export class AdmRenderTap {
  private renderer: AdmRenderer | null = null;
  private meters: LoudnessAnalyzer[] = [];
  private writer: WavWriter | null = null;
  private writeTmp: string | null = null;
  private error: ErrorInfo | null = null;
  private frameOffset = 0;
  private skipped: Array<{ objectId: string; type: string }> = [];
  private speech: SpeechAnalyzer | null = null;
  private speechError: string | null = null;
  private lastFrames = 0;
  private adopted: AdmMasterResult | null = null;
  /** Float masters: NaN/±Inf read as 0 on every track before the render (and counted), as the host does for the bed. */
  private scrubber: NonFiniteScrubber | null = null;
  readonly layouts: TargetLayout[];
  dbmd: DbmdSummary | null = null;

  constructor(private readonly request: RenderRequest) {
    this.layouts = request.layouts.map(targetLayout);
    if (request.writePath && this.layouts.length !== 1) {
      throw new DubstageError({ code: 'usage', message: `--write writes one render: give one layout with --render (got ${this.layouts.map((l) => l.id).join(',')})` });
    }
  }

  /** The layouts when this tap's work can be split across threads (no render written, no speech on it), else null. */
  parallelLayouts(): string[] | null {
    return this.request.writePath || this.request.speech ? null : this.layouts.map((l) => l.id);
  }

  /** Take the renders measured by a parallel pass (src/render/adm/parallel.ts) instead of wrapping a source. */
  adopt(result: AdmMasterResult): void {
    this.adopted = result;
    this.skipped = result.skipped;
    this.dbmd = result.dbmd;
    if (result.renderError) this.error = result.renderError;
  }

  /** Wrap the master's source (all tracks): reads pass through, each block is rendered and measured. */
  wrap(report: AdmReport | DolbyAtmosReport, source: AudioSource): AudioSource {
    const file = source.header.path;
    const fmt = source.header.format;
    // the render reads every track, objects too, before the host's own scrub of the bed: scrubbed here
    if (fmt.sampleFormat === 'float') this.scrubber = new NonFiniteScrubber(fmt.sampleRate, trackLabels(report, fmt.channels));
    try {
      const setup = renderSetup('source' in report && report.source === 'damf' ? report : null, source.header);
      this.skipped = setup.skipped;
      this.dbmd = setup.dbmd;
      const makeFeed = setup.makeFeed;
      this.meters = this.layouts.map((l) => {
        const m = new LoudnessAnalyzer({});
        m.start({ sampleRate: fmt.sampleRate, channelCount: l.speakers.length, channelLabels: l.speakers.map((s) => s.label), frames: fmt.frames });
        return m;
      });
      if (this.request.speech) {
        const l = this.layouts[0]!;
        this.speech = createSpeechAnalyzer();
        this.speech.start({ sampleRate: fmt.sampleRate, channelCount: l.speakers.length, channelLabels: l.speakers.map((s) => s.label), frames: fmt.frames });
      }
      if (this.request.writePath) this.openWriter(file, fmt.sampleRate, fmt.frames);
      let maxFrames = 0;
      const ensure = (frames: number): AdmRenderer => {
        if (!this.renderer || frames > maxFrames) {
          this.renderer?.close();
          maxFrames = Math.max(frames, 4096);
          this.renderer = new AdmRenderer(makeFeed(), this.layouts, fmt.sampleRate, maxFrames);
          this.renderer.reset(this.frameOffset);
        }
        return this.renderer;
      };
      return {
        header: source.header,
        files: source.files,
        // the master's hashes ride the same reads
        ...(source.checksums ? { checksums: () => source.checksums!() } : {}),
        seek: (frame) => {
          source.seek(frame);
          this.frameOffset = frame;
          if (!this.error) this.renderer?.reset(frame);
        },
        read: (out, maxRead) => {
          const got = source.read(out, maxRead);
          if (got > 0) this.scrubber?.scrub(out, got, this.frameOffset);
          if (got > 0 && !this.error) {
            try {
              const r = ensure(maxRead);
              r.render(out, got);
              // written before metering: a meter may filter its block in place
              this.writer?.append(r.outputs[0]!, got);
              this.meters.forEach((m, l) => m.process({ channels: r.outputs[l]!, frames: got, frameOffset: this.frameOffset }));
              this.lastFrames = got;
            } catch (err) {
              this.fail(err, file);
            }
            this.frameOffset += got;
          }
          return got;
        },
        close: () => {
          this.renderer?.close();
          source.close();
        },
      };
    } catch (err) {
      this.fail(err, file);
      return source;
    }
  }

  /**
   * What must ride the host's pass beside the bed's analyzers: the speech detector on the render (its
   * model runs asynchronously, so it cannot sit inside a read). The host calls it right after each read,
   * while the render of that block is still in the outputs.
   */
  analyzers(): Analyzer<unknown>[] {
    if (!this.request.speech) return [];
    return [{ id: 'render-speech', start: () => undefined, process: () => this.feedSpeech(), finish: () => null }];
  }

  private async feedSpeech(): Promise<void> {
    const r = this.renderer;
    if (!this.speech || this.speechError || this.error || !r || this.lastFrames === 0) return;
    try {
      await this.speech.process({ channels: r.outputs[0]!, frames: this.lastFrames, frameOffset: this.frameOffset - this.lastFrames });
    } catch (err) {
      // the speech model failing (ONNX runtime missing) costs the dialogue gate, never the render
      this.speechError = (err as Error).message;
    }
    this.lastFrames = 0;
  }

  /** Where the master's float tracks held NaN/±Inf (read as 0 for the render and the bed's meters), or null. */
  nonFinite(): NonFiniteReport | null {
    return this.scrubber?.report() ?? null;
  }

  /** Objects only (no bed for the meters): the renders get a pass of their own over the file. */
  async measureAlone(report: AdmReport | DolbyAtmosReport, source: AudioSource): Promise<void> {
    const wrapped = this.wrap(report, source);
    if (this.error) return;
    await runAnalyzers(wrapped, this.analyzers(), { blockFrames: RENDER_BLOCK_FRAMES });
  }

  private openWriter(input: string, sampleRate: number, frames: number): void {
    const out = path.resolve(this.request.writePath!);
    let same = false;
    try {
      same = realpathSync(out) === realpathSync(input);
    } catch {
      same = false;
    }
    if (same) throw new DubstageError({ code: 'usage', message: `--write ${out}: that is the input file; a render is never written over its master`, path: out });
    const channels = this.layouts[0]!.speakers.length;
    // past 4 GiB a plain WAV cannot say its size: RF64 then
    const container = frames * channels * 4 > 0xffffff00 ? 'rf64' : 'wav';
    this.writer = new WavWriter(out, { sampleRate, channels, encoding: 'f32le', container });
    this.writeTmp = out;
  }

  private fail(err: unknown, file: string): void {
    this.error = toErrorInfo(err, file);
    this.writer?.abort();
    this.writer = null;
  }

  /** The renders' results (call once, after the pass). */
  results(): RenderMeasurement[] {
    let written: string | undefined;
    if (this.writer) {
      this.writer.close();
      written = this.writeTmp ?? undefined;
    }
    const unrendered = this.adopted?.unrendered ?? this.renderer?.unrendered ?? { extent: 0, diffuse: 0, zoneExclusion: 0, screenRef: 0, nearDistance: 0 };
    const notRendered = describeUnrendered(unrendered, this.skipped);
    return this.layouts.map((l, i) => {
      const base: RenderMeasurement = { layout: l.id, method: RENDER_METHOD, loudness: null, notRendered };
      if (this.error) return { ...base, error: this.error };
      const meter = this.meters[i];
      const r = this.adopted ? this.adopted.renders![i]!.loudness : meter!.finish().loudness;
      const m: RenderMeasurement = {
        ...base,
        loudness: {
          integratedLufs: r.integratedLufs,
          momentaryMaxLufs: r.momentaryMaxLufs,
          shortTermMaxLufs: r.shortTermMaxLufs,
          loudnessRangeLu: r.loudnessRangeLu,
          truePeakDbtp: r.truePeakDbtp,
          samplePeakDbfs: r.samplePeakDbfs,
        },
      };
      if (written && i === 0) m.written = written;
      if (i === 0 && this.speech) {
        if (this.speechError) m.warnings = [`speech detection on the ${l.id} render failed (${this.speechError}): no dialogue-gated figure`];
        else {
          this.speech.finish();
          m.loudness!.dialogue = dialogueLoudness(meter!.blockEnergies(), this.speech.activity(), { programmeLufs: r.integratedLufs });
        }
      }
      return m;
    });
  }
}

/**
 * The measuring pass's `admRender` hook and what to do after it: `request` says per master whether
 * (and to which layouts) it is rendered; `attach` puts the renders and the dbmd on the measurement.
 */
export function renderHook(request: (report: AdmReport | DolbyAtmosReport) => RenderRequest | null): {
  hook: NonNullable<MeasureOptions['admRender']>;
  attach(m: FileMeasurement): AdmRenderTap | null;
} {
  let tap: AdmRenderTap | null = null;
  return {
    hook: (report) => {
      const r = request(report);
      if (!r) return null;
      const t = new AdmRenderTap(r);
      tap = t;
      return {
        wrap: (source) => t.wrap(report, source),
        measureAlone: (source) => t.measureAlone(report, source),
        analyzers: () => t.analyzers(),
        parallelLayouts: () => t.parallelLayouts(),
        adopt: (result) => t.adopt(result),
        nonFinite: () => t.nonFinite(),
      };
    },
    attach: (m) => {
      const t = tap;
      tap = null;
      if (!t) return null;
      const renders = t.results();
      m.renders = renders;
      if (renders.some((r) => r.loudness)) m.warnings.push(`ADM: the whole programme is measured on the renders (${renders.map((r) => r.layout).join(', ')}): a BS.2127 render, not Dolby's renderer`);
      if (t.dbmd) m.dbmd = { tool: t.dbmd.tool, warpMode: t.dbmd.warpMode, trims: t.dbmd.trims, problems: t.dbmd.problems, note: "Dolby's re-render applies these trims; the renders here do not" };
      return t;
    },
  };
}

/** Does this file look like an ADM master (axml present)? Cheap: the chunk table only. */
export function isAdmMaster(file: string): boolean {
  try {
    return readAudioHeader(file).chunks.some((c) => c.id === 'axml');
  } catch {
    return false;
  }
}

/** Text lines for the renders of one file (the CLI appends them to the measure text). */
export function renderRendersText(file: string, renders: RenderMeasurement[], dbmd: DbmdSummary | null): string {
  const f = (v: number | null, unit: string): string => (v === null ? '-' : `${v.toFixed(1)} ${unit}`);
  const lines = [`${file}: renders (${RENDER_METHOD})`];
  for (const r of renders) {
    if (r.error) lines.push(`  ${r.layout}: not rendered: ${r.error.message}`);
    else if (r.loudness) {
      const l = r.loudness;
      lines.push(`  ${r.layout}: integrated ${f(l.integratedLufs, 'LUFS')}, LRA ${f(l.loudnessRangeLu, 'LU')}, true peak ${f(l.truePeakDbtp, 'dBTP')}, M max ${f(l.momentaryMaxLufs, 'LUFS')}, S max ${f(l.shortTermMaxLufs, 'LUFS')}${r.written ? ` (written to ${r.written})` : ''}`);
    }
  }
  for (const n of renders[0]?.notRendered ?? []) lines.push(`  not rendered: ${n}`);
  if (dbmd) lines.push(`  dbmd (Dolby's re-render would apply): ${dbmd.text}`);
  return `${lines.join('\n')}\n`;
}
