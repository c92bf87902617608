/**
 * The engine part of the `torch` namespace (src/api/torch.ts adds `nn` and `optim`): PyTorch's module tree with camelCase names.
 *
 *     import { torch } from 'selfsup';
 *     const x = torch.randn([2, 3], { requiresGrad: true });
 *     x.mul(x).sum().backward();
 */
import './methods.js';

export { Tensor, type TensorLike } from './tensor.js';
export { TorchError } from './errors.js';
export {
  type DType,
  dtypeNames,
  float32,
  float,
  float64,
  double,
  float16,
  half,
  bfloat16,
  int64,
  long,
  int32,
  int,
  int16,
  short,
  int8,
  uint8,
  bool,
  complex64,
  cfloat,
  complex128,
  cdouble,
} from './dtype.js';
export { type Device } from './device.js';
export * from './creation.js';
export * from './math.js';
export { variance as var } from './reduce.js';
export {
  sum,
  mean,
  prod,
  std,
  varMean,
  amax,
  amin,
  max,
  min,
  argmax,
  argmin,
  logsumexp,
  cumsum,
  cumprod,
  all,
  any,
  countNonzero,
  norm,
  type ValuesIndices,
} from './reduce.js';
export * from './shape.js';
export { scope, keep, noGrad, enableGrad, isGradEnabled, memoryStats } from './scope.js';
export { manualSeed, initialSeed, Generator, getRngState, setRngState } from './random.js';
export * from './products.js';
export * from './spectral.js';
export * as linalg from './linalg.js';
export * as fft from './fft.js';
export * as autograd from './autograd.js';

export * as cuda from './cuda.js';
export * as distributed from './distributed.js';
export { version } from './version.js';
export { setNumThreads, getNumThreads, maxNumThreads } from './threads.js';
export { cpuCacheStats, emptyCpuCache, type CpuCacheStats } from './cpu-cache.js';
export * as safetensors from './safetensors.js';
