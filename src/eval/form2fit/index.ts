/** Kit-assembly evaluation of Form2Fit (Zakka et al. 2020): the planner, the baselines, the evaluation loop and descriptor samples. */
export { peakLocalMax, type PeakOptions } from './peaks.js';
export { MIN_HEIGHT, type Action, type Planner, type Views } from './types.js';
export { form2fitPlanner, type Form2FitNets, type Form2FitPlannerOptions } from './planner.js';
export { randomPlanner } from './random.js';
export { templatePlanner, type TemplateOptions } from './template.js';
export { oraclePlanner } from './oracle.js';
export { assembleScene, evaluateSplit, type AssembleOptions, type StepRecord, type Trial, type SplitResult } from './assemble.js';
export { objectDescriptors, type DescriptorSamples } from './descriptors.js';
