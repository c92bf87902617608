/**
 * MICLe, Multi-Instance Contrastive Learning (Azizi et al. 2021, "Big
 * Self-Supervised Models Advance Medical Image Classification"): SimCLR's
 * network and NT-Xent loss, but a positive pair is two different images of the
 * same case (patient, object, …), each augmented independently. Cases with one
 * image fall back to SimCLR's two views of that image.
 */
import { casePairs } from './pairs.js';
import { SIMCLR_DEFAULTS } from './simclr.js';
import type { PretrainMethod } from './registry.js';

export const micle: PretrainMethod = {
  name: 'micle',
  summary: 'MICLe: positives are two images of one case (needs case ids), SimCLR otherwise',
  defaults: SIMCLR_DEFAULTS,
  pairs: casePairs,
};
