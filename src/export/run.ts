/**
 * `selfsup export RUN --format onnx`: a run's network as an ONNX file, with
 * what feeding it takes in metadata_props. Image pretraining runs give their
 * encoder (x [N, C, S, S] → features), fine-tuning runs their classifier
 * (→ logits over `classes`), TRILL runs their network at a named layer
 * (log-mel windows [N, 1, 96, 64] → features), SPICE runs their pitch and
 * confidence heads (CQT slices [N, F] → y, c ∈ (0, 1)).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../torch/index.js';
import type { Module } from '../nn/index.js';
import { Classifier } from '../models/classifier.js';
import { TRILL_WINDOW } from '../models/trill.js';
import { makeEncoder, type ModelConfig } from '../pipeline/common.js';
import { audioMethodOfRun } from '../pipeline/pretrain-audio.js';
import { Trill } from '../methods/trill.js';
import { Spice } from '../methods/spice.js';
import { TRILL_FRONTEND } from '../views/audio/mel.js';
import { SPICE_CQT } from '../views/audio/pitch-frames.js';
import { writeFileAtomic } from '../io/atomic.js';
import { exportOnnx, type OnnxModel } from './onnx/index.js';

export const EXPORT_FORMATS = ['onnx'] as const;

export interface ExportRunOptions {
  /** Only 'onnx'. Default 'onnx'. */
  format?: string;
  /** The file written. Default RUN/<encoder|classifier|trill-LAYER|spice>.onnx. */
  output?: string;
  /** TRILL runs: the layer exported. Default the run's `method.layer`. */
  layer?: string;
}

export interface ExportedRun extends Omit<OnnxModel, 'bytes'> {
  /** The file written. */
  file: string;
  /** What was exported: encoder, classifier, trill-<layer> or spice. */
  what: string;
}

export interface RunConfig {
  command?: string;
  modality?: string;
  name?: string;
  method?: { name: string; layer?: string };
  model?: ModelConfig;
  inChannels?: number;
  imageSize?: number;
  initName?: string;
  data?: { name: string } & Record<string, unknown>;
  monitor?: { test?: { name: string } & Record<string, unknown> };
}

/** A network, its input shape, what it is, and metadata describing its input. */
export interface Exportable {
  model: Module;
  inputShape: number[];
  what: string;
  layer?: string;
  metadata: Record<string, string>;
}

const weightsOf = (dir: string, file: string, what: string): string => {
  const path = join(dir, file);
  if (!existsSync(path)) throw new Error(`export: ${dir} has no ${file} (${what}; has the run finished? resume it with --resume)`);
  return path;
};

/** Image runs: inputs are uint8 pixels / 255 as float32 [N, C, S, S], no mean/std normalisation (src/pipeline/common.ts `toInput`). */
function imageInput(c: RunConfig, configPath: string): { shape: number[]; metadata: Record<string, string> } {
  if (!c.model || c.inChannels === undefined || c.imageSize === undefined)
    throw new Error(`export: ${configPath} has no model, inChannels or imageSize (not an image run)`);
  const shape = [c.inChannels, c.imageSize, c.imageSize];
  const input = { shape: ['batch', ...shape], layout: 'NCHW', dtype: 'float32', preprocessing: 'pixel / 255 (no mean/std normalisation)' };
  return { shape, metadata: { input: JSON.stringify(input) } };
}

function imageRun(dir: string, c: RunConfig, configPath: string): Exportable {
  const { shape, metadata } = imageInput(c, configPath);
  if (c.command === 'finetune') {
    const path = weightsOf(dir, 'classifier.safetensors', 'the fine-tuned classifier');
    const { tensors, metadata: saved } = torch.safetensors.loadFileWithMetadata(path);
    const classes = saved?.classes;
    if (classes === undefined) throw new Error(`export: ${path} names no classes in its metadata`);
    const model = new Classifier(makeEncoder(c.model!, c.inChannels!), (JSON.parse(classes) as string[]).length);
    torch.scope(() => model.loadStateDict(tensors, true, path));
    return { model, inputShape: shape, what: 'classifier', metadata: { ...metadata, method: `finetune from ${c.initName}`, classes } };
  }
  const path = weightsOf(dir, 'encoder.safetensors', 'the trained encoder');
  const model = makeEncoder(c.model!, c.inChannels!);
  torch.scope(() => model.loadStateDict(torch.safetensors.loadFile(path), true, path));
  return { model, inputShape: shape, what: 'encoder', metadata: { ...metadata, method: c.method?.name ?? 'unknown' } };
}

function audioRun(dir: string, o: ExportRunOptions): Exportable {
  const method = audioMethodOfRun(dir);
  if (method instanceof Trill) {
    const layer = o.layer ?? method.defaultLayer;
    const input = {
      shape: ['batch', 1, TRILL_WINDOW.frames, TRILL_WINDOW.mels],
      layout: 'N, 1, frames, mel bins',
      dtype: 'float32',
      preprocessing: { logMel: TRILL_FRONTEND, window: `${TRILL_WINDOW.frames} frames (0.96 s) of log-mel frames [frames, mels]` },
    };
    return {
      model: method.net,
      inputShape: [1, TRILL_WINDOW.frames, TRILL_WINDOW.mels],
      what: `trill-${layer}`,
      layer,
      metadata: { method: 'trill', layer, input: JSON.stringify(input) },
    };
  }
  if (method instanceof Spice) {
    const bins = method.net.options.bins;
    const input = {
      shape: ['batch', bins],
      dtype: 'float32',
      preprocessing: {
        cqt: SPICE_CQT,
        frames: 'log magnitude, each frame peak-normalised to 1 with 40 dB below it at 0 (src/views/audio/pitch-frames.ts)',
        slice: `${bins} consecutive bins of the ${SPICE_CQT.nBins}`,
      },
    };
    return { model: method.net, inputShape: [bins], what: 'spice', metadata: { method: 'spice', input: JSON.stringify(input) } };
  }
  throw new Error(`export: the audio method ${method.constructor.name} of ${dir} has no exportable network (trill and spice do)`);
}

/** Run `dir`'s network in eval mode, ready to export, and the run's config. */
export function openRun(dir: string, o: Pick<ExportRunOptions, 'layer'> = {}): { e: Exportable; config: RunConfig } {
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) throw new Error(`export: ${dir} holds no run (no config.json)`);
  const c = JSON.parse(readFileSync(configPath, 'utf8')) as RunConfig;
  if (c.modality === 'text') throw new Error(`export: ${dir} is a text run; its encoder is not exported to ONNX yet`);
  if (o.layer !== undefined && c.method?.name !== 'trill') throw new RangeError(`export: layer applies to TRILL runs only`);
  const e = c.modality === 'audio' ? audioRun(dir, o) : imageRun(dir, c, configPath);
  e.model.eval();
  e.metadata = { ...e.metadata, run: c.name ?? dir, exported: e.what };
  return { e, config: c };
}

/** Writes an opened run's network to `file` (atomically) as ONNX. */
export function writeOnnx(e: Exportable, file: string): ExportedRun {
  const { bytes, ...rest } = exportOnnx(e.model, { inputShape: e.inputShape, layer: e.layer, name: e.what, metadata: e.metadata });
  writeFileAtomic(file, bytes, 'export');
  return { file, what: e.what, ...rest };
}

/** Exports run `dir`'s network; the file is written atomically. */
export function exportRun(dir: string, o: ExportRunOptions = {}): ExportedRun {
  const format = o.format ?? 'onnx';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new RangeError(`export: unknown format ${JSON.stringify(format)} (valid: ${EXPORT_FORMATS.join(', ')})`);
  const { e } = openRun(dir, o);
  return writeOnnx(e, o.output ?? join(dir, `${e.what}.onnx`));
}
