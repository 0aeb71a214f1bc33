/**
 * A view of some channels of a source (an ADM master's bed, without its objects). Reads the whole
 * frame into reused scratch buffers and hands on the chosen channels.
 */
import type { ChannelLabel } from './channels.js';
import type { AudioSource } from './types.js';

export function selectChannels(source: AudioSource, indices: number[], labels: ChannelLabel[]): AudioSource {
  const n = source.header.format.channels;
  let scratch: Float32Array[] = [];
  const header = {
    ...source.header,
    format: { ...source.header.format, channels: indices.length, channelLabels: labels, labelSource: 'adm' as const },
  };
  return {
    header,
    files: source.files,
    seek: (frame) => source.seek(frame),
    read(out, maxFrames) {
      if (scratch.length === 0 || scratch[0]!.length < maxFrames) scratch = Array.from({ length: n }, () => new Float32Array(maxFrames));
      const got = source.read(scratch, maxFrames);
      indices.forEach((src, k) => out[k]!.set(scratch[src]!.subarray(0, got)));
      return got;
    },
    ...(source.checksums ? { checksums: () => source.checksums!() } : {}),
    close: () => source.close(),
  };
}
