/** Self-supervised methods as plugins (src/methods/method.ts), and the registry that names them. */
export {
  MethodModel,
  type MethodSpec,
  type MethodParamGroup,
  type BuildContext,
  type StepInfo,
  type ImageBatch,
  type TrainingStep,
  type OptimDefaults,
  type DistContext,
  SINGLE_PROCESS,
  processGroupContext,
} from './method.js';
export { ImageMethod, headSchema, cosineMomentum, twoViews, type HeadDefaults } from './image-method.js';
export { METHODS, getMethod } from './registry.js';
export { SimCLR, SIMCLR_OPTIONS, simclr, type SimCLROptions } from './simclr.js';
export { micle } from './micle.js';
export { PredictorMethod, MomentumMethod, type ViewOutputs, type PredictorOptions, type MomentumOptions } from './siamese.js';
export { BYOL, BYOL_OPTIONS, byol, type BYOLOptions } from './byol.js';
export { SimSiam, SIMSIAM_OPTIONS, simsiam, type SimSiamOptions } from './simsiam.js';
export { MoCoV3, MOCOV3_OPTIONS, mocov3, type MoCoV3Options } from './mocov3.js';
export { BarlowTwins, BARLOW_TWINS_OPTIONS, barlowtwins, type BarlowTwinsOptions } from './barlowtwins.js';
export { VICReg, VICREG_OPTIONS, vicreg, type VICRegOptions } from './vicreg.js';
export { DINO, DINO_OPTIONS, DinoNetwork, WeightNormLinear, dino, type DINOOptions } from './dino.js';
export { instancePairs, casePairs, type PairBatch, type PairSampler, type PairSamplerOptions } from './pairs.js';
export { type TextBatch, type TextModelSize } from './method.js';
export { TextMethod } from './text-method.js';
export { Electra, ELECTRA_OPTIONS, electra, type ElectraOptions } from './electra.js';
export { Mlm, MLM_OPTIONS, mlm, type MlmOptions } from './mlm.js';
export { AudioMethod, type AudioBatch, type AudioItems } from './audio-method.js';
export { Spice, SPICE_OPTIONS, spice, type SpiceOptions, type SpiceCalibration, type RawPitch } from './spice.js';
export {
  Form2FitModel,
  FORM2FIT_OPTIONS,
  ROTATION_BINS,
  DICE_WEIGHT,
  form2fit,
  type Form2FitOptions,
  type SceneBatch,
} from './form2fit.js';
export { diskTargets, samplePixels, matchViews, type MatchSampling, type MatchViews } from './form2fit-views.js';
export { Trill, TRILL_OPTIONS, trill, type TrillOptions } from './trill.js';
export { Frill, FRILL_OPTIONS, frill, type FrillOptions } from './frill.js';
export { WindowMethod } from './window-method.js';
