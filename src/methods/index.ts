/** Self-supervised methods: SimCLR, MICLe, and the registry that names them. */
export { SimCLR, SIMCLR_DEFAULTS, type SimCLROptions } from './simclr.js';
export { instancePairs, casePairs, type PairBatch, type PairSampler, type PairSamplerOptions } from './pairs.js';
export { METHODS, getMethod, simclr, type PretrainMethod } from './registry.js';
export { micle } from './micle.js';
