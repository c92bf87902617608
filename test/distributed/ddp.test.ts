/**
 * DistributedDataParallel and SyncBatchNorm on 2 Gloo ranks (float64): rank 0's
 * weights reach every rank, gradients are the mean of the ranks' (a parameter used
 * on one rank only: its gradient over W; used on none: no gradient), and SyncBatchNorm
 * with DDP equals BatchNorm on the concatenated batch in one process.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { launchRanks } from './launch-ranks.js';

const WORKER = join(fileURLToPath(new URL('.', import.meta.url)), 'ddp-worker.js');
type Gap = { diff: number; scale: number; n: number };

function assertClose(g: unknown, what: string, tol = 1e-12): void {
  const { diff, scale, n } = g as Gap;
  assert.ok(n > 0 && scale > 1e-3, `${what}: empty or ~0 reference (${n} values, scale ${scale})`);
  assert.ok(diff <= tol * scale, `${what}: max |difference| ${diff} at scale ${scale}`);
}

describe('DistributedDataParallel on 2 ranks', () => {
  it("broadcasts rank 0's weights and averages gradients in buckets; unused parameters stay without gradient", async () => {
    const r = await launchRanks(2, [process.execPath, WORKER, 'ddpToy']);
    assert.equal(r.code, 0, `${r.message}\n${JSON.stringify(r.results)}\n${r.stderr}`);
    for (const [rank, res] of r.results.entries()) {
      assert.equal((res!.init as Gap).diff, 0, `rank ${rank}: weights differ from rank 0's seed`);
      assertClose(res!.grad, `rank ${rank} gradients`);
      assert.equal(res!.unusedHasGrad, false, `rank ${rank}: a parameter no rank used got a gradient`);
    }
  });

  for (const method of ['simclr', 'simsiam', 'byol', 'mocov3', 'vicreg', 'barlowtwins', 'dino'])
    it(`${method}: 3 steps on 2 ranks of 4 (float64, SyncBatchNorm) equal one process's on 8: losses, weights and state`, async () => {
      const r = await launchRanks(2, [process.execPath, WORKER, 'methodSteps'], { METHOD: method });
      assert.equal(r.code, 0, `${r.message}\n${JSON.stringify(r.results)}\n${r.stderr}`);
      for (const [rank, res] of r.results.entries()) {
        assertClose(res!.loss, `rank ${rank} losses`, 1e-10);
        assertClose(res!.state, `rank ${rank} weights and state`, 1e-10);
        assert.ok((res!.moved as Gap).diff > 1e-4 * (res!.moved as Gap).scale, `rank ${rank}: the weights did not move`);
      }
    });

  it('SyncBatchNorm + DDP on half batches equals BatchNorm on the whole batch: gradients and running statistics', async () => {
    const r = await launchRanks(2, [process.execPath, WORKER, 'syncBatchNorm']);
    assert.equal(r.code, 0, `${r.message}\n${JSON.stringify(r.results)}\n${r.stderr}`);
    for (const [rank, res] of r.results.entries()) {
      assertClose(res!.grad, `rank ${rank} gradients`);
      assertClose(res!.running, `rank ${rank} running statistics`);
    }
  });
});
