/**
 * allGatherWithGrad and allReduceWithGrad: gradients across 2 and 3 Gloo ranks equal one
 * process's gradients on the concatenated batch (float64, to ~1e-12 of the gradients' scale).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { killAll, runRanks } from './ranks.js';

after(killAll);

type Gap = { diff: number; scale: number };

function assertClose(g: unknown, what: string): void {
  const { diff, scale } = g as Gap;
  assert.ok(scale > 1e-3, `${what}: the reference gradient is ~0 (${scale}), the check would be empty`);
  assert.ok(diff <= 1e-12 * scale, `${what}: max |difference| ${diff} at scale ${scale}`);
}

for (const w of [2, 3]) {
  describe(`differentiable collectives on ${w} ranks`, () => {
    it('a loss over the all-gathered batch, gradients averaged over ranks (DDP), equals the single-process gradient', async () => {
      for (const [r, o] of (await runRanks(w, 'gatherGrad')).entries()) {
        assert.equal(o.code, 0, `rank ${r}: ${JSON.stringify(o.result)} ${o.stderr}`);
        assertClose(o.result!.weight, `rank ${r} weight gradient`);
        assertClose(o.result!.loss, `rank ${r} loss`);
      }
    });
    it('statistics all-reduced with gradient (SyncBatchNorm): each rank’s input gradient is its slice of the single-process gradient', async () => {
      for (const [r, o] of (await runRanks(w, 'reduceGrad')).entries()) {
        assert.equal(o.code, 0, `rank ${r}: ${JSON.stringify(o.result)} ${o.stderr}`);
        assertClose(o.result!.input, `rank ${r} input gradient`);
      }
    });
  });
}
