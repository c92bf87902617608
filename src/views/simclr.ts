/**
 * SimCLR's default augmentation (Chen et al. 2020, "A Simple Framework for
 * Contrastive Learning of Visual Representations", §3 and appendix A): random
 * resized crop + horizontal flip, colour distortion of strength s (jitter
 * 0.8s/0.8s/0.8s/0.2s applied with p = 0.8, grayscale with p = 0.2), and Gaussian
 * blur on ImageNet-sized images (p = 0.5; off for CIFAR's 32×32).
 */
import { options, tuple } from '../torch/check.js';
import { probability } from './image/common.js';
import { type Compose, MultiView } from './compose.js';
import { viewPipeline } from './config.js';

export interface SimclrViewOptions {
  /** Output side (or [height, width]). */
  size: number | [number, number];
  /** Colour-distortion strength s (1 on ImageNet, 0.5 on CIFAR-10). Default 1. */
  strength?: number;
  /** Range of the crop area fraction. Default [0.08, 1]. */
  scale?: [number, number];
  /** Probability of colour jitter. Default 0.8. */
  jitter?: number;
  /** Probability of grayscale. Default 0.2. */
  grayscale?: number;
  /** Probability of a horizontal flip. Default 0.5. */
  flip?: number;
  /** Probability of Gaussian blur (σ ~ U(0.1, 2), kernel 10 % of the side). Default 0.5 for sides > 32, else 0. */
  blur?: number;
  /** Number of views per sample. Default 2. */
  views?: number;
}

/** The pipeline of one SimCLR view: x [N, C, H, W] in [0, 1] -> [N, C, size, size]. */
export function simclrPipeline(o: SimclrViewOptions): Compose {
  const {
    size,
    strength = 1,
    scale = [0.08, 1],
    jitter = 0.8,
    grayscale = 0.2,
    flip = 0.5,
    blur,
  } = options(o, 'simclrViews', ['size', 'strength', 'scale', 'jitter', 'grayscale', 'flip', 'blur', 'views']);
  const [h, w] = tuple(size, 'size', 2, 1);
  const pBlur = probability(blur ?? (Math.min(h, w) > 32 ? 0.5 : 0), 'blur');
  return viewPipeline({ size: [h, w], strength, scale, jitter, grayscale, flip, blur: pBlur }, 'simclrViews');
}

/**
 * SimCLR's views: `forward(x, generator)` returns `views` (default 2) independently
 * augmented copies of the batch. x: [N, C, H, W] in [0, 1] -> [N, C, size, size] each.
 *
 *     const [a, b] = simclrViews({ size: 32, strength: 0.5 }).forward(x, new torch.Generator(0));
 */
export function simclrViews(o: SimclrViewOptions): MultiView {
  return new MultiView(simclrPipeline(o), o.views ?? 2);
}
