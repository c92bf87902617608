/** Tiny real runs for the export tests: SimCLR on Fashion-MNIST, and a fine-tuning from it, made with the CLI. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../helpers.js';

const cli = join(root, 'dist', 'src', 'cli', 'main.js');

/** `selfsup ARGS` in a child process with one libtorch thread. */
export const selfsup = (...args: string[]): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });

/** A ResNet-18 ×0.125 SimCLR run (128 images, one epoch) in `pre` and a fine-tuning from it (100 labels) in `ft`. */
export function tinyRuns(pre: string, ft: string): void {
  const tiny = ['--model.width', '0.125', '--model.small-stem', 'false', '--method.head.out-dim', '16'];
  const common = ['--data.limit', '128', '--train.epochs', '1', '--train.batch-size', '64', '--monitor.every', '100'];
  const p = selfsup('pretrain', '--out', pre, ...common, '--monitor.train-limit', '64', '--monitor.test.limit', '64', ...tiny);
  assert.equal(p.status, 0, p.stderr);
  const fte = ['--data.limit', '100', '--test.limit', '50', '--fractions', '1', '--epochs', '1', '--min-steps', '4', '--batch-size', '25'];
  const f = selfsup('finetune', '--out', ft, '--init', pre, ...fte);
  assert.equal(f.status, 0, f.stderr);
}
