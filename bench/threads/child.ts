/**
 * Child process of bench/threads/run.ts: one workload of bench/nn in a fresh
 * process, so libgomp reads the wait policy from this process's environment.
 *
 *   node dist/bench/threads/child.js <mlp|resnet18> <threads> <rounds>
 *
 * Prints one JSON line: { seconds } (best per step).
 */
import { models, torch } from '../../src/index.js';
import { convStep, mlpAdamW } from '../nn/workloads.js';

const [workload, threads, rounds] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
if (!['mlp', 'resnet18'].includes(workload) || !(threads > 0) || !(rounds > 0))
  throw new RangeError(`bench/threads/child: expected <mlp|resnet18> <threads> <rounds> but received ${process.argv.slice(2).join(' ')}`);
torch.setNumThreads(threads);
const seconds =
  workload === 'mlp' ? mlpAdamW(rounds, 500) : convStep(models.resnet18({ numClasses: 10, smallImageStem: true }), [64, 3, 32, 32], rounds);
console.log(JSON.stringify({ seconds }));
