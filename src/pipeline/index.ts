/** Whole runs, as the CLI starts them: pretrain, fine-tune, the 3-step recipe, eval, embed, view grids. */
export { pretrain, knnMonitor, type PretrainConfig } from './pretrain.js';
export { finetune, Classifier, testMetrics, type FinetuneConfig } from './finetune.js';
export { evaluateRun, embedRun, type EvalConfig, type EmbedConfig } from './evaluate.js';
export { runRecipe, type RecipeConfig } from './recipe.js';
export { writeViewGrid, type ViewGridConfig } from './view-grid.js';
export { buildViews, resolveInit, makeEncoder, makeOptimizer, toInput, type ViewsConfig, type OptimConfig, type InitSource } from './common.js';
