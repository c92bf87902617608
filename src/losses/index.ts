/** Self-supervised losses as pure functions; each term is exported on its own. */
export { ntXent, ntXentLogits, ntXentAccuracy, type NtXentOptions } from './ntxent.js';
export { byolLoss, normalizedMse } from './byol.js';
export { mocoV3Loss, mocoV3Contrastive, type MocoV3Options } from './mocov3.js';
export { simsiamLoss, negativeCosine } from './simsiam.js';
export {
  barlowTwinsLoss,
  barlowTwinsTerms,
  crossCorrelation,
  onDiagonalTerm,
  offDiagonalTerm,
  type BarlowTwinsOptions,
  type BarlowTwinsTerms,
} from './barlow-twins.js';
export { vicregLoss, invariance, variance, covariance, type VicregOptions, type VicregTerms } from './vicreg.js';
export {
  dinoLoss,
  dinoTeacherProbs,
  dinoCrossEntropy,
  dinoCenterUpdate,
  dinoTeacherTemp,
  type DinoLossOptions,
  type DinoTeacherTempOptions,
} from './dino.js';
export { gumbelArgmax, replaceTokens, replacedTokenDetectionLoss, electraLoss } from './electra.js';
export {
  spicePitchLoss,
  spiceReconstructionLoss,
  spiceConfidenceLoss,
  spiceRobust,
  type PitchLossKind,
  type SpicePitchLossOptions,
} from './spice.js';
export { tripletLoss, squaredDistances, TRIPLET_MINING, type TripletMining, type TripletLossOptions } from './triplet.js';
export { distillationMse } from './frill.js';
export {
  teacherTargets,
  softCrossEntropy,
  noisyStudentLoss,
  distillationLoss,
  type NoisyStudentLossOptions,
  type NoisyStudentLoss,
  type DistillationOptions,
} from './self-training.js';
export {
  pixelBce,
  diceLoss,
  descriptorLoss,
  DICE_EPS,
  MIN_SQUARED_DISTANCE,
  type DescriptorLossOptions,
  type DescriptorLoss,
} from './form2fit.js';
