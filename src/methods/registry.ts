/** The pretraining methods by name; an unknown name lists the valid ones. */
import { instancePairs, type PairSampler, type PairSamplerOptions } from './pairs.js';
import { SIMCLR_DEFAULTS } from './simclr.js';
import { micle } from './micle.js';

/** A two-view contrastive method: its defaults and where its positive pairs come from. */
export interface PretrainMethod {
  readonly name: string;
  readonly summary: string;
  readonly defaults: typeof SIMCLR_DEFAULTS;
  pairs(o: PairSamplerOptions): PairSampler;
}

export const simclr: PretrainMethod = {
  name: 'simclr',
  summary: 'SimCLR: positives are two augmented views of one image',
  defaults: SIMCLR_DEFAULTS,
  pairs: instancePairs,
};

export const METHODS: Readonly<Record<string, PretrainMethod>> = { simclr, micle };

export function getMethod(name: string): PretrainMethod {
  if (!Object.hasOwn(METHODS, name)) throw new RangeError(`unknown method ${JSON.stringify(name)} (valid: ${Object.keys(METHODS).join(', ')})`);
  return METHODS[name];
}
