/**
 * The public `torch` namespace: PyTorch's module tree with camelCase names. It is
 * composed here, above the layers, so that `src/torch` (engine), `src/nn` and
 * `src/optim` import only downwards.
 *
 *     import { torch } from 'selfsup';
 *     const x = torch.randn([2, 3], { requiresGrad: true });
 *     x.mul(x).sum().backward();
 */
export * from '../torch/index.js';
export * as nn from './nn.js';
export * as optim from '../optim/index.js';
