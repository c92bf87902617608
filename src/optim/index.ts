/** `torch.optim`: optimizers, learning-rate schedules, EMA and gradient clipping. */
export { Optimizer, type ParamGroupInput, type ParamGroup, type OptimizerState, type ParamState } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { LARS, larsParamGroups, type LARSOptions } from './lars.js';
export { warmupCosine, warmupLinear, stepDecay, constant } from './schedules.js';
export { EMA, momentumUpdate_, frozenCopy } from './ema.js';
export { clipGradNorm_ } from './clip.js';
