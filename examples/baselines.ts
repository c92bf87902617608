/**
 * The baselines of the method table (README, experiments/methods.sh), as run
 * folders that `selfsup eval`, `selfsup finetune --init`, the report and
 * examples/method-table.js read like any other run:
 *
 *   OUT/raw-pixels    kNN and a linear probe on the flattened pixels
 *   OUT/random-init   a randomly initialised encoder (same architecture and seed as the methods'),
 *                     saved as encoder.safetensors: evaluate and fine-tune it like a pretrained one
 *
 *     node dist/examples/baselines.js --out runs/methods --width 0.125
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { torch, models, pipeline, train } from '../src/index.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'runs/methods' },
    width: { type: 'string', default: '0.125' },
    seed: { type: 'string', default: '0' },
  },
});
const out = values.out!;
const model = { arch: 'resnet18', width: Number(values.width), smallStem: true };
const data = { name: 'fashion-mnist' };

const pixels = join(out, 'raw-pixels');
if (!existsSync(join(pixels, 'eval.json'))) {
  new train.RunDir(pixels).writeConfig({ name: 'raw pixels', command: 'baseline', data });
  await pipeline.evaluateFeatures(pixels, { data }, () => (s) => s.images.flatten(1).float().div(255)); // [N, C·H·W]
  console.log(`${pixels}: kNN and linear probe on raw pixels`);
}

const random = join(out, 'random-init');
if (!existsSync(join(random, 'encoder.safetensors'))) {
  const run = new train.RunDir(random);
  run.writeConfig({ name: 'random init', command: 'baseline', model, inChannels: 1, imageSize: 28, seed: Number(values.seed) });
  torch.manualSeed(Number(values.seed));
  run.saveWeights('encoder', models.createEncoder({ ...model, inChannels: 1 }));
  console.log(`${random}: a randomly initialised encoder (evaluate it with \`selfsup eval ${random}\`)`);
}
