/** Chaining views into a pipeline, and drawing several views of each sample. */
import * as torch from '../torch/index.js';
import { fail } from '../torch/check.js';
import { pipe, type View } from './image/common.js';

type Tensor = torch.Tensor;

const isView = (v: unknown): v is View => typeof (v as View | null)?.forward === 'function';

function checkViews(views: unknown, name: string): View[] {
  if (!Array.isArray(views) || views.length === 0 || !views.every(isView))
    fail(views, name, 'a non-empty array of views (objects with forward(x, generator))');
  return views;
}

/**
 * Applies views one after another, all drawing from the same generator (as
 * torchvision's `Compose`). x: [N, C, H, W] -> the last view's output.
 */
export class Compose implements View {
  readonly views: View[];
  constructor(views: View[]) {
    this.views = checkViews(views, 'Compose views');
  }

  forward(x: Tensor, generator?: torch.Generator): Tensor {
    return pipe(x, ...this.views.map((v) => (y: Tensor) => v.forward(y, generator)));
  }
}

/**
 * Several independently drawn views of every sample: one pipeline applied `n`
 * times, or one pipeline per view (asymmetric recipes such as BYOL's). The views
 * draw from the generator in order, so the same seed gives the same views.
 * x: [N, C, H, W] -> n tensors [N, C, H', W'] (view i of sample j is out[i][j]).
 */
export class MultiView {
  readonly pipelines: View[];
  constructor(view: View | View[], n = 2) {
    if (Array.isArray(view)) this.pipelines = checkViews(view, 'MultiView pipelines');
    else {
      if (!isView(view)) fail(view, 'MultiView view', 'a view or an array of views');
      if (!Number.isInteger(n) || n < 1) fail(n, 'n', 'a positive integer');
      this.pipelines = Array(n).fill(view);
    }
  }

  forward(x: Tensor, generator?: torch.Generator): Tensor[] {
    return this.pipelines.map((p) => p.forward(x, generator));
  }
}
