/** The readable `dubstage inspect` listing. */
import type { InspectResult } from '../analysis/inspect.js';

export function renderInspectText(results: InspectResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(r.path);
    if (r.error) {
      lines.push(`  ERROR ${r.error.code}: ${r.error.message}`, '');
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
