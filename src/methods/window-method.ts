/**
 * The common part of the methods that embed 0.96 s log-mel windows with a
 * network of named layers (TRILL, Shor et al. 2020 §3; FRILL, Peplinski et al.
 * 2021): their front end, their layers, and the per-window features of a clip
 * that `selfsup embed`, `speech-bench` and `export` read.
 */
import type * as torch from '../torch/index.js';
import type { Module } from '../nn/module.js';
import { MelSpectrogram, TRILL_FRONTEND } from '../views/audio/mel.js';
import { AudioMethod } from './audio-method.js';
import { embedClip, type WindowNet } from './log-mel-windows.js';

/** An audio method over log-mel windows whose network reads named layers. */
export abstract class WindowMethod<E extends Module & WindowNet = Module & WindowNet> extends AudioMethod<E> {
  abstract readonly net: E;
  abstract readonly options: { readonly hopSeconds: number; readonly layer: string };
  readonly frontEnd = new MelSpectrogram(TRILL_FRONTEND);

  get encoder(): E {
    return this.net;
  }
  /** The layers `embedWindows` reads (the network's). */
  get layerNames(): readonly string[] {
    return this.net.layerNames;
  }
  /** The layer read when none is named (the `layer` option). */
  get defaultLayer(): string {
    return this.options.layer;
  }
  /** Width of `layer`'s features. */
  layerDim(layer: string): number {
    return this.net.featureDim(layer);
  }

  /**
   * Per-window features [W, D] of a clip (16 kHz mono): its log-mel frames cut
   * into 96-frame windows every `hopSeconds` (default: the option), each read at
   * `layer` (default: the `layer` option; `layerNames` lists them), in eval mode.
   * A clip shorter than 1 s is zero-padded to one window.
   */
  embedWindows(audio: Float32Array, o: { layer?: string; hopSeconds?: number } = {}): torch.Tensor {
    return this.embedLayers(audio, [o.layer ?? this.defaultLayer], o)[0];
  }

  /** `embedWindows` at several layers in one pass: one [W, D_layer] per layer of `layers`. */
  embedLayers(audio: Float32Array, layers: readonly string[], o: { hopSeconds?: number } = {}): torch.Tensor[] {
    const wasTraining = this.training;
    this.eval();
    try {
      const api = `${this.constructor.name.toLowerCase()}.embedWindows`;
      return embedClip(api, this.net, this.frontEnd, audio, layers, o.hopSeconds ?? this.options.hopSeconds);
    } finally {
      this.train(wasTraining);
    }
  }
}
