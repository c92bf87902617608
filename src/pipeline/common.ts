/**
 * Pieces every pipeline (pretrain, fine-tune, eval, embed) shares: views from a
 * config, images to float inputs, the encoder a run starts from, optimizers.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import * as torch from '../torch/index.js';
import type { Module } from '../nn/module.js';
import { LARS, larsParamGroups, SGD, AdamW, type Optimizer } from '../optim/index.js';
import { createEncoder, type Encoder, type EncoderConfig } from '../models/encoders.js';
import type { ImageSetConfig } from '../data/image-sets.js';
import { Compose, RandomResizedCrop, RandomHorizontalFlip, ColorJitter, RandomGrayscale, RandomGaussianBlur, type View } from '../views/index.js';

export interface ViewsConfig {
  crop: boolean;
  scale: number[];
  flip: number;
  color: boolean;
  strength: number;
  jitter: number;
  grayscale: number;
  blur: number;
}

/** One view's augmentation pipeline at `size`×`size` (SimCLR §3: crop, colour distortion, blur). */
export function buildViews(c: ViewsConfig, size: number): View {
  if (c.scale.length !== 2 || !(c.scale[0] > 0 && c.scale[0] <= c.scale[1] && c.scale[1] <= 1))
    throw new RangeError(`views.scale: expected [min, max] with 0 < min <= max <= 1 but received [${c.scale}]`);
  const s = c.strength;
  const steps: View[] = [c.crop ? new RandomResizedCrop({ size, scale: [c.scale[0], c.scale[1]], flip: c.flip }) : new RandomHorizontalFlip({ p: c.flip })];
  if (c.color) steps.push(new ColorJitter({ brightness: 0.8 * s, contrast: 0.8 * s, saturation: 0.8 * s, hue: 0.2 * s, p: c.jitter }), new RandomGrayscale({ p: c.grayscale }));
  if (c.blur > 0) steps.push(new RandomGaussianBlur({ p: c.blur }));
  return new Compose(steps);
}

/** uint8 images [N, C, H, W] → float32 in [0, 1]. */
export const toInput = (images: torch.Tensor): torch.Tensor => images.float().div(255);

/** Rows `idx` of a tensor. */
export const rows = (t: torch.Tensor, idx: number[]): torch.Tensor =>
  torch.scope(() => t.indexSelect(0, torch.tensor(Float64Array.from(idx), { dtype: 'int64' })));

/** The split name under which a shifted test set's results are logged: "shifted:<set>[/<vendors>]". */
export const shiftedName = (c: ImageSetConfig): string => `shifted:${c.name}${c.vendors ? '/' + c.vendors.join('+') : ''}`;

/** Where a run starts: an encoder's weights and the config of the run that made them. */
export interface InitSource {
  /** The encoder weights file. */
  weights: string;
  /** The producing run's `model` config (when it came from a run folder). */
  model?: EncoderConfig;
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
  const config = JSON.parse(readFileSync(join(path, 'config.json'), 'utf8')) as { name?: string; model?: EncoderConfig; inChannels?: number };
  return { weights, model: config.model, inChannels: config.inChannels, name: config.name ?? basename(path) };
}

/** An encoder for images with `inChannels` channels, with the init's weights when given. */
export function makeEncoder(model: EncoderConfig, inChannels: number, init?: InitSource): Encoder {
  const encoder = createEncoder({ ...(init?.model ?? model), inChannels });
  if (init) torch.scope(() => encoder.loadStateDict(torch.safetensors.loadFile(init.weights), true, init.weights));
  return encoder;
}

export interface OptimConfig {
  name: string;
  lr: number;
  weightDecay: number;
  momentum: number;
  warmupEpochs: number;
}

/** The optimizer of `o.name` with lr scaled by batchSize/256 (SimCLR §B.1's linear scaling). */
export function makeOptimizer(model: Module, o: OptimConfig, batchSize: number): Optimizer<{ lr: number }> {
  const lr = (o.lr * batchSize) / 256;
  switch (o.name) {
    case 'lars':
      return new LARS(larsParamGroups(model), { lr, momentum: o.momentum, weightDecay: o.weightDecay }) as unknown as Optimizer<{ lr: number }>;
    case 'sgd':
      return new SGD(model.parameters(), { lr, momentum: o.momentum, weightDecay: o.weightDecay, nesterov: true }) as unknown as Optimizer<{ lr: number }>;
    case 'adamw':
      return new AdamW(model.parameters(), { lr, weightDecay: o.weightDecay }) as unknown as Optimizer<{ lr: number }>;
    default:
      throw new RangeError(`optim.name: unknown optimizer ${JSON.stringify(o.name)} (valid: lars, sgd, adamw)`);
  }
}

/** Sets libtorch's thread count when asked. */
export function applyThreads(threads?: number): void {
  if (threads !== undefined) torch.setNumThreads(threads);
}
