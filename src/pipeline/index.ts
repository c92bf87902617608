/** Whole runs, as the CLI starts them: pretrain, fine-tune, the 3-step recipe, the InfoMin view study, eval, text-eval, embed, view grids, audio pretraining, pitch tracking and its evaluation, the speech benchmark, Form2Fit's collect / train / eval. */
export { pretrain, pretrainSchema, resolvePretrain, knnMonitor, type PretrainConfig } from './pretrain.js';
export { asRankOfJob, dataParallel } from './data-parallel.js';
export { finetune, finetuneSchema, testMetrics, type FinetuneConfig } from './finetune.js';
export { evaluateRun, evaluateFeatures, embedRun, evalSchema, embedSchema, type EvalConfig, type EmbedConfig } from './evaluate.js';
export {
  textEval,
  textEvalSchema,
  textEvalAverages,
  DEFAULT_TEXT_TASKS,
  type TextEvalConfig,
  type TextEvalRow,
  type TextEvalAverage,
} from './text-eval.js';
export { selftrain, selftrainSchema, selfTrainingTable, studentStage, type SelftrainConfig, type SelftrainRow } from './selftrain.js';
export { distill, distillSchema, type DistillConfig } from './distill.js';
export {
  trainStage,
  scoreClassifier,
  resolveClassifier,
  loadClassifier,
  makeClassifier,
  type StageScore,
  type ClassifierSource,
} from './self-training.js';
export { runRecipe, recipeSchema, type RecipeConfig } from './recipe.js';
export { runInfomin, infominSchema, setPath, type InfominConfig, type InfominResults, type InfominRow, type KnobValue } from './infomin.js';
export { writeViewGrid, viewsSchema, type ViewGridConfig } from './view-grid.js';
export { pretrainAudio, pretrainAudioSchema, audioMethodOfRun, type PretrainAudioConfig } from './pretrain-audio.js';
export { pitchEval, pitchEvalSchema, type PitchEvalConfig, type PitchEvalRow } from './pitch-eval.js';
export {
  speechBench,
  speechBenchSchema,
  speechBenchTable,
  type SpeechBenchConfig,
  type SpeechBenchResults,
  type BenchScore,
} from './speech-bench.js';
export { frillSweep, frillSweepSchema, type FrillSweepConfig, type FrillSweepResults, type StudentRow } from './frill-sweep.js';
export { studentGrid, type StudentSpec } from './frill-grid.js';
export { embedAudioRun, audioFiles, type EmbedAudioOptions } from './embed-audio.js';
export { pretrainScene, pretrainSceneSchema, sceneMethodOfRun, type PretrainSceneConfig, type SceneMethod } from './pretrain-scene.js';
export { form2fitCollect, form2fitCollectSchema, type CollectSummary } from './form2fit-collect.js';
export { form2fitEval, form2fitEvalSchema, form2fitTable, type Form2FitEvalConfig, type Form2FitRow } from './form2fit-eval.js';
export {
  pitchOfFile,
  trackAudio,
  pitchModel,
  pitchCsv,
  mainNote,
  noteName,
  readMono16k,
  writePitchPng,
  DEFAULT_PITCH_MODEL,
  type PitchFrame,
} from './pitch.js';
export {
  resolveInit,
  makeEncoder,
  makeOptimizer,
  fixedLrGroups,
  toInput,
  methodOfRun,
  peekIn,
  modelSection,
  optimSection,
  type OptimConfig,
  type ModelConfig,
  type InitSource,
  type Peek,
} from './common.js';
