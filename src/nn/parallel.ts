/**
 * `DistributedDataParallel`: data-parallel training over the default process group
 * (PyTorch's `torch.nn.parallel.DistributedDataParallel`, Li et al. 2020, "PyTorch
 * Distributed: Experiences on Accelerating Data Parallel Training", §3.2).
 *
 *     const ddp = new DistributedDataParallel(model);   // rank 0's weights on every rank
 *     ddp.forward(x) … loss.backward();
 *     ddp.syncGradients();                              // every rank: the mean of the ranks' gradients
 *     optimizer.step();
 *
 * Construction broadcasts every parameter and buffer from rank 0. `syncGradients()`
 * runs after backward: the gradients of the trainable parameters are flattened into
 * buckets of at most `bucketCapMb` (one dtype each), each bucket is all-reduced in one
 * call and copied back, divided by the world size. Communication does not overlap the
 * backward pass (PyTorch's autograd hooks): the buckets go out one after another once
 * backward has finished.
 *
 * A parameter may lack a gradient (unused this step, a frozen layer): each bucket
 * carries one presence count per parameter, so every rank sees the same outcome —
 * no rank had a gradient: it stays absent on all of them; some had: a missing
 * gradient counts as zeros (what one process would accumulate over the whole batch).
 *
 * Without an initialized process group, or with a world size of 1, the wrapper does
 * nothing but forward.
 */
import * as torch from '../torch/index.js';
import { bool, finite, options, within } from '../torch/check.js';
import { itemSize } from '../torch/dtype.js';
import { Module } from './module.js';

type Tensor = torch.Tensor;

export interface DistributedDataParallelOptions {
  /** Largest bucket of gradients per all-reduce, in MB (default 25, PyTorch's). */
  bucketCapMb?: number;
  /** Whether `syncBuffers()` copies rank 0's buffers to every rank (PyTorch's broadcast_buffers; default true). */
  broadcastBuffers?: boolean;
}

/** Tensors of one dtype, in order, cut into buckets of at most `cap` bytes (a larger tensor is a bucket alone). */
export function buckets(tensors: Tensor[], capBytes: number): Tensor[][] {
  const out: Tensor[][] = [];
  const open = new Map<string, { list: Tensor[]; bytes: number }>();
  for (const t of tensors) {
    const bytes = t.numel() * itemSize[t.dtype];
    let b = open.get(t.dtype);
    if (!b || (b.list.length > 0 && b.bytes + bytes > capBytes)) {
      b = { list: [], bytes: 0 };
      open.set(t.dtype, b);
      out.push(b.list);
    }
    b.list.push(t);
    b.bytes += bytes;
  }
  return out;
}

/** Copies rank 0's values of `tensors` into them on every rank, one broadcast per bucket. */
function broadcastAll(tensors: Tensor[], capBytes: number): void {
  for (const bucket of buckets(tensors, capBytes))
    torch.scope(() => {
      const flat = torch.cat(bucket.map((t) => t.detach().reshape([-1]))); // [Σ numel]
      torch.distributed.broadcast(flat, 0);
      let offset = 0;
      torch.noGrad(() => {
        for (const t of bucket) {
          t.copy_(flat.narrow(0, offset, t.numel()).view(t.shape));
          offset += t.numel();
        }
      });
    });
}

/** Wraps `module` for data-parallel training (see the file's comment); `forward` is the module's. */
export class DistributedDataParallel<M extends Module = Module> extends Module {
  readonly module: M;
  /** The world size (1 without a process group: the wrapper is a no-op). */
  readonly worldSize: number;
  private readonly capBytes: number;
  private readonly syncBuffersEachStep: boolean;

  constructor(module: M, o: DistributedDataParallelOptions = {}) {
    super();
    const { bucketCapMb = 25, broadcastBuffers = true } = within('DistributedDataParallel', () => {
      if (!(module instanceof Module)) throw new TypeError('Expected a Module for module');
      const c = options(o, 'DistributedDataParallel', ['bucketCapMb', 'broadcastBuffers']);
      if (c.bucketCapMb !== undefined) finite(c.bucketCapMb, 'bucketCapMb', 1e-6);
      bool(c.broadcastBuffers ?? true, 'broadcastBuffers');
      return c;
    });
    this.module = this.registerModule('module', module);
    this.worldSize = torch.distributed.isInitialized() ? torch.distributed.getWorldSize() : 1;
    this.capBytes = bucketCapMb * 1024 * 1024;
    this.syncBuffersEachStep = broadcastBuffers;
    if (this.worldSize > 1) broadcastAll([...module.parameters(), ...module.buffers()], this.capBytes);
  }

  forward(...inputs: unknown[]): unknown {
    return this.module.forward(...inputs);
  }

  /** Copies rank 0's buffers (running statistics) to every rank, when `broadcastBuffers` (call before a step's forward). */
  syncBuffers(): void {
    if (this.worldSize > 1 && this.syncBuffersEachStep) broadcastAll(this.module.buffers(), this.capBytes);
  }

  /** After backward: every trainable parameter's gradient becomes the mean over ranks (see the file's comment). */
  syncGradients(): void {
    if (this.worldSize === 1) return;
    const w = this.worldSize;
    const params = this.module.parameters().filter((p) => p.requiresGrad);
    for (const bucket of buckets(params, this.capBytes))
      torch.scope(() => {
        const grads = bucket.map((p) => p.grad);
        const flat = torch.cat([
          ...bucket.map((p, i) => (grads[i] ?? torch.zeros(p.shape, { dtype: p.dtype, device: p.device })).reshape([-1])),
          torch.tensor(
            grads.map((g) => (g ? 1 : 0)),
            { dtype: bucket[0].dtype, device: bucket[0].device },
          ), // [bucket.length] presence flags
        ]); // [Σ numel + bucket.length]
        torch.distributed.allReduce(flat, 'sum');
        const present = flat.narrow(0, flat.shape[0] - bucket.length, bucket.length).toArray();
        let offset = 0;
        torch.noGrad(() =>
          bucket.forEach((p, i) => {
            const mean = flat.narrow(0, offset, p.numel()).view(p.shape).div(w);
            offset += p.numel();
            if (present[i] === 0) return;
            const g = grads[i];
            if (g) g.copy_(mean);
            else p.grad = mean.clone(); // libtorch holds the gradient after the scope disposes this handle
          }),
        );
      });
  }
}
