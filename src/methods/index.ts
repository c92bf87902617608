/** Self-supervised methods as plugins (src/methods/method.ts), and the registry that names them. */
export { MethodModel, type MethodSpec, type MethodParamGroup, type BuildContext, type StepInfo, type ImageBatch, type TrainingStep, type OptimDefaults } from './method.js';
export { ImageMethod, headSchema, cosineMomentum, twoViews, type HeadDefaults } from './image-method.js';
export { METHODS, getMethod } from './registry.js';
export { SimCLR, SIMCLR_OPTIONS, simclr, type SimCLROptions } from './simclr.js';
export { micle } from './micle.js';
export { PredictorMethod, MomentumMethod, type ViewOutputs, type PredictorOptions, type MomentumOptions } from './siamese.js';
export { BYOL, BYOL_OPTIONS, byol, type BYOLOptions } from './byol.js';
export { SimSiam, SIMSIAM_OPTIONS, simsiam, type SimSiamOptions } from './simsiam.js';
export { MoCoV3, MOCOV3_OPTIONS, mocov3, type MoCoV3Options } from './mocov3.js';
export { instancePairs, casePairs, type PairBatch, type PairSampler, type PairSamplerOptions } from './pairs.js';
