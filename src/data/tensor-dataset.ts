/** In-memory datasets over tensors that share their first dimension (PyTorch's `TensorDataset`). */
import * as torch from '../torch/index.js';
import { checkIndex, type Dataset } from './dataset.js';

/**
 * Item i is `[t0[i], t1[i], …]` for tensors of shapes [N, …]; e.g. images
 * [N, C, H, W] and labels [N] give `[image [C, H, W], label []]`. Items are views
 * (no copy). `getBatch` gathers a whole batch with one `indexSelect` per tensor,
 * which the `DataLoader` uses instead of per-item reads and stacking.
 */
export class TensorDataset implements Dataset<torch.Tensor[]> {
  readonly tensors: readonly torch.Tensor[];
  readonly length: number;
  constructor(...tensors: torch.Tensor[]) {
    if (tensors.length === 0) throw new TypeError('TensorDataset: expected at least one tensor');
    tensors.forEach((t, k) => {
      if (!(t instanceof torch.Tensor)) throw new TypeError(`TensorDataset: argument ${k} is not a Tensor`);
      if (t.shape.length === 0) throw new RangeError(`TensorDataset: tensor ${k} is 0-d; expected a first (item) dimension`);
      if (t.shape[0] !== tensors[0].shape[0])
        throw new RangeError(
          `TensorDataset: tensor ${k} has ${t.shape[0]} items (shape [${t.shape}]) but tensor 0 has ${tensors[0].shape[0]} (shape [${tensors[0].shape}])`,
        );
    });
    this.tensors = tensors;
    this.length = tensors[0].shape[0];
  }

  /** Views `[t0[i], t1[i], …]`. */
  get(i: number): torch.Tensor[] {
    checkIndex(i, this.length, 'TensorDataset.get');
    return this.tensors.map((t) => t.select(0, i));
  }

  /** `[t0[indices], t1[indices], …]`, each [B, …] (copies). */
  getBatch(indices: number[]): torch.Tensor[] {
    indices.forEach((i, k) => checkIndex(i, this.length, `TensorDataset.getBatch: indices[${k}]`));
    return torch.scope(() => {
      const idx = torch.tensor(Float64Array.from(indices), { dtype: 'int64' }); // [B]
      return this.tensors.map((t) => torch.indexSelect(t, 0, idx));
    });
  }
}
