// Fit y = 3x - 1 with autograd and plain SGD: `node dist/examples/quickstart.js`
import { torch } from 'selfsup';

const F = torch.nn.functional;
torch.manualSeed(0);
const x = torch.randn([256, 1]);
const y = x
  .mul(3)
  .sub(1)
  .add(torch.randn([256, 1]).mul(0.1));
const w = torch.zeros([1, 1], { requiresGrad: true });
const b = torch.zeros([1], { requiresGrad: true });

for (let step = 0; step < 200; step++) {
  const loss = torch.scope(() => {
    const l = F.mseLoss(F.linear(x, w, b), y);
    l.backward();
    torch.noGrad(() => {
      for (const p of [w, b]) {
        const g = p.grad!;
        p.sub_(g, 0.1); // p -= 0.1 * grad
        g.zero_();
      }
    });
    return l.item();
  });
  if (step % 50 === 0) console.log(`step ${step}: loss ${loss.toFixed(4)}`);
}
console.log(`w = ${w.item().toFixed(3)}, b = ${b.item().toFixed(3)}`);
