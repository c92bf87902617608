/**
 * Collectives of the default process group (PyTorch's `torch.distributed.all_reduce`,
 * `all_gather`, `broadcast`, `reduce_scatter`, `barrier`) and the differentiable
 * `allGatherWithGrad` / `allReduceWithGrad` (`torch.distributed.nn.functional`).
 *
 * Every rank must make the same calls in the same order with tensors of the same
 * shape and dtype (PyTorch's contract). Each call blocks until all ranks have taken
 * part; a rank that waits longer than the group's timeout, or whose peer exited,
 * gets a TorchError such as
 * `allReduce: rank 1 of 2 failed: Connection closed by peer [127.0.0.1]:45019 (timeout 5 s)`.
 */
import { native } from './native.js';
import { Tensor, wrapAll } from './tensor.js';
import { isFloating } from './dtype.js';
import { fail, handle, int, oneOf, tensor, tensorList, within } from './check.js';
import { TorchError } from './errors.js';

/** Throws a TorchError naming `op` unless the default group is initialized. */
export function requireGroup(op: string): void {
  if (!native.distIsInitialized())
    throw new TorchError(`${op}: the default process group is not initialized: call torch.distributed.initProcessGroup() first`);
}

/** How values meet: elementwise over ranks. 'avg' is the sum divided by the world size (floating dtypes only). */
export type ReduceOp = 'sum' | 'avg' | 'product' | 'max' | 'min';
const REDUCE_OPS = ['sum', 'avg', 'product', 'max', 'min'] as const;

/** The reduce op, checked against the tensor's dtype. */
function reduceOp(op: unknown, t: Tensor): ReduceOp {
  const o = oneOf(op, 'op', REDUCE_OPS);
  if (o === 'avg' && !isFloating(t.dtype)) fail(t.dtype, "op 'avg'", 'a floating-point tensor');
  return o;
}

/** A tensor the collective writes into in place: its memory must be one contiguous block. */
function inPlace(value: unknown, name: string): Tensor {
  const t = tensor(value, name);
  if (!t.isContiguous()) fail(t, name, 'a contiguous Tensor (written in place; call .contiguous() first)');
  return t;
}

/**
 * Reduces `t` over all ranks, in place: afterwards every rank holds the elementwise
 * `op` of every rank's `t`. Returns `t`. [*] → [*]
 */
export function allReduce(t: Tensor, op: ReduceOp = 'sum'): Tensor {
  within('allReduce', () => {
    inPlace(t, 'tensor');
    reduceOp(op, t);
  });
  requireGroup('allReduce');
  native.allReduce(t._h, op);
  return t;
}

/** Every rank's `t`, in rank order (PyTorch's `all_gather` into a new list). [*] → worldSize × [*] */
export function allGather(t: Tensor): Tensor[] {
  const h = within('allGather', () => handle(t, 'tensor'));
  requireGroup('allGather');
  return wrapAll(native.allGather(h));
}

/** Copies rank `src`'s `t` into `t` on every rank, in place. Returns `t`. */
export function broadcast(t: Tensor, src: number): Tensor {
  requireGroup('broadcast');
  within('broadcast', () => {
    inPlace(t, 'tensor');
    int(src, 'src', 0, native.distWorldSize() - 1);
  });
  native.broadcast(t._h, src);
  return t;
}

/**
 * Rank r receives the elementwise `op` over ranks of their `inputs[r]`, written into
 * `out` (PyTorch's `reduce_scatter`). `inputs`: worldSize tensors shaped like `out`.
 * Returns `out`.
 */
export function reduceScatter(out: Tensor, inputs: Tensor[], op: ReduceOp = 'sum'): Tensor {
  requireGroup('reduceScatter');
  within('reduceScatter', () => {
    tensor(out, 'out');
    const list = tensorList(inputs, 'inputs');
    const w = native.distWorldSize() as number;
    if (list.length !== w) fail(inputs, 'inputs', `an array of ${w} Tensors (one per rank)`, RangeError);
    const shape = out.shape.join(', ');
    list.forEach((x, i) => {
      if (x.shape.join(', ') !== shape || x.dtype !== out.dtype)
        throw new RangeError(
          `Expected inputs[${i}] of shape [${shape}] and dtype ${out.dtype} like out but received [${x.shape.join(', ')}] ${x.dtype}`,
        );
    });
    reduceOp(op, out);
  });
  native.reduceScatter(
    out._h,
    inputs.map((x) => x._h),
    op,
  );
  return out;
}

/** Returns once every rank has called `barrier()`. */
export function barrier(): void {
  requireGroup('barrier');
  native.barrier();
}

/**
 * Every rank's `t` concatenated on dim 0, in rank order, with gradient
 * (`torch.distributed.nn.functional.all_gather`, then `torch.cat`). [N, *] → [W·N, *]
 *
 * Backward sends each rank the sum over ranks of the gradient of its own slice. So
 * when every rank computes the same loss L over the gathered global batch, each
 * rank's parameter gradient is W × (its batch's share of dL/dθ); averaging over
 * ranks (DistributedDataParallel) gives exactly dL/dθ of one process on the global
 * batch — the SimCLR-across-ranks setting (Chen et al. 2020, §2.2: negatives from
 * all replicas).
 */
export function allGatherWithGrad(t: Tensor): Tensor {
  const h = within('allGatherWithGrad', () => handle(t, 'tensor'));
  requireGroup('allGatherWithGrad');
  return new Tensor(native.allGatherWithGrad(h));
}

/**
 * The sum (or mean, op 'avg') over ranks of `t`, as a new tensor with gradient
 * (`torch.distributed.nn.functional.all_reduce`): backward sums the incoming gradient
 * over ranks, so global statistics (SyncBatchNorm's batch mean and variance) pass
 * each rank's loss gradient back to every rank's inputs. [*] → [*]
 */
export function allReduceWithGrad(t: Tensor, op: 'sum' | 'avg' = 'sum'): Tensor {
  const h = within('allReduceWithGrad', () => {
    const x = tensor(t, 'tensor');
    reduceOp(oneOf(op, 'op', ['sum', 'avg']), x);
    return x._h;
  });
  requireGroup('allReduceWithGrad');
  const sum = new Tensor(native.allReduceSumWithGrad(h));
  if (op === 'sum') return sum;
  const mean = sum.div(native.distWorldSize());
  sum.dispose();
  return mean;
}
