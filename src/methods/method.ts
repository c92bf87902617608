/**
 * The method interface: what every self-supervised method declares, and the
 * only thing the pipeline, the CLI, checkpoints and reports know of it.
 *
 * A method (a `MethodSpec`) has a name, its paper, a modality, a one-line
 * summary and its options as one schema (defaults and a help line each). It
 * builds, from its options and a `BuildContext`, a `MethodModel`: a Module
 * holding everything it trains and everything it keeps between steps (momentum
 * encoders, DINO's centre, queues — as parameters or buffers, so they are in
 * its state dict and checkpoints and bit-identical resume need no
 * method-specific code), with
 *
 *   views(batch, generator)       the augmented views of a batch
 *   trainingStep(views, info)     the loss (a scalar to backpropagate) and the terms to log
 *   afterStep(info)               after the optimizer step: momentum/teacher updates, centring
 *   representation(x, layer?)     the features the method is evaluated on
 *   paramGroups()                 optional: trainable parameters in groups (a fixed-lr predictor)
 *
 * Adding a method: its file in src/methods/, its loss terms in src/losses/, one
 * registry line (src/methods/registry.ts), goldens; the registry test covers it.
 */
import * as torch from '../torch/index.js';
import { Module } from '../nn/module.js';
import type { Config, z } from '../config/schema.js';
import type { Modality } from '../data/registry.js';
import type { Encoder } from '../models/encoders.js';
import type { ElectraSize } from '../models/electra.js';
import type { PairSampler, PairSamplerOptions } from './pairs.js';

type Tensor = torch.Tensor;

/** Where the pipeline is in training when it calls the method. */
export interface StepInfo {
  /** Optimizer steps taken before this one (0-based). */
  step: number;
  totalSteps: number;
  stepsPerEpoch: number;
  /** step / stepsPerEpoch (fractional). */
  epoch: number;
}

/** A batch of an image method: images in [0, 1] and each one's partner (itself, or MICLe's other image of the case). */
export interface ImageBatch {
  /** [N, C, H, W] float in [0, 1]. */
  images: Tensor;
  /** [N, C, H, W]; the same tensor as `images` for methods whose positives are views of one image. */
  partners: Tensor;
}

/** A batch of a text method: token ids and their attention mask, both int64 [N, T] (1 on tokens, 0 on padding). */
export interface TextBatch {
  inputIds: Tensor;
  attentionMask: Tensor;
}

/** The encoder size of a text method (a BERT-style Transformer; ELECTRA's discriminator). */
export type TextModelSize = ElectraSize;

/** What a training step returns: the loss to backpropagate and scalars to log (loss terms, accuracies, τ, momentum …). */
export interface TrainingStep {
  loss: Tensor;
  logs?: Record<string, number>;
}

/**
 * How a training step sees the other ranks of a data-parallel run (one process: rank
 * 0 of 1, `gather` and `sum` the identity).
 *
 * The loss-scaling rule. DistributedDataParallel averages the ranks' gradients, so a
 * rank's loss L_r must be its share of the global loss L with L = (1/W) Σ_r L_r, every
 * cross-sample term (negatives, batch statistics, centres) taken over the global
 * batch through `gather` / `sum`, whose backward returns to each rank the sum over
 * ranks of the gradient of its rows. Then (1/W) Σ_r ∇L_r = ∇L: W processes of B/W
 * train exactly as one process of B. Two forms satisfy it, neither with a factor of
 * W: a mean over the rank's own samples or anchors (SimCLR's anchors against all
 * negatives, MoCo v3's queries against all keys, BYOL, SimSiam, DINO), or the global
 * loss computed alike on every rank (VICReg, Barlow Twins). A gather whose backward
 * keeps only the rank's slice of its own gradient (a common "GatherLayer") makes the
 * gradient of the negatives W times too small — the 1/world-size mistake.
 */
export interface DistContext {
  rank: number;
  worldSize: number;
  /** Every rank's rows, concatenated on dim 0 in rank order, with gradient: [n, *] → [W·n, *]. */
  gather(t: Tensor): Tensor;
  /** The elementwise sum over ranks, with gradient: [*] → [*]. */
  sum(t: Tensor): Tensor;
}

/** One process: no other ranks. */
export const SINGLE_PROCESS: DistContext = { rank: 0, worldSize: 1, gather: (t) => t, sum: (t) => t };

/** The default process group (torch.distributed) as a DistContext; one process when none is initialized. */
export function processGroupContext(): DistContext {
  const d = torch.distributed;
  if (!d.isInitialized() || d.getWorldSize() === 1) return SINGLE_PROCESS;
  return { rank: d.getRank(), worldSize: d.getWorldSize(), gather: (t) => d.allGatherWithGrad(t), sum: (t) => d.allReduceWithGrad(t) };
}

/** What a method is built for. */
export interface BuildContext {
  /**
   * A new encoder of the run's architecture for the data's input (each call a
   * fresh module; the first call's carries the run's `init` weights, if any).
   * Momentum and teacher copies call it again.
   */
  encoder(): Encoder;
  /** The input: channels and side of image sets (0 for text). */
  input: { channels: number; size: number };
  /** Text methods: the encoder's size and the tokenizer's special ids (absent for other modalities). */
  text?: { size: TextModelSize; maskId: number; specialIds: readonly number[] };
  batchSize: number;
  totalSteps: number;
  stepsPerEpoch: number;
  /**
   * Audio methods: the trained method of another audio run (FRILL's teacher),
   * in eval mode; `weights: false` builds it from its config only.
   */
  openAudioRun?(dir: string, o?: { weights?: boolean }): Module;
}

/**
 * Trainable parameters that the optimizer treats alike. `fixedLr`: the group's
 * learning rate stays at its base value (no warm-up, no decay), as SimSiam's
 * predictor (Chen & He 2021, §4.2, Table 1).
 */
export interface MethodParamGroup {
  name: string;
  params: Tensor[];
  fixedLr?: boolean;
}

/** The trained object of a method: a Module whose state dict holds all its state. */
export abstract class MethodModel<B = ImageBatch, E extends Module = Encoder> extends Module {
  /** The data-parallel ranks its training steps meet (set by the pipeline; one process by default). */
  dist: DistContext = SINGLE_PROCESS;
  /** The network whose weights are exported as encoder.safetensors and fine-tuned. */
  abstract readonly encoder: E;
  /** Width of `representation(x)` at the default layer. */
  abstract readonly representationDim: number;
  /** The augmented views of a batch (drawn from `generator`, so the same seed gives the same views). */
  abstract views(batch: B, generator: torch.Generator): Tensor[];
  /** The loss on the views; the pipeline backpropagates it and steps the optimizer. */
  abstract trainingStep(views: Tensor[], info: StepInfo): TrainingStep;
  /** After the optimizer step: momentum/teacher updates, centring, schedules. */
  afterStep(_info: StepInfo): void {}
  /**
   * The features the method is evaluated on: the encoder's output (layer 0), or
   * after the first `layer` blocks of its projection head (SimCLR §4.2).
   * x [N, C, H, W] → [N, D].
   */
  abstract representation(x: Tensor, layer?: number): Tensor;
  /**
   * The critic of a contrastive method, for I_NCE estimates (src/eval/infonce.ts):
   * scores [N, N] of view a_i against view b_j with the positives on the
   * diagonal — the logits its own loss classifies. a, b: [N, C, H, W].
   * Absent for methods without negatives.
   */
  pairScores?(a: Tensor, b: Tensor): Tensor;
  /** Head blocks that `representation(x, layer)` accepts (0 when the method has no head). */
  get representationLayers(): number {
    return 0;
  }
  /** Parameters the optimizer updates (momentum and teacher copies are not among them). */
  trainableParameters(): Tensor[] {
    return this.parameters().filter((p) => p.requiresGrad);
  }
  /** `trainableParameters()` in groups with their own learning-rate schedule (default: one group). */
  paramGroups(): MethodParamGroup[] {
    return [{ name: 'all', params: this.trainableParameters() }];
  }
  forward(x: Tensor): Tensor {
    return this.representation(x);
  }
}

/** The optimizer a method recommends (its paper's), used as the run's defaults. */
export interface OptimDefaults {
  name: 'lars' | 'sgd' | 'adamw';
  /** Per 256 images or sequences (scaled linearly with the batch size). */
  lr: number;
  weightDecay: number;
  momentum?: number;
  warmupEpochs?: number;
}

/** A registered method. `O` is its options schema (a strict object of fields with defaults). */
export interface MethodSpec<O extends z.ZodObject = z.ZodObject, B = ImageBatch, E extends Module = Encoder> {
  readonly name: string;
  /** "Authors Year, Title" (and the section the implementation follows). */
  readonly paper: string;
  readonly modality: Modality;
  /** One line for `selfsup methods`. */
  readonly summary: string;
  /** Its options, each with a default and help (`--method.<key>` flags; `method:` in a config file). */
  readonly options: O;
  readonly optim: OptimDefaults;
  /** Audio methods: the audio set a run reads unless the config names one (default 'pitched'). */
  readonly defaultData?: string;
  /** Which items give the two views of a positive pair (default: two views of one item). */
  pairs?(o: PairSamplerOptions): PairSampler;
  build(options: Config<O>, ctx: BuildContext): MethodModel<B, E>;
}
