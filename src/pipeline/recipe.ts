/**
 * The 3-step recipe of Azizi et al. 2021 ("Big Self-Supervised Models Advance
 * Medical Image Classification", Figure 1): (1) self-supervised pretraining on
 * generic images, (2) continued self-supervised pretraining on domain images
 * (any method: SimCLR, MICLe, BYOL …), starting from step 1, (3) supervised
 * fine-tuning on the domain's labels, starting from step 2. Each step is a run
 * folder (OUT/step1, OUT/step2, OUT/step3) whose output feeds the next;
 * `resume` skips finished steps and continues an interrupted one from its
 * checkpoint.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, str, z, type Config } from '../config/schema.js';
import { RunDir } from '../train/run-dir.js';
import { finetune, finetuneSchema } from './finetune.js';
import { pretrain, pretrainSchema } from './pretrain.js';
import { peekIn, peekUnder, type Peek } from './common.js';

export function recipeSchema(peek: Peek) {
  return z.strictObject({
    name: str('run name (default: the folder name)'),
    step1: pretrainSchema(peekUnder(peek, 'step1')).describe('step 1: self-supervised pretraining on generic images').prefault({}),
    step2: pretrainSchema(peekUnder(peek, 'step2')).describe('step 2: continued pretraining on domain images (init = step 1)').prefault({}),
    step3: finetuneSchema(peekUnder(peek, 'step3')).describe('step 3: fine-tuning on domain labels (init = step 2)').prefault({}),
  });
}
export type RecipeConfig = Config<ReturnType<typeof recipeSchema>>;

/** Runs the three steps in OUT; returns false when a step was interrupted (Ctrl-C). */
export async function runRecipe(raw: Record<string, unknown>, out: string, o: { resume?: boolean } = {}): Promise<boolean> {
  const config = parseConfig(recipeSchema(peekIn(raw)), raw, 'config');
  const run = new RunDir(out, { resume: o.resume });
  if (!o.resume) run.writeConfig({ ...config, name: config.name ?? run.name, command: 'recipe' });
  const dirs = ['step1', 'step2', 'step3'].map((s) => join(run.dir, s));
  const started = (d: string): boolean => existsSync(join(d, 'config.json'));
  for (const [i, d] of dirs.slice(0, 2).entries()) {
    if (existsSync(join(d, 'encoder.safetensors'))) continue;
    const c = i === 0 ? config.step1 : { ...config.step2, init: dirs[0] };
    if ((await pretrain({ ...c, name: c.name ?? `step${i + 1}` }, d, { resume: started(d) })).interrupted) return false;
  }
  const c3 = { ...config.step3, init: dirs[1], name: config.step3.name ?? 'step3' };
  await finetune(c3, dirs[2], { resume: started(dirs[2]) });
  return (
    new RunDir(dirs[2], { resume: true }).events().filter((e) => e.event === 'finetune' && e.split === 'test').length ===
    c3.fractions.length
  );
}
