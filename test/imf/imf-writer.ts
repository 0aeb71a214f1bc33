/**
 * IMF packages for the tests, shaped like real App 2E deliveries: clip-wrapped OP1a audio track files
 * with MCA (built by the test MXF writer), an ASSETMAP (ST 429-9), a PKL with SHA-1 (ST 429-8 2007 or
 * ST 2067-2 2016 namespaces), CPLs (ST 2067-3 2013 or 2016) whose MainAudioSequences use EntryPoint,
 * SourceDuration and RepeatCount, and a MainImageSequence whose track file may be absent.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildMxf } from '../audio/mxf/mxf-writer.js';

export interface TrackFileSpec {
  name: string;
  channels: number;
  bits?: 16 | 24;
  pcm: Buffer;
  mca?: { channels: string[]; group: string; language?: string };
  wrapping?: 'clip' | 'frame';
}

export interface ResourceSpec {
  file: string;
  /** In edit units of the resource's EditRate (48000/1 unless said). */
  entryPoint?: number;
  sourceDuration?: number;
  repeatCount?: number;
  editRate?: [number, number];
  /** Write the element even when it equals the default. */
  explicit?: boolean;
}

export interface CplSpec {
  name: string;
  title: string;
  version?: '2013' | '2016';
  editRate?: [number, number];
  /** Segments, each with its audio virtual tracks (by track name), each a resource list. */
  segments: Array<{ audio: Record<string, ResourceSpec[]>; imageFile?: string; imageDuration?: number; subtitleFile?: string }>;
  /** Raw XML inserted before the root element (for the entity-bomb test). */
  prolog?: string;
}

export interface PackageSpec {
  trackFiles: TrackFileSpec[];
  cpls: CplSpec[];
  /** Image track files listed in the ASSETMAP and PKL but not written to disk. */
  missingImages?: string[];
  /** Picture track files written (frame-wrapped OP1a MXF, picture elements only). */
  pictures?: Array<{ name: string; frames: number; elementBytes: number }>;
  /** Other track files written as given (a timed-text track file's bytes, for the subtitle sequence). */
  otherFiles?: Array<{ name: string; bytes: Buffer }>;
  /** Asset names whose PKL hash is written wrong. */
  wrongHash?: string[];
  /** Track files left out of the ASSETMAP. */
  notInAssetMap?: string[];
  pklVersion?: '2007' | '2016';
}

export interface BuiltPackage {
  dir: string;
  ids: Map<string, string>;
  cplPaths: string[];
}

const ns = (v: '2013' | '2016') => ({
  cpl: `http://www.smpte-ra.org/schemas/2067-3/${v}`,
  cc: `http://www.smpte-ra.org/schemas/2067-2/${v}`,
});

export function writePackage(dir: string, spec: PackageSpec): BuiltPackage {
  mkdirSync(dir, { recursive: true });
  const ids = new Map<string, string>();
  const id = (name: string) => {
    if (!ids.has(name)) ids.set(name, randomUUID());
    return ids.get(name)!;
  };
  const files: Array<{ name: string; bytes: Buffer | null; type: string }> = [];
  for (const t of spec.trackFiles) {
    const bytes = buildMxf({ pattern: 'OP1a', wrapping: t.wrapping ?? 'clip', audio: [{ bits: t.bits ?? 24, channels: t.channels, pcm: t.pcm, ...(t.mca ? { mca: t.mca } : {}) }] }).bytes;
    files.push({ name: t.name, bytes, type: 'application/mxf' });
  }
  for (const m of spec.missingImages ?? []) files.push({ name: m, bytes: null, type: 'application/mxf' });
  for (const p of spec.pictures ?? []) files.push({ name: p.name, bytes: buildMxf({ pattern: 'OP1a', wrapping: 'frame', editRate: [24, 1], video: { frames: p.frames, elementBytes: p.elementBytes }, audio: [] }).bytes, type: 'application/mxf' });
  for (const o of spec.otherFiles ?? []) files.push({ name: o.name, bytes: o.bytes, type: 'application/mxf' });
  const cplPaths: string[] = [];
  for (const c of spec.cpls) {
    const v = c.version ?? '2016';
    const n = ns(v);
    const er = c.editRate ?? [24, 1];
    const trackIds = new Map<string, string>();
    const segs = c.segments.map((s) => {
      const seqs: string[] = [];
      if (s.imageFile) {
        const tid = trackIds.get('#image') ?? randomUUID();
        trackIds.set('#image', tid);
        seqs.push(`<cc:MainImageSequence><Id>urn:uuid:${randomUUID()}</Id><TrackId>urn:uuid:${tid}</TrackId><ResourceList><Resource xsi:type="TrackFileResourceType"><Id>urn:uuid:${randomUUID()}</Id><EditRate>${er[0]} ${er[1]}</EditRate><IntrinsicDuration>${s.imageDuration ?? 24}</IntrinsicDuration><TrackFileId>urn:uuid:${id(s.imageFile)}</TrackFileId></Resource></ResourceList></cc:MainImageSequence>`);
      }
      if (s.subtitleFile) {
        const tid = trackIds.get('#subtitle') ?? randomUUID();
        trackIds.set('#subtitle', tid);
        seqs.push(`<cc:SubtitlesSequence><Id>urn:uuid:${randomUUID()}</Id><TrackId>urn:uuid:${tid}</TrackId><ResourceList><Resource xsi:type="TrackFileResourceType"><Id>urn:uuid:${randomUUID()}</Id><EditRate>${er[0]} ${er[1]}</EditRate><IntrinsicDuration>${s.imageDuration ?? 24}</IntrinsicDuration><TrackFileId>urn:uuid:${id(s.subtitleFile)}</TrackFileId></Resource></ResourceList></cc:SubtitlesSequence>`);
      }
      for (const [track, resources] of Object.entries(s.audio)) {
        const tid = trackIds.get(track) ?? randomUUID();
        trackIds.set(track, tid);
        const res = resources.map((r) => {
          const tf = spec.trackFiles.find((t) => t.name === r.file);
          const frames = tf ? tf.pcm.length / (tf.channels * ((tf.bits ?? 24) / 8)) : 0;
          const rate = r.editRate ?? [48000, 1];
          const intrinsic = (frames * rate[0]) / (rate[1] * 48000);
          const parts = [`<Id>urn:uuid:${randomUUID()}</Id>`, `<EditRate>${rate[0]} ${rate[1]}</EditRate>`, `<IntrinsicDuration>${intrinsic}</IntrinsicDuration>`];
          if (r.entryPoint !== undefined || r.explicit) parts.push(`<EntryPoint>${r.entryPoint ?? 0}</EntryPoint>`);
          if (r.sourceDuration !== undefined || r.explicit) parts.push(`<SourceDuration>${r.sourceDuration ?? intrinsic - (r.entryPoint ?? 0)}</SourceDuration>`);
          parts.push(`<TrackFileId>urn:uuid:${id(r.file)}</TrackFileId>`);
          if (r.repeatCount !== undefined) parts.push(`<RepeatCount>${r.repeatCount}</RepeatCount>`);
          return `<Resource xsi:type="TrackFileResourceType">${parts.join('')}</Resource>`;
        });
        seqs.push(`<cc:MainAudioSequence><Id>urn:uuid:${randomUUID()}</Id><TrackId>urn:uuid:${tid}</TrackId><ResourceList>${res.join('')}</ResourceList></cc:MainAudioSequence>`);
      }
      return `<Segment><Id>urn:uuid:${randomUUID()}</Id><SequenceList>${seqs.join('\n')}</SequenceList></Segment>`;
    });
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n${c.prolog ?? ''}<CompositionPlaylist xmlns="${n.cpl}" xmlns:cc="${n.cc}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<Id>urn:uuid:${id(c.name)}</Id><IssueDate>2026-01-01T00:00:00Z</IssueDate><ContentTitle>${c.title}</ContentTitle><EditRate>${er[0]} ${er[1]}</EditRate>
<SegmentList>${segs.join('\n')}</SegmentList></CompositionPlaylist>\n`;
    files.push({ name: c.name, bytes: Buffer.from(xml), type: 'text/xml' });
    cplPaths.push(path.join(dir, c.name));
  }
  const pklName = `PKL_${randomUUID()}.xml`;
  const pv = spec.pklVersion ?? '2016';
  const pklAssets = files.map((f) => {
    const bytes = f.bytes ?? Buffer.from('absent');
    let hash = createHash('sha1').update(bytes).digest('base64');
    if (spec.wrongHash?.includes(f.name)) hash = createHash('sha1').update('not the file').digest('base64');
    const alg = pv === '2016' ? '<HashAlgorithm Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/>' : '';
    return `<Asset><Id>urn:uuid:${id(f.name)}</Id><Hash>${hash}</Hash><Size>${bytes.length}</Size><Type>${f.type}</Type><OriginalFileName>${f.name}</OriginalFileName>${alg}</Asset>`;
  });
  const pklNs = pv === '2016' ? 'http://www.smpte-ra.org/schemas/2067-2/2016/PKL' : 'http://www.smpte-ra.org/schemas/429-8/2007/PKL';
  const pkl = `<?xml version="1.0" encoding="UTF-8"?>\n<PackingList xmlns="${pklNs}"><Id>urn:uuid:${id(pklName)}</Id><AssetList>${pklAssets.join('\n')}</AssetList></PackingList>\n`;
  const amAssets = [{ name: pklName, pkl: true }, ...files.filter((f) => !spec.notInAssetMap?.includes(f.name)).map((f) => ({ name: f.name, pkl: false }))].map(
    (a) => `<Asset><Id>urn:uuid:${id(a.name)}</Id>${a.pkl ? '<PackingList>true</PackingList>' : ''}<ChunkList><Chunk><Path>${a.name}</Path><VolumeIndex>1</VolumeIndex></Chunk></ChunkList></Asset>`,
  );
  const am = `<?xml version="1.0" encoding="UTF-8"?>\n<AssetMap xmlns="http://www.smpte-ra.org/schemas/429-9/2007/AM"><Id>urn:uuid:${randomUUID()}</Id><VolumeCount>1</VolumeCount><AssetList>${amAssets.join('\n')}</AssetList></AssetMap>\n`;
  for (const f of files) if (f.bytes) writeFileSync(path.join(dir, f.name), f.bytes);
  writeFileSync(path.join(dir, pklName), pkl);
  writeFileSync(path.join(dir, 'ASSETMAP.xml'), am);
  return { dir, ids, cplPaths };
}
