/**
 * Synthetic run directories for the report tests: realistic metrics (decaying
 * noisy loss over two stages, kNN evaluations, fine-tuning on label fractions,
 * probes on test and shifted splits) and embeddings of two well-separated
 * Gaussian blobs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { torch } from '../../src/index.js';
import { seededRandom } from '../../src/report/embed.js';

/** A standard normal draw (Box–Muller) from `random`. */
function gauss(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export interface SyntheticRun {
  dir: string;
  name: string;
  /** Stages of training logged ("pretrain", optionally "finetune"). */
  stages: string[];
  /** The `init` values of its finetune events. */
  inits: string[];
}

/** Writes `events` as metrics.jsonl lines, with a blank line and an unknown event mixed in. */
function writeMetrics(dir: string, events: object[]): void {
  const lines = events.map((e) => JSON.stringify(e));
  lines.splice(3, 0, '', JSON.stringify({ event: 'checkpoint', stage: 'pretrain', step: 10 }));
  writeFileSync(join(dir, 'metrics.jsonl'), lines.join('\n') + '\n');
}

/**
 * A run in `root/folder`: `steps` pretrain steps (plus 80 finetune steps when
 * `finetune`), kNN every 50 steps, fine-tuning of `init` and of "random" on
 * 1 %, 10 % and 100 % of the labels, and probes.
 */
export function makeRun(
  root: string,
  folder: string,
  o: { name: string; method: string; steps: number; finetune: boolean; seed: number },
): SyntheticRun {
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ name: o.name, command: 'recipe', method: o.method, seed: o.seed, optimizer: { name: 'lars', lr: 0.3 } }, null, 2),
  );
  const random = seededRandom(o.seed);
  const events: object[] = [];
  const time = (s: number) => new Date(Date.UTC(2026, 10, 28, 1) + s * 500).toISOString();
  for (let step = 1; step <= o.steps; step++) {
    const loss = 2 + 3.5 * Math.exp(-step / (o.steps / 4)) + 0.15 * gauss(random);
    events.push({
      event: 'train',
      stage: 'pretrain',
      step,
      epoch: Math.floor(step / 100),
      loss,
      lr: 0.3,
      imagesPerSec: 800 + 20 * gauss(random),
      time: time(step),
    });
    if (step % 50 === 0)
      events.push({
        event: 'knn',
        stage: 'pretrain',
        step,
        epoch: Math.floor(step / 100),
        top1: 0.3 + (0.4 + 0.05 * o.seed) * (1 - Math.exp(-step / 150)),
        top5: 0.9,
        k: 200,
        seconds: step * (0.4 + 0.2 * o.seed),
      });
    if (step === 100 && o.seed === 1) events.push({ event: 'warning', stage: 'pretrain', message: 'collapse warning: <std> ×√D = 0.010' });
  }
  if (o.finetune)
    for (let step = 1; step <= 80; step++)
      events.push({
        event: 'train',
        stage: 'finetune',
        step,
        epoch: 0,
        loss: 0.4 + Math.exp(-step / 20) + 0.05 * gauss(random),
        lr: 0.01,
        imagesPerSec: 1500,
        time: time(o.steps + step),
      });
  const inits = [o.method, 'random'];
  for (const init of inits)
    for (const fraction of [0.01, 0.1, 1]) {
      const base = (init === 'random' ? 0.35 : 0.55) + 0.03 * o.seed;
      events.push({
        event: 'finetune',
        init,
        fraction,
        labels: Math.round(60000 * fraction),
        top1: base + 0.15 * Math.log10(fraction * 100),
        top5: 0.95,
        split: 'test',
      });
    }
  events.push({ event: 'finetune', init: o.method, fraction: 0.1, labels: 6000, top1: 0.5, top5: 0.9, split: 'val' });
  events.push({ event: 'probe', kind: 'linear', fraction: 0.1, labels: 6000, split: 'test', top1: 0.71, top5: 0.95, meanAuc: 0.93 });
  events.push({ event: 'probe', kind: 'knn', split: 'test', top1: 0.66, top5: 0.91 });
  events.push({ event: 'probe', kind: 'linear', split: 'shifted:blur', top1: 0.52, top5: 0.84, meanAuc: 0.81 });
  writeMetrics(dir, events);
  return { dir, name: o.name, stages: o.finetune ? ['pretrain', 'finetune'] : ['pretrain'], inits };
}

/**
 * Writes RUN/embeddings.safetensors: `perClass` points in each of two unit-variance
 * Gaussian blobs in `dim` dimensions (class 0 centred at +4 on the first half of
 * the coordinates, class 1 on the second half), labels, ids and the class names.
 */
export function writeBlobs(dir: string, o: { perClass: number; dim: number; classes: [string, string]; seed: number }): void {
  const random = seededRandom(o.seed);
  const n = 2 * o.perClass;
  const x = new Float32Array(n * o.dim);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    labels.push(c);
    for (let j = 0; j < o.dim; j++) x[i * o.dim + j] = (j < o.dim / 2 === (c === 0) ? 4 : 0) + gauss(random);
  }
  torch.scope(() => {
    const embeddings = torch.tensor(x, { shape: [n, o.dim] });
    const y = torch.tensor(labels, { dtype: 'int64' });
    const ids = JSON.stringify(labels.map((_, i) => `item-${i}`));
    torch.safetensors.saveFile(join(dir, 'embeddings.safetensors'), { embeddings, labels: y }, { ids, classes: JSON.stringify(o.classes) });
  });
}
