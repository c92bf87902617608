/**
 * A small pool of worker threads that decode image files off the main thread.
 * The requests made in one tick (a DataLoader batch) are handed out together,
 * shared evenly among the workers, one message each (at most `MAX_IN_FLIGHT`
 * files held per worker), so the workers keep decoding
 * while the main thread is busy with a training step: a worker decodes its files
 * one after another and posts back each one's planar uint8 pixels [C, H, W] (the
 * buffer is transferred, not copied); the main thread builds the tensors. A
 * decode error, or a worker that crashes, rejects with an error naming the file;
 * a crashed worker is replaced. Idle workers do not keep the process alive.
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
  /** The files handed to this worker and not answered yet, by request id. */
  tasks: Map<number, Task>;
}

const WORKER_URL = new URL('./decode-worker.js', import.meta.url);

/** Most files handed to one worker at a time (bounds the pixels waiting to be read back). */
const MAX_IN_FLIGHT = 256;

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
   * answer the same messages: an array of `DecodeRequest`s in, one `DecodeReply`
   * per request out).
   */
  constructor(
    size = Math.min(4, availableParallelism()),
    readonly script: URL = WORKER_URL,
  ) {
    if (!(Number.isInteger(size) && size > 0))
      throw new RangeError(`DecodePool: expected a positive integer for size but received ${size}`);
    this.size = size;
  }

  /** Decodes `path` in a worker (see `decodeImage`); rejects with an ImageDecodeError naming the file. */
  decode(path: string, options: ImageOptions): Promise<RawImage> {
    if (this.closed) return Promise.reject(new Error(`DecodePool: the pool is closed (decoding ${path})`));
    const { size, channels, fit, background } = resolveImageOptions(options);
    return new Promise((resolve, reject) => {
      this.queue.push({ req: { id: this.nextId++, path, options: { size, channels, fit, background } }, resolve, reject });
      if (this.queue.length === 1) queueMicrotask(() => this.dispatch()); // once per tick: a batch's requests go out together
    });
  }

  /** Requests waiting for a worker plus those being decoded. */
  get pending(): number {
    return this.queue.length + this.slots.reduce((n, s) => n + s.tasks.size, 0);
  }

  /** Stops every worker; decodes in flight or queued reject naming their files. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new Error(`DecodePool: closed before decoding ${t.req.path}`));
    const slots = this.slots.splice(0);
    for (const s of slots) this.fail(s, (t) => new Error(`DecodePool: closed while decoding ${t.req.path}`));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  /** Hands the waiting requests to the least busy workers, an even share of them each. */
  private dispatch(): void {
    while (this.slots.length < Math.min(this.size, this.pending)) this.spawn();
    const share = Math.ceil(this.queue.length / this.size);
    while (this.queue.length) {
      const slot = this.slots.reduce((a, b) => (b.tasks.size < a.tasks.size ? b : a));
      const n = Math.min(share, this.queue.length, MAX_IN_FLIGHT - slot.tasks.size);
      if (n <= 0) return;
      const batch = this.queue.splice(0, n);
      try {
        slot.worker.postMessage(batch.map((t) => t.req));
      } catch (e) {
        for (const t of batch)
          t.reject(new ImageDecodeError(t.req.path, `cannot send the request to a decode worker: ${(e as Error).message}`));
        continue;
      }
      for (const t of batch) slot.tasks.set(t.req.id, t);
      slot.worker.ref();
    }
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.script), tasks: new Map() };
    slot.worker.unref();
    slot.worker.on('message', (m: DecodeReply) => {
      const task = slot.tasks.get(m.id);
      if (!task) return;
      slot.tasks.delete(m.id);
      if (slot.tasks.size === 0) slot.worker.unref();
      if (this.queue.length) this.dispatch();
      if ('error' in m) task.reject(new ImageDecodeError(task.req.path, m.error));
      else task.resolve({ data: m.data, shape: m.shape });
    });
    // A worker answers its files in order, so the one it crashed on is its oldest
    // unanswered file once every answer it posted has arrived, which is by 'exit'
    // ('error' may overtake them). That file fails; the others go back to the front
    // of the queue.
    let why = '';
    slot.worker.on('error', (e) => (why = e.message));
    slot.worker.on('exit', (code) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      const [first, ...rest] = slot.tasks.values();
      slot.tasks.clear();
      this.queue.unshift(...rest);
      first?.reject(new ImageDecodeError(first.req.path, `the decode worker failed: ${why || `it exited with code ${code}`}`));
      this.dispatch();
    });
    this.slots.push(slot);
    return slot;
  }

  private fail(slot: Slot, error: (t: Task) => Error): void {
    const tasks = [...slot.tasks.values()];
    slot.tasks.clear();
    for (const t of tasks) t.reject(error(t));
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
