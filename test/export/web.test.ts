/**
 * `selfsup export RUN --web OUT/` on tiny real runs (SimCLR on Fashion-MNIST and
 * a fine-tuning from it): OUT served by a local static server and driven in
 * headless Chromium, the page's outputs on real test images equal
 * onnxruntime-node's (embeddings and logits ≤ 1e-4, the same neighbours and
 * classes), it shows a latency, says which file is not an image, and asks for
 * nothing beyond the server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch, data } from '../../src/index.js';
import { encodePng } from '../../src/views/grid.js';
import { serve } from '../../bench/browser.js';
import { drive, maxAbsDiff, topK } from './page.js';
import { runOrt } from './ort.js';
import { selfsup, tinyRuns } from './runs.js';

test('selfsup export --web: the page in Chromium gives onnxruntime-node’s embeddings, neighbours and classes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-web-'));
  const [pre, ft] = [join(dir, 'pre'), join(dir, 'ft')];
  try {
    tinyRuns(pre, ft);
    const site = join(dir, 'site');
    const e = selfsup('export', pre, '--web', join(site, 'pre'), '--gallery', '100');
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stderr, /serve the folder with any static file server/);
    const c = selfsup('export', ft, '--web', join(site, 'ft'));
    assert.equal(c.status, 0, c.stderr);
    assert.match(selfsup('export', pre, '--web', join(dir, 'x'), '--gallery', '0').stderr, /--gallery <n>' argument '0' is invalid/);

    // Test images: 2 in the gallery (their own nearest neighbour), 2 beyond it, and a file that is no image.
    const picks = [0, 7, 300, 301];
    const images = data.loadFashionMnist('test', { limit: 302 }).images; // [302, 1, 28, 28] uint8
    const inputs = join(dir, 'inputs');
    mkdirSync(inputs);
    const files = picks.map((i) => {
      const f = join(inputs, `fashion-${i}.png`);
      writeFileSync(
        f,
        torch.scope(() => encodePng(images.select(0, i).float().div(255))),
      );
      return f;
    });
    writeFileSync(join(inputs, 'notes.png'), 'not an image');
    files.push(join(inputs, 'notes.png'));
    const x = (i: number) => images.narrow(0, i, 1).float().div(255); // [1, 1, 28, 28]
    const want = async (onnx: string) =>
      Promise.all(picks.map(async (i) => Array.from(Object.values(await runOrt(readFileSync(onnx), x(i)))[0].data)));

    const server = await serve(site);
    try {
      const enc = await drive(`${server.url}pre/`, files);
      assert.match(enc.about, /simclr network of run pre finds each image's 5 nearest gallery images/);
      assert.ok(
        enc.requests.every((u) => u.startsWith(server.url) || u.startsWith('blob:')),
        `requests beyond the server: ${enc.requests}`,
      );
      const bytes = readFileSync(join(site, 'pre', 'gallery.f32'));
      const gallery = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4); // [100, 64] unit-norm
      const diffs: number[] = [];
      const embeddings = await want(join(site, 'pre', 'model.onnx'));
      picks.forEach((i, j) => {
        const s = enc.shown[j];
        assert.equal(s.name, `fashion-${i}.png`);
        diffs.push(maxAbsDiff(s.raw!, embeddings[j]));
        assert.ok(diffs.at(-1)! <= 1e-4, `${s.name}: embedding differs from onnxruntime-node's`);
        const z = embeddings[j];
        const norm = Math.hypot(...z);
        const sims = Array.from({ length: 100 }, (_, g) => z.reduce((a, v, d) => a + v * gallery[g * 64 + d], 0) / norm);
        assert.deepEqual(s.neighbours, topK(sims, 5), `${s.name}: neighbours`);
        if (i < 100) assert.equal(s.neighbours![0], i, `${s.name}: a gallery image is its own nearest neighbour`);
        assert.ok(s.ms! > 0 && /Inference latency: \d+\.\d ms/.test(s.latency!), `${s.name}: latency ${s.latency}`);
      });
      assert.match(enc.shown[4].error!, /^Could not read notes.png as an image/);

      const cls = await drive(`${server.url}ft/`, files.slice(0, 4));
      assert.match(cls.about, /classifies images into 10 classes/);
      const logits = await want(join(site, 'ft', 'model.onnx'));
      const classes = JSON.parse(readFileSync(join(site, 'ft', 'model.json'), 'utf8')).classes as string[];
      picks.forEach((_, j) => {
        const s = cls.shown[j];
        diffs.push(maxAbsDiff(s.raw!, logits[j]));
        assert.ok(diffs.at(-1)! <= 1e-4, `${s.name}: logits differ from onnxruntime-node's`);
        assert.equal(s.predicted, classes[topK(logits[j], 1)[0]]);
        assert.ok(s.ms! > 0);
      });
      const ms = [...enc.shown, ...cls.shown].filter((s) => s.ms !== undefined).map((s) => s.ms!.toFixed(2));
      console.log(
        `in-browser latency (ms, encoder then classifier): ${ms.join(' ')}; max |page − onnxruntime-node|: ${Math.max(...diffs)}`,
      );
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
