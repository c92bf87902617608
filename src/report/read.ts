/**
 * Reading a run directory for the report (the layout is src/train/run-dir.ts's):
 *
 *   RUN/config.json              the resolved config: name?, command, method, …
 *   RUN/metrics.jsonl            one JSON event per line (train, knn, finetune, probe, warning; others ignored)
 *   RUN/embeddings.safetensors   optional: embeddings float32 [N, D], labels int64 [N] (optional);
 *                                metadata ids (JSON array of N strings), classes (JSON array of names)
 *
 * Errors name the file (and, for metrics, the line) and what was expected.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import * as torch from '../torch/index.js';
import { describe } from '../torch/check.js';
import { forEachJsonLine } from '../train/run-dir.js';

/** A training step: `{"event":"train","stage","step","epoch","loss","lr","imagesPerSec","time"}`. */
export interface TrainEvent {
  stage: string;
  step: number;
  loss: number;
}
/** A kNN evaluation during training. */
export interface KnnEvent {
  stage: string;
  step: number;
  top1: number;
  top5?: number;
  k?: number;
  seconds?: number;
  normalizedStd?: number;
}
/** A fine-tuning result on a label fraction. */
/** `top1`/`top5` for single-label runs; `meanAuc` for multi-label ones. */
export interface FinetuneEvent {
  init: string;
  fraction: number;
  labels?: number;
  top1?: number;
  top5?: number;
  meanAuc?: number;
  split: string;
}
/** A warning logged during training (the collapse guard's, …). */
export interface WarningEvent {
  stage: string;
  message: string;
}
/** A final linear-probe or kNN result on a split (`test`, `shifted:<name>`), for linear probes optionally on a label fraction. */
export interface ProbeEvent {
  kind: string;
  split: string;
  top1?: number;
  top5?: number;
  meanAuc?: number;
  fraction?: number;
  labels?: number;
}

export interface Run {
  /** Absolute path of the run directory. */
  dir: string;
  /** config.name, else the folder name. */
  name: string;
  config: Record<string, unknown>;
  train: TrainEvent[];
  knn: KnnEvent[];
  finetune: FinetuneEvent[];
  probe: ProbeEvent[];
  /** Warnings logged during the run (e.g. the collapse guard's). */
  warnings: WarningEvent[];
  /** Path of embeddings.safetensors, or null when the run has none. */
  embeddings: string | null;
}

export interface Embeddings {
  /** [N, D] row-major. */
  x: Float32Array;
  n: number;
  dim: number;
  /** [N] class indices, or null when the file has no labels. */
  labels: number[] | null;
  /** [N] item ids, or null. */
  ids: string[] | null;
  /** Class names (index = label), or null. */
  classes: string[] | null;
}

function readJson(path: string): unknown {
  if (!existsSync(path)) throw new Error(`${path} is missing (expected a run directory written by \`selfsup\`)`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: not JSON: ${(e as Error).message}`);
  }
}

type Kind = 'number' | 'string';

/** Reads field `key` of an event: `required` fields must be present; a number field may be null (NaN, logged as null). */
function field(e: Record<string, unknown>, key: string, kind: Kind, required: boolean, where: string): number | string | undefined {
  const v = e[key];
  if (v === undefined && !required) return undefined;
  if (kind === 'number' && v === null) return NaN;
  if (typeof v !== kind)
    throw new Error(`${where}: "${e.event}" event needs a ${kind} for "${key}" but has ${v === undefined ? 'none' : describe(v)}`);
  return v as number | string;
}

/** Parses metrics.jsonl into the events the report shows; errors name `path:line`. */
export function readMetrics(path: string): Pick<Run, 'train' | 'knn' | 'finetune' | 'probe' | 'warnings'> {
  if (!existsSync(path)) throw new Error(`${path} is missing (expected a run directory written by \`selfsup\`)`);
  const out: Pick<Run, 'train' | 'knn' | 'finetune' | 'probe' | 'warnings'> = { train: [], knn: [], finetune: [], probe: [], warnings: [] };
  forEachJsonLine(path, (value, where) => {
    const e = value as Record<string, unknown>;
    if (e === null || typeof e !== 'object' || Array.isArray(e) || typeof e.event !== 'string')
      throw new Error(`${where}: expected a JSON object with a string "event" field but found ${describe(e)}`);
    const num = (k: string) => field(e, k, 'number', true, where) as number;
    const optNum = (k: string) => field(e, k, 'number', false, where) as number | undefined;
    const str = (k: string, dflt: string) => (field(e, k, 'string', false, where) as string | undefined) ?? dflt;
    switch (e.event) {
      case 'train':
        out.train.push({ stage: str('stage', ''), step: num('step'), loss: num('loss') });
        break;
      case 'knn':
        out.knn.push({
          stage: str('stage', ''),
          step: num('step'),
          top1: num('top1'),
          top5: optNum('top5'),
          k: optNum('k'),
          seconds: optNum('seconds'),
          normalizedStd: optNum('normalizedStd'),
        });
        break;
      case 'finetune':
        out.finetune.push({
          init: field(e, 'init', 'string', true, where) as string,
          fraction: num('fraction'),
          labels: optNum('labels'),
          top1: optNum('top1'),
          top5: optNum('top5'),
          meanAuc: optNum('meanAuc'),
          split: str('split', 'test'),
        });
        break;
      case 'warning':
        out.warnings.push({ stage: str('stage', ''), message: field(e, 'message', 'string', true, where) as string });
        break;
      case 'probe':
        out.probe.push({
          kind: field(e, 'kind', 'string', true, where) as string,
          split: str('split', 'test'),
          top1: optNum('top1'),
          top5: optNum('top5'),
          meanAuc: optNum('meanAuc'),
          fraction: optNum('fraction'),
          labels: optNum('labels'),
        });
        break;
    }
  });
  return out;
}

/** Reads a run directory's config and metrics (embeddings are only located; see readEmbeddings). */
export function readRun(dir: string): Run {
  const abs = resolve(dir);
  const configPath = join(abs, 'config.json');
  const config = readJson(configPath);
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    throw new Error(`${configPath}: expected a JSON object but found ${describe(config)}`);
  const c = config as Record<string, unknown>;
  const name = typeof c.name === 'string' && c.name ? c.name : basename(abs);
  const embeddings = join(abs, 'embeddings.safetensors');
  return { dir: abs, name, config: c, ...readMetrics(join(abs, 'metrics.jsonl')), embeddings: existsSync(embeddings) ? embeddings : null };
}

/** A metadata entry that must be a JSON array of `n` strings (any length when n is undefined), or null when absent. */
function stringList(meta: Record<string, string>, key: string, path: string, n?: number): string[] | null {
  if (meta[key] === undefined) return null;
  let v: unknown;
  try {
    v = JSON.parse(meta[key]);
  } catch (e) {
    throw new Error(`${path}: metadata "${key}" is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string') || (n !== undefined && v.length !== n))
    throw new Error(`${path}: metadata "${key}" must be a JSON array of ${n ?? 'any number of'} strings but is ${describe(v)}`);
  return v;
}

/** Reads embeddings.safetensors (layout in the module comment), checking dtypes and shapes. */
export function readEmbeddings(path: string): Embeddings {
  const { tensors, metadata } = torch.safetensors.loadFileWithMetadata(path);
  try {
    const e = tensors.embeddings;
    if (!e) throw new Error(`${path}: no "embeddings" tensor (found: ${Object.keys(tensors).join(', ') || 'none'})`);
    if (e.dtype !== 'float32' || e.shape.length !== 2)
      throw new Error(`${path}: "embeddings" must be float32 [N, D] but is ${e.dtype} [${e.shape}]`);
    const [n, dim] = e.shape;
    const l = tensors.labels;
    if (l && (l.dtype !== 'int64' || l.shape.length !== 1 || l.shape[0] !== n))
      throw new Error(`${path}: "labels" must be int64 [${n}] but is ${l.dtype} [${l.shape}]`);
    const labels = l ? l.toArray() : null;
    const bad = labels?.findIndex((y) => y < 0) ?? -1;
    if (bad >= 0) throw new Error(`${path}: label ${bad} is ${labels![bad]}; expected a class index ≥ 0`);
    return {
      x: e.data() as Float32Array,
      n,
      dim,
      labels,
      ids: stringList(metadata, 'ids', path, n),
      classes: stringList(metadata, 'classes', path),
    };
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
