/** selfsup side of bench/engine: the same workloads as reference.py, timed the same way. */
import { torch } from '../../src/index.js';
import { bestPerCall } from '../common.js';

const F = torch.nn.functional;
type Tensor = torch.Tensor;

/** Best seconds per `torch.add` of two 4-element tensors (result disposed, as a scope would). */
export function opAdd(rounds: number, n: number): number {
  const a = torch.ones([4]);
  const b = torch.ones([4]);
  return bestPerCall(rounds, n, () => torch.add(a, b).dispose());
}

/** ResNet-18 (small-image stem: 3×3 conv, no max-pool) as named tensors, He-initialised. */
function resnetParams(width = 64, classes = 10): Map<string, Tensor> {
  const g = new torch.Generator(0);
  const P = new Map<string, Tensor>();
  const conv = (name: string, cin: number, cout: number, k: number): void => {
    P.set(
      name,
      torch
        .randn([cout, cin, k, k], { generator: g })
        .mul(Math.sqrt(2 / (cin * k * k)))
        .requiresGrad_(),
    );
  };
  const bn = (name: string, c: number): void => {
    P.set(`${name}.weight`, torch.ones([c], { requiresGrad: true }));
    P.set(`${name}.bias`, torch.zeros([c], { requiresGrad: true }));
  };
  conv('conv1', 3, width, 3);
  bn('bn1', width);
  let cin = width;
  [1, 2, 4, 8].forEach((mult, stage) => {
    const cout = width * mult;
    for (let block = 0; block < 2; block++) {
      const p = `layer${stage + 1}.${block}`;
      const stride = stage > 0 && block === 0 ? 2 : 1;
      conv(`${p}.conv1`, cin, cout, 3);
      bn(`${p}.bn1`, cout);
      conv(`${p}.conv2`, cout, cout, 3);
      bn(`${p}.bn2`, cout);
      if (stride !== 1 || cin !== cout) {
        conv(`${p}.downsample`, cin, cout, 1);
        bn(`${p}.downsample.bn`, cout);
      }
      cin = cout;
    }
  });
  P.set('fc.weight', torch.randn([classes, cin], { generator: g }).mul(0.01).requiresGrad_());
  P.set('fc.bias', torch.zeros([classes], { requiresGrad: true }));
  return P;
}

function resnetForward(P: Map<string, Tensor>, input: Tensor): Tensor {
  const p = (k: string): Tensor => P.get(k)!;
  const bn = (x: Tensor, name: string, relu = true): Tensor => {
    const y = F.batchNorm(x, null, null, { weight: p(`${name}.weight`), bias: p(`${name}.bias`), training: true });
    return relu ? F.relu(y) : y;
  };
  let x = bn(F.conv2d(input, p('conv1'), null, { padding: 1 }), 'bn1');
  for (let stage = 0; stage < 4; stage++)
    for (let block = 0; block < 2; block++) {
      const n = `layer${stage + 1}.${block}`;
      const stride = stage > 0 && block === 0 ? 2 : 1;
      let out = bn(F.conv2d(x, p(`${n}.conv1`), null, { stride, padding: 1 }), `${n}.bn1`);
      out = bn(F.conv2d(out, p(`${n}.conv2`), null, { padding: 1 }), `${n}.bn2`, false);
      if (P.has(`${n}.downsample`)) x = bn(F.conv2d(x, p(`${n}.downsample`), null, { stride }), `${n}.downsample.bn`, false);
      x = F.relu(out.add(x));
    }
  x = F.adaptiveAvgPool2d(x, 1).flatten(1);
  return F.linear(x, p('fc.weight'), p('fc.bias'));
}

/** Best seconds of one forward + backward step of ResNet-18 on a [batch, 3, 32, 32] batch. */
export function resnetStep(rounds: number, batch: number): number {
  const P = resnetParams();
  const g = new torch.Generator(1);
  const x = torch.randn([batch, 3, 32, 32], { generator: g });
  const y = torch.randint(0, 10, [batch], { generator: g });
  const step = (): void =>
    torch.scope(() => {
      for (const t of P.values()) t.grad = null;
      F.crossEntropy(resnetForward(P, x), y).backward();
    });
  return bestPerCall(rounds, 1, step);
}
