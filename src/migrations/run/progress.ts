/**
 * Progress of a long step (a backfill) on stderr: a bar redrawn in place when stderr is a terminal, otherwise
 * (CI logs, pipes) one plain line every few seconds and a final line. No dependency: it is one line of text.
 */
export interface ProgressOptions {
  /** Where to write (default `process.stderr`). */
  stream?: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean; columns?: number };
  /** Interval between plain lines when not a terminal. Default 5 000 ms. */
  lineIntervalMs?: number;
  /** Write nothing at all. */
  silent?: boolean;
  /** The clock in ms (default `Date.now`); tests inject one instead of racing the redraw interval. */
  now?: () => number;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export class Progress {
  private readonly stream: NonNullable<ProgressOptions['stream']>;
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly started: number;
  private lastDraw = -Infinity;
  private lastLine: number;
  private done = 0;

  constructor(
    private readonly label: string,
    private readonly total: number | undefined,
    private readonly options: ProgressOptions = {},
    /** Rows already done by an earlier run (counted, not in the rate). */
    private readonly resumedFrom = 0,
  ) {
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? Date.now;
    this.started = this.lastLine = this.now();
    this.tty = !!this.stream.isTTY;
    this.done = resumedFrom;
    if (!options.silent && !this.tty) {
      const of = total === undefined ? '' : ` of ${fmt(total)}`;
      this.stream.write(`${label}: ${resumedFrom ? `resuming after ${fmt(resumedFrom)} rows${of}` : `starting${total === undefined ? '' : `, ${fmt(total)} rows`}`}\n`);
    }
  }

  update(done: number): void {
    this.done = done;
    if (this.options.silent) return;
    const now = this.now();
    if (this.tty) {
      if (now - this.lastDraw < 100) return;
      this.lastDraw = now;
      this.stream.write(`\r${this.text()}\x1b[K`);
    } else if (now - this.lastLine >= (this.options.lineIntervalMs ?? 5000)) {
      this.lastLine = now;
      this.stream.write(`${this.text()}\n`);
    }
  }

  finish(summary?: string): void {
    if (this.options.silent) return;
    const secs = ((this.now() - this.started) / 1000).toFixed(1);
    const line = `${this.label}: ${summary ?? `${fmt(this.done)} rows`} in ${secs} s`;
    this.stream.write(this.tty ? `\r${line}\x1b[K\n` : `${line}\n`);
  }

  private text(): string {
    const elapsed = Math.max(1, this.now() - this.started) / 1000;
    const rate = Math.round((this.done - this.resumedFrom) / elapsed);
    if (this.total === undefined || this.total <= 0) return `${this.label}: ${fmt(this.done)} rows · ${fmt(rate)} rows/s`;
    const ratio = Math.min(1, this.done / this.total);
    const width = 24;
    const filled = Math.round(ratio * width);
    const bar = this.tty ? ` [${'█'.repeat(filled)}${'░'.repeat(width - filled)}]` : '';
    return `${this.label}:${bar} ${Math.floor(ratio * 100)}% ${fmt(this.done)}/${fmt(this.total)} rows · ${fmt(rate)} rows/s`;
  }
}
