/** Evaluation of frozen representations: metrics, feature extraction, weighted kNN and the linear probe. */
export { topkAccuracy, accuracies, perClassAccuracy, rocAuc, multiLabelAuc, oneVsRestAuc, type AucResult } from './metrics.js';
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
