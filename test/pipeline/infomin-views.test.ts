/**
 * InfoMin's view families through the pipelines: a channel-split SimCLR and a
 * patch-pair SimCLR pretrain a few steps on real emoji images; `eval` and
 * `embed` take the channel-split run's representation (both halves, twice the
 * encoder's width); `views` draws both families as PNG grids.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch, data as dataSets, models, pipeline } from '../../src/index.js';
import { assertClose } from '../helpers.js';
import { events, quietErr } from '../methods/resume.js';

const data = { name: 'emoji', vendors: ['google'], size: 16, limit: 96 };
const run = (pair: Record<string, unknown>): Record<string, unknown> => ({
  method: { name: 'simclr', views: { pair } },
  data,
  model: { width: 0.0625, smallStem: false },
  train: { steps: 3, batchSize: 16, logEvery: 1 },
  monitor: { trainLimit: 32, k: 5, test: { ...data, split: 'test', limit: 16 } },
});

test('channel-split and patch-pair SimCLR pretrain; eval and embed use the channel-split representation; views draws both', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-infomin-'));
  const restore = quietErr();
  try {
    const [channels, patches] = [join(dir, 'channels'), join(dir, 'patches')];
    assert.equal((await pipeline.pretrain(run({ kind: 'channels', channels: 'lab:L|ab' }), channels)).step, 3);
    assert.equal((await pipeline.pretrain(run({ kind: 'patches', patch: { size: 8, distance: 4 } }), patches)).step, 3);
    for (const d of [channels, patches]) {
      const losses = events(d).filter((e) => e.event === 'train');
      assert.ok(losses.length === 3 && losses.every((e) => Number.isFinite(e.loss) && (e.loss as number) > 0), d);
    }
    const width = models.createEncoder({ arch: 'resnet18', width: 0.0625, smallStem: false, inChannels: 3 }).featureDim;
    const embed = async (d: string): Promise<torch.Tensor> =>
      torch.safetensors.loadFile(await pipeline.embedRun(d, { data: { ...data, split: 'test', limit: 8 } })).embeddings;
    assert.deepEqual((await embed(channels)).shape, [8, 2 * width], 'embeddings concatenate the L and ab halves');
    // other runs' representation is their encoder's output, as encoder.safetensors gives it
    const encoder = pipeline.makeEncoder(
      { ...pipeline.modelSection.parse({ width: 0.0625, smallStem: false }) },
      3,
      pipeline.resolveInit(patches),
    );
    const images = (await dataSets.loadImageSet({ ...data, split: 'test', limit: 8 })).images;
    assertClose(await embed(patches), encoder.eval().forward(pipeline.toInput(images)), { atol: 1e-5, rtol: 1e-4 });
    const probes = await pipeline.evaluateRun(channels, {
      data: { ...data, limit: 64 },
      test: { ...data, split: 'test', limit: 16 },
      k: 5,
      probeEpochs: 2,
    });
    assert.deepEqual(
      probes.map((p) => p.kind),
      ['knn', 'linear'],
    );
    assert.ok(probes.every((p) => (p.top1 as number) >= 0 && (p.top1 as number) <= 1));
    for (const [pair, side] of [
      [{ kind: 'channels', channels: 'ydbdr:Y|DbDr' }, 16],
      [{ kind: 'patches', patch: { size: 8, distance: 4 } }, 16],
    ] as const) {
      const png = await pipeline.writeViewGrid(
        { data, method: { name: 'simclr', views: { pair } }, count: 2, draws: 1, model: { width: 0.0625 } },
        join(dir, `${pair.kind}.png`),
      );
      const head = readFileSync(png);
      assert.equal(head.subarray(1, 4).toString(), 'PNG');
      assert.equal(head.readUInt32BE(16), 3 * side + 4 * 2, `${pair.kind}: (original + 2 views) tiles of the image side`);
    }
  } finally {
    restore();
    rmSync(dir, { recursive: true, force: true });
  }
});
