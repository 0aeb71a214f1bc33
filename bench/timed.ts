/** Shared by the benchmarks: run a command, timing it and sampling its peak memory. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Run {
  wallSeconds: number;
  /** Peak resident memory (VmHWM), sampled from /proc every 10 ms while the command runs. */
  peakRssMb: number;
  /** User + system CPU seconds of the process and all its threads (sampled from /proc every 10 ms: the last 10 ms may be missing). */
  cpuSeconds: number;
  stdout: string;
  stderr: string;
  code: number | null;
}

export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    let hwm = 0;
    let cpu = 0;
    const tick = 100; // USER_HZ on Linux
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]) / 1024);
        // fields 14 and 15 (utime, stime) after the command name in parentheses
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        cpu = Math.max(cpu, (Number(f[11]) + Number(f[12])) / tick);
      } catch {
        // the process has exited
      }
    }, 10);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ wallSeconds: Number(process.hrtime.bigint() - t0) / 1e9, peakRssMb: hwm, cpuSeconds: cpu, stdout: out, stderr: err, code });
    });
  });
}
