/** selfsup side of bench/nn: the same training steps as reference.py, timed the same way. */
import { torch } from '../../src/index.js';
import { bestPerCall } from '../common.js';

const { nn } = torch;
const F = torch.nn.functional;

/** Best seconds per AdamW step of a 32→64→64→10 MLP on a batch of 32 (overhead-bound). */
export function mlpAdamW(rounds: number, n: number): number {
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(32, 64), new nn.ReLU(), new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 10));
  const opt = new torch.optim.AdamW(model.parameters(), { lr: 1e-3 });
  const x = torch.randn([32, 32]);
  const y = torch.randint(0, 10, [32]);
  return bestPerCall(rounds, n, () =>
    torch.scope(() => {
      opt.zeroGrad();
      F.crossEntropy(model.forward(x), y).backward();
      opt.step();
    }),
  );
}

/** Best seconds per SGD (momentum, weight decay) training step of a classifier on a fixed batch. */
export function convStep(model: torch.nn.TensorModule, inputShape: number[], rounds: number): number {
  torch.manualSeed(0);
  model.train();
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 });
  const x = torch.randn(inputShape);
  const y = torch.randint(0, 10, [inputShape[0]]);
  return bestPerCall(rounds, 1, () =>
    torch.scope(() => {
      opt.zeroGrad();
      F.crossEntropy(model.forward(x), y).backward();
      opt.step();
    }),
  );
}
