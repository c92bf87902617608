/**
 * MICLe, Multi-Instance Contrastive Learning (Azizi et al. 2021, "Big
 * Self-Supervised Models Advance Medical Image Classification", §3.2):
 * SimCLR's network and NT-Xent loss, but a positive pair is two different
 * images of the same case (patient, object, …), each augmented independently.
 * Cases with one image fall back to SimCLR's two views of that image.
 */
import { casePairs } from './pairs.js';
import { simclr, SIMCLR_OPTIONS, SimCLR } from './simclr.js';
import type { MethodSpec } from './method.js';

export const micle: MethodSpec<typeof SIMCLR_OPTIONS> = {
  ...simclr,
  name: 'micle',
  paper: 'Azizi et al. 2021, Big Self-Supervised Models Advance Medical Image Classification',
  summary: "SimCLR whose positives are two images of one case (needs case ids: a manifest's case column, emoji)",
  pairs: casePairs,
  build: (o, ctx) => new SimCLR(ctx.encoder(), o, ctx.input.size),
};
