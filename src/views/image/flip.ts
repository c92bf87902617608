/** Horizontal flip of image batches, for every sample or per sample with probability p. */
import * as torch from '../../torch/index.js';
import { options } from '../../torch/check.js';
import { checkImages, coins, mask, probability, type View } from './common.js';

type Tensor = torch.Tensor;

/** Mirrors every image left-right. x: [N, C, H, W] -> same. */
export function hflip(x: Tensor): Tensor {
  checkImages(x, 'hflip');
  return x.flip(3);
}

/** Mirrors each sample left-right with probability p (default 0.5). x: [N, C, H, W] -> same. */
export class RandomHorizontalFlip implements View {
  readonly p: number;
  constructor(o?: { p?: number }) {
    this.p = probability(options(o, 'RandomHorizontalFlip', ['p']).p ?? 0.5, 'p');
  }

  forward(x: Tensor, generator?: torch.Generator): Tensor {
    const [n] = checkImages(x, 'RandomHorizontalFlip');
    const flips = coins(n, this.p, generator);
    if (!flips.includes(true)) return x;
    return torch.scope(() => torch.where(mask(x, flips), x.flip(3), x));
  }
}
