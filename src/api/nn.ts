/** The public `torch.nn` namespace: modules, layers, `init` and `functional`. */
export * from '../nn/index.js';
export * as functional from '../torch/functional/index.js';
