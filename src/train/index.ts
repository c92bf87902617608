/** Training: the loop, run directories, progress and checkpoints. */
export { saveCheckpoint, loadCheckpoint, type CheckpointState, type LoadedCheckpoint } from './checkpoint.js';
export { RunDir, type MetricEvent } from './run-dir.js';
export { Progress, formatDuration, type ProgressOptions } from './progress.js';
export { fit, type FitOptions, type FitResult, type StepResult } from './fit.js';
export { secondsPerStep, stepsForBudget, type StepTiming } from './budget.js';
export { updateBatchNorm } from '../nn/update-bn.js';
