/** launchLocal and `selfsup launch`: PyTorch's environment for each rank, output, failures and signals. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { launchLocal } from '../../src/distributed/launch.js';
import { root } from '../helpers.js';
import { killAll, WORKER } from './ranks.js';

after(killAll);

const CLI = join(root, 'dist', 'src', 'cli', 'main.js');
const capture = (): { stream: PassThrough; text: () => string } => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d));
  return { stream, text: () => text };
};

describe('launchLocal', () => {
  it("runs N ranks that join one group, passing rank 0's stdout through", async () => {
    const out = capture();
    const r = await launchLocal({
      n: 2,
      command: [process.execPath, WORKER, 'collectives'],
      env: { OMP_NUM_THREADS: '1' },
      stdout: out.stream,
    });
    assert.deepEqual(r, { code: 0, failedRank: null, message: 'all 2 ranks exited with code 0' });
    const lines = out.text().trim().split('\n');
    assert.equal(lines.length, 1, out.text()); // rank 1's stdout is not passed through
    const res = JSON.parse(lines[0]);
    assert.equal(res.rank, 0);
    assert.equal(res.worldSize, 2);
    assert.deepEqual(res['float64.sum'], [3, -6, 6, 5]);
  });

  it('a failing rank ends the job: the others are stopped and the result names the rank and its code', async () => {
    const start = Date.now();
    const out = capture();
    const r = await launchLocal({
      n: 3,
      command: [process.execPath, WORKER, 'sleep'],
      env: { FAIL_RANK: '1' },
      stdout: out.stream,
      allOutput: true,
    });
    assert.deepEqual(r, { code: 3, failedRank: 1, message: 'rank 1 exited with code 3' });
    assert.ok(Date.now() - start < 30_000, `took ${Date.now() - start} ms`);
  });

  it('forwards SIGINT to every rank and reports the signal', async () => {
    const script = `import(${JSON.stringify(join(root, 'dist', 'src', 'distributed', 'launch.js'))}).then(async (m) => {
      const r = await m.launchLocal({ n: 2, command: [process.execPath, ${JSON.stringify(WORKER)}, 'sleep'], allOutput: true });
      console.log(JSON.stringify(r));
    });`;
    const launcher = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let interrupted = false;
    launcher.stdout.on('data', (d: Buffer) => {
      stdout += d;
      if (!interrupted && (stdout.match(/waiting/g) ?? []).length === 2) interrupted = launcher.kill('SIGINT'); // both ranks are up
    });
    const code = await new Promise((resolve) => launcher.on('close', resolve));
    assert.equal(code, 0, stdout);
    const r = JSON.parse(stdout.trim().split('\n').pop()!);
    assert.equal(r.code, 130);
    assert.match(r.message, /^rank [01] was killed by SIGINT$/);
  });

  it('rejects bad options', async () => {
    await assert.rejects(launchLocal({ n: 0, command: ['node'] }), /launchLocal: expected a positive integer for n but received 0/);
    await assert.rejects(launchLocal({ n: 1, command: [] }), /launchLocal: expected a non-empty array of strings for command/);
    await assert.rejects(launchLocal({ n: 1, command: ['node'], port: 70000 }), /port number in \[1, 65535\] for port but received 70000/);
  });
});

describe('selfsup launch', () => {
  it('runs a selfsup command on N ranks, and exits non-zero naming a failing rank', () => {
    const ok = spawnSync(process.execPath, [CLI, 'launch', '-n', '2', '--', 'methods'], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal((ok.stdout.match(/simclr/g) ?? []).length, 1, ok.stdout); // rank 0's table only
    const bad = spawnSync(process.execPath, [CLI, 'launch', '-n', '2', '--', 'no-such-command'], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /selfsup launch: rank [01] exited with code 1/);
    // whichever rank fails first is named; rank 0's stderr passes through as is, other ranks' lines are prefixed
    assert.match(bad.stderr, /^(\[rank 1\] )?error: unknown command 'no-such-command'/m);
  });
});
