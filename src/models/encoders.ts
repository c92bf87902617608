/**
 * Encoders by name, for configs and the CLI: a trunk whose forward gives the
 * pooled representation x [N, C, H, W] → [N, featureDim] (no classifier).
 */
import type * as torch from '../torch/index.js';
import type { Module } from '../nn/index.js';
import { resnet18, resnet34, resnet50 } from './resnet.js';
import { mobilenetV3Large, mobilenetV3Small } from './mobilenetv3.js';

/** A module mapping images [N, C, H, W] to features [N, featureDim]. */
export interface Encoder extends Module {
  readonly featureDim: number;
  forward(x: torch.Tensor): torch.Tensor;
}

export interface EncoderConfig {
  /** One of ENCODERS' names. Default 'resnet18'. */
  arch?: string;
  /** Channel width multiplier (SimCLR's 1×, 2×, 4×; below 1 for small budgets). Default 1. */
  width?: number;
  /** ResNet only: 3×3 stride-1 stem without max-pool, for 32×32-sized images (SimCLR's CIFAR variant). Default true. */
  smallStem?: boolean;
  /** Input channels (1 grey, 3 RGB). Default 3. */
  inChannels?: number;
  /** Stochastic depth at the last residual block, rising linearly from 0 (ResNetOptions.dropPath); training only. Default 0. */
  dropPath?: number;
}

type Factory = (c: Required<EncoderConfig>) => Encoder;

const resnet =
  (f: typeof resnet18): Factory =>
  (c) =>
    f({ numClasses: 0, widthMultiplier: c.width, smallImageStem: c.smallStem, inChannels: c.inChannels, dropPath: c.dropPath });
const mobilenet =
  (f: typeof mobilenetV3Small): Factory =>
  (c) =>
    f({ numClasses: 0, widthMultiplier: c.width, inChannels: c.inChannels, dropPath: c.dropPath });

/** The registry of encoder architectures. */
export const ENCODERS: Readonly<Record<string, Factory>> = {
  resnet18: resnet(resnet18),
  resnet34: resnet(resnet34),
  resnet50: resnet(resnet50),
  mobilenetV3Small: mobilenet(mobilenetV3Small),
  mobilenetV3Large: mobilenet(mobilenetV3Large),
};

/** Builds an encoder from its config; an unknown `arch` names the valid ones. */
export function createEncoder(c: EncoderConfig = {}): Encoder {
  const full: Required<EncoderConfig> = { arch: 'resnet18', width: 1, smallStem: true, inChannels: 3, dropPath: 0, ...c };
  const make = ENCODERS[full.arch];
  if (!Object.hasOwn(ENCODERS, full.arch))
    throw new RangeError(`createEncoder: unknown arch ${JSON.stringify(full.arch)} (valid: ${Object.keys(ENCODERS).join(', ')})`);
  return make(full);
}
