/** selfsup: self-supervised learning on libtorch, from TypeScript. */
export * as torch from './api/torch.js';
export * as data from './data/index.js';
export * as sim from './sim/index.js';
export * as models from './models/index.js';
export * as train from './train/index.js';
export * as views from './views/index.js';
export * as text from './text/index.js';
export * as losses from './losses/index.js';
export * as methods from './methods/index.js';
export * as evaluation from './eval/index.js';
export * as pipeline from './pipeline/index.js';
export * as report from './report/index.js';
export * as onnx from './export/onnx/index.js';
