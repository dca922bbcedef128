// Progress on stderr: a line per phase, and a bar with the live rate during each measurement.
const tty = Boolean(process.stderr.isTTY);
const t0 = Date.now();

function stamp(): string {
  const s = Math.round((Date.now() - t0) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export const progress = {
  quiet: false,
  phase(text: string): void {
    if (this.quiet) return;
    process.stderr.write(`[${stamp()}] ${text}\n`);
  },
  /** A bar redrawn in place on a terminal; a dot per second otherwise. */
  bar(label: string, elapsed: number, total: number, rate: number): void {
    if (this.quiet) return;
    if (tty) {
      const width = 24;
      const done = Math.min(width, Math.round((elapsed / Math.max(total, 1e-9)) * width));
      process.stderr.write(
        `\r        ${label.padEnd(9)} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${String(Math.min(elapsed, total)).padStart(3)}/${total} s  ${Math.round(rate).toLocaleString('en-US').padStart(7)} req/s `,
      );
    } else if (elapsed === 1) process.stderr.write(`        ${label} .`);
    else process.stderr.write('.');
  },
  endBar(): void {
    if (this.quiet) return;
    process.stderr.write(tty ? '\r\x1b[K' : '\n');
  },
};
