/** Training utilities: checkpoints. */
export { saveCheckpoint, loadCheckpoint, type CheckpointState, type LoadedCheckpoint } from './checkpoint.js';
