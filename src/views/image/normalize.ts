/** Per-channel normalisation of image batches (torchvision's `normalize`). */
import * as torch from '../../torch/index.js';
import { fail, options } from '../../torch/check.js';
import { checkImages, type View } from './common.js';

type Tensor = torch.Tensor;

/** ImageNet's channel means and standard deviations, the usual choice for RGB inputs. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

/**
 * (x - mean) / std per channel; mean and std hold one value per channel (or one
 * for all). x: [N, C, H, W] -> same.
 */
export function normalize(x: Tensor, mean: number[], std: number[]): Tensor {
  const [, c] = checkImages(x, 'normalize');
  const column = (v: number[], name: string): Tensor => {
    const ok = Array.isArray(v) && (v.length === c || v.length === 1) && v.every((e) => typeof e === 'number' && Number.isFinite(e));
    if (!ok) fail(v, name, `an array of ${c} (or 1) finite numbers`);
    if (name === 'std' && v.some((e) => e === 0)) throw new RangeError(`normalize: expected non-zero std but received [${v}]`);
    return torch.tensor(v, { dtype: x.dtype, device: x.device }).view([1, v.length, 1, 1]);
  };
  return torch.scope(() => x.sub(column(mean, 'mean')).div(column(std, 'std')));
}

/** `normalize` as a view (deterministic; the generator is unused). */
export class Normalize implements View {
  readonly mean: number[];
  readonly std: number[];
  constructor(o: { mean: number[]; std: number[] }) {
    const { mean, std } = options(o, 'Normalize', ['mean', 'std']);
    if (mean === undefined || std === undefined) fail(o, 'Normalize options', 'an options object with mean and std');
    [this.mean, this.std] = [mean, std];
  }

  forward(x: Tensor): Tensor {
    return normalize(x, this.mean, this.std);
  }
}
