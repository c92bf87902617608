/** What the classical classifiers share: the fitted interface and scikit-learn's balanced class weights. */
import type * as torch from '../../torch/index.js';

/** A fitted classifier. */
export interface Classifier {
  /** Class indices [M] for float64 rows x [M, D]. */
  predict(x: torch.Tensor): Int32Array;
}

/** scikit-learn's `class_weight='balanced'`: N / (K·N_c) for each class c in [0, K) (0 for a class absent from y). */
export function classWeights(y: Int32Array, numClasses: number): Float64Array {
  const counts = new Float64Array(numClasses);
  for (const c of y) counts[c]++;
  return counts.map((m) => (m > 0 ? y.length / (numClasses * m) : 0));
}
