/**
 * Data-parallel pretraining over torch.distributed (PyTorch's launch conventions):
 * a process started as a rank of a job — RANK, WORLD_SIZE, MASTER_ADDR and
 * MASTER_PORT in its environment, as `selfsup launch -n N` or torchrun set them —
 * joins the default process group; the run then trains on its shard of every global
 * batch with DistributedDataParallel, the method's cross-sample terms taken over all
 * ranks (src/methods/method.ts, DistContext), and rank 0 alone writes the run folder.
 */
import * as torch from '../torch/index.js';
import { convertSyncBatchNorm } from '../nn/norm.js';
import { DistributedDataParallel } from '../nn/parallel.js';
import { processGroupContext, type MethodModel } from '../methods/method.js';

/**
 * Joins the default process group (Gloo) when the environment names a job of more
 * than one rank and none is joined yet; runs `fn`, waits for every rank to finish it
 * (so no rank exits while rank 0 still writes the run folder: a launcher ends the
 * job when its first rank exits), then leaves the group it joined.
 */
export async function asRankOfJob<T>(fn: () => Promise<T>): Promise<T> {
  const size = Number(process.env.WORLD_SIZE ?? 1);
  const join = size > 1 && !torch.distributed.isInitialized();
  if (join) torch.distributed.initProcessGroup({ backend: 'gloo' });
  try {
    const result = await fn();
    if (join) torch.distributed.barrier();
    return result;
  } finally {
    if (join) torch.distributed.destroyProcessGroup();
  }
}

/**
 * Makes `model` train data-parallel on the current process group (a no-op wrapper
 * without one): its batch norms become SyncBatchNorm when `syncBatchNorm`, its
 * steps see the other ranks, and rank 0's weights reach every rank. Call it on
 * every rank with the same model before the optimizer and any checkpoint load.
 */
export function dataParallel(model: MethodModel, o: { syncBatchNorm: boolean }): DistributedDataParallel<MethodModel> {
  model.dist = processGroupContext();
  if (model.dist.worldSize > 1 && o.syncBatchNorm) convertSyncBatchNorm(model);
  // synchronised batch norms keep equal running statistics on every rank: nothing to broadcast each step
  return new DistributedDataParallel(model, { broadcastBuffers: !o.syncBatchNorm });
}
