/**
 * What the pretraining pipelines of methods that build their own networks —
 * audio (src/pipeline/pretrain-audio.ts) and scenes (pretrain-scene.ts) —
 * share: Adam(W) at a constant learning rate, building the chosen method from a
 * resolved config, and reading a finished run of theirs back.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { num, section } from '../config/schema.js';
import type { Modality } from '../data/registry.js';
import type { MethodModel, MethodParamGroup, OptimDefaults } from '../methods/method.js';
import type { Module } from '../nn/module.js';
import { getMethod } from '../methods/registry.js';
import type { Optimizer } from '../optim/index.js';
import { makeOptimizer, methodOptions } from './common.js';

/** The optim section: the method's Adam defaults, the learning rate per 256 `unit` (items, examples …). */
export const constantAdamSection = (optim: OptimDefaults, unit: string) =>
  section(
    {
      lr: num(`Adam learning rate per 256 ${unit} (scaled linearly with the batch size; the method's default)`, optim.lr, {
        min: 0,
        max: 1,
      }),
      weightDecay: num('decoupled weight decay', optim.weightDecay, { min: 0, max: 10 }),
    },
    'Adam(W) at a constant learning rate',
  );

/** AdamW over the method's parameter groups as `constantAdamSection` configures it (lr scaled by batchSize/256). */
export const constantAdam = (
  groups: MethodParamGroup[],
  o: { lr: number; weightDecay: number },
  batchSize: number,
): Optimizer<{ lr: number }> => makeOptimizer(groups, { ...o, name: 'adamw', momentum: 0.9, warmupEpochs: 0 }, batchSize);

/** The method of a resolved config of `modality`, built with the input's `channels` (0 when it has none). */
export function buildOwnNetworkMethod(
  config: { method: { name: string }; train: { batchSize: number } },
  modality: Modality,
  o: { channels: number; totalSteps: number; stepsPerEpoch: number; openAudioRun?(dir: string, o?: { weights?: boolean }): Module },
): MethodModel<unknown, Module> {
  const spec = getMethod(config.method.name, modality);
  return spec.build(spec.options.parse(methodOptions(config)), {
    encoder: () => {
      throw new Error(`${spec.name}: ${modality} methods build their own networks`);
    },
    input: { channels: o.channels, size: 0 },
    batchSize: config.train.batchSize,
    totalSteps: o.totalSteps,
    stepsPerEpoch: o.stepsPerEpoch,
    openAudioRun: o.openAudioRun,
  }) as unknown as MethodModel<unknown, Module>;
}

/**
 * The saved config of pretraining run `dir` (without its `command` and
 * `modality` fields), checked to be `what` (a run of `modality`), and the path
 * of its weights, which must exist when `weights` is set.
 */
export function savedRun(
  dir: string,
  modality: Modality,
  what: string,
  o: { weights: boolean },
): { config: Record<string, unknown>; configPath: string; weights: string } {
  const configPath = join(dir, 'config.json');
  const weights = join(dir, 'model.safetensors');
  if (!existsSync(configPath)) throw new Error(`${dir} holds no run (no config.json)`);
  const saved = JSON.parse(readFileSync(configPath, 'utf8')) as { modality?: string; method?: { name: string } };
  if (saved.modality !== modality || !saved.method) throw new Error(`${configPath}: not ${what}`);
  if (o.weights && !existsSync(weights)) throw new Error(`${dir} has no model.safetensors (has the run finished? resume it with --resume)`);
  const { command: _c, modality: _m, ...config } = saved as Record<string, unknown>;
  return { config, configPath, weights };
}
