/**
 * One rank of a distributed test (spawned by ranks.ts with RANK, WORLD_SIZE,
 * MASTER_ADDR, MASTER_PORT): `node worker.js <scenario>` runs the scenario and
 * prints its result as one JSON line on stdout; a thrown error is printed as
 * `{ "error": message, "elapsedMs": … }` and the exit code is 1.
 */
import { torch } from '../../src/index.js';
import { values } from './ranks.js';

type Tensor = torch.Tensor;
const dist = torch.distributed;
const rank = Number(process.env.RANK);
const timeout = Number(process.env.TEST_TIMEOUT ?? 30);

function collectives(): unknown {
  const w = dist.getWorldSize();
  const out: Record<string, unknown> = {};
  for (const dtype of ['float64', 'float32', 'int64'] as const) {
    const t = (v: number[]): Tensor => torch.tensor(v, { dtype });
    const ops = dtype === 'int64' ? (['sum', 'max', 'min', 'product'] as const) : (['sum', 'avg', 'max', 'min', 'product'] as const);
    for (const op of ops) out[`${dtype}.${op}`] = dist.allReduce(t(values(rank)), op).toArray();
    out[`${dtype}.allGather`] = dist.allGather(t(values(rank))).map((x) => x.toArray());
    out[`${dtype}.broadcast`] = dist.broadcast(t(values(rank)), 1).toArray();
    const inputs = Array.from({ length: w }, (_, j) => t(values(rank, j)));
    out[`${dtype}.reduceScatter`] = dist.reduceScatter(t([0, 0, 0, 0]), inputs, 'sum').toArray();
    out[`${dtype}.reduceScatterMax`] = dist.reduceScatter(t([0, 0, 0, 0]), inputs, 'max').toArray();
  }
  // A 2-D tensor keeps its shape through allGather and allReduce.
  const m = torch.arange(6, { dtype: 'float64' }).reshape([2, 3]).add(rank);
  out.matrixGather = dist.allGather(m).map((x) => x.tolist());
  dist.barrier();
  return { rank, worldSize: dist.getWorldSize(), ...out };
}

/** Rank r's local batch and the shared weights, drawn from fixed seeds (any process can redraw any rank's). */
function batch(r: number): Tensor {
  torch.manualSeed(100 + r);
  return torch.randn([3, 4], { dtype: 'float64' });
}
function weights(): Tensor {
  torch.manualSeed(7);
  return torch.randn([4, 5], { dtype: 'float64', requiresGrad: true });
}

/** InfoNCE-like loss over the whole batch: every row meets every other row. [B, 5] → [] */
const globalLoss = (z: Tensor): Tensor => z.matmul(z.t()).div(2).logsumexp(1).mean();

/** max |a − b| and max |b| over matching tensors. */
function gap(a: Tensor, b: Tensor): { diff: number; scale: number } {
  return { diff: a.sub(b).abs().max().item(), scale: b.abs().max().item() };
}

/**
 * Every rank's loss is computed over the gathered global batch; the ranks' weight
 * gradients averaged (DistributedDataParallel) must equal one process's gradient on
 * the concatenated batch.
 */
function gatherGrad(): unknown {
  const w = dist.getWorldSize();
  const W = weights();
  const gathered = dist.allGatherWithGrad(batch(rank).matmul(W)); // [w·3, 5]
  globalLoss(gathered).backward();
  const ddp = dist.allReduce(W.grad!.clone(), 'avg');
  const Ws = weights();
  const all = torch.cat(Array.from({ length: w }, (_, r) => batch(r))); // [w·3, 4]
  const ref = globalLoss(all.matmul(Ws));
  ref.backward();
  return { rank, weight: gap(ddp, Ws.grad!), loss: gap(globalLoss(gathered.detach()), ref.detach()) };
}

/** Batch-norm-style global statistics: x normalised by the mean and variance over all ranks' rows. [N, D] → [N, D] */
function normalise(x: Tensor, mean: Tensor, variance: Tensor): Tensor {
  return x.sub(mean).div(variance.add(1e-5).sqrt());
}

/**
 * SyncBatchNorm's pattern: statistics all-reduced with gradient; the sum over ranks of
 * their local losses must have each rank's input gradient equal to the slice of one
 * process's gradient on the concatenated batch.
 */
function reduceGrad(): unknown {
  const w = dist.getWorldSize();
  const coef = (r: number): Tensor => batch(50 + r).cos();
  const x = batch(rank).requiresGrad_();
  const n = x.shape[0] * w;
  const mean = dist.allReduceWithGrad(x.mean(0), 'avg'); // [4]
  const variance = dist.allReduceWithGrad(x.sub(mean).square().sum(0), 'sum').div(n); // [4]
  normalise(x, mean, variance).mul(coef(rank)).sum().backward();
  const all = torch.cat(Array.from({ length: w }, (_, r) => batch(r))).requiresGrad_(); // [n, 4]
  const m = all.mean(0);
  const v = all.sub(m).square().mean(0);
  const coefs = torch.cat(Array.from({ length: w }, (_, r) => coef(r)));
  normalise(all, m, v).mul(coefs).sum().backward();
  return { rank, input: gap(x.grad!, all.grad!.narrow(0, rank * 3, 3)) };
}

/** DIE_RANK exits with code 3 after joining; the others' next collective must fail quickly. */
function peerExits(): unknown {
  dist.barrier();
  if (rank === Number(process.env.DIE_RANK)) process.exit(3);
  const start = Date.now();
  try {
    dist.allReduce(torch.ones([1000]), 'sum');
    return { rank, error: null };
  } catch (e) {
    return { rank, error: (e as Error).message, name: (e as Error).name, elapsedMs: Date.now() - start };
  }
}

/** HANG_RANK joins but never reaches the collective: the others must fail when the timeout passes. */
async function peerHangs(): Promise<unknown> {
  dist.barrier();
  if (rank === Number(process.env.HANG_RANK)) return new Promise(() => setTimeout(() => {}, 600_000));
  const start = Date.now();
  try {
    dist.allReduce(torch.ones([10]), 'sum');
    return { rank, error: null };
  } catch (e) {
    return { rank, error: (e as Error).message, elapsedMs: Date.now() - start };
  }
}

/** For launchLocal, without a group: FAIL_RANK (if any) exits at once with code 3; the others wait to be stopped. */
async function sleep(): Promise<void> {
  if (rank === Number(process.env.FAIL_RANK ?? -1)) process.exit(3);
  process.stdout.write(`rank ${rank} waiting\n`);
  return new Promise(() => setTimeout(() => {}, 600_000));
}

const SCENARIOS: Record<string, () => unknown> = { collectives, gatherGrad, reduceGrad, peerExits, peerHangs };

async function main(): Promise<void> {
  const scenario = process.argv[2];
  if (scenario === 'sleep') return sleep();
  const start = Date.now();
  try {
    const worldSize = process.env.WORLD_SIZE_OVERRIDE ? Number(process.env.WORLD_SIZE_OVERRIDE) : undefined;
    dist.initProcessGroup({ backend: 'gloo', timeout, worldSize });
    const result = await SCENARIOS[scenario]();
    process.stdout.write(`${JSON.stringify(result)}\n`);
    dist.destroyProcessGroup();
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ rank, error: (e as Error).message, elapsedMs: Date.now() - start })}\n`);
    process.exitCode = 1;
  }
}

await main();
