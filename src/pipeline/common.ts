/**
 * Pieces every pipeline (pretrain, fine-tune, eval, embed) shares: the encoder
 * and optimizer sections of a config, images to float inputs, the encoder a run
 * starts from, optimizers.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import * as torch from '../torch/index.js';
import { bool, choice, int, listOf, num, oneOf, peekName, section, str, type Config, type z } from '../config/schema.js';
import { dataSection, type Modality } from '../data/registry.js';
import { LARS, larsParamGroups, SGD, AdamW, type Optimizer } from '../optim/index.js';
import { createEncoder, ENCODERS, type Encoder } from '../models/encoders.js';
import type { MethodModel, MethodParamGroup, MethodSpec, OptimDefaults } from '../methods/method.js';
import { getMethod, METHODS } from '../methods/registry.js';
import { withViewPreset } from '../views/config.js';
import { permutation } from '../data/samplers.js';

/** The encoder section (`--model.*`). */
export const modelSection = section(
  {
    arch: oneOf('architecture', Object.keys(ENCODERS) as [string, ...string[]], 'resnet18'),
    width: num('channel width multiplier', 1, { min: 0.0625, max: 8 }),
    smallStem: bool('ResNet 3×3 stride-1 stem without max-pool (small images)', true),
  },
  'encoder',
);
export type ModelConfig = Config<typeof modelSection>;

/** The optimizer section (`--optim.*`), with a method's (or the fine-tuning's) defaults. */
export const optimSection = (d: OptimDefaults) =>
  section(
    {
      name: oneOf('optimizer', ['lars', 'sgd', 'adamw'], d.name),
      lr: num('learning rate per 256 images (scaled linearly with the batch size)', d.lr, { min: 0, max: 100 }),
      weightDecay: num('weight decay', d.weightDecay, { min: 0, max: 10 }),
      momentum: num('momentum (LARS, SGD)', d.momentum ?? 0.9, { min: 0, max: 1 }),
      warmupEpochs: num('linear warm-up epochs, then cosine decay', d.warmupEpochs ?? 0, { min: 0 }),
    },
    'optimizer and learning-rate schedule',
  );
export type OptimConfig = Config<ReturnType<typeof optimSection>>;

/** Reads a chosen name (method, data set) from a raw config before its schema exists. */
export type Peek = (path: string, dflt: string) => string;
export const peekIn =
  (raw: Record<string, unknown>, flags: Record<string, unknown> = {}): Peek =>
  (path, dflt) =>
    peekName(raw, flags, path, dflt);
/** The same peek inside a section (the recipe's steps). */
export const peekUnder =
  (peek: Peek, section: string): Peek =>
  (path, dflt) =>
    peek(`${section}.${path}`, dflt);

/** A data section of the evaluation commands (image sets; the set's own options follow its name). */
export const imageData = (peek: Peek, path: string, help: string, split: string, dflt = 'fashion-mnist') =>
  dataSection(help, { modality: 'image', selected: peek(path, dflt), dflt, split });

/** Shifted test sets: a list of data sections, each checked against its own set's options. */
export const shiftedList = (help: string) =>
  listOf(help, (item) =>
    dataSection('shifted test set', {
      modality: 'image',
      selected: typeof item.name === 'string' ? item.name : '',
      dflt: 'fashion-mnist',
      split: 'test',
    }),
  );

/**
 * The option fields of the method a config chooses (`method`, read by `peek`),
 * its views' defaults following `method.views.preset`; none for an unknown
 * name (the method field's own check names it).
 */
export function chosenMethodOptions(peek: Peek): z.ZodRawShape {
  const name = peek('method', 'simclr');
  return Object.hasOwn(METHODS, name) ? withViewPreset(METHODS[name].options, peek('method.views.preset', 'method')).shape : {};
}

/**
 * The method section of a pretraining schema for the methods of one modality
 * (the chosen method's own options inside it) and the chosen method's optimizer
 * defaults (`dflt`'s when the name is not one of them: the schema reports it).
 */
export function modalityMethod(peek: Peek, modality: Modality, dflt: string) {
  const name = peek('method', dflt);
  const spec: MethodSpec | undefined = Object.hasOwn(METHODS, name) ? METHODS[name] : undefined;
  const names = Object.values(METHODS)
    .filter((m) => m.modality === modality)
    .map((m) => m.name);
  const options: z.ZodRawShape = spec?.options.shape ?? {};
  return {
    method: choice('self-supervised method (`selfsup methods` lists them)', names, dflt, options as Record<never, never>),
    optim: (spec ?? METHODS[dflt]).optim,
    defaultData: (spec ?? METHODS[dflt]).defaultData,
  };
}

/** The fields every command has. */
export const commonFields = {
  name: str('run name (default: the folder name)'),
  seed: int('random seed', 0, { min: 0, max: 2 ** 31 - 1 }),
  threads: int('libtorch threads (default: all cores)', undefined, { min: 1, max: 1024 }),
};

/** The method options of a resolved config (its `method` section without the name). */
export function methodOptions(c: { method: { name: string } }): Record<string, unknown> {
  return Object.fromEntries(Object.entries(c.method).filter(([k]) => k !== 'name'));
}

/** Rows 0…n−1 of one epoch in seeded random order, `batchSize` at a time (the last partial batch dropped). */
export function* shuffledBatches(n: number, batchSize: number, seed: number): Generator<number[]> {
  const order = permutation(n, new torch.Generator(seed));
  for (let i = 0; i + batchSize <= n; i += batchSize) yield order.slice(i, i + batchSize);
}

/** uint8 images [N, C, H, W] → float32 in [0, 1]. */
export const toInput = (images: torch.Tensor): torch.Tensor => images.float().div(255);

/** Rows `idx` of a tensor. */
export const rows = (t: torch.Tensor, idx: number[]): torch.Tensor =>
  torch.scope(() => t.indexSelect(0, torch.tensor(Float64Array.from(idx), { dtype: 'int64' })));

/** Where a run starts: an encoder's weights and the config of the run that made them. */
export interface InitSource {
  /** The encoder weights file. */
  weights: string;
  /** The producing run's `model` config (when it came from a run folder). */
  model?: ModelConfig;
  inChannels?: number;
  name: string;
}

/**
 * Resolves `init`: a run folder (its encoder.safetensors and config.json) or a
 * .safetensors file of encoder weights.
 */
export function resolveInit(init: string): InitSource {
  const path = resolve(init);
  if (!existsSync(path)) throw new Error(`init: ${path} does not exist (expected a run folder or an encoder .safetensors file)`);
  if (!statSync(path).isDirectory()) return { weights: path, name: basename(path).replace(/\.safetensors$/, '') };
  const weights = join(path, 'encoder.safetensors');
  if (!existsSync(weights)) throw new Error(`init: ${path} has no encoder.safetensors (has the run finished? resume it with --resume)`);
  const config = JSON.parse(readFileSync(join(path, 'config.json'), 'utf8')) as { name?: string; model?: ModelConfig; inChannels?: number };
  return { weights, model: config.model, inChannels: config.inChannels, name: config.name ?? basename(path) };
}

/** An encoder for images with `inChannels` channels, with the init's weights when given. */
export function makeEncoder(model: ModelConfig, inChannels: number, init?: InitSource): Encoder {
  if (init?.inChannels !== undefined && init.inChannels !== inChannels)
    throw new RangeError(
      `init: ${init.weights} was trained on ${init.inChannels}-channel images but the data has ${inChannels} channels (set the data's channels to ${init.inChannels})`,
    );
  const encoder = createEncoder({ ...(init?.model ?? model), inChannels });
  if (init) torch.scope(() => encoder.loadStateDict(torch.safetensors.loadFile(init.weights), true, init.weights));
  return encoder;
}

/**
 * The optimizer of `o.name` over `params` (or a method's parameter groups, each
 * one optimizer group — two for LARS, which splits off biases and norms), with
 * lr scaled by batchSize/256 (SimCLR §B.1's linear scaling).
 */
export function makeOptimizer(params: torch.Tensor[] | MethodParamGroup[], o: OptimConfig, batchSize: number): Optimizer<{ lr: number }> {
  const lr = (o.lr * batchSize) / 256;
  const groups = params.every((p) => p instanceof torch.Tensor)
    ? [params as torch.Tensor[]]
    : (params as MethodParamGroup[]).map((g) => g.params);
  const nonEmpty = groups.filter((g) => g.length > 0);
  switch (o.name) {
    case 'lars':
      return new LARS(
        nonEmpty.flatMap((g) => larsParamGroups(g)),
        { lr, momentum: o.momentum, weightDecay: o.weightDecay },
      );
    case 'sgd':
      return new SGD(
        nonEmpty.map((g) => ({ params: g })),
        { lr, momentum: o.momentum, weightDecay: o.weightDecay, nesterov: o.momentum > 0 },
      );
    case 'adamw':
      return new AdamW(
        nonEmpty.map((g) => ({ params: g })),
        { lr, weightDecay: o.weightDecay },
      );
  }
}

/** Which of `optimizer`'s groups hold a `fixedLr` method group's parameters (their lr is not scheduled). */
export function fixedLrGroups(optimizer: Optimizer<{ lr: number }>, groups: MethodParamGroup[]): boolean[] {
  const fixed = new Set(groups.filter((g) => g.fixedLr).flatMap((g) => g.params));
  return optimizer.paramGroups.map((g) => g.params.some((p) => fixed.has(p)));
}

/** Sets libtorch's thread count when asked. */
export function applyThreads(threads?: number): void {
  if (threads !== undefined) torch.setNumThreads(threads);
}

/**
 * The trained method of image pretraining run `dir` (its modules, views and
 * critic), rebuilt from config.json and loaded from model.safetensors, in
 * eval mode.
 */
export function methodOfRun(dir: string): MethodModel {
  const configPath = join(dir, 'config.json');
  const weights = join(dir, 'model.safetensors');
  if (!existsSync(configPath)) throw new Error(`${dir} holds no run (no config.json)`);
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as {
    method?: { name: string } & Record<string, unknown>;
    model?: ModelConfig;
    inChannels?: number;
    imageSize?: number;
  };
  if (!config.method || !config.model || config.inChannels === undefined)
    throw new Error(`${configPath}: not an image pretraining run (no method, model or inChannels)`);
  if (!existsSync(weights)) throw new Error(`${dir} has no model.safetensors (has the run finished? resume it with --resume)`);
  const spec = getMethod(config.method.name, 'image');
  const channels = config.inChannels;
  const model = spec.build(spec.options.parse(methodOptions({ method: config.method })), {
    encoder: () => makeEncoder(config.model!, channels),
    input: { channels, size: config.imageSize ?? 32 },
    batchSize: 2,
    totalSteps: 1,
    stepsPerEpoch: 1,
  });
  torch.scope(() => model.loadStateDict(torch.safetensors.loadFile(weights), true, weights));
  return model.eval();
}
