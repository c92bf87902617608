/** The classical classifiers of the non-semantic speech benchmark's grid, by name. */
import type * as torch from '../../torch/index.js';
import type { Classifier } from './classifier.js';
import { fitLogistic } from './logistic.js';
import { fitLda } from './lda.js';
import { fitForest } from './forest.js';

export type { Classifier } from './classifier.js';
export { fitLogistic, type LogisticModel, type LogisticOptions } from './logistic.js';
export { fitLda, ledoitWolfShrinkage, type LdaModel } from './lda.js';
export { fitForest, type ForestOptions } from './forest.js';
export { l2Normalize, speakerNormalize } from './normalize.js';

/** Fits float64 rows x [N, D] with class indices y in [0, K); `seed` drives any randomness. */
export type FitClassifier = (x: torch.Tensor, y: Int32Array, numClasses: number, seed: number) => Classifier;

/** The grid's classifiers (Shor et al. 2020, §4): logistic regression (C = 1e5), LDA with Ledoit–Wolf shrinkage, a 100-tree random forest; plain and class-balanced. */
export const CLASSIFIERS: Readonly<Record<string, FitClassifier>> = {
  logistic: (x, y, k) => fitLogistic(x, y, k),
  'logistic-balanced': (x, y, k) => fitLogistic(x, y, k, { balanced: true }),
  lda: (x, y, k) => fitLda(x, y, k),
  forest: (x, y, k, seed) => fitForest(x, y, k, { seed }),
  'forest-balanced': (x, y, k, seed) => fitForest(x, y, k, { seed, balanced: true }),
};
