/**
 * What the audio pretraining pipeline (src/pipeline/pretrain-audio.ts) knows of
 * an audio method: it turns tracks of 16 kHz mono audio into training items
 * (`prepare`: its own front end — constant-Q frames, log-mel windows …, with
 * any ground truth the tracks carry), takes batches of them through the usual
 * views → trainingStep → afterStep, and after the last step lets the method
 * finish (`finish`: a calibration, stored in its state and returned for the
 * run folder).
 */
import type * as torch from '../torch/index.js';
import type { Module } from '../nn/module.js';
import type { PitchedTrack } from '../data/singing.js';
import { MethodModel } from './method.js';

/** A batch of an audio method: items [N, …] and, where the set has them, per-item targets [N, …] (NaN = unknown). */
export interface AudioBatch {
  items: torch.Tensor;
  targets?: torch.Tensor;
}

/** The training items of a set of tracks. */
export interface AudioItems {
  /** [M, …] float32. */
  items: torch.Tensor;
  /**
   * [M, …]: per-item targets — ground truth (SPICE's f0, NaN where the track has
   * none), clip ids (TRILL), a teacher's features [M, D] (FRILL); absent when
   * there are none.
   */
  targets?: torch.Tensor;
  /** Counts for the log (tracks, frames, voiced frames …). */
  summary: Record<string, number>;
}

/** An audio method. */
export abstract class AudioMethod<E extends Module = Module> extends MethodModel<AudioBatch, E> {
  /** The training items of `tracks` (mono, 16 kHz). */
  abstract prepare(tracks: readonly PitchedTrack[]): AudioItems;
  /** After training, on the training items: calibration and the like, kept in the state dict; returns what the run folder records. */
  finish(_data: AudioItems): Record<string, unknown> {
    return {};
  }
}
