/**
 * Views: augmentations as batched tensor ops. Every random view draws each
 * sample's parameters from a `torch.Generator` (same seed ⇒ same views); every
 * adjustment also has a deterministic functional form with explicit parameters.
 */
export { type View, type PerSample, ShardGenerator } from './image/common.js';
export {
  randomResizedCropParams,
  resizedCrop,
  resizedCropBoxes,
  RandomResizedCrop,
  type Boxes,
  type CropOptions,
  type RandomResizedCropOptions,
} from './image/crop.js';
export { hflip, RandomHorizontalFlip } from './image/flip.js';
export { rgbToGrayscale, adjustBrightness, adjustContrast, adjustSaturation, solarize, mixColor } from './image/color.js';
export { adjustHue, rgbToHsv, hsvToRgb } from './image/hue.js';
export { ColorJitter, RandomGrayscale, RandomSolarize, type ColorJitterOptions, type JitterParams } from './image/jitter.js';
export { gaussianBlur, simclrKernelSize, RandomGaussianBlur, type GaussianBlurOptions } from './image/blur.js';
export {
  affine,
  rotate,
  rotatePixels,
  shear,
  translate,
  warpAffine,
  inverseAffineMatrix,
  shearMatrix,
  type AffineParams,
  type WarpOptions,
  type Each,
} from './image/affine.js';
export { adjustSharpness, autocontrast, posterize, equalize } from './image/enhance.js';
export { corrupt, CORRUPTIONS, SEVERITIES } from './image/corruptions.js';
export { boxResize } from './image/box-resize.js';
export { jpegRoundTrip } from './image/jpeg.js';
export { elasticTransform, type ElasticParams } from './image/elastic.js';
export { RandAugment, RANDAUGMENT_OPS, type RandAugmentOp, type RandAugmentOptions, type RandAugmentParams } from './image/randaugment.js';
export { normalize, Normalize, IMAGENET_MEAN, IMAGENET_STD } from './image/normalize.js';
export { Compose, MultiView } from './compose.js';
export { simclrViews, simclrPipeline, type SimclrViewOptions } from './simclr.js';
export {
  viewPipeline,
  imageViewsSchema,
  withViewPreset,
  ImageViews,
  VIEW_PRESETS,
  VIEW_PRESET_NAMES,
  type PipelineOptions,
  type RandAugmentSettings,
  type ViewDefaults,
  type ViewPreset,
  type ImageViewsConfig,
} from './config.js';
export { imageGrid, encodePng, writePng } from './grid.js';
export { PatchPair, patchPairParams, cropPatches, checkPatchFit, type PatchCorners, type PatchPairOptions } from './image/patches.js';
export { COLOUR_SPACES, colourSpace, type ColourSpace } from './image/colour-space.js';
export { ChannelSplitViews, parseChannelSplit, type ChannelSplit, type ChannelSplitOptions } from './image/channel-split.js';
export { PAIR_KINDS, pairSchema, pairViews, displayPair, type PairConfig, type PairViews, type PairGeometry } from './pair.js';
export {
  TRILL_FRONTEND,
  MelSpectrogram,
  melSpectrogram,
  logMelSpectrogram,
  melFilterbank,
  hzToMel,
  melToHz,
  type MelOptions,
  type MelScale,
} from './audio/mel.js';
export { CQT_DEFAULTS, ConstantQ, cqt, cqtFrequencies, type CqtOptions } from './audio/cqt.js';
export { SPICE_CQT, PitchFrontEnd, logCompress, peakNormalize } from './audio/pitch-frames.js';
export { timeCrop, randomTimeCrop, pitchShift, randomPitchShift, signalPower, addNoise, gain } from './audio/augment.js';
export { maskTokens, specialTokensMask, IGNORE_INDEX, type MaskVocab, type MaskingOptions, type Masked } from '../text/masking.js';
