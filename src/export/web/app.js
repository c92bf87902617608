/**
 * The page of `selfsup export RUN --web OUT/` (src/export/web.ts): runs
 * model.onnx with onnxruntime-web (wasm, one thread) on the images the user
 * drops or chooses, one at a time (batch 1), and shows the predicted class
 * (classifiers) or the k nearest gallery images by cosine similarity
 * (encoders), the inference latency, and the raw output. TRILL runs take audio
 * files instead: decoded and resampled to 16 kHz by the browser, mixed to mono,
 * the log-mel front end in JS (./logmel.js), the network on all 96-frame
 * windows (batches of WINDOW_BATCH) and the mean over windows, then the k
 * nearest gallery clips.
 */
import * as ort from './ort/ort.wasm.bundle.min.mjs';
import { clipWindows, meanRows, mixToMono } from './logmel.js';

ort.env.wasm.numThreads = 1;
/** Audio: windows through the network at a time. */
const WINDOW_BATCH = 64;

const $ = (id) => document.getElementById(id);
const status = $('status');
const results = $('results');

/** Creates an element with attributes and children (strings become text). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

async function fetchOk(url, as) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status} ${r.statusText}`);
  return r[as]();
}

/**
 * An image file as the model's input [1, C, H, W]: drawn over white, stretched
 * to H × W, RGB or ITU-R 601-2 luma (as selfsup's loader and PIL), pixel / 255.
 */
async function imageInput(file, [c, height, width]) {
  const bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const hw = height * width;
  const x = new Float32Array(c * hw);
  for (let i = 0; i < hw; i++) {
    const [r, g, b] = [rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]];
    if (c === 1) x[i] = ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16) / 255;
    else [x[i], x[hw + i], x[2 * hw + i]] = [r / 255, g / 255, b / 255];
  }
  return { batches: [new ort.Tensor('float32', x, [1, c, height, width])], note: `batch 1, ${c}×${height}×${width}` };
}

/**
 * An audio file as the network's windows: decoded and resampled to the front
 * end's rate by the browser (OfflineAudioContext), mixed to mono, log-mel
 * frames in JS and windows as `Trill.embedWindows` cuts them.
 */
async function audioInput(file, spec) {
  const start = performance.now();
  const { sampleRate } = spec.frontEnd;
  const buffer = await new OfflineAudioContext(1, 1, sampleRate).decodeAudioData(await file.arrayBuffer());
  const samples = mixToMono(Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c)));
  const { data, count } = clipWindows(samples, spec.frontEnd, spec.windows);
  const size = spec.input.reduce((a, b) => a * b, 1);
  const batches = [];
  for (let w = 0; w < count; w += WINDOW_BATCH) {
    const n = Math.min(WINDOW_BATCH, count - w);
    batches.push(new ort.Tensor('float32', data.subarray(w * size, (w + n) * size), [n, ...spec.input]));
  }
  const ms = (performance.now() - start).toFixed(1);
  const seconds = (samples.length / sampleRate).toFixed(2);
  return {
    batches,
    count,
    note: `${count} window${count === 1 ? '' : 's'} of ${spec.input.slice(1).join('×')}; front end ${ms} ms for ${seconds} s`,
  };
}

/** Indices of the k largest values, largest first. */
const topK = (values, k) =>
  Array.from(values.keys())
    .sort((a, b) => values[b] - values[a])
    .slice(0, k);

function softmax(logits) {
  const m = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Classifiers: the predicted class and a table of the top 3. */
function classView(output, spec) {
  const p = softmax(Array.from(output));
  const top = topK(p, Math.min(3, p.length));
  const pct = (i) => `${(100 * p[i]).toFixed(1)} %`;
  const rows = top.map((i) => h('tr', {}, h('td', {}, spec.classes[i]), h('td', {}, pct(i))));
  const head = h('tr', {}, h('th', { scope: 'col' }, 'Class'), h('th', { scope: 'col' }, 'Probability'));
  return [
    h('p', { class: 'prediction' }, 'Predicted class: ', h('strong', { 'data-index': top[0] }, spec.classes[top[0]]), ` (${pct(top[0])})`),
    h('table', {}, h('caption', {}, `Top ${top.length} classes`), h('thead', {}, head), h('tbody', {}, ...rows)),
  ];
}

/** Encoders: the k gallery images (or clips) of highest cosine similarity. */
function neighbourView(output, spec, gallery) {
  const noun = spec.kind === 'audio-neighbours' ? 'clips' : 'images';
  const norm = Math.hypot(...output) || 1;
  const { dim, items } = gallery.meta;
  const sims = items.map((_, j) => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += output[d] * gallery.embeddings[j * dim + d];
    return s / norm;
  });
  const near = topK(sims, spec.k).map((j) => {
    const { label, thumb } = items[j];
    const img = thumb ? [h('img', { src: thumb, alt: `gallery image ${j}: ${label}`, width: 56, height: 56 })] : [];
    const caption = h('figcaption', {}, label, h('br'), `cosine ${sims[j].toFixed(3)}`);
    return h('li', { 'data-index': j, 'data-similarity': sims[j] }, h('figure', {}, ...img, caption));
  });
  const from = noun === 'images' ? `${gallery.meta.set} test set` : gallery.meta.set;
  return [h('p', {}, `Nearest ${near.length} of ${items.length} gallery ${noun} (${from}):`), h('ol', { class: 'neighbours' }, ...near)];
}

/** The network's output for `input`'s batches: one image's, or the mean over an audio clip's windows. */
async function infer(input, app) {
  const parts = [];
  for (const x of input.batches) {
    const out = await app.session.run({ [app.session.inputNames[0]]: x });
    parts.push(out[app.session.outputNames[0]].data);
  }
  if (!app.audio) return parts[0];
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  return meanRows(all, input.count);
}

async function runOne(file, app) {
  const noun = app.audio ? 'audio' : 'an image';
  const name = file.name || (app.audio ? 'clip' : 'image');
  let input;
  try {
    input = app.audio ? await audioInput(file, app.spec) : await imageInput(file, app.spec.input);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return h(
      'li',
      { class: 'result error' },
      h('div', {}, h('h3', {}, name), h('p', { role: 'alert' }, `Could not read ${name} as ${noun}: ${why}`)),
    );
  }
  const start = performance.now();
  const output = await infer(input, app);
  const ms = performance.now() - start;
  const view = app.spec.kind === 'classifier' ? classView(output, app.spec) : neighbourView(output, app.spec, app.gallery);
  const [, height, width] = app.spec.input;
  const src = URL.createObjectURL(file);
  const shown = app.audio
    ? h('audio', { src, controls: '', 'aria-label': `input ${name}` })
    : h('img', { src, alt: `input ${name}`, width: Math.max(56, width), height: Math.max(56, height) });
  const what = app.spec.kind === 'classifier' ? 'logits' : app.audio ? 'utterance embedding: mean over windows' : 'embedding';
  const body = h(
    'div',
    {},
    h('h3', {}, name),
    ...view,
    h('p', { class: 'latency' }, 'Inference latency: ', h('span', { 'data-ms': ms }, `${ms.toFixed(1)} ms`), ` (${input.note})`),
    h(
      'details',
      {},
      h('summary', {}, `Raw output (${what}, ${output.length} values)`),
      h('pre', { class: 'raw' }, JSON.stringify(Array.from(output))),
    ),
  );
  return h('li', { class: 'result' }, shown, body);
}

async function start() {
  const spec = await fetchOk('model.json', 'json');
  const session = await ort.InferenceSession.create('model.onnx', { executionProviders: ['wasm'] });
  const audio = spec.kind === 'audio-neighbours';
  let gallery;
  if (spec.kind !== 'classifier') {
    const [meta, bytes] = await Promise.all([fetchOk('gallery.json', 'json'), fetchOk('gallery.f32', 'arrayBuffer')]);
    gallery = { meta, embeddings: new Float32Array(bytes) };
  }
  const warm = new Float32Array(spec.input.reduce((a, b) => a * b, 1));
  await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', warm, [1, ...spec.input]) });
  const task =
    spec.kind === 'classifier'
      ? `classifies images into ${spec.classes.length} classes`
      : audio
        ? `(layer ${spec.layer}, mean over 0.96 s windows) finds each clip's ${spec.k} nearest gallery clips`
        : `finds each image's ${spec.k} nearest gallery images`;
  $('about').textContent =
    `The ${spec.method} network of run ${spec.run} ${task}, with onnxruntime-web (WebAssembly, one thread), on this device only.`;
  if (audio) {
    $('input-heading').textContent = 'Audio';
    $('files').accept = 'audio/*';
    $('files-label').textContent = 'Drop audio files (WAV, or any the browser decodes) here, or choose files:';
    const links = gallery.meta.samples.map((f) => h('a', { href: f, download: '' }, f.replace(/^samples\//, '')));
    $('samples').append('Clips to try: ', ...links.flatMap((a, i) => (i ? [', ', a] : [a])), '.');
  }
  return { spec, session, gallery, audio };
}

const ready = start();
let queue = Promise.resolve();

function enqueue(files) {
  const list = Array.from(files);
  queue = queue.then(async () => {
    const app = await ready;
    for (const [i, file] of list.entries()) {
      status.textContent = `Running ${i + 1} of ${list.length}…`;
      results.append(await runOne(file, app));
    }
    status.textContent = `Done: ${list.length} ${list.length === 1 ? 'file' : 'files'}. Drop more, or choose files.`;
  });
  queue = queue.catch((err) => {
    status.textContent = `Failed: ${err instanceof Error ? err.message : err}`;
  });
}

ready.then(
  (app) => {
    $('files').disabled = false;
    status.textContent = `Ready: drop ${app.audio ? 'audio files' : 'images'}, or choose files.`;
  },
  (err) => {
    status.textContent = `Could not load the model: ${err instanceof Error ? err.message : err}`;
    status.setAttribute('role', 'alert');
  },
);
$('files').addEventListener('change', (ev) => enqueue(ev.target.files));
const drop = $('drop');
drop.addEventListener('dragover', (ev) => {
  ev.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (ev) => {
  ev.preventDefault();
  drop.classList.remove('over');
  enqueue(ev.dataTransfer.files);
});
