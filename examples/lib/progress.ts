/**
 * A one-line progress bar for training loops. On a terminal the line is
 * redrawn in place (\r); when stdout is a file or a pipe (CI logs) it prints
 * a plain line at most every `intervalMs` and always at the end of a stage.
 */

export interface ProgressOptions {
  /** Steps in one stage (e.g. batches per epoch). */
  total: number;
  /** Plain-line interval when stdout is not a terminal (default 5 s). */
  intervalMs?: number;
  width?: number;
}

export class ProgressBar {
  private readonly tty = Boolean(process.stdout.isTTY);
  private readonly total: number;
  private readonly intervalMs: number;
  private readonly width: number;
  private lastPrint = 0;

  constructor(opts: ProgressOptions) {
    this.total = opts.total;
    this.intervalMs = opts.intervalMs ?? 5000;
    this.width = opts.width ?? 24;
  }

  /** Shows `done` of `total` with a label before and text after; `final` ends the line. */
  update(label: string, done: number, text: string, final = false): void {
    const filled = Math.round((this.width * done) / this.total);
    const bar = "█".repeat(filled) + "░".repeat(this.width - filled);
    const count = `${String(done).padStart(String(this.total).length)}/${this.total}`;
    const line = `${label} ${bar} ${count}  ${text}`;
    if (this.tty) {
      process.stdout.write(`\r${line}\x1b[K${final ? "\n" : ""}`);
      return;
    }
    const now = Date.now();
    if (final || now - this.lastPrint >= this.intervalMs) {
      this.lastPrint = now;
      console.log(line);
    }
  }
}

/** Lets pending tasks run (FinalizationRegistry callbacks free unreferenced tensors there). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
