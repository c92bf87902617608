/** Self-supervised methods as plugins (src/methods/method.ts), and the registry that names them. */
export { MethodModel, type MethodSpec, type BuildContext, type StepInfo, type ImageBatch, type TrainingStep, type OptimDefaults } from './method.js';
export { ImageMethod, headSchema, cosineMomentum, twoViews, type HeadDefaults } from './image-method.js';
export { METHODS, getMethod } from './registry.js';
export { SimCLR, SIMCLR_OPTIONS, simclr, type SimCLROptions } from './simclr.js';
export { micle } from './micle.js';
export { BarlowTwins, BARLOW_TWINS_OPTIONS, barlowtwins, type BarlowTwinsOptions } from './barlowtwins.js';
export { VICReg, VICREG_OPTIONS, vicreg, type VICRegOptions } from './vicreg.js';
export { DINO, DINO_OPTIONS, DinoNetwork, WeightNormLinear, dino, type DINOOptions } from './dino.js';
export { instancePairs, casePairs, type PairBatch, type PairSampler, type PairSamplerOptions } from './pairs.js';
