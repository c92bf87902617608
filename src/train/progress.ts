/**
 * Progress of long work: a bar with loss, throughput and ETA on a terminal
 * (cli-progress), plain log lines every few seconds otherwise (files, CI).
 */
import cliProgress from 'cli-progress';

/** Seconds as "1h02m", "3m12s" or "45s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

export interface ProgressOptions {
  /** Show a bar (default: when stderr is a terminal). */
  bar?: boolean;
  /** Seconds between plain log lines (default 10). */
  interval?: number;
  /** Where plain lines go (default stderr). */
  write?: (line: string) => void;
  /** What an item is, in the rate (default 'img': images per second; 'seq' for text). */
  unit?: string;
}

/** Progress over `total` steps of one stage; `update` after each step. */
export class Progress {
  private readonly bar: cliProgress.SingleBar | null;
  private readonly write: (line: string) => void;
  private readonly interval: number;
  private readonly t0 = performance.now();
  private lastLine = 0;
  private readonly first: number;
  private readonly unit: string;

  constructor(
    readonly stage: string,
    readonly total: number,
    start = 0,
    o: ProgressOptions = {},
  ) {
    this.write = o.write ?? ((line) => process.stderr.write(line + '\n'));
    this.interval = (o.interval ?? 10) * 1000;
    this.first = start;
    this.unit = o.unit ?? 'img';
    const tty = o.bar ?? process.stderr.isTTY === true;
    this.bar = tty
      ? new cliProgress.SingleBar(
          {
            format: `${stage} |{bar}| {value}/{total} | loss {loss} | {rate} ${this.unit}/s | ETA {eta_formatted}`,
            hideCursor: true,
            etaBuffer: 50,
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
    this.bar?.start(total, start, { loss: '-', rate: '-' });
  }

  /** After step `step` (1-based count done): loss so far and images per second. */
  update(step: number, loss: number, imagesPerSec: number, epoch: number): void {
    if (this.bar) {
      this.bar.update(step, { loss: loss.toFixed(4), rate: imagesPerSec.toFixed(0) });
      return;
    }
    const now = performance.now();
    if (now - this.lastLine < this.interval && step < this.total) return;
    this.lastLine = now;
    const perStep = (now - this.t0) / 1000 / Math.max(1, step - this.first);
    this.write(
      `[${this.stage}] step ${step}/${this.total} epoch ${epoch} loss ${loss.toFixed(4)} ${imagesPerSec.toFixed(0)} ${this.unit}/s eta ${formatDuration(perStep * (this.total - step))}`,
    );
  }

  /** A message that does not break the bar. */
  log(line: string): void {
    if (this.bar) {
      this.bar.stop();
      this.write(line);
      this.bar.start(this.total, this.bar.getProgress() * this.total);
    } else this.write(line);
  }

  stop(): void {
    this.bar?.stop();
  }
}
