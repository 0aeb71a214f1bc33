/** The readable `dubstage inspect IMP_DIR` listing: CPLs, audio virtual tracks, track files with their PKL status, problems. */
import { basename, relative } from 'node:path';
import type { ImfInspect, ImfPklStatus } from '../imf/inspect.js';
import { mcaGroupLines } from './inspect-text.js';

const seconds = (s: number) => `${s.toFixed(3)} s`;

function pklText(p: ImfPklStatus, hashed: boolean): string {
  switch (p.status) {
    case 'match':
      return `PKL ${p.pkl}: size and SHA-1 match`;
    case 'mismatch':
      return `PKL ${p.pkl}: SHA-1 MISMATCH (${p.actualSha1 ?? '?'}; the PKL says ${p.expectedSha1})`;
    case 'size-mismatch':
      return `PKL ${p.pkl}: SIZE MISMATCH (${p.sizeBytes} bytes; the PKL says ${p.pklSizeBytes})`;
    case 'not-checked':
      return `PKL ${p.pkl}: size matches, SHA-1 ${hashed ? 'not computed' : 'not checked (inspect --hash; measure and qc check it)'}`;
    case 'not-in-pkl':
      return 'in no PKL';
    case 'no-sha1':
      return `PKL ${p.pkl}: size matches, no SHA-1 given`;
    case 'missing':
      return 'MISSING on disk';
    case 'packing-list':
      return 'packing list';
  }
}

export function imfLines(m: ImfInspect): string[] {
  const out = [`  IMF package ${m.root} (${basename(m.assetMap)}, ${m.pkls.length} PKL${m.pkls.length === 1 ? '' : 's'}, ${m.cpls.length} CPL${m.cpls.length === 1 ? '' : 's'} shown)`];
  for (const c of m.cpls) {
    out.push(`  CPL '${c.title ?? '(no title)'}' ${c.id} (ST 2067-3 ${c.version}) ${basename(c.path)}`);
    out.push(`    edit rate ${c.editRate ?? '?'}, duration ${c.durationEditUnits ?? '?'} edit units (${seconds(c.durationSeconds)}), ${c.segments.length} segment${c.segments.length === 1 ? '' : 's'}`);
    for (const s of c.segments) {
      out.push(`    segment ${s.index} (${seconds(s.durationSeconds)}): ${s.sequences.map((q) => `${q.kind} ${q.resources} resource${q.resources === 1 ? '' : 's'}`).join(', ') || 'no sequences'}`);
    }
    for (const a of c.audioTracks) {
      out.push(`    audio ${basename(a.address)}: ${a.channels ?? '?'} ch, ${a.resources} resource${a.resources === 1 ? '' : 's'}, ${seconds(a.durationSeconds)}, language ${a.language ?? 'none'}`);
      out.push(...mcaGroupLines(a.soundfieldGroups, '      '));
    }
  }
  out.push('  assets');
  for (const x of m.assets) {
    const mxf = x.mxf ? `, MXF ${x.mxf.operationalPattern} ${x.mxf.essenceContainers.join(' + ')}` : '';
    out.push(`    ${relative(m.root, x.path).padEnd(28)} ${x.type.padEnd(8)} ${pklText(x.pkl, m.hashed)}${mxf}`);
    for (const t of x.audio) {
      out.push(`      track ${t.index}: ${t.sampleRate} Hz, ${t.bits}-bit, ${t.channels} ch, ${t.wrapping}-wrapped, ${t.frames} samples, language ${t.language ?? 'none'}`);
      out.push(...mcaGroupLines(t.soundfieldGroups, '        '));
    }
  }
  out.push(m.problems.length > 0 ? '  problems' : '  problems    none');
  for (const p of m.problems) out.push(`    ${p.code}: ${p.message}`);
  return out;
}
