/**
 * A rank that exits or hangs, or never arrives, ends the others with a TorchError naming the
 * call and the rank within the group's timeout, never a hang.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { killAll, runRanks } from './ranks.js';

after(killAll);

const TIMEOUT = 5; // seconds, the group's timeout in these runs

describe('failing peers', () => {
  it('a peer that exits before a collective makes the others fail at once, naming allReduce and their rank', async () => {
    const ranks = await runRanks(3, 'peerExits', { env: { TEST_TIMEOUT: String(TIMEOUT), DIE_RANK: '1' } });
    assert.equal(ranks[1].code, 3);
    for (const r of [0, 2]) {
      const res = ranks[r].result!;
      assert.equal(res.name, 'TorchError', JSON.stringify(res));
      assert.match(String(res.error), new RegExp(`^allReduce: rank ${r} of 3 failed: .+ \\(timeout ${TIMEOUT} s\\)$`, 's'));
      assert.ok((res.elapsedMs as number) < TIMEOUT * 1000, `rank ${r} took ${res.elapsedMs} ms`);
    }
  });

  it('a peer that never reaches the collective makes the others fail when the timeout has passed', async () => {
    const ranks = await runRanks(2, 'peerHangs', { env: { TEST_TIMEOUT: '2', HANG_RANK: '1' }, waitFor: [0] });
    const res = ranks[0].result!;
    assert.match(String(res.error), /^allReduce: rank 0 of 2 failed: .*\(timeout 2 s\)$/s);
    const elapsed = res.elapsedMs as number;
    assert.ok(elapsed >= 1900 && elapsed < 2000 + 15_000, `failed after ${elapsed} ms with a 2 s timeout`);
  });

  it('a rank whose peers never start fails to join within the timeout, naming the address', async () => {
    // WORLD_SIZE 2 but only rank 0 runs (RANK 1 is never started): run one rank with a world of 2.
    const ranks = await runRanks(1, 'collectives', { env: { TEST_TIMEOUT: '2', WORLD_SIZE_OVERRIDE: '2' } });
    const res = ranks[0].result!;
    assert.equal(ranks[0].code, 1);
    assert.match(String(res.error), /^initProcessGroup: rank 0 of 2 could not join the group at 127\.0\.0\.1:\d+: .+ \(timeout 2 s\)$/s);
    const elapsed = res.elapsedMs as number;
    assert.ok(elapsed >= 1900 && elapsed < 2000 + 15_000, `failed after ${elapsed} ms with a 2 s timeout`);
  });
});
