/**
 * Training checkpoints: everything needed to resume a run bit-for-bit.
 *
 * A checkpoint is a folder holding, for save generation g:
 *   model-g.safetensors       model.stateDict() with PyTorch keys (loads in PyTorch too)
 *   optimizer-g.safetensors   optimizer state tensors, keyed `state.<param index>.<name>`
 *   optimizer-g.json          optimizer type, parameter groups (hyperparameters, indices), scalar state
 *   rng-g.safetensors         the global generator's state (`global`) and each named torch.Generator
 *   state-g.json              step, epoch, schedule state, resolved config, extra
 *   manifest.json             generation, step, epoch and each file's size and SHA-256 — written last
 *
 * Every file is written atomically (temp file + rename) and a new generation's data
 * files never overwrite existing ones, so a crash at any point leaves the previous
 * checkpoint loadable. Files of older generations (and of failed saves) are removed
 * once the new manifest is in place.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../torch/index.js';
import type { Module } from '../nn/module.js';
import type { Optimizer, OptimizerState, ParamState } from '../optim/optimizer.js';
import { removeStaleTemps, writeFileAtomic } from '../io/atomic.js';

type AnyOptimizer = Optimizer<{ lr: number }>;
const FORMAT = 'selfsup.checkpoint';
const PARTS = ['model', 'optimizer', 'optimizerState', 'rng', 'state'] as const;
type Part = (typeof PARTS)[number];
const FILE_NAME: Record<Part, (g: number) => string> = {
  model: (g) => `model-${g}.safetensors`,
  optimizer: (g) => `optimizer-${g}.json`,
  optimizerState: (g) => `optimizer-${g}.safetensors`,
  rng: (g) => `rng-${g}.safetensors`,
  state: (g) => `state-${g}.json`,
};
const DATA_FILE = /^(model|optimizer|rng|state)-\d+\.(safetensors|json)$/;

interface Manifest {
  format: string;
  version: 1;
  generation: number;
  step: number;
  epoch: number;
  files: Partial<Record<Part, { name: string; bytes: number; sha256: string }>>;
}

/** What `saveCheckpoint` stores. `schedule`, `config` and `extra` must be JSON-serialisable. */
export interface CheckpointState {
  model: Module;
  optimizer?: AnyOptimizer;
  /** Global step (optimizer steps taken). */
  step: number;
  /** Default 0. */
  epoch?: number;
  /** Whatever the schedule needs to resume (schedules here are functions of `step`, so often nothing). */
  schedule?: unknown;
  /** The resolved run configuration. */
  config?: unknown;
  /** Anything else (metrics so far, best accuracy, …). */
  extra?: unknown;
  /** Named generators (e.g. the data sampler's) whose state is saved next to the global one. */
  generators?: Record<string, torch.Generator>;
}

/** What `loadCheckpoint` returns. */
export interface LoadedCheckpoint {
  step: number;
  epoch: number;
  schedule: unknown;
  config: unknown;
  extra: unknown;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function toJson(value: unknown, what: string): Buffer {
  try {
    return Buffer.from(JSON.stringify(value, null, 1), 'utf8');
  } catch (e) {
    throw new TypeError(`saveCheckpoint: ${what} is not JSON-serialisable: ${(e as Error).message}`);
  }
}

function readManifest(dir: string): Manifest {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`loadCheckpoint: checkpoint directory ${dir} does not exist`);
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) throw new Error(`loadCheckpoint: ${path} is missing (not a checkpoint, or its first save did not finish)`);
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (e) {
    throw new Error(`loadCheckpoint: ${path} is corrupt: ${(e as Error).message}`);
  }
  if (m?.format !== FORMAT || m.version !== 1 || typeof m.files !== 'object' || !Number.isInteger(m.generation))
    throw new Error(`loadCheckpoint: ${path} is not a ${FORMAT} version 1 manifest`);
  return m;
}

/**
 * Writes the whole training state to `dir` (created if needed); see the module
 * comment for the layout. Tensors go to safetensors, everything else to JSON.
 */
export function saveCheckpoint(dir: string, s: CheckpointState): void {
  if (!Number.isInteger(s.step) || s.step < 0)
    throw new RangeError(`saveCheckpoint: expected a non-negative integer step but received ${s.step}`);
  const epoch = s.epoch ?? 0;
  // Everything is serialised (and so validated) before the first file is written.
  const files: Partial<Record<Part, Buffer>> = {
    model: torch.safetensors.serialize(s.model.stateDict(), { format: 'pt' }), // what PyTorch tooling expects
    state: toJson(
      { step: s.step, epoch, schedule: s.schedule ?? null, config: s.config ?? null, extra: s.extra ?? null },
      'the state (schedule, config or extra)',
    ),
  };
  if (s.optimizer) {
    const sd = s.optimizer.stateDict();
    const tensors: Record<string, torch.Tensor> = {};
    const state: Record<string, Record<string, number | { tensor: string }>> = {};
    for (const [i, ps] of Object.entries(sd.state)) {
      state[i] = {};
      for (const [k, v] of Object.entries(ps)) {
        if (typeof v === 'number') state[i][k] = v;
        else {
          state[i][k] = { tensor: `state.${i}.${k}` };
          tensors[`state.${i}.${k}`] = v;
        }
      }
    }
    files.optimizerState = torch.safetensors.serialize(tensors);
    files.optimizer = toJson({ type: s.optimizer.constructor.name, paramGroups: sd.paramGroups, state }, 'the optimizer state');
  }
  files.rng = torch.scope(() => {
    const rng: Record<string, torch.Tensor> = { global: torch.getRngState() };
    for (const [name, g] of Object.entries(s.generators ?? {})) rng[`generator.${name}`] = g.getState();
    return torch.safetensors.serialize(rng);
  });

  mkdirSync(dir, { recursive: true });
  // A generation above every file present: never the current manifest's, nor a failed save's.
  const generation =
    1 +
    Math.max(
      0,
      ...readdirSync(dir)
        .filter((f) => DATA_FILE.test(f))
        .map((f) => Number(/-(\d+)\./.exec(f)![1])),
    );
  const manifest: Manifest = { format: FORMAT, version: 1, generation, step: s.step, epoch, files: {} };
  for (const part of PARTS) {
    const bytes = files[part];
    if (!bytes) continue;
    const name = FILE_NAME[part](generation);
    writeFileAtomic(join(dir, name), bytes, 'checkpoint');
    manifest.files[part] = { name, bytes: bytes.length, sha256: sha256(bytes) };
  }
  writeFileAtomic(join(dir, 'manifest.json'), toJson(manifest, 'the manifest'), 'checkpoint');
  removeStaleTemps(dir); // a save killed mid-write left its temp file
  const keep = new Set(Object.values(manifest.files).map((f) => f.name));
  for (const f of readdirSync(dir)) if (DATA_FILE.test(f) && !keep.has(f)) unlinkSync(join(dir, f));
}

/** Reads one file the manifest names, checking its size and SHA-256. */
function readPart(dir: string, m: Manifest, part: Part): { path: string; bytes: Buffer } | null {
  const entry = m.files[part];
  if (!entry) return null;
  const path = join(dir, entry.name);
  if (!existsSync(path)) throw new Error(`loadCheckpoint: ${path} is missing (named by ${join(dir, 'manifest.json')})`);
  const bytes = readFileSync(path);
  if (bytes.length !== entry.bytes || sha256(bytes) !== entry.sha256)
    throw new Error(
      `loadCheckpoint: ${path} is corrupt: ${bytes.length} bytes with a SHA-256 that differs from the manifest's (${entry.bytes} bytes)`,
    );
  return { path, bytes };
}

function parseJson(f: { path: string; bytes: Buffer }): Record<string, unknown> {
  try {
    return JSON.parse(f.bytes.toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`loadCheckpoint: ${f.path} is corrupt: ${(e as Error).message}`);
  }
}

/**
 * Restores a checkpoint written by `saveCheckpoint` into `model` (strict: every key,
 * matching shapes), `optimizer` (same type and parameter layout), the global RNG and
 * each named generator. Errors name the file (and, for the model, the key and both shapes).
 */
export function loadCheckpoint(
  dir: string,
  o: { model: Module; optimizer?: AnyOptimizer; generators?: Record<string, torch.Generator> },
): LoadedCheckpoint {
  const m = readManifest(dir);
  const state = readPart(dir, m, 'state');
  const model = readPart(dir, m, 'model');
  const rng = readPart(dir, m, 'rng');
  if (!state || !model || !rng) throw new Error(`loadCheckpoint: ${join(dir, 'manifest.json')} lacks the state, model or rng file`);
  const info = parseJson(state);
  torch.scope(() => {
    const weights = torch.safetensors.deserialize(model.bytes, model.path).tensors;
    o.model.loadStateDict(weights, true, model.path);
  });
  if (o.optimizer) loadOptimizer(dir, m, o.optimizer);
  torch.scope(() => {
    const states = torch.safetensors.deserialize(rng.bytes, rng.path).tensors;
    for (const name of Object.keys(o.generators ?? {}))
      if (!states[`generator.${name}`])
        throw new Error(`loadCheckpoint: ${rng.path} holds no state for generator "${name}" (it holds: ${Object.keys(states).join(', ')})`);
    torch.setRngState(states.global);
    for (const [name, g] of Object.entries(o.generators ?? {})) g.setState(states[`generator.${name}`]);
  });
  return { step: info.step as number, epoch: info.epoch as number, schedule: info.schedule, config: info.config, extra: info.extra };
}

function loadOptimizer(dir: string, m: Manifest, optimizer: AnyOptimizer): void {
  const json = readPart(dir, m, 'optimizer');
  const tensorsFile = readPart(dir, m, 'optimizerState');
  if (!json || !tensorsFile) throw new Error(`loadCheckpoint: the checkpoint in ${dir} has no optimizer state, but an optimizer was given`);
  const saved = parseJson(json) as {
    type: string;
    paramGroups: OptimizerState<{ lr: number }>['paramGroups'];
    state: Record<string, Record<string, number | { tensor: string }>>;
  };
  if (saved.type !== optimizer.constructor.name)
    throw new Error(
      `loadCheckpoint: ${json.path} holds the state of a ${saved.type} optimizer but a ${optimizer.constructor.name} was given`,
    );
  torch.scope(() => {
    const tensors = torch.safetensors.deserialize(tensorsFile.bytes, tensorsFile.path).tensors;
    const state: Record<number, ParamState> = {};
    for (const [i, ps] of Object.entries(saved.state)) {
      state[Number(i)] = {};
      for (const [k, v] of Object.entries(ps)) {
        if (typeof v === 'number') state[Number(i)][k] = v;
        else if (tensors[v.tensor]) state[Number(i)][k] = tensors[v.tensor];
        else throw new Error(`loadCheckpoint: ${tensorsFile.path} lacks tensor "${v.tensor}" named by ${json.path}`);
      }
    }
    try {
      optimizer.loadStateDict({ paramGroups: saved.paramGroups, state });
    } catch (e) {
      throw new Error(`loadCheckpoint: ${json.path}: ${(e as Error).message}`);
    }
  });
}
