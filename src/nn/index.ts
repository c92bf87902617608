/** `torch.nn`: Module, layers, containers and `nn.init`. */
export { Module, type LoadResult } from './module.js';
export { Linear, Identity, Flatten, Embedding, Dropout, DropPath } from './layers.js';
export { Conv1d, Conv2d, ConvTranspose2d, type ConvOptions, type ConvTransposeOptions } from './conv.js';
export { BatchNorm1d, BatchNorm2d, SyncBatchNorm, convertSyncBatchNorm, LayerNorm, GroupNorm, type BatchNormOptions } from './norm.js';
export { DistributedDataParallel, type DistributedDataParallelOptions } from './parallel.js';
export {
  ReLU,
  ReLU6,
  GELU,
  SiLU,
  Mish,
  Hardswish,
  Hardsigmoid,
  Sigmoid,
  Tanh,
  Softplus,
  LeakyReLU,
  ELU,
  Softmax,
  LogSoftmax,
} from './activation.js';
export {
  MaxPool1d,
  MaxPool2d,
  AvgPool1d,
  AvgPool2d,
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  type PoolOptions,
  type MaxPoolOptions,
  type AvgPoolOptions,
} from './pooling.js';
export { Sequential, ModuleList, ModuleDict, type TensorModule } from './container.js';
export * as init from './init.js';
export { summary } from './summary.js';
export { MultiheadAttention, type MultiheadAttentionOptions, type AttentionForwardOptions } from './attention.js';
export {
  TransformerEncoderLayer,
  TransformerEncoder,
  generateSquareSubsequentMask,
  ACTIVATIONS,
  type Activation,
  type TransformerEncoderLayerOptions,
  type TransformerEncoderLayerConfig,
  type EncoderLayerMasks,
  type EncoderMasks,
} from './transformer.js';
export { FakeQuant, fakeQuantize, quantizeCodes, weightQuantParams, activationQuantParams, type QuantParams } from './fake-quant.js';
export { updateBatchNorm } from './update-bn.js';
