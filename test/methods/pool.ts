/** A parameter-free "encoder" for method tests: global average pooling, [N, C, H, W] → [N, C], so heads and losses can be compared with PyTorch alone. */
import { torch } from '../../src/index.js';
import { Module } from '../../src/nn/index.js';

export class Pool extends Module {
  constructor(readonly featureDim: number) {
    super();
  }
  forward(x: torch.Tensor): torch.Tensor {
    return x.mean([2, 3]);
  }
}
