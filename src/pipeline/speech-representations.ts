/**
 * The representations `selfsup speech-bench` scores, in groups that share one
 * pass over a clip: each audio run at its layer (the first also at every other
 * layer, the layer sweep), the handcrafted features (src/eval/handcrafted.ts),
 * the first run's network with random weights, and that network trained
 * supervised on one task (src/pipeline/supervised-audio.ts) — NOSS's baselines
 * (Shor et al. 2020). A clip's embedding is the mean of its windows' features.
 */
import { join } from 'node:path';
import * as torch from '../torch/index.js';
import type { SpeechTask } from '../data/speech-tasks.js';
import { HANDCRAFTED_DIMS, HANDCRAFTED_KINDS, handcraftedFeatures } from '../eval/handcrafted.js';
import { Trill } from '../methods/trill.js';
import { WindowMethod } from '../methods/window-method.js';
import type { AudioMethod } from '../methods/audio-method.js';
import { audioMethodOfRun } from './pretrain-audio.js';
import { runLabel, type SpeechBenchConfig } from './speech-bench.js';
import { trainSupervised } from './supervised-audio.js';

export interface Representation {
  name: string;
  /** 'self-supervised' (a run at its layer), 'layer' (the sweep's other layers), 'handcrafted', 'random', 'supervised'. */
  kind: string;
  layer?: string;
  dim: number;
}

export interface RepresentationGroup {
  reps: Representation[];
  /** A clip (16 kHz mono) → one utterance embedding per representation. */
  embed(audio: Float32Array): Float32Array[];
  /** Set on the group of the first run when the layer sweep is on. */
  sweep?: { run: string; layers: string[]; names: string[] };
}

/** The model of run `dir` as a window method with named layers (TRILL, FRILL). */
function embedderOf(model: AudioMethod, dir: string): WindowMethod {
  if (!(model instanceof WindowMethod))
    throw new Error(`speech-bench: ${dir} is not a run of a speech representation method (method ${model.constructor.name})`);
  return model;
}

/** A group reading `layers` of `model`; representation i is named names[i]. */
function netGroup(model: WindowMethod, layers: string[], names: string[], kinds: string[], hopSeconds: number): RepresentationGroup {
  return {
    reps: layers.map((layer, i) => ({ name: names[i], kind: kinds[i], layer, dim: model.layerDim(layer) })),
    embed: (audio) => torch.scope(() => model.embedLayers(audio, layers, { hopSeconds }).map((w) => w.mean([0]).data() as Float32Array)),
  };
}

/** Every representation group of a benchmark of `runs` (supervised weights are trained into, or read from, `out`). */
export async function representationGroups(
  runs: string[],
  tasks: SpeechTask[],
  c: SpeechBenchConfig,
  out: string,
): Promise<RepresentationGroup[]> {
  const groups: RepresentationGroup[] = [];
  const models = runs.map((dir) => embedderOf(audioMethodOfRun(dir), dir));
  const labels = runs.map(runLabel);
  if (new Set(labels).size !== labels.length)
    throw new RangeError(`speech-bench: run folders must have distinct names (${labels.join(', ')})`);
  models.forEach((model, i) => {
    const layer = c.layer ?? model.defaultLayer;
    const others = c.sweep && i === 0 ? model.layerNames.filter((l) => l !== layer) : [];
    const layers = [layer, ...others];
    const names = [labels[i], ...others.map((l) => `${labels[i]}@${l}`)];
    const group = netGroup(model, layers, names, ['self-supervised', ...others.map(() => 'layer')], c.hopSeconds);
    if (others.length) {
      const order = [...model.layerNames];
      group.sweep = { run: labels[i], layers: order, names: order.map((l) => names[layers.indexOf(l)]) };
    }
    groups.push(group);
  });
  if (c.handcrafted)
    groups.push({
      reps: HANDCRAFTED_KINDS.map((kind) => ({ name: kind, kind: 'handcrafted', dim: HANDCRAFTED_DIMS[kind] })),
      embed: (audio) => HANDCRAFTED_KINDS.map((kind) => handcraftedFeatures(kind, audio)),
    });
  const first = models[0];
  if (!first && (c.random || c.supervised))
    throw new RangeError('speech-bench: the random and supervised baselines need a run (its network); give one or turn them off');
  if (first && c.random) {
    const random = embedderOf(audioMethodOfRun(runs[0], { weights: false, seed: c.seed }), runs[0]);
    const layer = c.layer ?? random.defaultLayer;
    groups.push(netGroup(random, [layer], ['random-init'], ['random'], c.hopSeconds));
  }
  if (first && c.supervised) {
    const task = tasks.find((t) => t.name === c.supervised);
    if (!task)
      throw new RangeError(
        `speech-bench: supervised task ${JSON.stringify(c.supervised)} is not among the tasks (${tasks.map((t) => t.name).join(', ')})`,
      );
    const net = audioMethodOfRun(runs[0], { weights: false, seed: c.seed + 1 });
    if (!(net instanceof Trill))
      throw new RangeError(
        `speech-bench: the supervised baseline trains the first run's network, which must be TRILL's (${runs[0]} is not)`,
      );
    trainSupervised(net, task, { steps: c.supervisedSteps, seed: c.seed, path: join(out, `supervised-${task.name}.safetensors`) });
    const layer = c.layer ?? net.defaultLayer;
    groups.push(netGroup(net, [layer], [`supervised-${task.name}`], ['supervised'], c.hopSeconds));
  }
  return groups;
}
