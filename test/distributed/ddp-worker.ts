/**
 * One rank of the DistributedDataParallel and SyncBatchNorm tests (started by
 * launch-ranks.ts): `node ddp-worker.js <scenario>` prints its result as one JSON line.
 * Each rank also replays every rank's batch in one process, so it can compare the
 * distributed result with the single-process one itself.
 */
import { methods, models, torch } from '../../src/index.js';
import { dataParallel } from '../../src/pipeline/data-parallel.js';

const nn = torch.nn;

type Tensor = torch.Tensor;
const dist = torch.distributed;

/** A small float64 network: Linear → batch norm → ReLU → Linear, and a branch only rank 0's loss uses. */
class Toy extends nn.Module {
  readonly a = this.registerModule('a', new nn.Linear(4, 6));
  readonly bn = this.registerModule('bn', new nn.BatchNorm1d(6));
  readonly b = this.registerModule('b', new nn.Linear(6, 3));
  readonly onlyRank0 = this.registerModule('onlyRank0', new nn.Linear(4, 3));
  readonly unused = this.registerModule('unused', new nn.Linear(4, 3));
  constructor() {
    super();
    this.to('float64');
  }
  /** The main path's loss: x [N, 4] → a scalar (the mean over the rows). */
  loss(x: Tensor): Tensor {
    const y = this.b.forward(this.bn.forward(this.a.forward(x)).tanh()); // [N, 3]
    return y
      .sub(x.narrow(1, 0, 3))
      .square()
      .mean();
  }
  /** Rank r's loss: the main path, plus the branch when r is 0. */
  forward(x: Tensor, r = 0): Tensor {
    return r === 0 ? this.loss(x).add(this.onlyRank0.forward(x).square().mean()) : this.loss(x);
  }
}

function batch(r: number): Tensor {
  torch.manualSeed(100 + r);
  return torch.randn([5, 4], { dtype: 'float64' }).mul(2).add(1);
}

const flat = (ts: (Tensor | null)[]): number[] => ts.flatMap((t) => (t ? [...t.reshape([-1]).toArray()] : []));

/** max |a − b| over the two lists and the scale max |b|. */
function gap(a: number[], b: number[]): { diff: number; scale: number; n: number } {
  if (a.length !== b.length) return { diff: Infinity, scale: 0, n: a.length };
  return { diff: Math.max(...a.map((x, i) => Math.abs(x - b[i]))), scale: Math.max(...b.map(Math.abs)), n: a.length };
}

/**
 * Every rank starts from its own seed; DDP must give every rank rank 0's weights, and
 * after one backward the mean of the ranks' gradients (missing ones as zeros, a
 * parameter no rank used without a gradient).
 */
function ddpToy(): unknown {
  const rank = dist.getRank();
  const w = dist.getWorldSize();
  torch.manualSeed(rank);
  const model = new Toy();
  const ddp = new nn.DistributedDataParallel(model, { bucketCapMb: 0.0005 }); // ~500 bytes: several buckets
  torch.manualSeed(0);
  const reference = new Toy();
  const init = gap(flat(model.parameters()), flat(reference.parameters()));
  (ddp.forward(batch(rank), rank) as Tensor).backward();
  ddp.syncGradients();
  const grads = model.parameters().map((p) => p.grad);
  // one process: each rank's gradient in turn, then their mean
  const sums = reference.parameters().map((p) => torch.zeros(p.shape, { dtype: 'float64' }));
  for (let r = 0; r < w; r++) {
    reference.zeroGrad();
    reference.forward(batch(r), r).backward();
    reference.parameters().forEach((p, i) => p.grad && sums[i].add_(p.grad));
  }
  const unusedGrad = model.unused.weight.grad;
  return {
    rank,
    init,
    grad: gap(flat(grads.slice(0, 8)) /* all but `unused` */, flat(sums.slice(0, 8).map((s) => s.div(w)))),
    unusedHasGrad: unusedGrad !== null,
  };
}

/**
 * SyncBatchNorm on local batches, gradients averaged by DDP, equals BatchNorm on the
 * concatenated batch in one process: outputs, loss, weight gradients, running statistics.
 */
function syncBatchNorm(): unknown {
  const rank = dist.getRank();
  const w = dist.getWorldSize();
  const build = (): Toy => {
    torch.manualSeed(0);
    return new Toy();
  };
  const model = nn.convertSyncBatchNorm(build());
  const ddp = new nn.DistributedDataParallel(model);
  model.loss(batch(rank)).backward();
  ddp.syncGradients();
  const reference = build();
  reference.loss(torch.cat(Array.from({ length: w }, (_, r) => batch(r)))).backward();
  const params = (m: Toy): Tensor[] => [...m.a.parameters(), ...m.bn.parameters(), ...m.b.parameters()];
  return {
    rank,
    grad: gap(flat(params(model).map((p) => p.grad)), flat(params(reference).map((p) => p.grad))),
    running: gap(flat([model.bn.runningMean, model.bn.runningVar]), flat([reference.bn.runningMean, reference.bn.runningVar])),
  };
}

/** Small heads per method (width-1/16 ResNet-18: 32 features) and no local crops (DINO). */
const OPTIONS: Record<string, Record<string, unknown>> = {
  simclr: { head: { outDim: 8 } },
  simsiam: { head: { outDim: 8, hiddenDim: 16 }, predictor: { outDim: 8, hiddenDim: 8 } },
  byol: { head: { outDim: 8, hiddenDim: 16 }, predictor: { outDim: 8, hiddenDim: 16 } },
  mocov3: { head: { outDim: 8, hiddenDim: 16 }, predictor: { outDim: 8, hiddenDim: 16 } },
  vicreg: { head: { outDim: 8, hiddenDim: 16 } },
  barlowtwins: { head: { outDim: 8, hiddenDim: 16 } },
  dino: { head: { hiddenDim: 16, outDim: 8 }, outDim: 12, views: { local: { count: 0 } } },
};

/**
 * Three SGD steps of METHOD (float64, SyncBatchNorm, DDP) on this rank's half of a
 * global batch of 8 fixed views, next to the same method in one process on all 8:
 * the losses (mean over ranks) and the final weights and state (momentum encoders,
 * DINO's centre, running statistics) must agree.
 */
function methodSteps(): unknown {
  const name = process.env.METHOD!;
  const rank = dist.getRank();
  const w = dist.getWorldSize();
  const spec = methods.METHODS[name];
  const build = (): methods.MethodModel => {
    torch.manualSeed(0);
    const encoder = (): models.Encoder => models.createEncoder({ arch: 'resnet18', width: 0.0625, smallStem: true, inChannels: 3 });
    const ctx = { encoder, input: { channels: 3, size: 16 }, batchSize: 8, totalSteps: 6, stepsPerEpoch: 3 };
    return spec.build(spec.options.parse(OPTIONS[name]), ctx).to('float64');
  };
  const model = build();
  const ddp = dataParallel(model, { syncBatchNorm: true });
  const reference = build();
  const sgd = (m: methods.MethodModel): torch.optim.SGD => new torch.optim.SGD(m.trainableParameters(), { lr: 0.05, momentum: 0.9 });
  const [opt, refOpt] = [sgd(model), sgd(reference)];
  const losses: { ddp: number; one: number }[] = [];
  for (let step = 0; step < 3; step++) {
    const info = { step, totalSteps: 6, stepsPerEpoch: 3, epoch: step / 3 };
    torch.manualSeed(50 + step);
    const views = [0, 1].map(() => torch.rand([8, 3, 16, 16], { dtype: 'float64' })); // the global batch's two views
    const run = (m: methods.MethodModel, o: torch.optim.SGD, v: Tensor[], sync: () => void): number =>
      torch.scope(() => {
        o.zeroGrad();
        const loss = m.trainingStep(v, info).loss;
        loss.backward();
        sync();
        o.step();
        m.afterStep(info);
        return loss.item();
      });
    const local = run(
      model,
      opt,
      views.map((v) => v.narrow(0, rank * (8 / w), 8 / w)),
      () => ddp.syncGradients(),
    );
    const mean = dist.allReduce(torch.tensor([local], { dtype: 'float64' }), 'avg').item();
    losses.push({ ddp: mean, one: run(reference, refOpt, views, () => {}) });
  }
  const floats = (m: methods.MethodModel): Tensor[] => Object.values(m.stateDict()).filter((t) => t.dtype === 'float64');
  return {
    rank,
    loss: gap(
      losses.map((l) => l.ddp),
      losses.map((l) => l.one),
    ),
    state: gap(flat(floats(model)), flat(floats(reference))),
    // the weights moved: the check is not an empty one
    moved: gap(flat(floats(reference)), flat(floats(build()))),
  };
}

const SCENARIOS: Record<string, () => unknown> = { ddpToy, syncBatchNorm, methodSteps };

try {
  dist.initProcessGroup({ backend: 'gloo', timeout: 30 });
  process.stdout.write(`${JSON.stringify(SCENARIOS[process.argv[2]]())}\n`);
  dist.destroyProcessGroup();
} catch (e) {
  process.stdout.write(`${JSON.stringify({ error: (e as Error).stack })}\n`);
  process.exitCode = 1;
}
