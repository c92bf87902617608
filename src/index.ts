/** selfsup: self-supervised learning on libtorch, from TypeScript. */
export * as torch from './torch/index.js';
