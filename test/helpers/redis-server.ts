/**
 * A real Redis for the farm tests and bench: DUBSTAGE_TEST_REDIS_URL when set (`.ci/run` starts one),
 * else a `redis-server` started here on 127.0.0.1, on a free port, in a temp folder, persisting nothing,
 * stopped by `stop()`. No Redis at all is a loud failure, never a skip: the farm suite always runs
 * (as the corpus suites do), in CI and on a developer's machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface TestRedis {
  url: string;
  /** Stop the server this helper started (nothing when the URL came from the environment). */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolve once something accepts TCP connections on the port and answers PING with PONG. */
async function waitForPong(port: number, child: ChildProcess, log: () => string, timeoutMs = 15000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}:\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      let reply = '';
      socket.setTimeout(1000, () => socket.destroy());
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (d) => {
        reply += d.toString();
        if (reply.includes('\r\n')) {
          socket.end();
          resolve(reply.startsWith('+PONG'));
        }
      });
      socket.on('error', () => resolve(false));
      socket.on('close', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`redis-server did not answer PING on 127.0.0.1:${port} within ${timeoutMs / 1000} s:\n${log()}`);
}

/** The test Redis: the environment's, or one started here. */
export async function testRedis(): Promise<TestRedis> {
  const fromEnv = process.env.DUBSTAGE_TEST_REDIS_URL;
  if (fromEnv) return { url: fromEnv, stop: async () => {} };
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  if (which.status !== 0) {
    throw new Error(
      'the farm tests need a real Redis: set DUBSTAGE_TEST_REDIS_URL=redis://host:port, or install redis-server ' +
        '(Debian/Ubuntu: apt-get install redis-server; `.ci/run` does both)',
    );
  }
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  try {
    await waitForPong(port, child, () => out);
  } catch (err) {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = (): void => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}

/** `url` with database `db` (the farm suites keep to their own), emptied first. */
export async function emptyDatabase(url: string, db: number): Promise<string> {
  const { Redis } = await import('ioredis');
  const at = `${url.replace(/\/\d*$/, '')}/${db}`;
  const client = new Redis(at);
  await client.flushdb();
  client.disconnect();
  return at;
}
