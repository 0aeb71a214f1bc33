/** A one-line progress bar on a terminal's stderr; silent when stderr is not a terminal. */
export function progressBar(label: string): ((done: number, total: number) => void) & { end(): void } {
  const tty = process.stderr.isTTY === true;
  let last = -1;
  const update = (done: number, total: number) => {
    if (!tty || total <= 0) return;
    const pct = Math.floor((done / total) * 100);
    if (pct === last) return;
    last = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${label.slice(-40)}`);
  };
  return Object.assign(update, {
    end() {
      if (tty && last >= 0) process.stderr.write('\r\x1b[K');
    },
  });
}

/**
 * `qc`'s progress on a terminal's stderr (silent when stderr is not a terminal): files measured of
 * those queued, null tests done of those started, and the latest thing that happened. Fed the pipeline's
 * onProgress messages (src/qc/pipeline.ts: `measuring ID`, `measured ID`, `null test ID`, `null tested ID`).
 */
export function qcProgress(stream: { isTTY?: boolean; write(s: string): unknown } = process.stderr): ((message: string) => void) & { end(): void } {
  const tty = stream.isTTY === true;
  let queued = 0;
  let measured = 0;
  let nullStarted = 0;
  let nullDone = 0;
  let shown = false;
  const update = (message: string) => {
    if (message.startsWith('measuring ')) queued++;
    else if (message.startsWith('measured ')) measured++;
    else if (message.startsWith('null tested ')) nullDone++;
    else if (message.startsWith('null test ')) nullStarted++;
    if (!tty) return;
    const width = 20;
    const filled = queued > 0 ? Math.round((measured / queued) * width) : 0;
    const nulls = nullStarted > 0 ? ` · null tests ${nullDone}/${nullStarted}` : '';
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${measured}/${queued} files measured${nulls} · ${message}`;
    const cols = (stream as { columns?: number }).columns ?? 100;
    stream.write(`\r\x1b[K${line.slice(0, Math.max(20, cols - 1))}`);
    shown = true;
  };
  return Object.assign(update, {
    end() {
      if (tty && shown) stream.write('\r\x1b[K');
    },
  });
}

/**
 * `batch`'s progress on a terminal's stderr (silent when stderr is not a terminal): deliveries done of
 * all (with those --resume skipped), the delivery last started or finished, and the time left at the pace so far.
 */
export function batchProgress(stream: { isTTY?: boolean; write(s: string): unknown } = process.stderr): ((p: { done: number; total: number; skipped: number; current: string | null; secondsLeft: number | null }) => void) & { end(): void } {
  const tty = stream.isTTY === true;
  let shown = false;
  const clock = (s: number): string => {
    const t = Math.round(s);
    return t >= 3600 ? `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m` : `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`;
  };
  const update = (p: { done: number; total: number; skipped: number; current: string | null; secondsLeft: number | null }) => {
    if (!tty) return;
    const width = 20;
    const filled = p.total > 0 ? Math.round((p.done / p.total) * width) : 0;
    const skipped = p.skipped > 0 ? ` (${p.skipped} unchanged)` : '';
    const left = p.secondsLeft !== null && p.done < p.total ? ` · ${clock(p.secondsLeft)} left` : '';
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} deliveries${skipped}${left}${p.current ? ` · ${p.current}` : ''}`;
    const cols = (stream as { columns?: number }).columns ?? 100;
    stream.write(`\r\x1b[K${line.slice(0, Math.max(20, cols - 1))}`);
    shown = true;
  };
  return Object.assign(update, {
    end() {
      if (tty && shown) stream.write('\r\x1b[K');
    },
  });
}
