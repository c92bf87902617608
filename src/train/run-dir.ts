/**
 * A run directory: everything one run produces, in one folder.
 *
 *   RUN/config.json           the resolved configuration (written atomically)
 *   RUN/metrics.jsonl         one JSON object per line, each with an `event` field
 *   RUN/checkpoints/<stage>/  the latest resumable checkpoint of each stage (src/train/checkpoint.ts)
 *   RUN/<name>.safetensors    final weights, embeddings (PyTorch key names)
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import * as torch from '../torch/index.js';
import type { Module } from '../nn/module.js';
import { removeStaleTemps, writeFileAtomic } from '../io/atomic.js';

/** One line of metrics.jsonl. */
export interface MetricEvent {
  event: string;
  [key: string]: unknown;
}

/** Calls `fn` with each non-blank line of a JSON-lines file, parsed, and its "file:line"; a line that is not JSON is an error naming it. */
export function forEachJsonLine(path: string, fn: (value: unknown, where: string) => void): void {
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const where = `${path}:${i + 1}`;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        throw new Error(`${where}: not JSON: ${(e as Error).message}`);
      }
      fn(value, where);
    });
}

export class RunDir {
  readonly dir: string;
  /**
   * Whether this process writes the folder. In a data-parallel run rank 0 alone does:
   * the other ranks' writes (config, metrics, checkpoints, weights) are skipped, and
   * they only read the folder (a checkpoint to resume from).
   */
  readonly writer: boolean;

  /**
   * Opens `dir` for a new run (it must not already hold one; the folder is
   * created by `writeConfig`, once the run's config has been checked) or, with
   * `resume`, for continuing the run in it (it must hold one).
   */
  constructor(dir: string, o: { resume?: boolean; writer?: boolean } = {}) {
    if (typeof dir !== 'string' || dir.trim() === '')
      throw new TypeError(`run folder: expected a folder path (--out) but received ${JSON.stringify(dir)}`);
    this.dir = resolve(dir);
    this.writer = o.writer ?? true;
    if (!this.writer && !o.resume) return; // the writer checks a new run's folder (and may have created it by now)
    const started = existsSync(this.configPath);
    if (o.resume && !started) throw new Error(`--resume: ${this.dir} holds no run (no config.json); start one without --resume`);
    if (!o.resume && started) throw new Error(`${this.dir} already holds a run; pass --resume to continue it, or choose another --out`);
    if (existsSync(this.dir) && !statSync(this.dir).isDirectory()) throw new Error(`run folder: ${this.dir} is a file, not a folder`);
    if (o.resume && this.writer) removeStaleTemps(this.dir); // a writer killed mid-write (config, metrics rewrite, weights) left its temp file
  }

  /** The folder's name (a run's default name). */
  get name(): string {
    return basename(this.dir);
  }

  get configPath(): string {
    return join(this.dir, 'config.json');
  }
  get metricsPath(): string {
    return join(this.dir, 'metrics.jsonl');
  }
  path(name: string): string {
    return join(this.dir, name);
  }
  checkpointDir(stage: string): string {
    return join(this.dir, 'checkpoints', stage);
  }
  hasCheckpoint(stage: string): boolean {
    return existsSync(join(this.checkpointDir(stage), 'manifest.json'));
  }

  /** Creates the run folder and writes the resolved config (atomically). */
  writeConfig(config: unknown): void {
    if (!this.writer) return;
    mkdirSync(this.dir, { recursive: true });
    writeFileAtomic(this.configPath, JSON.stringify(config, null, 2) + '\n', 'config');
  }
  readConfig(): Record<string, unknown> {
    return JSON.parse(readFileSync(this.configPath, 'utf8')) as Record<string, unknown>;
  }

  /** Appends one event (with the time) to metrics.jsonl. */
  log(e: MetricEvent): void {
    if (this.writer) appendFileSync(this.metricsPath, JSON.stringify({ ...e, time: new Date().toISOString() }) + '\n');
  }

  /** The events logged so far (an unreadable line names its number). */
  events(): MetricEvent[] {
    const out: MetricEvent[] = [];
    if (existsSync(this.metricsPath)) forEachJsonLine(this.metricsPath, (e) => out.push(e as MetricEvent));
    return out;
  }

  /**
   * On resume: drops the events of `stage` logged after its checkpoint (step >
   * `step`), which the resumed run logs again.
   */
  rewind(stage: string, step: number): void {
    if (!this.writer) return;
    const kept = this.events().filter((e) => e.stage !== stage || typeof e.step !== 'number' || e.step <= step);
    writeFileAtomic(this.metricsPath, kept.map((e) => JSON.stringify(e) + '\n').join(''), 'metrics');
  }

  /** Writes a module's weights (PyTorch key names) to RUN/<name>.safetensors, atomically. */
  saveWeights(name: string, module: Module, metadata?: Record<string, string>): string {
    const path = this.path(`${name}.safetensors`);
    if (this.writer) torch.scope(() => torch.safetensors.saveFile(path, module.stateDict(), metadata));
    return path;
  }
}
