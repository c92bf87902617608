/**
 * The supervised baseline of the speech benchmark (NOSS compares TRILL with
 * networks trained on one labelled task and transferred, Shor et al. 2020): a
 * TRILL-style network with a linear classifier on its embedding, trained with
 * cross-entropy on random 0.96 s windows of one task's training clips. The
 * weights go to a file (written atomically), so a resumed benchmark reads them
 * instead of training again.
 */
import { existsSync } from 'node:fs';
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { Linear } from '../nn/index.js';
import { Adam } from '../optim/index.js';
import type { SpeechTask } from '../data/speech-tasks.js';
import type { Trill } from '../methods/trill.js';
import { TRILL_WINDOW } from '../models/trill.js';
import { clipLogMel } from '../methods/log-mel-windows.js';

export interface SupervisedOptions {
  steps: number;
  seed: number;
  /** Where the trained weights are kept. */
  path: string;
  /** Windows per step (default 64). */
  batchSize?: number;
  /** Adam learning rate (default 1e-3). */
  lr?: number;
}

/** Trains `model`'s network on `task` (or loads the weights `o.path` holds); leaves it in eval mode. */
export function trainSupervised(model: Trill, task: SpeechTask, o: SupervisedOptions): void {
  if (existsSync(o.path)) {
    torch.scope(() => model.loadStateDict(torch.safetensors.loadFile(o.path), true, o.path));
    model.eval();
    return;
  }
  const train = task.clips.filter((c) => c.split === 'train');
  const classes = [...new Set(train.map((c) => c.label))].sort();
  if (classes.length < 2)
    throw new RangeError(
      `speech-bench: the supervised task ${task.name} has ${classes.length} class in its train split; it needs two or more`,
    );
  const { batchSize = 64, lr = 1e-3, steps, seed } = o;
  const frames = train.map((c) => clipLogMel(model.frontEnd, c.audio));
  const labels = train.map((c) => classes.indexOf(c.label));
  torch.manualSeed(seed);
  const head = new Linear(model.net.options.embeddingDim, classes.length);
  const optimizer = new Adam([...model.net.parameters(), ...head.parameters()], { lr });
  const rand = new torch.Generator(seed + 17);
  model.train();
  const t0 = Date.now();
  let recent = 0;
  for (let step = 1; step <= steps; step++) {
    const loss = torch.scope(() => {
      const pick = torch.randint(0, train.length, [batchSize], { generator: rand }).data() as BigInt64Array;
      const u = torch.rand([batchSize], { generator: rand }).data() as Float32Array;
      const windows = [...pick].map((b, j) => {
        const mel = frames[Number(b)];
        const start = Math.floor(u[j] * (mel.shape[0] - TRILL_WINDOW.frames + 1));
        return mel.narrow(0, start, TRILL_WINDOW.frames);
      });
      const x = torch.stack(windows).unsqueeze(1); // [B, 1, 96, 64]
      const y = torch.tensor(Float64Array.from([...pick].map((b) => labels[Number(b)])), { dtype: 'int64' });
      const l = F.crossEntropy(head.forward(model.net.forward(x)), y);
      optimizer.zeroGrad();
      l.backward();
      optimizer.step();
      return l.item();
    });
    recent += loss;
    if (step % 100 === 0 || step === steps) {
      const n = step % 100 === 0 ? 100 : step % 100;
      console.error(
        `speech-bench: supervised ${task.name} step ${step}/${steps}, loss ${(recent / n).toFixed(3)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
      );
      recent = 0;
    }
  }
  frames.forEach((f) => f.dispose());
  model.eval();
  torch.scope(() =>
    torch.safetensors.saveFile(o.path, model.stateDict(), { task: task.name, classes: JSON.stringify(classes), steps: String(steps) }),
  );
}
