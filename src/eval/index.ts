/** Evaluation of frozen representations: metrics, feature extraction, weighted kNN, the linear probe, the InfoNCE bound, the reverse-U test, accuracy under common corruptions and the non-semantic speech benchmark's classical grid with its OLS aggregation. */
export {
  topkAccuracy,
  accuracies,
  perClassAccuracy,
  rocAuc,
  multiLabelAuc,
  oneVsRestAuc,
  confusionMatrix,
  f1Scores,
  type AucResult,
  type ClassScores,
} from './metrics.js';
export { extractFeatures, type ExtractOptions } from './features.js';
export { knnPredict, knnEvaluate, type KnnOptions } from './knn.js';
export {
  linearProbe,
  probeLogits,
  type LinearProbeOptions,
  type LinearProbeResult,
  type ProbeMetrics,
  type ProbeSet,
  type Probe,
} from './linear-probe.js';
export { collapseDiagnostics, normalizedStd, effectiveRank, type CollapseDiagnostics } from './collapse.js';
export { finetuneTextClassifier, checkTextTask, type TextClassifyOptions, type TextClassifyResult } from './text-classify.js';
export { infoNceBound, estimateInfoNce, type InfoNceBound, type InfoNceEstimate } from './infonce.js';
export { quadraticFit, reverseU, type QuadraticFit, type ReverseU } from './reverse-u.js';
export {
  pitchMetrics,
  spiceTracker,
  yinTracker,
  cents,
  hzToMidi,
  frameCount,
  type PitchMetrics,
  type PitchTrack,
  type PitchTracker,
} from './pitch.js';
export { scoreTask, type TaskEmbeddings, type TaskConfig, type TaskScore } from './noss.js';
export { olsEffects, type OlsEffect, type OlsRow } from './ols.js';
export { CLASSIFIERS, type Classifier, type FitClassifier } from './classical/index.js';
export { latency, type Latency } from './latency.js';
export {
  corruptionAccuracy,
  type CorruptionAccuracy,
  type CorruptionAccuracyOptions,
  type CorruptionProgress,
  type CorruptionScorer,
} from './corruption.js';
