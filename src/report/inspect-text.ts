/** The readable `dubstage inspect` listing. */
import type { InspectResult } from '../analysis/inspect.js';
import type { MxfInspect } from '../audio/mxf/inspect.js';
import type { McaSoundfieldGroup } from '../audio/mxf/mca.js';
import { imfLines } from './imf-text.js';

/** One line per MCA soundfield group: 5.1 with its channels (symbol and label) and language. */
export function mcaGroupLines(groups: McaSoundfieldGroup[], indent: string): string[] {
  return groups.map((g) => {
    const chans = g.channels.map((c, i) => `${c}:${g.channelSymbols[i]}${g.channelLabels[i] ? '' : '(?)'}`).join(' ');
    const bits = [g.language ? `language ${g.language}` : 'no language', g.title && `title '${g.title}'`, g.audioContentKind && `content ${g.audioContentKind}`, g.audioElementKind && `element ${g.audioElementKind}`, ...g.groupsOfGroups.map((x) => `in ${x.symbol}${x.name ? ` '${x.name}'` : ''}`)].filter(Boolean);
    return `${indent}MCA ${(g.symbol ?? '-').padEnd(6)} ${g.name}, ${g.channels.length} ch (${chans}), ${bits.join(', ')}`;
  });
}

/** An MXF: pattern, containers, each audio track (descriptor, wrapping, MCA), partitions and index segments with offsets. */
function mxfLines(m: MxfInspect): string[] {
  const out = [`  container   MXF ${m.operationalPattern} (${m.operationalPatternUl})`];
  for (const ec of m.essenceContainers) out.push(`  essence     ${ec.name}  (${ec.ul})`);
  const dur = m.durationEditUnits !== null ? `${m.durationEditUnits} edit units${m.durationSeconds !== null ? ` (${m.durationSeconds.toFixed(6)} s)` : ''}` : 'unknown';
  out.push(`  duration    ${dur} at edit rate ${m.editRate ?? 'unknown'}`);
  out.push(`  timecode    start ${m.timecodeStart ?? 'none (no timecode track)'}${m.timecode ? ` (${m.timecode.roundedBase} fps${m.timecode.dropFrame ? ' drop-frame' : ''})` : ''}`);
  out.push(`  tracks      ${m.tracks.map((t) => `${t.package} ${t.trackId}:${t.kind}`).join(', ')}`);
  for (const t of m.audioTracks) {
    const d = t.descriptor;
    out.push(`  audio track ${t.index} (track id ${t.trackId}, number ${t.trackNumber}${t.name ? `, '${t.name}'` : ''}): ${t.wrapping}-wrapped, ${d.kind} descriptor`);
    out.push(`    ${d.sampleRate} Hz, ${d.quantizationBits}-bit, ${d.channels} ch, block align ${d.blockAlign}; edit rate ${t.editRate ?? '?'}; container duration ${d.containerDuration ?? '?'}`);
    out.push(`    essence at byte ${t.dataOffset}, ${t.dataBytes} bytes in ${t.elements} element(s)${d.channelAssignment ? `; channel assignment ${d.channelAssignment}` : ''}`);
    if (t.format) out.push(`    channels  ${t.format.channelLabels.join(' ')}  (from ${t.labelSource}), ${t.format.frames} frames (${t.format.durationSeconds.toFixed(6)} s)`);
    if (t.error) out.push(`    ERROR ${t.error}`);
    out.push(...mcaGroupLines(t.soundfieldGroups, '    '));
    if (t.mca.length === 0) out.push('    MCA         none');
  }
  out.push('  partitions');
  for (const p of m.partitions) out.push(`    ${p.kind.padEnd(6)} at byte ${p.offset}  ${p.status}, body SID ${p.bodySid}, index SID ${p.indexSid}, header ${p.headerByteCount} B, index ${p.indexByteCount} B, body offset ${p.bodyOffset}`);
  if (m.randomIndexPack) out.push(`  random index pack: ${m.randomIndexPack.map((r) => `SID ${r.bodySid} @ ${r.offset}`).join(', ')}`);
  out.push(m.indexSegments.length > 0 ? '  index segments' : '  index segments  none');
  for (const s of m.indexSegments) {
    const kind = s.editUnitByteCount > 0 ? `constant ${s.editUnitByteCount} bytes per edit unit` : `${s.entryCount} entries`;
    out.push(`    at byte ${s.offset}  index SID ${s.indexSid}, body SID ${s.bodySid}, edit rate ${s.editRate.num}/${s.editRate.den}, units ${s.startPosition}..${s.startPosition + s.duration}, ${kind}`);
  }
  return out;
}

export function renderInspectText(results: InspectResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(r.path);
    if (r.error) {
      lines.push(`  ERROR ${r.error.code}: ${r.error.message}`, '');
      continue;
    }
    if (r.kind === 'imf' && r.imf) {
      lines.push(...imfLines(r.imf));
      for (const w of r.warnings) lines.push(`  warning: ${w}`);
      lines.push('');
      continue;
    }
    if (r.kind === 'mxf' && r.mxf) {
      lines.push(...mxfLines(r.mxf));
      for (const w of r.warnings) lines.push(`  warning: ${w}`);
      lines.push('');
      continue;
    }
    if (r.kind === 'adm-xml' || r.kind === 'dolby-atmos') {
      lines.push(`  ${r.kind === 'adm-xml' ? 'bare ADM XML' : 'Dolby Atmos master set'}`);
      lines.push(...admLines(r));
      for (const w of r.warnings) lines.push(`  warning: ${w}`);
      lines.push('');
      continue;
    }
    const f = r.format!;
    lines.push(`  container   ${f.container} (${r.codec}), ${f.sampleRate} Hz, ${f.bitDepth}-bit ${f.sampleFormat}, ${f.channels} ch`);
    const mask = r.channelMask !== null && r.channelMask !== undefined ? `, mask 0x${r.channelMask.toString(16)}` : '';
    lines.push(`  channels    ${r.channelLabels!.join(' ')}  (from ${r.channelLabelSource}${mask})`);
    const tc = r.timecode!;
    lines.push(`  timecode    start ${tc.start}  duration ${tc.duration}  end ${tc.end}  at ${tc.frameRate.num}/${tc.frameRate.den} fps (${tc.rateSource})`);
    lines.push(`  frames      ${f.frames} (${f.durationSeconds.toFixed(6)} s)`);
    lines.push('  chunks');
    for (const c of r.chunks ?? []) lines.push(`    '${c.id}'  at byte ${c.offset}, ${c.size} bytes`);
    if (r.bext) {
      const b = r.bext;
      lines.push(`  bext v${b.version}  originator '${b.originator}'  date ${b.originationDate} ${b.originationTime}  time reference ${b.timeReferenceSamples} samples`);
      if (b.description) lines.push(`    description '${b.description}'`);
      const loud = [
        ['loudness', b.loudnessValueLufs, 'LUFS'], ['LRA', b.loudnessRangeLu, 'LU'], ['max TP', b.maxTruePeakDbtp, 'dBTP'],
        ['max M', b.maxMomentaryLufs, 'LUFS'], ['max S', b.maxShortTermLufs, 'LUFS'],
      ].filter(([, v]) => v !== null);
      if (loud.length) lines.push(`    ${loud.map(([k, v, u]) => `${k} ${v} ${u}`).join('  ')}`);
    }
    if (r.ixml) {
      const x = r.ixml;
      const bits = [x.project && `project '${x.project}'`, x.scene && `scene '${x.scene}'`, x.take && `take '${x.take}'`, x.timecodeRate && `TC rate ${x.timecodeRate} ${x.timecodeFlag ?? ''}`].filter(Boolean);
      lines.push(`  iXML  ${bits.join('  ')}`);
      for (const t of x.tracks) lines.push(`    track ${t.interleaveIndex ?? t.channelIndex ?? '?'}: '${t.name}' ${t.function ? `(${t.function})` : ''}`);
    }
    for (const [k, v] of Object.entries(r.info ?? {})) lines.push(`  INFO ${k}  '${v}'`);
    if (r.axml || r.chna || r.dbmd) lines.push(`  ADM  axml ${r.axml ? 'yes' : 'no'}, chna ${r.chna ? 'yes' : 'no'}, dbmd ${r.dbmd ? 'yes' : 'no'}`);
    lines.push(...admLines(r));
    for (const w of r.warnings) lines.push(`  warning: ${w}`);
    lines.push('');
  }
  return lines.join('\n');
}

function admLines(r: InspectResult): string[] {
  const a = r.adm;
  if (!a) return [];
  const beds = a.beds.map((b) => `${b.layout} (${b.channels} ch)`).join(', ') || 'none';
  const out = [
    `  programmes  ${a.programmes.join(', ') || '(none)'}`,
    `  beds        ${beds}; ${a.bedChannels} bed channels`,
    `  objects     ${a.objects}`,
    `  tracks      ${a.tracks}, unused ${a.unusedTracks}`,
  ];
  for (const p of a.problems) out.push(`  problem     ${p.code}: ${p.message}`);
  return out;
}
