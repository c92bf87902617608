/**
 * `selfsup embed RUN --audio FILES_OR_FOLDERS` for audio runs (TRILL): the
 * per-window features of every WAV (any rate and channels, resampled to 16 kHz
 * mono) at a named layer, and each clip's time-averaged embedding, in one
 * .safetensors file:
 *
 *   utterances [N, D]   one row per file (the mean of its windows)
 *   windows    [W, D]   every window of every file, in file order
 *   clip       [W]      the file (row of `utterances`) of each window
 *   start      [W]      the window's start in seconds
 *
 * with the file names, layer and hop in the metadata.
 */
import { existsSync, statSync } from 'node:fs';
import * as torch from '../torch/index.js';
import { readWav } from '../data/wav.js';
import { wavFiles } from '../data/pitched-tracks.js';
import { WindowMethod } from '../methods/window-method.js';
import { audioMethodOfRun } from './pretrain-audio.js';

export interface EmbedAudioOptions {
  /** WAV files and folders (searched recursively). */
  audio: string[];
  /** Layer (default: the method's). */
  layer?: string;
  /** Seconds between windows (default: the method's). */
  hopSeconds?: number;
  /** Output file. */
  output: string;
}

/** The WAV files of `paths` (files as given, folders searched recursively). */
export function audioFiles(paths: string[]): string[] {
  if (!paths.length) throw new RangeError('embed: give the audio to embed (--audio FILE.wav or a folder)');
  return paths.flatMap((p) => {
    if (!existsSync(p)) throw new RangeError(`embed: ${p} does not exist`);
    if (statSync(p).isDirectory()) {
      const found = wavFiles(p);
      if (!found.length) throw new RangeError(`embed: no .wav files under ${p}`);
      return found;
    }
    return [p];
  });
}

/** Embeds `o.audio` under audio run `dir`; returns the output path. */
export function embedAudioRun(dir: string, o: EmbedAudioOptions): string {
  const model = audioMethodOfRun(dir);
  if (!(model instanceof WindowMethod))
    throw new Error(`embed: ${dir} is an audio run of ${model.constructor.name}, which gives no embeddings`);
  const files = audioFiles(o.audio);
  const layer = o.layer ?? model.defaultLayer;
  const hop = o.hopSeconds ?? model.options.hopSeconds;
  return torch.scope(() => {
    const windows: torch.Tensor[] = [];
    const clip: number[] = [];
    const start: number[] = [];
    files.forEach((file, i) => {
      const w = readWav(file, { mono: true, sampleRate: 16000 });
      const audio = w.audio.data() as Float32Array;
      w.audio.dispose();
      let e: torch.Tensor;
      try {
        e = model.embedWindows(audio, { layer, hopSeconds: hop }); // [W_i, D]
      } catch (err) {
        throw new Error(`embed: ${file}: ${(err as Error).message}`);
      }
      windows.push(e);
      const hopFrames = Math.round(hop * 100); // windows start every hopFrames 10 ms frames
      for (let k = 0; k < e.shape[0]; k++) {
        clip.push(i);
        start.push((k * hopFrames) / 100);
      }
    });
    const all = torch.cat(windows);
    const utterances = torch.stack(windows.map((w) => w.mean([0])));
    torch.safetensors.saveFile(
      o.output,
      {
        utterances,
        windows: all,
        clip: torch.tensor(Float64Array.from(clip), { dtype: 'int64' }),
        start: torch.tensor(Float32Array.from(start)),
      },
      { files: JSON.stringify(files), layer, hopSeconds: String(hop), run: dir },
    );
    return o.output;
  });
}
