/**
 * ADM render benchmark (issue 19): a Dolby-profile ADM master of a 7.1.2 bed + 118 objects (128
 * tracks, 48 kHz 24-bit; cartesian objects moving every 0.5 s, the last 8 every 20 ms) measured
 * with its 5.1 and 2.0 BS.2127 renders in the same pass, beside measuring the bed alone
 * (`--no-render`) on the same file in the same run. Prints realtime factors, peak memory and the ratio.
 *
 *   node dist/bench/adm-render.bench.js [--seconds 600]
 *
 * Never a timed test: the machine is shared; read the ratio, not the seconds.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WavWriter } from '../src/audio/writer.js';
import { timed } from './timed.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '..', 'src', 'cli', 'main.js');
const workDir = path.join(os.tmpdir(), 'dubstage-bench');

const BED = ['0001', '0002', '0003', '0004', '000a', '000b', '001c', '001d', '0013', '0014'];
const OBJECTS = 118;
const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0');
const time = (s: number): string => {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s - h * 3600 - m * 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${sec.toFixed(5).padStart(8, '0')}`;
};

function admXml(seconds: number): { xml: string; chna: Buffer } {
  const rows: Array<[number, string, string, string]> = [];
  const parts: string[] = [];
  const bedUids = BED.map((c, i) => {
    const uid = `ATU_${hex(i + 1, 8)}`;
    rows.push([i + 1, uid, `AT_0001${c}_01`, 'AP_00010016']);
    parts.push(`<audioTrackUID UID="${uid}" sampleRate="48000" bitDepth="24"><audioTrackFormatIDRef>AT_0001${c}_01</audioTrackFormatIDRef><audioPackFormatIDRef>AP_00010016</audioPackFormatIDRef></audioTrackUID>`);
    return uid;
  });
  parts.push(`<audioObject audioObjectID="AO_1001" audioObjectName="Bed"><audioPackFormatIDRef>AP_00010016</audioPackFormatIDRef>${bedUids.map((u) => `<audioTrackUIDRef>${u}</audioTrackUIDRef>`).join('')}</audioObject>`);
  const refs = ['AO_1001'];
  for (let k = 0; k < OBJECTS; k++) {
    const n = 0x1001 + k;
    const track = BED.length + k + 1;
    const uid = `ATU_${hex(track, 8)}`;
    const ao = `AO_${hex(0x1002 + k, 4)}`;
    refs.push(ao);
    rows.push([track, uid, `AT_0003${hex(n, 4)}_01`, `AP_0003${hex(n, 4)}`]);
    // most objects update every 0.5 s; the last eight every 20 ms (fast automation)
    const step = k >= OBJECTS - 8 ? 0.02 : 0.5;
    const blocks: string[] = [];
    const count = Math.round(seconds / step);
    for (let b = 0; b < count; b++) {
      const t = (b * step + k * 0.37) % 1;
      const x = Math.sin(2 * Math.PI * (t + k / OBJECTS)).toFixed(4);
      const y = Math.cos(2 * Math.PI * (t + k / 7)).toFixed(4);
      const z = (((k % 5) / 4) * (0.5 + 0.5 * Math.sin(b / 10))).toFixed(4);
      blocks.push(`<audioBlockFormat audioBlockFormatID="AB_0003${hex(n, 4)}_${hex(b + 1, 8)}" rtime="${time(b * step)}" duration="${time(step)}"><cartesian>1</cartesian><position coordinate="X">${x}</position><position coordinate="Y">${y}</position><position coordinate="Z">${z}</position></audioBlockFormat>`);
    }
    parts.push(
      `<audioObject audioObjectID="${ao}" audioObjectName="Obj ${k + 1}"><audioPackFormatIDRef>AP_0003${hex(n, 4)}</audioPackFormatIDRef><audioTrackUIDRef>${uid}</audioTrackUIDRef></audioObject>`,
      `<audioPackFormat audioPackFormatID="AP_0003${hex(n, 4)}" typeLabel="0003" typeDefinition="Objects"><audioChannelFormatIDRef>AC_0003${hex(n, 4)}</audioChannelFormatIDRef></audioPackFormat>`,
      `<audioChannelFormat audioChannelFormatID="AC_0003${hex(n, 4)}" typeLabel="0003" typeDefinition="Objects">${blocks.join('')}</audioChannelFormat>`,
      `<audioStreamFormat audioStreamFormatID="AS_0003${hex(n, 4)}" formatLabel="0001"><audioChannelFormatIDRef>AC_0003${hex(n, 4)}</audioChannelFormatIDRef><audioTrackFormatIDRef>AT_0003${hex(n, 4)}_01</audioTrackFormatIDRef></audioStreamFormat>`,
      `<audioTrackFormat audioTrackFormatID="AT_0003${hex(n, 4)}_01" formatLabel="0001"><audioStreamFormatIDRef>AS_0003${hex(n, 4)}</audioStreamFormatIDRef></audioTrackFormat>`,
      `<audioTrackUID UID="${uid}" sampleRate="48000" bitDepth="24"><audioTrackFormatIDRef>AT_0003${hex(n, 4)}_01</audioTrackFormatIDRef><audioPackFormatIDRef>AP_0003${hex(n, 4)}</audioPackFormatIDRef></audioTrackUID>`,
    );
  }
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?><ebuCoreMain xmlns="urn:ebu:metadata-schema:ebuCore_2016"><coreMetadata><format><audioFormatExtended version="ITU-R_BS.2076-2">` +
    `<audioProgramme audioProgrammeID="APR_1001" audioProgrammeName="Atmos_Master"><audioContentIDRef>ACO_1001</audioContentIDRef></audioProgramme>` +
    `<audioContent audioContentID="ACO_1001">${refs.map((r) => `<audioObjectIDRef>${r}</audioObjectIDRef>`).join('')}</audioContent>` +
    parts.join('\n') +
    `</audioFormatExtended></format></coreMetadata></ebuCoreMain>`;
  const chna = Buffer.alloc(4 + rows.length * 40);
  chna.writeUInt16LE(rows.length, 0);
  chna.writeUInt16LE(rows.length, 2);
  rows.forEach(([t, uid, at, ap], i) => {
    const o = 4 + i * 40;
    chna.writeUInt16LE(t, o);
    chna.write(uid, o + 2, 12, 'latin1');
    chna.write(at, o + 14, 14, 'latin1');
    chna.write(ap, o + 28, 11, 'latin1');
  });
  return { xml, chna };
}

function makeMaster(seconds: number): string {
  const file = path.join(workDir, `adm_712_118obj_v2_${seconds}s.wav`);
  const channels = BED.length + OBJECTS;
  if (existsSync(file) && statSync(file).size > seconds * 48000 * channels * 3) return file;
  mkdirSync(workDir, { recursive: true });
  const { xml, chna } = admXml(seconds);
  const w = new WavWriter(file, { sampleRate: 48000, channels, encoding: 's24le', container: 'bw64', chunksBeforeData: [{ id: 'chna', body: chna }], chunksAfterData: [{ id: 'axml', body: Buffer.from(xml, 'latin1') }] });
  let seed = 99;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296 - 0.5;
  };
  const block = 48000;
  const ch = Array.from({ length: channels }, () => new Float32Array(block));
  for (let s = 0; s < seconds; s++) {
    for (let c = 0; c < channels; c++) {
      const a = c < BED.length ? 0.05 : 0.02;
      const buf = ch[c]!;
      for (let i = 0; i < block; i++) buf[i] = a * rand();
    }
    w.append(ch, block);
  }
  w.close();
  return file;
}

const args = process.argv.slice(2);
const si = args.indexOf('--seconds');
// ten minutes, a reel's length (the goal is about masters, not clips): the per-file costs (start-up, the
// ADM's structure, about 0.6 s) weigh as they do on a delivery; `--seconds 120` shows them weigh more
const seconds = si >= 0 ? Number(args[si + 1]) : 600;
const file = makeMaster(seconds);
console.log(`${file}: 7.1.2 bed + ${OBJECTS} objects, ${seconds} s, ${(statSync(file).size / 1e6).toFixed(0)} MB`);
// CPU seconds as well as wall (GNU time when present): on a shared machine the wall clock says little
const gnuTime = existsSync('/usr/bin/time');
const run = (args: string[]) => (gnuTime ? timed('/usr/bin/time', ['-f', 'cpu %U %S %M', process.execPath, cli, ...args]) : timed(process.execPath, [cli, ...args]));
const cpu = (r: { stderr: string }): number | null => {
  const m = /cpu ([\d.]+) ([\d.]+) \d+\s*$/.exec(r.stderr);
  return m ? Number(m[1]) + Number(m[2]) : null;
};
/** Peak RSS: GNU time's %M (kB) for the measured process itself, else the sampled VmHWM. */
const peakMb = (r: { stderr: string; peakRssMb: number }): number => {
  const m = /cpu [\d.]+ [\d.]+ (\d+)\s*$/.exec(r.stderr);
  return m ? Number(m[1]) / 1024 : r.peakRssMb;
};
const bed = await run(['measure', file, '--no-render', '--json']);
const both = await run(['measure', file, '--render', '5.1,2.0', '--json']);
const single = await run(['measure', file, '--render', '5.1,2.0', '--json', '--threads', '1']);
for (const [what, r] of [
  ['bed alone (--no-render)', bed],
  ['bed + 5.1 and 2.0 renders (--render 5.1,2.0)', both],
  ['the same on one thread (--threads 1)', single],
] as const) {
  if (r.code !== 0) console.log(`${what}: exit ${r.code}\n${r.stderr}`);
  const c = cpu(r);
  const cpuText = c === null ? '' : `  cpu ${c.toFixed(2)} s (${(seconds / c).toFixed(0)}x realtime per core-second)`;
  console.log(`${what.padEnd(48)} wall ${r.wallSeconds.toFixed(2).padStart(7)} s  ${(seconds / r.wallSeconds).toFixed(0).padStart(5)}x realtime${cpuText}  peak ${peakMb(r).toFixed(0)} MB`);
}
const j = JSON.parse(both.stdout).files[0];
for (const r of j.renders) console.log(`  ${r.layout}: ${r.loudness ? `${r.loudness.integratedLufs} LUFS, ${r.loudness.truePeakDbtp} dBTP` : r.error?.message}`);
console.log(`renders cost ${(both.wallSeconds / bed.wallSeconds).toFixed(2)}x the bed-alone pass; two threads ${(single.wallSeconds / both.wallSeconds).toFixed(2)}x faster than one`);
const x = seconds / both.wallSeconds;
console.log(`goal (issue 19): the renders measured at 50x realtime or more: ${x >= 50 ? 'met' : 'not met'} (${x.toFixed(1)}x, load average ${os.loadavg().map((v) => v.toFixed(2)).join(' ')})`);
const same = JSON.stringify(JSON.parse(single.stdout).files[0].renders) === JSON.stringify(j.renders);
console.log(`one thread and two give the same figures: ${same ? 'yes' : 'NO'}`);
