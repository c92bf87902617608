/**
 * `selfsup export RUN --web OUT/`: a static page that runs a run's exported
 * network in the browser with onnxruntime-web (wasm backend, one thread),
 * offline. OUT holds
 *
 *   index.html, app.js, style.css   the page (src/export/web/, no build step)
 *   model.onnx                      the network (`exportRun`'s file)
 *   model.json                      what the page needs: kind, input spec, classes, k
 *   ort/                            onnxruntime-web's ESM bundle and its .wasm
 *   logmel.js                       (all runs; TRILL runs use it) the TRILL front end in JS
 *   gallery.json, gallery.f32,      image pretraining runs: `gallery` labelled test
 *   gallery/NNNN.png                images, their unit-norm embeddings [G, D] (float32,
 *                                   little-endian) and thumbnails
 *   gallery.json, gallery.f32,      TRILL runs: `gallery` labelled keyword clips, their
 *   samples/<keyword>.wav           unit-norm utterance embeddings, clips to try (./web-audio.ts)
 *
 * Fine-tuned classifiers show the predicted class (softmax over the logits);
 * encoders show the k nearest gallery images by cosine similarity; TRILL runs
 * (kind 'audio-neighbours') take audio files through the front end in JS, the
 * network at the exported layer and the mean over windows, and show the k
 * nearest gallery clips.
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { packageRoot } from '../torch/native.js';
import { loadImageSet } from '../data/registry.js';
import { toInput } from '../pipeline/common.js';
import { encodePng } from '../views/grid.js';
import { writeFileAtomic } from '../io/atomic.js';
import { openRun, writeOnnx, type ExportedRun, type Exportable, type RunConfig } from './run.js';
import { audioPageSpec, trillOfRun, writeAudioGallery, type AudioPageSpec } from './web-audio.js';

/** The page's sources (index.html, app.js, style.css), plain files beside this module's source. */
const PAGE_DIR = join(packageRoot, 'src', 'export', 'web');
/** onnxruntime-web's files the page loads: the wasm-only ESM bundle and its single-threaded-capable SIMD binary. */
const ORT_FILES = ['ort.wasm.bundle.min.mjs', 'ort-wasm-simd-threaded.wasm'];

export interface ExportWebOptions {
  /** TRILL runs: the layer exported. */
  layer?: string;
  /** Encoders: gallery images embedded from the run's test set, or keyword clips for TRILL runs (default 200). */
  gallery?: number;
  /** Encoders: neighbours shown per input (default 5). */
  k?: number;
}

export interface ExportedWeb extends ExportedRun {
  /** The folder written. */
  out: string;
  /** Gallery images (encoders). */
  gallery?: number;
}

/** What the page reads from model.json. */
interface PageSpec extends Partial<AudioPageSpec> {
  kind: 'classifier' | 'neighbours' | 'audio-neighbours';
  run: string;
  method: string;
  /** The input without its batch axis: [C, S, S] (images) or [1, frames, mels] (TRILL). */
  input: number[];
  preprocessing: unknown;
  layer?: string;
  classes?: string[];
  k?: number;
}

const ortDir = (): string => dirname(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));

/**
 * Copies onnxruntime-web's files the page loads into `out`/ort/ (created if
 * missing) and returns the path of its bundle within `out`; bench/deploy's
 * browser rows load the same.
 */
export function writeOrtFiles(out: string): string {
  mkdirSync(join(out, 'ort'), { recursive: true });
  for (const f of ORT_FILES) copyFileSync(join(ortDir(), f), join(out, 'ort', f));
  return `ort/${ORT_FILES[0]}`;
}

function checkCount(value: number | undefined, dflt: number, name: string): number {
  const v = value ?? dflt;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`export --web: expected a positive integer for ${name} but received ${value}`);
  return v;
}

/**
 * Embeds the first `count` images of the run's test set (its monitor's test set,
 * else its data set's test split) and writes them as the page's gallery.
 */
async function writeGallery(e: Exportable, c: RunConfig, out: string, count: number): Promise<number> {
  const set = c.monitor?.test ?? (c.data ? { ...c.data, split: 'test' } : undefined);
  if (!set) throw new Error(`export --web: the run names no data set to take a gallery from (config.json has no data)`);
  const s = await loadImageSet({ ...set, limit: count });
  const [n, ...shape] = s.images.shape;
  if (shape.join() !== e.inputShape.join())
    throw new Error(`export --web: the gallery set ${set.name} has images [${shape}] but the model takes [${e.inputShape}]`);
  const embeddings = torch.scope(() =>
    torch.noGrad(() => {
      const z = e.model.forward(toInput(s.images)) as torch.Tensor; // [G, D]
      return F.normalize(z, { dim: 1 }).contiguous().data() as Float32Array;
    }),
  );
  mkdirSync(join(out, 'gallery'), { recursive: true });
  const labels = Array.from(s.labels.data() as ArrayLike<number | bigint>, Number);
  const items = Array.from({ length: n }, (_, i) => {
    const thumb = `gallery/${String(i).padStart(4, '0')}.png`;
    writeFileAtomic(
      join(out, thumb),
      torch.scope(() => encodePng(toInput(s.images.select(0, i)))),
      'export --web',
    );
    return { id: s.ids[i], label: s.classes[labels[i]], thumb };
  });
  writeFileAtomic(
    join(out, 'gallery.f32'),
    new Uint8Array(embeddings.buffer, embeddings.byteOffset, embeddings.byteLength),
    'export --web',
  );
  const dim = embeddings.length / n;
  writeFileAtomic(join(out, 'gallery.json'), JSON.stringify({ set: set.name, count: n, dim, metric: 'cosine', items }), 'export --web');
  return n;
}

/** Writes the page for run `dir` into `out` (created if missing). */
export async function exportWeb(dir: string, out: string, o: ExportWebOptions = {}): Promise<ExportedWeb> {
  const gallery = checkCount(o.gallery, 200, 'gallery');
  const k = checkCount(o.k, 5, 'k');
  const { e, config } = openRun(dir, o);
  if (config.modality === 'text')
    throw new Error(`export --web: ${dir} is a text run; the page serves image and audio runs (leave out --web)`);
  const trill = config.modality === 'audio' ? trillOfRun(dir) : undefined;
  mkdirSync(out, { recursive: true });
  const written = writeOnnx(e, join(out, 'model.onnx'));
  const input = JSON.parse(e.metadata.input) as { preprocessing: unknown };
  const spec: PageSpec = {
    kind: trill ? 'audio-neighbours' : e.what === 'classifier' ? 'classifier' : 'neighbours',
    run: e.metadata.run,
    method: e.metadata.method,
    input: e.inputShape,
    preprocessing: input.preprocessing,
    ...(e.what === 'classifier' ? { classes: JSON.parse(e.metadata.classes) as string[] } : { k }),
    ...(trill ? { layer: e.layer, ...audioPageSpec(trill) } : {}),
  };
  writeFileAtomic(join(out, 'model.json'), JSON.stringify(spec), 'export --web');
  const g = trill
    ? await writeAudioGallery(trill, e.layer!, out, gallery)
    : e.what === 'encoder'
      ? await writeGallery(e, config, out, gallery)
      : undefined;
  for (const f of readdirSync(PAGE_DIR)) copyFileSync(join(PAGE_DIR, f), join(out, f));
  writeOrtFiles(out);
  return { ...written, out, gallery: g };
}
