/**
 * Test-only: a Dolby Atmos Master File set written from the format description in
 * ../shared/reference/session-formats.md s8 (no public sample from Dolby's tools exists): a .atmos
 * root, a .atmos.metadata with per-element events, and a CAF .atmos.audio. Positions are written
 * as truehdd and Cavern write them: x -1 left .. 1 right, y -1 back .. 1 front, z 0 .. 1 up
 * (src/render/adm/damf.ts says why).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface DamfSpec {
  name: string;
  bed?: string[];
  objects: number;
  /** CAF channel count (default: bed channels + objects). */
  cafChannels?: number;
  metadataSampleRate?: number;
  /** Leave out the "objects:" key entirely (invalid for Dolby tools). */
  omitObjectsKey?: boolean;
  /** Extra event IDs in the metadata that the .atmos does not list. */
  extraEventIds?: number[];
  /** Object IDs to leave without events. */
  silentObjectIds?: number[];
  frames?: number;
  /** Planar samples for the CAF's channels (bed channels, then objects); silence of `frames` when absent. */
  samples?: Float32Array[];
  /** Each object's one position, held from sample 0 (default: the two events below, a move at 24000). */
  positions?: Array<[number, number, number]>;
}

export function writeDamf(dir: string, spec: DamfSpec): string {
  const bed = spec.bed ?? [];
  const objectIds = Array.from({ length: spec.objects }, (_, i) => 10 + i);
  const root = [
    'version: 0.5.1',
    'presentations:',
    '  - type: home',
    '    simplified: false',
    `    metadata: ${spec.name}.atmos.metadata`,
    `    audio: ${spec.name}.atmos.audio`,
    '    offset: 0.0',
    '    ffoa: 5.0',
    '    fps: 23.976',
    `    scNumberOfElements: ${bed.length + spec.objects}`,
    `    scBedConfiguration: [${bed.map((_, i) => i).join(', ')}]`,
    '    creationTool: dubstage test fixture',
    '    creationToolVersion: 0.1.0',
    '    downmixType_5to2: LoRo_Stereo',
    '    warpMode: normal',
    '    bedInstances:',
    ...(bed.length
      ? ['      - description: Bed 1', '        groupName: Effects', '        channels:', ...bed.flatMap((c, i) => [`          - channel: ${c}`, `            ID: ${i}`])]
      : []),
    ...(spec.omitObjectsKey
      ? []
      : spec.objects === 0
        ? ['    objects: []']
        : ['    objects:', ...objectIds.flatMap((id, i) => [`      - description: Object ${i + 1}`, `        groupName: ${i === 0 ? 'Dialogue' : 'Effects'}`, `        ID: ${id}`])]),
    '',
  ].join('\n');
  // an empty bed list is written inline
  writeFileSync(path.join(dir, `${spec.name}.atmos`), bed.length === 0 ? root.replace('    bedInstances:\n', '    bedInstances: []\n') : root);

  const events: string[] = [];
  const silent = new Set(spec.silentObjectIds ?? []);
  for (let i = 0; i < bed.length; i++) {
    events.push(`  - ID: ${i}`, '    samplePos: 0', '    active: true', '    gain: 0', '    rampLength: 0', '    trimBypass: false', '    binauralRenderMode: off');
  }
  for (const id of [...objectIds.filter((id) => !silent.has(id)), ...(spec.extraEventIds ?? [])]) {
    const held = spec.positions?.[objectIds.indexOf(id)];
    events.push(
      `  - ID: ${id}`,
      '    samplePos: 0',
      '    active: true',
      `    pos: [${(held ?? [0.5, 1, 0]).join(', ')}]`,
      '    snap: false',
      '    elevation: true',
      '    zones: all',
      '    size: 0',
      '    decorr: 0',
      '    importance: 1',
      '    gain: 0',
      '    rampLength: 0',
      '    trimBypass: false',
      '    dialog: -1',
      '    music: -1',
      '    screenFactor: 1',
      '    depthFactor: 0.25',
      '    headTrackMode: undefined',
      '    binauralRenderMode: undefined',
    );
    // a later event carries only what changed
    if (!held) events.push(`  - ID: ${id}`, '    samplePos: 24000', '    pos: [-0.5, 0.5, 0.5]', '    rampLength: 480');
  }
  writeFileSync(
    path.join(dir, `${spec.name}.atmos.metadata`),
    [`sampleRate: ${spec.metadataSampleRate ?? 48000}`, 'events:', ...events, ''].join('\n'),
  );

  writeCaf(path.join(dir, `${spec.name}.atmos.audio`), spec.cafChannels ?? bed.length + spec.objects, 48000, 24, spec.samples?.[0]?.length ?? spec.frames ?? 480, spec.samples);
  return path.join(dir, `${spec.name}.atmos`);
}

/** A CAF file of big-endian 24-bit PCM (silent unless samples are given): caff header, desc, data (edit count + samples). */
export function writeCaf(file: string, channels: number, sampleRate: number, bitDepth: number, frames: number, samples?: Float32Array[]): void {
  const head = Buffer.alloc(8);
  head.write('caff', 0, 'latin1');
  head.writeUInt16BE(1, 4);
  const desc = Buffer.alloc(12 + 32);
  desc.write('desc', 0, 'latin1');
  desc.writeBigInt64BE(32n, 4);
  desc.writeDoubleBE(sampleRate, 12);
  desc.write('lpcm', 20, 'latin1');
  desc.writeUInt32BE(0, 24); // flags: integer, big-endian
  desc.writeUInt32BE((channels * bitDepth) / 8, 28);
  desc.writeUInt32BE(1, 32);
  desc.writeUInt32BE(channels, 36);
  desc.writeUInt32BE(bitDepth, 40);
  const bytes = frames * channels * (bitDepth / 8);
  const data = Buffer.alloc(12 + 4 + bytes);
  data.write('data', 0, 'latin1');
  data.writeBigInt64BE(BigInt(4 + bytes), 4);
  if (samples && bitDepth === 24) {
    for (let i = 0, p = 16; i < frames; i++) {
      for (let c = 0; c < channels; c++, p += 3) {
        data.writeIntBE(Math.max(-(2 ** 23), Math.min(2 ** 23 - 1, Math.round((samples[c]?.[i] ?? 0) * 2 ** 23))), p, 3);
      }
    }
  }
  writeFileSync(file, Buffer.concat([head, desc, data]));
}
