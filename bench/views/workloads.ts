/** selfsup side of bench/views: SimCLR two-view generation and RandAugment from decoded uint8 pixels, timed like reference.py. */
import { torch } from '../../src/index.js';
import { RandAugment, simclrViews, type View } from '../../src/views/index.js';

/** Per-size recipe shared with reference.py: SimCLR's CIFAR strength; blur only beyond 32 px (Chen et al. 2020). */
export const STRENGTH = 0.5;

/**
 * Best seconds per source image over `rounds` timed passes (after one warm-up pass)
 * of: uint8 pixels [count, size, size, 3] (decoded, HWC) -> batches of `batch` float
 * images [B, 3, size, size] in [0, 1] -> `views` of each batch.
 */
function perImage(
  size: number,
  rounds: number,
  count: number,
  batch: number,
  views: { forward(x: torch.Tensor, g: torch.Generator): unknown }, // a View or MultiView
): number {
  torch.manualSeed(0);
  const pixels = torch.randint(0, 256, [count, size, size, 3], { dtype: 'uint8' });
  const generator = new torch.Generator(0);
  let best = Infinity;
  for (let r = 0; r <= rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < count; i += batch) {
      torch.scope(() => {
        const x = pixels
          .narrow(0, i, Math.min(batch, count - i))
          .permute([0, 3, 1, 2])
          .contiguous()
          .float()
          .div(255);
        views.forward(x, generator);
      });
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r > 0) best = Math.min(best, seconds / count);
  }
  pixels.dispose();
  return best;
}

/** SimCLR's two views of each image. */
export const simclrTwoViews = (size: number, rounds: number, count: number, batch: number): number =>
  perImage(size, rounds, count, batch, simclrViews({ size, strength: STRENGTH }));

/** RandAugment settings shared with reference.py: 2 ops at magnitude 9 (of 10), bilinear, fill the mean colour. */
export const RANDAUGMENT = { ops: 2, magnitude: 9 };

/** One RandAugment view of each image. */
export const randAugmentView = (size: number, rounds: number, count: number, batch: number): number => {
  const view: View = new RandAugment({ ...RANDAUGMENT, interpolation: 'bilinear', fill: 'mean' });
  return perImage(size, rounds, count, batch, view);
};
