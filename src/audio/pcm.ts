/**
 * Interleaved PCM bytes → planar Float32, straight into caller-owned buffers.
 * Integer scaling as libebur128: 2^(bits-1) is full scale, so -32768 reads -1.0 exactly.
 */
export type SampleEncoding =
  | 'u8' | 's8'
  | 's16le' | 's16be'
  | 's24le' | 's24be'
  | 's32le' | 's32be'
  | 'f32le' | 'f32be'
  | 'f64le' | 'f64be';

export function bytesPerSample(enc: SampleEncoding): number {
  switch (enc) {
    case 'u8':
    case 's8':
      return 1;
    case 's16le':
    case 's16be':
      return 2;
    case 's24le':
    case 's24be':
      return 3;
    case 's32le':
    case 's32be':
    case 'f32le':
    case 'f32be':
      return 4;
    case 'f64le':
    case 'f64be':
      return 8;
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decode `frames` frames of `channels` interleaved samples from `bytes` (starting at byte 0, frame stride
 * `blockAlign`) into out[c][outOffset + i].
 */
export function decodeInterleaved(
  bytes: Uint8Array,
  frames: number,
  channels: number,
  blockAlign: number,
  enc: SampleEncoding,
  out: Float32Array[],
  outOffset: number,
): void {
  if (enc === 's24le') {
    decodeS24le(bytes, frames, channels, blockAlign, out, outOffset);
    return;
  }
  const bps = bytesPerSample(enc);
  // Little-endian integers read through a DataView (V8 compiles its aligned-or-not loads inline): the
  // same integer as assembling the bytes, scaled by the same power of two, so the same float exactly.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let c = 0; c < channels; c++) {
    const dst = out[c]!;
    let p = c * bps;
    let o = outOffset;
    const end = outOffset + frames;
    switch (enc) {
      case 's16le':
        for (; o < end; o++, p += blockAlign) dst[o] = view.getInt16(p, true) / 32768;
        break;
      case 's32le':
        for (; o < end; o++, p += blockAlign) dst[o] = view.getInt32(p, true) / 2147483648;
        break;
      case 'u8':
        for (; o < end; o++, p += blockAlign) dst[o] = (bytes[p]! - 128) / 128;
        break;
      case 's8':
        for (; o < end; o++, p += blockAlign) dst[o] = ((bytes[p]! << 24) >> 24) / 128;
        break;
      case 's16be':
        for (; o < end; o++, p += blockAlign) dst[o] = (((bytes[p + 1]! | (bytes[p]! << 8)) << 16) >> 16) / 32768;
        break;
      case 's24be':
        for (; o < end; o++, p += blockAlign) {
          dst[o] = ((bytes[p + 2]! << 8) | (bytes[p + 1]! << 16) | (bytes[p]! << 24)) / 2147483648;
        }
        break;
      case 's32be':
        for (; o < end; o++, p += blockAlign) {
          dst[o] = (bytes[p + 3]! | (bytes[p + 2]! << 8) | (bytes[p + 1]! << 16) | (bytes[p]! << 24)) / 2147483648;
        }
        break;
      case 'f32le':
      case 'f32be':
      case 'f64le':
      case 'f64be': {
        const little = enc.endsWith('le');
        if (bps === 4) {
          for (; o < end; o++, p += blockAlign) dst[o] = view.getFloat32(p, little);
        } else {
          for (; o < end; o++, p += blockAlign) dst[o] = view.getFloat64(p, little);
        }
        break;
      }
    }
  }
}

/**
 * 24-bit little-endian: each sample but the block's first frame is read as the int32 ending at its top
 * byte, with the borrowed low byte masked off (the same integer as assembling the three bytes, << 8);
 * three channels per pass over the frames, so the loop overhead is shared.
 */
function decodeS24le(bytes: Uint8Array, frames: number, channels: number, blockAlign: number, out: Float32Array[], outOffset: number): void {
  if (frames <= 0) return;
  const scale = 2147483648;
  // Frame 0 has no byte before its first sample: assemble its bytes.
  for (let c = 0, p = 0; c < channels; c++, p += 3) {
    out[c]![outOffset] = ((bytes[p]! << 8) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 24)) / scale;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = outOffset + 1;
  const end = outOffset + frames;
  let c = 0;
  for (; c + 2 < channels; c += 3) {
    const d0 = out[c]!;
    const d1 = out[c + 1]!;
    const d2 = out[c + 2]!;
    let p = blockAlign + c * 3 - 1;
    for (let o = start; o < end; o++, p += blockAlign) {
      d0[o] = (view.getInt32(p, true) & -256) / scale;
      d1[o] = (view.getInt32(p + 3, true) & -256) / scale;
      d2[o] = (view.getInt32(p + 6, true) & -256) / scale;
    }
  }
  for (; c < channels; c++) {
    const d0 = out[c]!;
    let p = blockAlign + c * 3 - 1;
    for (let o = start; o < end; o++, p += blockAlign) d0[o] = (view.getInt32(p, true) & -256) / scale;
  }
}

export { LITTLE_ENDIAN_HOST };
