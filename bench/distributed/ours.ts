/**
 * One rank of bench/distributed (run by run.ts through launchLocal, or alone for one
 * process): SimCLR training steps on its slice of a global batch of fixed views —
 * ResNet-18 (small stem) + 2-layer BN head, NT-Xent against every rank's projections,
 * DistributedDataParallel, SGD — timed like reference.py:
 *
 *   node dist/bench/distributed/ours.js <threads> <batch> <warmup> <steps>
 *
 * Rank 0 prints one JSON line: seconds per image (global batch), and the mean seconds
 * per step of the step and of its gradient all-reduce (DDP's buckets).
 */
import { torch } from '../../src/index.js';
import { SimCLR } from '../../src/methods/index.js';
import { createEncoder } from '../../src/models/index.js';
import { dataParallel } from '../../src/pipeline/data-parallel.js';

const [threads, batch, warmup, steps] = process.argv.slice(2).map(Number);
if (![threads, batch, warmup, steps].every((v) => Number.isInteger(v) && v >= 0))
  throw new RangeError(`bench/distributed/ours: expected 4 non-negative integers but received ${process.argv.slice(2).join(' ')}`);
torch.setNumThreads(threads);
const world = Number(process.env.WORLD_SIZE ?? 1);
if (world > 1) torch.distributed.initProcessGroup({ backend: 'gloo' });
const rank = world > 1 ? torch.distributed.getRank() : 0;
const n = batch / world;

torch.manualSeed(0);
const model = new SimCLR(createEncoder({ arch: 'resnet18', smallStem: true, inChannels: 3 }), {
  head: { layers: 2, outDim: 128, batchNorm: true },
  temperature: 0.5,
});
const ddp = dataParallel(model, { syncBatchNorm: false });
model.train();
const optimizer = new torch.optim.SGD(model.trainableParameters(), { lr: 0.05, momentum: 0.9 });
const [a, b] = [0, 1].map(() =>
  torch.keep(
    torch
      .rand([batch, 3, 32, 32])
      .narrow(0, rank * n, n)
      .contiguous(),
  ),
); // this rank's views [n, 3, 32, 32]
let comm = 0;
let start = 0;
let loss = NaN;
for (let i = 0; i < warmup + steps; i++) {
  if (i === warmup) {
    comm = 0;
    start = performance.now();
  }
  torch.scope(() => {
    optimizer.zeroGrad();
    const out = model.loss(a, b);
    out.loss.backward();
    const t = performance.now();
    ddp.syncGradients();
    comm += performance.now() - t;
    optimizer.step();
    loss = out.loss.item();
  });
}
const seconds = (performance.now() - start) / 1000;
if (rank === 0)
  console.log(
    JSON.stringify({ seconds: seconds / (steps * batch), step: seconds / steps, comm: comm / 1000 / steps, loss, world, threads }),
  );
if (world > 1) torch.distributed.destroyProcessGroup();
