/** The contract every view implements (image views, their compositions, a method's views). */
import type * as torch from '../torch/index.js';

/**
 * A batched random view: `forward(x, generator)` maps images x: [N, C, H, W] in
 * [0, 1] to [N, C, H', W'], each sample with its own parameters drawn from
 * `generator` (the global generator when absent). Same seed ⇒ same output.
 */
export interface View {
  forward(x: torch.Tensor, generator?: torch.Generator): torch.Tensor;
}
