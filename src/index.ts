/** selfsup: self-supervised learning on libtorch, from TypeScript. */
export * as torch from './api/torch.js';
