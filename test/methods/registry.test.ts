/**
 * Every registered method, enumerated from the registry so none can skip it:
 * it declares a paper, a summary and help for every option; it trains a few
 * steps on real images through the generic pipeline; an interrupted and resumed
 * run reaches bit-for-bit the weights (every buffer of its state: momentum
 * copies, centres …) and losses of an uninterrupted one; its encoder is
 * exported and loads into a fresh encoder; and `eval --layer` rebuilds it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch, methods, models, pipeline } from '../../src/index.js';
import { flagFields } from '../../src/config/schema.js';
import { assertResumesBitIdentically, events, quietErr } from './resume.js';

/** A tiny run of `name` on real images: Fashion-MNIST, or emoji cases for methods that pair images of one case. */
const config = (name: string): Record<string, unknown> => {
  const cases = methods.METHODS[name].pairs === methods.casePairs;
  const data = cases ? { name: 'emoji', vendors: ['google', 'twitter'], size: 16, limit: 160 } : { name: 'fashion-mnist', limit: 128 };
  return {
    method: { name },
    data,
    model: { width: 0.0625, smallStem: false },
    train: { steps: 4, batchSize: 16, logEvery: 1 },
    monitor: { trainLimit: 48, k: 5, test: { ...data, limit: 32 } },
  };
};

for (const spec of Object.values(methods.METHODS).filter((m) => m.modality === 'image')) {
  test(`${spec.name}: declared, trains on real images, resumes bit-identically, exports its encoder`, async () => {
    assert.match(spec.paper, /\d{4}/, 'paper names authors and year');
    assert.ok(spec.summary.length > 20 && ['image', 'audio', 'text', 'scene'].includes(spec.modality));
    for (const [path, f] of flagFields(spec.options)) assert.ok(f.help.length > 3, `option ${path} has help`);
    spec.options.parse({}); // every option has a default
    const dir = mkdtempSync(join(tmpdir(), `selfsup-${spec.name}-`));
    const restore = quietErr();
    try {
      const { straight, state: a } = await assertResumesBitIdentically(spec.name, config(spec.name), dir);
      const knn = events(straight).filter((e) => e.event === 'knn');
      assert.equal(knn.length, 1);
      assert.ok(Number.isFinite(knn[0].effectiveRank) && Number.isFinite(knn[0].std));

      const encoder = torch.safetensors.loadFile(join(straight, 'encoder.safetensors'));
      const c = config(spec.name) as { data: { name: string } };
      const fresh = models.createEncoder({
        arch: 'resnet18',
        width: 0.0625,
        smallStem: false,
        inChannels: c.data.name === 'emoji' ? 3 : 1,
      });
      fresh.loadStateDict(encoder, true, 'encoder.safetensors');
      for (const k of Object.keys(encoder))
        assert.ok(torch.equal(encoder[k], a[`encoder.${k}`]), `encoder.safetensors holds the method's encoder (${k})`);
      const probes = await pipeline.evaluateRun(straight, {
        data: { ...c.data, limit: 64 },
        test: { ...c.data, split: 'test', limit: 32 },
        k: 5,
        probeEpochs: 2,
        layer: 1,
      });
      assert.ok(
        probes.every((p) => Number.isFinite(p.top1 as number)),
        'eval --layer 1 rebuilds the method from its config',
      );
    } finally {
      restore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
