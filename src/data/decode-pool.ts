/**
 * A small pool of worker threads that decode image files off the main thread:
 * each worker takes one file at a time and posts back planar uint8 pixels
 * [C, H, W] (the buffer is transferred, not copied); the main thread builds the
 * tensors. Requests queue when every worker is busy, so the number of decodes
 * in flight is bounded by the pool size. A decode error, or a worker that
 * crashes, rejects with an error naming the file; a crashed worker is replaced.
 * Idle workers do not keep the process alive.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DecodeReply, DecodeRequest } from './decode-worker.js';
import { ImageDecodeError, resolveImageOptions, type ImageOptions, type RawImage } from './image.js';

interface Task {
  req: DecodeRequest;
  resolve: (raw: RawImage) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
}

const WORKER_URL = new URL('./decode-worker.js', import.meta.url);

export class DecodePool {
  /** Number of worker threads. */
  readonly size: number;
  private slots: Slot[] = [];
  private queue: Task[] = [];
  private nextId = 0;
  private closed = false;

  /**
   * `size` workers (default: the number of CPUs, at most 4), started on first
   * use, each running `script` (default decode-worker.js: a replacement must
   * answer the same messages).
   */
  constructor(size = Math.min(4, availableParallelism()), readonly script: URL = WORKER_URL) {
    if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`DecodePool: expected a positive integer for size but received ${size}`);
    this.size = size;
  }

  /** Decodes `path` in a worker (see `decodeImage`); rejects with an ImageDecodeError naming the file. */
  decode(path: string, options: ImageOptions): Promise<RawImage> {
    if (this.closed) return Promise.reject(new Error(`DecodePool: the pool is closed (decoding ${path})`));
    const { size, channels, fit, background } = resolveImageOptions(options);
    return new Promise((resolve, reject) => {
      this.queue.push({ req: { id: this.nextId++, path, options: { size, channels, fit, background } }, resolve, reject });
      this.dispatch();
    });
  }

  /** Requests waiting for a worker plus those being decoded. */
  get pending(): number {
    return this.queue.length + this.slots.filter((s) => s.task).length;
  }

  /** Stops every worker; decodes in flight or queued reject naming their files. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new Error(`DecodePool: closed before decoding ${t.req.path}`));
    const slots = this.slots.splice(0);
    for (const s of slots) this.fail(s, (t) => new Error(`DecodePool: closed while decoding ${t.req.path}`));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.task);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const task = this.queue.shift()!;
      try {
        slot.worker.postMessage(task.req);
      } catch (e) {
        task.reject(new ImageDecodeError(task.req.path, `cannot send the request to a decode worker: ${(e as Error).message}`));
        continue;
      }
      slot.task = task;
      slot.worker.ref();
    }
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.script), task: null };
    slot.worker.unref();
    slot.worker.on('message', (m: DecodeReply) => {
      const task = slot.task;
      if (!task || task.req.id !== m.id) return;
      this.finish(slot);
      if ('error' in m) task.reject(new ImageDecodeError(task.req.path, m.error));
      else task.resolve({ data: m.data, shape: m.shape });
    });
    const crash = (why: string): void => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      this.fail(slot, (t) => new ImageDecodeError(t.req.path, `the decode worker failed: ${why}`));
      this.dispatch();
    };
    slot.worker.on('error', (e) => crash(e.message));
    slot.worker.on('exit', (code) => crash(`it exited with code ${code}`));
    this.slots.push(slot);
    return slot;
  }

  private finish(slot: Slot): void {
    slot.task = null;
    slot.worker.unref();
    this.dispatch();
  }

  private fail(slot: Slot, error: (t: Task) => Error): void {
    const task = slot.task;
    slot.task = null;
    if (task) task.reject(error(task));
  }
}

let shared: DecodePool | null = null;

/** The process-wide pool used by image datasets unless they are given their own. */
export function sharedDecodePool(): DecodePool {
  if (!shared) shared = new DecodePool();
  return shared;
}

/** Closes the shared pool (a later `sharedDecodePool()` makes a new one). */
export async function closeSharedDecodePool(): Promise<void> {
  const p = shared;
  shared = null;
  if (p) await p.close();
}
