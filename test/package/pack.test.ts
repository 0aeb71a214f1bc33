// dubstage as a dependency (issue 15): `npm pack` (of a stage holding this tree's code), install the tarball into a fresh project from the
// local npm cache (--prefer-offline; nothing but the npm registry is ever asked, and no install script
// downloads anything: onnxruntime-node is an optional peer, not installed), import the library with
// its types, type-check a consumer file, run it, and run the CLI from there — including the speech
// detector, which then runs on onnxruntime-web's WASM backend with the model the package carries.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../src/audio/writer.js';
import { repoRoot } from '../helpers/corpus.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-pack-'));
const project = path.join(work, 'consumer');
let tarball = '';
const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
const rootPkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };

beforeAll(() => {
  // Pack what `npm pack` packs, staged outside the checkout: the TypeScript compiled afresh into the
  // stage (so the package is this tree's code), the WASM kernels and the model from the checkout's
  // build (npm ci's prepare step). Rebuilding the checkout's own dist/ here would rewrite the kernels
  // under the tests running beside this one.
  const stage = path.join(work, 'stage');
  execFileSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(repoRoot, 'tsconfig.json'), '--outDir', path.join(stage, 'dist')], { cwd: repoRoot, stdio: 'pipe' });
  for (const p of ['package.json', 'README.md', 'src/specs/profiles', 'dist/wasm', 'dist/models']) {
    fs.cpSync(path.join(repoRoot, p), path.join(stage, p), { recursive: true });
  }
  const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], stage)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = path.join(work, packed[0]!.filename);
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2));
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, `@types/node@${rootPkg.devDependencies['@types/node']}`], project);
}, 600_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the packed package', () => {
  it('holds the compiled code, declarations, WASM kernels, the speech model and the built-in specs, and no tests', () => {
    const list = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    for (const f of ['package/dist/src/index.js', 'package/dist/src/index.d.ts', 'package/dist/src/cli/main.js', 'package/dist/wasm/truepeak.wasm', 'package/dist/models/silero_vad_16k_op15.onnx', 'package/dist/models/silero_vad.LICENSE', 'package/src/specs/profiles/netflix.yaml', 'package/README.md']) {
      expect(list).toContain(f);
    }
    expect(list.some((f) => f.includes('/test/') || f.endsWith('.test.js'))).toBe(false);
  });

  it('installs without onnxruntime-node (no install script that downloads)', () => {
    expect(fs.existsSync(path.join(project, 'node_modules', 'dubstage', 'package.json'))).toBe(true);
    expect(fs.existsSync(path.join(project, 'node_modules', 'onnxruntime-node'))).toBe(false);
    expect(fs.existsSync(path.join(project, 'node_modules', 'onnxruntime-web'))).toBe(true);
  });

  it('a consumer file type-checks against the declarations and runs', () => {
    const wav = path.join(project, 'tone.wav');
    const tone = Float32Array.from({ length: 96000 }, (_, i) => 0.1 * Math.sin((2 * Math.PI * 1000 * i) / 48000));
    writeWav(wav, { sampleRate: 48000, channels: 2, encoding: 's24le' }, [tone, tone]);
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'out', types: ['node'] }, include: ['consumer.ts'] }));
    fs.writeFileSync(
      path.join(project, 'consumer.ts'),
      `import { measureFile, inspectFile, readSession, runQc, loadSpec, DubstageError, type FileMeasurement, type InspectResult, type Spec } from 'dubstage';

const file = process.argv[2]!;
const m: FileMeasurement = await measureFile(file);
const info: InspectResult = await inspectFile(file, { fps: '24' });
const { spec }: { spec: Spec } = loadSpec('ebu-r128');
const run = await runQc({ paths: [file], spec, fps: '24' });
let sessionError = '';
try {
  await readSession(file);
} catch (err) {
  if (err instanceof DubstageError) sessionError = err.code;
}
console.log(JSON.stringify({ lufs: m.loudness?.integratedLufs ?? null, channels: info.format?.channels ?? null, spec: spec.id, verdict: run.outcome.verdict, sessionError }));
`,
    );
    const tsc = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { cwd: project, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    // a type error is caught: the declarations really are checked
    fs.writeFileSync(path.join(project, 'bad.ts'), `import { loadSpec } from 'dubstage';\nconst n: number = loadSpec('netflix');\nvoid n;\n`);
    const bad = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--types', 'node', 'bad.ts'], { cwd: project, encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toContain("Type 'LoadedSpec' is not assignable to type 'number'");

    const out = spawnSync(process.execPath, [path.join(project, 'out', 'consumer.js'), wav], { cwd: project, encoding: 'utf8', timeout: 120_000 });
    expect(out.stderr).toBe('');
    const r = JSON.parse(out.stdout) as { lufs: number; channels: number; spec: string; verdict: string; sessionError: string };
    expect(r.lufs).toBeCloseTo(-20, 1);
    expect(r).toMatchObject({ channels: 2, spec: 'ebu-r128', sessionError: 'not-session' });
    expect(['pass', 'fail']).toContain(r.verdict);
  }, 300_000);

  it('the CLI runs from the installed package, speech detection included (onnxruntime-web, the carried model)', () => {
    const bin = path.join(project, 'node_modules', '.bin', 'dubstage');
    const version = spawnSync(bin, ['--version'], { cwd: project, encoding: 'utf8' });
    expect(version.stdout.trim()).toBe(rootPkg.version);
    const specs = spawnSync(bin, ['specs'], { cwd: project, encoding: 'utf8' });
    expect(specs.status).toBe(0);
    expect(specs.stdout).toContain('netflix');
    const speech = path.join(repoRoot, 'sample-sessions', 'speech', '01-en-us.wav');
    const r = spawnSync(bin, ['measure', speech, '--dialogue', '--json'], { cwd: project, encoding: 'utf8', timeout: 240_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const f = JSON.parse(r.stdout).files[0];
    expect(f.error).toBeUndefined();
    expect(JSON.stringify(f)).toContain('Silero VAD v5 via ONNX Runtime');
  }, 300_000);
});
