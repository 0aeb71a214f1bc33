/**
 * How a worker forks its sandboxed children (src/farm/worker.ts childForkOptions): one thread per delivery,
 * for the QC (DUBSTAGE_THREADS=1) and for V8 (--single-threaded), the parent's own node options kept (a
 * worker run under tsx forks children that load TypeScript too); a facility's DUBSTAGE_THREADS above 1
 * keeps V8's threads; under --inspect BullMQ's execArgv handling (a free port per child) is left alone.
 * The flag's effect, no CPU on other threads in the child, is printed by bench/farm.bench.ts.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { childForkOptions } from '../../src/farm/worker.js';

describe('childForkOptions', () => {
  it('one thread per delivery: DUBSTAGE_THREADS=1 and --single-threaded after the parent\'s own options', () => {
    const o = childForkOptions({ PATH: '/usr/bin' }, ['--import', 'tsx']);
    expect(o.env).toEqual({ PATH: '/usr/bin', DUBSTAGE_THREADS: '1' });
    expect(o.execArgv).toEqual(['--import', 'tsx', '--single-threaded']);
  });

  it('DUBSTAGE_THREADS=1 given explicitly is the same', () => {
    expect(childForkOptions({ DUBSTAGE_THREADS: '1' }, []).execArgv).toEqual(['--single-threaded']);
  });

  it('a delivery given several threads keeps V8\'s background threads (BullMQ passes the parent\'s options itself)', () => {
    const o = childForkOptions({ DUBSTAGE_THREADS: '4' }, ['--import', 'tsx']);
    expect(o.env.DUBSTAGE_THREADS).toBe('4');
    expect(o.execArgv).toBeUndefined();
  });

  it('under --inspect, execArgv is left to BullMQ (it gives each child a free debug port)', () => {
    expect(childForkOptions({}, ['--inspect=9229']).execArgv).toBeUndefined();
    expect(childForkOptions({}, ['--inspect-brk']).execArgv).toBeUndefined();
  });

  it('this node accepts the flag (a child that cannot start would fail every job)', () => {
    const r = spawnSync(process.execPath, ['--single-threaded', '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ok');
  });
});
