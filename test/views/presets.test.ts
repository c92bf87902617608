import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import * as V from '../../src/views/index.js';
import { METHODS } from '../../src/methods/registry.js';
import { pretrainSchema, peekIn } from '../../src/pipeline/index.js';
import { resolveConfig } from '../../src/config/schema.js';
import { assertClose, assertThrows } from '../helpers.js';

const gen = (seed: number): torch.Generator => new torch.Generator(seed);
const resolve = (file: Record<string, unknown>, flags: Record<string, unknown> = {}) =>
  resolveConfig(pretrainSchema(peekIn(file, flags)), file, flags, 'run.yaml');
const viewsOf = (c: { method: object }): V.ImageViewsConfig => (c.method as { views: V.ImageViewsConfig }).views;
const imageMethods = Object.values(METHODS).filter((m) => m.modality === 'image' && 'views' in m.options.shape);
const INFOMIN = V.VIEW_PRESETS.infomin;

test("views.preset infomin gives InfoMin's views to every image method; explicit fields win; the resolved config parses back to itself", () => {
  assert.ok(imageMethods.length >= 7, `${imageMethods.length} image methods`);
  for (const m of imageMethods) {
    const own = viewsOf(resolve({ method: m.name }));
    const c = resolve({ method: m.name }, { 'method.views.preset': 'infomin', 'method.views.grayscale': '0.1' });
    const views = viewsOf(c);
    assert.equal(views.preset, 'infomin', m.name);
    assert.deepEqual(views.scale, INFOMIN.scale, m.name);
    assert.deepEqual([views.strength, views.jitter, views.flip, views.blur, views.solarize], [1, 0.8, 0.5, [0.5], [0]], m.name);
    assert.deepEqual(views.randAugment, { ops: 2, magnitude: 10, magnitudeStd: 0.5, p: 0.5 }, m.name);
    assert.equal(views.grayscale, 0.1, `${m.name}: the explicit flag wins`);
    assert.deepEqual([views.local.count, views.local.scale], [own.local.count, own.local.scale], `${m.name} keeps its multi-crop`);
    // a saved config.json (resolved values) gives the same config again, and the method's own schema takes it as it is
    assert.deepEqual(resolve(JSON.parse(JSON.stringify(c))), c, m.name);
    const { name: _, ...options } = c.method as Record<string, unknown>;
    assert.deepEqual(m.options.parse(options).views, views, m.name);
  }
  const file = viewsOf(resolve({ method: { name: 'byol', views: { preset: 'infomin', randAugment: { ops: 1 } } } }));
  assert.deepEqual(file.randAugment, { ops: 1, magnitude: 10, magnitudeStd: 0.5, p: 0.5 });
  assertThrows(
    () => resolve({ method: { name: 'simclr', views: { preset: 'strong' } } }),
    /run.yaml.method.views.preset: expected one of method, infomin but received "strong"/,
  );
});

test("preset 'method' (the default) keeps each method's defaults, RandAugment off", () => {
  const views = viewsOf(resolve({ method: 'dino' }));
  assert.equal(views.preset, 'method');
  assert.deepEqual(views.scale, [0.4, 1]);
  assert.deepEqual(views.randAugment, { ops: 0, magnitude: 9, magnitudeStd: 0, p: 1 });
  const simclr = METHODS.simclr.options;
  assert.equal(V.withViewPreset(simclr, 'method'), simclr);
  assert.equal(V.withViewPreset(simclr, 'unknown'), simclr);
});

test('viewPipeline: RandAugment off keeps the SimCLR steps and their draws; on, it runs after blur and before grayscale', () => {
  const x = torch.rand([8, 3, 24, 24], { generator: gen(1) });
  const o = { size: 20, scale: [0.2, 1] as [number, number], strength: 1, blur: 0.5, solarize: 0.2 };
  const steps = (...v: V.View[]) => new V.Compose(v).forward(x, gen(2));
  const crop = new V.RandomResizedCrop({ size: 20, scale: [0.2, 1], flip: 0.5 });
  const jitter = new V.ColorJitter({ brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.2, p: 0.8 });
  const [gray, blur, solar] = [new V.RandomGrayscale({ p: 0.2 }), new V.RandomGaussianBlur({ p: 0.5 }), new V.RandomSolarize({ p: 0.2 })];
  const off = { ops: 0, magnitude: 9, magnitudeStd: 0, p: 1 };
  assertClose(V.viewPipeline({ ...o, randAugment: off }).forward(x, gen(2)), steps(crop, jitter, gray, blur, solar), { atol: 0, rtol: 0 });
  const on = { ops: 2, magnitude: 10, magnitudeStd: 0.5, p: 0.5 };
  const ra = new V.RandAugment({ ...on, fill: 'mean' });
  assertClose(V.viewPipeline({ ...o, randAugment: on }).forward(x, gen(2)), steps(crop, jitter, blur, ra, gray, solar), {
    atol: 0,
    rtol: 0,
  });
});
