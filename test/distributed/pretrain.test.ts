/**
 * `selfsup launch -n 2 pretrain`: two processes of half batches train exactly as one
 * process of the whole batch (SimCLR with negatives from both ranks, BYOL;
 * SyncBatchNorm): the same logged losses and the same final weights. An interrupted
 * two-process run (SIGINT to the launcher) resumed on one process, or on two, ends
 * with the weights of an uninterrupted run.
 *
 * Bit-identity cannot hold across world sizes: the all-reduces and the global batch
 * norm statistics add the same float32 numbers in another order, and this tiny
 * network amplifies rounding quickly (one process on another CPU's kernels differs
 * from itself by 1e-3 in the loss within 5 steps at SimCLR's learning rate). So the
 * comparisons run 3 steps at a tenth of the learning rate, at 1e-5 of the losses
 * and 1e-4 of the weights' scale (a wrong loss scale or a missing gradient term
 * shows far above), and the resumed 8-step runs at 1e-4 and 1e-3.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { torch } from '../../src/index.js';
import { root } from '../helpers.js';

const cli = join(root, 'dist', 'src', 'cli', 'main.js');
const env = { ...process.env, OMP_NUM_THREADS: '1' };
const dir = mkdtempSync(join(tmpdir(), 'selfsup-ddp-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Tiny runs: ResNet-18 at width 1/16, 128 Fashion-MNIST images, batches of 32 (4 steps an epoch). */
const TINY = ['--data.limit', '128', '--train.batch-size', '32', '--train.log-every', '1', '--train.sync-batch-norm'];
const MONITOR = ['--monitor.train-limit', '64', '--monitor.test.limit', '32', '--model.width', '0.0625', '--method.head.out-dim', '16'];

/** `selfsup [launch -n n --] pretrain …` to the end. */
function pretrain(n: number, out: string, args: string[]): void {
  const launch = n > 1 ? ['launch', '-n', String(n), '--'] : [];
  const r = spawnSync(process.execPath, [cli, ...launch, 'pretrain', '--out', out, ...args], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
}

const trainLosses = (out: string): number[] =>
  readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((e) => e.event === 'train')
    .map((e) => e.loss as number);

/** max |a − b| over the floating tensors of two runs' model.safetensors, and max |b|. */
function weightGap(a: string, b: string): { diff: number; scale: number } {
  return torch.scope(() => {
    const [x, y] = [a, b].map((d) => torch.safetensors.loadFile(join(d, 'model.safetensors')));
    let diff = 0;
    let scale = 0;
    for (const k of Object.keys(y)) {
      if (!y[k].dtype.startsWith('float')) continue;
      diff = Math.max(diff, x[k].sub(y[k]).abs().max().item());
      scale = Math.max(scale, y[k].abs().max().item());
    }
    return { diff, scale };
  });
}

/** The same logged losses (to `lossTol` of each) and final weights (to `weightTol` of their scale). */
function assertSameRun(a: string, b: string, what: string, lossTol: number, weightTol: number): void {
  const [la, lb] = [trainLosses(a), trainLosses(b)];
  assert.equal(la.length, lb.length, `${what}: logged steps`);
  la.forEach((l, i) => assert.ok(Math.abs(l - lb[i]) <= lossTol * Math.abs(lb[i]), `${what}: loss at step ${i + 1}: ${l} vs ${lb[i]}`));
  const { diff, scale } = weightGap(a, b);
  assert.ok(scale > 0.1 && diff <= weightTol * scale, `${what}: weights differ by ${diff} at scale ${scale}`);
}

describe('data-parallel pretraining on 2 ranks', () => {
  // at a tenth of SimCLR's lr and a twentieth of BYOL's, whose steps amplify float32
  // rounding less; every method's exactness is checked in float64 in ddp.test.ts
  const METHODS: [string, string[]][] = [
    ['simclr', ['--optim.lr', '0.03']],
    ['byol', ['--method.predictor.out-dim', '16', '--optim.lr', '0.1']],
  ];
  for (const [method, extra] of METHODS)
    it(`${method}: 2 processes × 16 images give one process's 32-image losses and weights after 3 steps`, () => {
      const args = ['--method', method, '--train.steps', '3', ...TINY, ...MONITOR, ...extra];
      const [one, two] = [join(dir, `${method}-1`), join(dir, `${method}-2`)];
      pretrain(1, one, args);
      pretrain(2, two, args);
      assertSameRun(two, one, method, 1e-5, 1e-4);
    });

  it('a run interrupted by SIGINT to the launcher resumes on 1 process and on 2 to the weights of an uninterrupted run', async () => {
    // lr 0.03 (a tenth of SimCLR's): at the default, float32 rounding differences grow ~20× a step on this tiny network
    const args = ['--method', 'simclr', '--train.steps', '8', '--optim.lr', '0.03', ...TINY, ...MONITOR];
    const whole = join(dir, 'whole');
    pretrain(1, whole, args);
    const cut = join(dir, 'cut');
    const launcher = spawn(process.execPath, [cli, 'launch', '-n', '2', '--', 'pretrain', '--out', cut, ...args], { env, stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(join(cut, 'metrics.jsonl')) && trainLosses(cut).length >= 2) {
          clearInterval(poll);
          launcher.kill('SIGINT');
        }
      }, 10);
      launcher.on('close', (c) => {
        clearInterval(poll);
        resolve(c);
      });
    });
    assert.equal(code, 130, 'the launcher reports the interruption');
    const manifest = JSON.parse(readFileSync(join(cut, 'checkpoints', 'pretrain', 'manifest.json'), 'utf8'));
    assert.ok(manifest.step >= 2 && manifest.step < 8, `checkpoint at step ${manifest.step}`);
    assert.ok(!existsSync(join(cut, 'model.safetensors')), 'an interrupted run writes no final weights');
    for (const n of [1, 2]) {
      const copy = join(dir, `resumed-${n}`);
      cpSync(cut, copy, { recursive: true });
      pretrain(n, copy, ['--resume']);
      assertSameRun(copy, whole, `interrupted at step ${manifest.step}, resumed on ${n}`, 1e-4, 1e-3);
    }
  });
});
