/**
 * `selfsup export RUN --format onnx`: a run's network as an ONNX file, with
 * what feeding it takes in metadata_props. Image pretraining runs give their
 * encoder (x [N, C, S, S] → features), fine-tuning runs their classifier
 * (→ logits over `classes`), TRILL and FRILL runs their network at a named
 * layer (log-mel windows [N, 1, 96, 64] → features; FRILL's default is its
 * embedding "distilled_output", in QDQ where trained with QAT), SPICE runs
 * their pitch and confidence heads (CQT slices [N, F] → y, c ∈ (0, 1)), text
 * runs their encoder (token ids and mask [N, T] → hidden states, ./text-run.ts). With
 * `int8`, the file is the int8 QDQ model (./onnx/quantize.ts) calibrated on
 * `calibration` unlabelled inputs of the run's own data set (audio: its
 * tracks' consecutive 0.96 s windows; text: its packed training sequences).
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
import { Frill } from '../methods/frill.js';
import { cutItems } from '../methods/log-mel-windows.js';
import { Spice } from '../methods/spice.js';
import { TRILL_FRONTEND } from '../views/audio/mel.js';
import { SPICE_CQT } from '../views/audio/pitch-frames.js';
import { writeFileAtomic } from '../io/atomic.js';
import { loadAudioSet, loadImageSet } from '../data/registry.js';
import { toInput } from '../pipeline/common.js';
import { spread } from '../data/collate.js';
import { exportOnnx, quantizeOnnx, type Inputs, type OnnxModel } from './onnx/index.js';
import { textRun } from './text-run.js';

export const EXPORT_FORMATS = ['onnx'] as const;

export interface ExportRunOptions {
  /** Only 'onnx'. Default 'onnx'. */
  format?: string;
  /** The file written. Default RUN/<encoder|classifier|trill-LAYER|frill-LAYER|spice>.onnx. */
  output?: string;
  /** TRILL and FRILL runs: the layer exported. Default the run's `method.layer`. */
  layer?: string;
  /** Write the int8 QDQ model (default file RUN/<what>.int8.onnx) instead of the float one. */
  int8?: boolean;
  /** int8: how many unlabelled inputs of the run's data set calibrate the activations. Default 256. */
  calibration?: number;
}

/** The default number of calibration inputs of an int8 export. */
export const DEFAULT_CALIBRATION = 256;

export interface ExportedRun extends Omit<OnnxModel, 'bytes'> {
  /** The file written. */
  file: string;
  /** What was exported: encoder, classifier, trill-<layer>, frill-<layer> or spice. */
  what: string;
  /** Bytes written. */
  size: number;
  /** int8: the float model's size in bytes, for the ratio. */
  floatSize?: number;
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
  /** Up to `n` unlabelled inputs [n, …inputShape] of the run's data set, spread over it (a text run's: ids and mask by name). */
  calibration(n: number): Promise<Inputs>;
}

/** The run's data set as saved in its config. */
const dataOf = (c: RunConfig, dir: string): { name: string } & Record<string, unknown> => {
  if (!c.data?.name) throw new Error(`export: ${dir}/config.json names no data set to calibrate on`);
  return c.data;
};

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
  const calibration = async (n: number): Promise<torch.Tensor> => toInput(spread((await loadImageSet(dataOf(c, dir))).images, n));
  if (c.command === 'finetune') {
    const path = weightsOf(dir, 'classifier.safetensors', 'the fine-tuned classifier');
    const { tensors, metadata: saved } = torch.safetensors.loadFileWithMetadata(path);
    const classes = saved?.classes;
    if (classes === undefined) throw new Error(`export: ${path} names no classes in its metadata`);
    const model = new Classifier(makeEncoder(c.model!, c.inChannels!), (JSON.parse(classes) as string[]).length);
    torch.scope(() => model.loadStateDict(tensors, true, path));
    return {
      model,
      inputShape: shape,
      what: 'classifier',
      metadata: { ...metadata, method: `finetune from ${c.initName}`, classes },
      calibration,
    };
  }
  const path = weightsOf(dir, 'encoder.safetensors', 'the trained encoder');
  const model = makeEncoder(c.model!, c.inChannels!);
  torch.scope(() => model.loadStateDict(torch.safetensors.loadFile(path), true, path));
  return { model, inputShape: shape, what: 'encoder', metadata: { ...metadata, method: c.method?.name ?? 'unknown' }, calibration };
}

function audioRun(dir: string, c: RunConfig, o: ExportRunOptions): Exportable {
  const method = audioMethodOfRun(dir);
  if (method instanceof Trill || method instanceof Frill) {
    const name = method instanceof Trill ? 'trill' : 'frill';
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
      what: `${name}-${layer}`,
      layer,
      metadata: { method: name, layer, input: JSON.stringify(input) },
      calibration: async (n) => {
        const { tracks } = await loadAudioSet(dataOf(c, dir));
        const { items } = cutItems(
          method.frontEnd,
          tracks.map((t) => t.audio),
          TRILL_WINDOW.frames,
        ); // [M, 96, 64]: each track's consecutive windows
        return spread(items.unsqueeze(1), n); // [n, 1, 96, 64]
      },
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
    const calibration = (): Promise<torch.Tensor> => {
      throw new Error('export: int8 export of SPICE runs is not supported yet (export the float model)');
    };
    return {
      model: method.net,
      inputShape: [bins],
      what: 'spice',
      metadata: { method: 'spice', input: JSON.stringify(input) },
      calibration,
    };
  }
  throw new Error(`export: the audio method ${method.constructor.name} of ${dir} has no exportable network (trill, frill and spice do)`);
}

/** Run `dir`'s network in eval mode, ready to export, and the run's config. */
export function openRun(dir: string, o: Pick<ExportRunOptions, 'layer'> = {}): { e: Exportable; config: RunConfig } {
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) throw new Error(`export: ${dir} holds no run (no config.json)`);
  const c = JSON.parse(readFileSync(configPath, 'utf8')) as RunConfig;
  if (o.layer !== undefined && !['trill', 'frill'].includes(c.method?.name ?? ''))
    throw new RangeError(`export: layer applies to TRILL and FRILL runs only`);
  const e =
    c.modality === 'audio' ? audioRun(dir, c, o) : c.modality === 'text' ? textRun(dir, c, configPath) : imageRun(dir, c, configPath);
  e.model.eval();
  e.metadata = { ...e.metadata, run: c.name ?? dir, exported: e.what };
  return { e, config: c };
}

/** Writes an opened run's network to `file` (atomically) as ONNX. */
export function writeOnnx(e: Exportable, file: string): ExportedRun {
  const { bytes, ...rest } = exportOnnx(e.model, { inputShape: e.inputShape, layer: e.layer, name: e.what, metadata: e.metadata });
  writeFileAtomic(file, bytes, 'export');
  return { file, what: e.what, ...rest, size: bytes.length };
}

/** Exports run `dir`'s network (with `int8`, quantized); the file is written atomically. */
export async function exportRun(dir: string, o: ExportRunOptions = {}): Promise<ExportedRun> {
  const format = o.format ?? 'onnx';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new RangeError(`export: unknown format ${JSON.stringify(format)} (valid: ${EXPORT_FORMATS.join(', ')})`);
  const n = o.calibration ?? DEFAULT_CALIBRATION;
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`export: expected calibration as a positive integer but received ${o.calibration}`);
  if (o.calibration !== undefined && !o.int8) throw new RangeError('export: calibration applies with int8 only');
  const { e } = openRun(dir, o);
  const file = o.output ?? join(dir, `${e.what}${o.int8 ? '.int8' : ''}.onnx`);
  if (!o.int8) return writeOnnx(e, file);
  const float = exportOnnx(e.model, { inputShape: e.inputShape, layer: e.layer, name: e.what, metadata: e.metadata });
  const { bytes: _, ...rest } = float;
  const q = await quantizeOnnx(float.bytes, { calibration: await e.calibration(n) });
  writeFileAtomic(file, q.bytes, 'export');
  return { file, what: e.what, ...rest, metadata: q.metadata, size: q.bytes.length, floatSize: float.bytes.length };
}
