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
