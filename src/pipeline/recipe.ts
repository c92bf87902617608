/**
 * The 3-step recipe of Azizi et al. 2021 ("Big Self-Supervised Models Advance
 * Medical Image Classification", Figure 1): (1) self-supervised pretraining on
 * generic images, (2) continued self-supervised pretraining on domain images
 * (SimCLR or MICLe), starting from step 1, (3) supervised fine-tuning on the
 * domain's labels, starting from step 2. Each step is a run folder (OUT/step1,
 * OUT/step2, OUT/step3) whose output feeds the next; `resume` skips finished
 * steps and continues an interrupted one from its checkpoint.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RunDir } from '../train/run-dir.js';
import { finetune, type FinetuneConfig } from './finetune.js';
import { pretrain, type PretrainConfig } from './pretrain.js';

export interface RecipeConfig {
  name?: string;
  step1: PretrainConfig;
  step2: PretrainConfig;
  step3: FinetuneConfig;
}

/** Runs the three steps in OUT; returns false when a step was interrupted (Ctrl-C). */
export async function runRecipe(config: RecipeConfig, out: string, o: { resume?: boolean } = {}): Promise<boolean> {
  const run = new RunDir(out, { resume: o.resume });
  if (!o.resume) run.writeConfig({ ...config, name: config.name ?? run.dir.split('/').pop(), command: 'recipe' });
  const dirs = ['step1', 'step2', 'step3'].map((s) => join(run.dir, s));
  const started = (d: string): boolean => existsSync(join(d, 'config.json'));
  for (const [i, d] of dirs.slice(0, 2).entries()) {
    if (existsSync(join(d, 'encoder.safetensors'))) continue;
    const c = i === 0 ? config.step1 : { ...config.step2, init: dirs[0] };
    if ((await pretrain({ ...c, name: c.name ?? `step${i + 1}` }, d, { resume: started(d) })).interrupted) return false;
  }
  const c3 = { ...config.step3, init: dirs[1], name: config.step3.name ?? 'step3' };
  await finetune(c3, dirs[2], { resume: started(dirs[2]) });
  return new RunDir(dirs[2], { resume: true }).events().filter((e) => e.event === 'finetune' && e.split === 'test').length === c3.fractions.length;
}
