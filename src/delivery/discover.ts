/**
 * Finding the deliverables a `qc` run was given: folders (their audio files), audio files, and
 * session files (the media they use); and the ADM counts the Atmos rules read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { findAdapter, readSession } from '../../native-adapters/index.js';
import { DubstageError, toErrorInfo, type ErrorInfo } from '../errors.js';
import { resolveMedia } from '../session/media.js';
import type { Rational } from '../session/time.js';
import type { AdmSummary } from './types.js';
import { containerDeliverables } from '../imf/deliverables.js';

export const AUDIO_EXT = /\.(wav|wave|bwf|rf64|w64|bw64|aif|aiff|aifc)$/i;

export interface Discovered {
  files: string[];
  sessionFps: Rational | null;
  sessionDropFrame: boolean;
  errors: ErrorInfo[];
}

export async function discover(paths: string[]): Promise<Discovered> {
  const out: Discovered = { files: [], sessionFps: null, sessionDropFrame: false, errors: [] };
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (err) {
      out.errors.push(toErrorInfo(err, p));
      continue;
    }
    // an IMF package (or CPL) stands for its audio virtual tracks, an MXF for its audio tracks (issue 18)
    const packaged = await containerDeliverables(p);
    if (packaged) {
      out.files.push(...packaged.files);
      out.errors.push(...packaged.errors);
      continue;
    }
    if (stat.isDirectory()) {
      const entries = fs.readdirSync(p, { withFileTypes: true });
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.isFile() && AUDIO_EXT.test(e.name) && !e.name.startsWith('.')) out.files.push(path.join(p, e.name));
        else if (e.isFile() && /\.mxf$/i.test(e.name) && !e.name.startsWith('.')) {
          const mxf = (await containerDeliverables(path.join(p, e.name)))!;
          out.files.push(...mxf.files);
          out.errors.push(...mxf.errors);
        }
      }
      continue;
    }
    if (AUDIO_EXT.test(p)) {
      out.files.push(p);
      continue;
    }
    // A session file: its media are the deliverables.
    try {
      if (!findAdapter(p)) throw new DubstageError({ code: 'not-audio', message: 'neither an audio file nor a session file dubstage reads', path: p });
      const session = await readSession(p);
      resolveMedia(session, p);
      out.sessionFps = session.frameRate;
      out.sessionDropFrame = session.dropFrame ?? false;
      for (const m of session.media) if (m.resolvedPath && AUDIO_EXT.test(m.resolvedPath)) out.files.push(m.resolvedPath);
    } catch (err) {
      out.errors.push(toErrorInfo(err, p));
    }
  }
  out.files = [...new Set(out.files.map((f) => path.resolve(f)))];
  return out;
}

/** ADM counts for the Atmos rules; the reader's bed names ("7.1.2-smpte") become profile names ("7.1.2"). */
export function admSummary(report: { beds: { layout: string; channels: number }[]; bedChannels: number; objects: number }): AdmSummary {
  const raw = report.beds[0]?.layout ?? null;
  const bedLayout = raw === null ? null : (/^(LCR|mono|\d+\.\d+(?:\.\d+)?)/i.exec(raw)?.[1] ?? raw);
  return { bedLayout, bedChannels: report.bedChannels, objectCount: report.objects };
}
