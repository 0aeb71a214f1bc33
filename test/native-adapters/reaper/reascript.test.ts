/**
 * The ReaScript (native-adapters/reaper/dubstage-core.lua) in a real Lua 5.4 VM (wasmoon) against a fake
 * `reaper` table that records its calls, with dubstage's real `qc --json` and `handoff --json` as the
 * process output: a marker
 * or region per finding at the right project time (project start offset and frame rate honoured), and a
 * clear message when dubstage is not found, fails or prints no JSON.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LuaFactory } from 'wasmoon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage, writePackageRpp } from '../../handoff/fixtures.js';
import { buildDelivery } from '../../qc/delivery-fixture.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const core = fs.readFileSync(path.join(root, 'native-adapters', 'reaper', 'dubstage-core.lua'), 'utf8');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

// The fake REAPER: project saved at /mix/reel1.RPP, render folder RENDER_DIR, frame rate and start offset
// as set, ExecProcess answering EXEC_OUTPUT (nil: a timeout), every call recorded.
const FAKE = `
calls = { markers = {}, boxes = {}, console = {}, exec = {} }
reaper = {
  Main_SaveProject = function() calls.saved = true end,
  EnumProjects = function(i, buf) return 0, PROJECT_FILE end,
  GetSetProjectInfo_String = function(p, key, v, set) return true, RENDER_DIR end,
  GetProjectPath = function() return '/mix' end,
  ExecProcess = function(cmd, timeout) calls.exec[#calls.exec + 1] = cmd; return EXEC_OUTPUT end,
  TimeMap_curFrameRate = function() return FPS, DROP end,
  GetProjectTimeOffset = function() return OFFSET end,
  AddProjectMarker2 = function(proj, isrgn, pos, rgnend, name, idx, color)
    calls.markers[#calls.markers + 1] = string.format('%s|%.6f|%.6f|%s', isrgn and 'R' or 'M', pos, rgnend, name)
    return #calls.markers
  end,
  ShowMessageBox = function(msg, title, kind) calls.boxes[#calls.boxes + 1] = msg; return 1 end,
  ShowConsoleMsg = function(s) calls.console[#calls.console + 1] = s end,
  UpdateArrange = function() end,
}
core = load(CORE_SRC)()
`;

interface Outcome {
  markers: Array<{ region: boolean; pos: number; end: number; name: string }>;
  boxes: string[];
  console: string;
  exec: string[];
  result: string;
}

async function runScript(o: { job: string; output: string | null; fps?: number; drop?: boolean; offset?: number; settings?: string }): Promise<Outcome> {
  const lua = await new LuaFactory().createEngine();
  try {
    lua.global.set('CORE_SRC', core);
    lua.global.set('PROJECT_FILE', '/mix/reel 1.RPP');
    lua.global.set('RENDER_DIR', '/mix/render');
    lua.global.set('FPS', o.fps ?? 24);
    lua.global.set('DROP', o.drop ?? false);
    lua.global.set('OFFSET', o.offset ?? 3600);
    if (o.output !== null) lua.global.set('EXEC_OUTPUT', o.output);
    await lua.doString(FAKE);
    const result = (await lua.doString(`local r = core.run(reaper, { job = '${o.job}', settings = { ${o.settings ?? ''} } }); return string.format('%s|%s|%s', tostring(r.ok), tostring(r.reason or r.verdict), tostring(r.placed))`)) as string;
    const dump = (await lua.doString(`return table.concat(calls.markers, '\\n') .. '\\30' .. table.concat(calls.boxes, '\\31') .. '\\30' .. table.concat(calls.console, '') .. '\\30' .. table.concat(calls.exec, '\\31')`)) as string;
    const [markers, boxes, consoleText, exec] = dump.split('\x1e');
    return {
      markers: markers ? markers.split('\n').map((l) => {
        const [kind, pos, end, ...name] = l.split('|');
        return { region: kind === 'R', pos: Number(pos), end: Number(end), name: name.join('|') };
      }) : [],
      boxes: boxes ? boxes.split('\x1f') : [],
      console: consoleText ?? '',
      exec: exec ? exec.split('\x1f') : [],
      result,
    };
  } finally {
    lua.global.close();
  }
}

/** Timecode at 24 fps (non-drop) to seconds. */
const tc24 = (tc: string) => {
  const [h, m, s, f] = tc.split(/[:;]/).map(Number) as [number, number, number, number];
  return 3600 * h + 60 * m + s + f / 24;
};

let qcOutput = '';
let findings: Array<{ rule: string; severity: string; startTimecode: string | null; endTimecode: string | null }> = [];
beforeAll(async () => {
  const dir = await buildDelivery('stem-late');
  dirs.push(dir);
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'src', 'cli', 'main.js'), 'qc', dir, '--spec', 'netflix', '--fps', '24', '--json'], { encoding: 'utf8' });
  expect(r.status).toBe(1);
  qcOutput = `${r.status}\n${r.stdout}`;
  findings = (JSON.parse(r.stdout) as { findings: typeof findings }).findings;
});

interface HandoffProblem {
  code: string;
  severity: string;
  message: string;
  startTimecode?: string;
}

/**
 * dubstage's real `handoff --json` on a REAPER project of the planted package, its start offset and frame
 * rate rewritten: the project's clips sit at known project times (gone.wav at 5 s, the short BG clip at
 * 12 s, scene 3 at 20 s), so each marker must land on its clip whatever the offset and rate.
 */
function handoffOn(startTimecodeSeconds: number, fps: number): { output: string; problems: HandoffProblem[] } {
  const pkg = buildPackage();
  dirs.push(pkg.dir);
  const file = writePackageRpp(pkg);
  const rpp = fs.readFileSync(file, 'utf8').replace('PROJOFFS 3600 0 0', `PROJOFFS ${startTimecodeSeconds} 0 0`).replace('TIMEMODE 1 5 -1 25 0 0 -1', `TIMEMODE 1 5 -1 ${fps} 0 0 -1`);
  fs.writeFileSync(file, rpp);
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'src', 'cli', 'main.js'), 'handoff', file, '--json'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(1);
  return { output: `${r.status}\n${r.stdout}`, problems: (JSON.parse(r.stdout) as { problems: HandoffProblem[] }).problems };
}

describe('dubstage inside REAPER (the ReaScript in a Lua VM)', () => {
  it.each([
    { start: 3600, fps: 25, tc: (s: number) => `01:00:${String(s).padStart(2, '0')}:00` },
    { start: 36000, fps: 24, tc: (s: number) => `10:00:${String(s).padStart(2, '0')}:00` },
  ])('handoff: a marker per problem with a timecode, on its clip in the project (start $start s, $fps fps)', async ({ start, fps, tc }) => {
    const { output, problems } = handoffOn(start, fps);
    const timed = problems.filter((p) => p.startTimecode);
    // the problems land where the package planted them, on the project's own clock
    const at = (code: string) => problems.find((p) => p.code === code)!.startTimecode;
    expect(at('media/missing')).toBe(tc(5));
    expect(at('clip/past-media-end')).toBe(tc(12));
    expect(at('scene/dialogue-inconsistent')).toBe(tc(20));
    const out = await runScript({ job: 'handoff', output, fps, offset: start });
    expect(out.result).toBe(`true|not-ready|${timed.length}`);
    expect(out.markers).toHaveLength(timed.length);
    const placed = new Map(out.markers.map((m) => [m.name, m]));
    for (const p of timed) {
      const m = placed.get(`[${p.severity}] ${p.code}: ${p.message}`)!;
      expect(m, p.code).toBeDefined();
      expect(m.region).toBe(false);
    }
    const pos = (code: string) => out.markers.find((m) => m.name.includes(`] ${code}: `))!.pos;
    // project time = timecode - the project's start offset: the clip positions written in the project
    expect(pos('media/missing')).toBeCloseTo(5, 6);
    expect(pos('clip/past-media-end')).toBeCloseTo(12, 6);
    expect(pos('scene/dialogue-inconsistent')).toBeCloseTo(20, 6);
    expect(pos('clip/extreme-gain')).toBeCloseTo(0, 6);
    // a scene out of line is marked once (as its problem), not again from the scenes list
    expect(out.markers.filter((m) => m.name.includes('SC 3 car'))).toHaveLength(1);
    // the track over full scale has no time: counted in the console, not placed
    expect(problems.some((p) => p.code === 'track/over-full-scale' && !p.startTimecode)).toBe(true);
    const untimed = problems.filter((p) => !p.startTimecode).map((p) => `  no time: [${p.severity}] ${p.code}: ${p.message}\n`);
    expect(out.console).toBe(`dubstage handoff: not-ready, ${timed.length} markers placed (${untimed.length} without a time)\n${untimed.join('')}`);
    expect(out.exec).toEqual(["'dubstage' handoff '/mix/reel 1.RPP' --json"]);
    expect(out.boxes).toEqual([]);
  });

  it('qc on the render folder: a region per finding with a range, at project time (start offset 01:00:00:00)', async () => {
    const out = await runScript({ job: 'qc', output: qcOutput, settings: "spec = 'netflix'" });
    expect(out.result).toBe(`true|fail|${findings.filter((f) => f.startTimecode).length}`);
    expect(out.exec).toEqual(["'dubstage' qc '/mix/render' --spec 'netflix' --json"]);
    const placed = findings.filter((f) => f.startTimecode);
    expect(placed.length).toBeGreaterThan(0);
    expect(out.markers).toHaveLength(placed.length);
    placed.forEach((f, i) => {
      const m = out.markers[i]!;
      expect(m.pos).toBeCloseTo(tc24(f.startTimecode!) - 3600, 5);
      expect(m.name).toContain(f.rule);
      expect(m.name.startsWith(`[${f.severity}]`)).toBe(true);
      if (f.endTimecode && tc24(f.endTimecode) > tc24(f.startTimecode!)) {
        expect(m.region).toBe(true);
        expect(m.end).toBeCloseTo(tc24(f.endTimecode) - 3600, 5);
      }
    });
    expect(out.console).toMatch(/dubstage qc: fail, \d+ markers placed/);
    expect(out.boxes).toEqual([]);
  });

  it('honours drop-frame timecode and the project frame rate', async () => {
    const doc = JSON.stringify({ schema: 1, verdict: 'not-ready', problems: [{ code: 'clip/extreme-gain', severity: 'warning', message: 'clip +18 dB', startTimecode: '01:10:00;02' }] });
    const out = await runScript({ job: 'handoff', output: `1\n${doc}`, fps: 29.97, drop: true, offset: 0, settings: "path = '/opt/dub stage/dubstage'" });
    // 01:10:00;02 at 29.97 DF: 107892 frames an hour + 17982 per ten minutes + 2 (minute 70 is a tenth
    // minute: it keeps frames 0-1) = frame 125876, at 1001/30000 s a frame
    expect(out.markers).toHaveLength(1);
    expect(out.markers[0]!.pos).toBeCloseTo((125876 * 1001) / 30000, 5);
    expect(out.markers[0]!.region).toBe(false);
    expect(out.markers[0]!.name).toBe('[warning] clip/extreme-gain: clip +18 dB');
    expect(out.exec).toEqual(["'/opt/dub stage/dubstage' handoff '/mix/reel 1.RPP' --json"]);
  });

  it('says plainly when dubstage is not found, fails, gives no JSON or does not answer', async () => {
    const missing = await runScript({ job: 'premix', output: '127\nsh: dubstage: not found' });
    expect(missing.result).toBe('false|not-found|nil');
    expect(missing.boxes[0]).toMatch(/dubstage was not found\. Put it on the PATH or set its path/);
    const failed = await runScript({ job: 'premix', output: '2\ndubstage premix: cannot read the session (/mix/reel 1.RPP)' });
    expect(failed.result).toBe('false|failed|nil');
    expect(failed.boxes[0]).toMatch(/exit code 2:[\s\S]*cannot read the session/);
    const garbage = await runScript({ job: 'handoff', output: '0\n{ not json' });
    expect(garbage.result).toBe('false|bad-output|nil');
    expect(garbage.boxes[0]).toMatch(/gave no JSON/);
    const silent = await runScript({ job: 'handoff', output: null });
    expect(silent.result).toBe('false|no-output|nil');
    expect(silent.markers).toEqual([]);
  });
});
