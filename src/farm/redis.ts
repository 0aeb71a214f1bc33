/**
 * Connections to the farm's Redis. A command first probes the server once, with a short timeout and no
 * retries, so an unreachable Redis is a clear error naming the URL within seconds instead of ioredis
 * reconnecting forever. After that the long-lived connections BullMQ uses reconnect with backoff (a
 * worker rides out a Redis restart) and, as BullMQ requires for its blocking commands, never give up
 * on a command (maxRetriesPerRequest: null).
 */
import { Redis, type RedisOptions } from 'ioredis';
import { DubstageError } from '../errors.js';

/** How long the first connection may take before the server counts as unreachable. */
export const PROBE_TIMEOUT_MS = 3000;

/** The URL as it may be printed: a password in it is replaced by `***`. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** Refuse what is not a redis:// or rediss:// URL before connecting to anything. */
export function checkRedisUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DubstageError({ code: 'usage', message: `--redis ${url} is not a URL (expected redis://host:port or rediss://host:port)` });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new DubstageError({ code: 'usage', message: `--redis ${redactRedisUrl(url)}: expected a redis:// or rediss:// URL, not ${u.protocol}//` });
  }
}

/**
 * Connect once and PING: resolves when the server answers, else throws DubstageError 'io' naming the URL
 * and the reason (refused, timed out, authentication ...). Never retries, never waits longer than timeoutMs.
 */
export async function probeRedis(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  checkRedisUrl(url);
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // the socket's own error (ECONNREFUSED, ENOTFOUND ...) says more than the rejected connect ("Connection is closed")
  let socketError: Error | undefined;
  client.on('error', (err: Error) => (socketError ??= err));
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    await Promise.race([client.connect().then(() => client.ping()), deadline]);
  } catch (err) {
    const e = socketError ?? (err as Error);
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' ? 'host not found' : /RESP|protocol/i.test(e.message) ? `it does not answer as a Redis server (${e.message})` : e.message || String(e);
    throw new DubstageError({ code: 'io', message: `cannot reach Redis at ${redactRedisUrl(url)}: ${reason}` });
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/**
 * A connection for BullMQ (queues, workers, their blocking reads): reconnects with backoff up to 5 s
 * between attempts and keeps commands until the server is back (BullMQ requires maxRetriesPerRequest: null).
 */
export function farmConnection(url: string, extra: RedisOptions = {}): Redis {
  checkRedisUrl(url);
  const client = new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 5), 5000),
    ...extra,
  });
  return client;
}
