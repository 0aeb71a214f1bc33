/**
 * What a qc path stands for when it is a container: an IMF package folder or CPL (its audio virtual
 * tracks, with the package's problems as input errors that do not stop the audio), or an MXF file
 * (its audio tracks). Null for anything else. `lateErrors` (a package's non-audio hashes) is started when
 * the audio pass starts and awaited after it.
 */
import { toErrorInfo, type ErrorInfo } from '../errors.js';
import { mxfAudioAddresses } from '../audio/mxf/index.js';
import { imfVirtualTrackAddresses, isImfInput } from './index.js';

export async function containerDeliverables(p: string): Promise<{ files: string[]; errors: ErrorInfo[]; lateErrors?: () => Promise<ErrorInfo[]> } | null> {
  try {
    if (isImfInput(p)) {
      const r = await imfVirtualTrackAddresses(p);
      // the picture and subtitle hashes: started with the audio pass, their errors joined after it
      return { files: r.tracks.map((t) => t.address), errors: r.problems.map((x) => x.error), lateErrors: () => r.hashes().then((h) => h.map((x) => x.error)) };
    }
    if (/\.mxf$/i.test(p)) return { files: mxfAudioAddresses(p), errors: [] };
  } catch (err) {
    return { files: [], errors: [toErrorInfo(err, p)] };
  }
  return null;
}
