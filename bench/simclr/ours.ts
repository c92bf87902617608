/**
 * Child process of bench/simclr/run.ts for the selfsup side, so each round starts
 * fresh like reference.py's (new process, model, loader and decode threads):
 *
 *   node dist/bench/simclr/ours.js <root> <threads> <batch> <warmup> <steps> <workers> <prefetch>
 *
 * Prints one JSON line: PretrainTiming plus the setting.
 */
import { torch } from '../../src/index.js';
import { simclrPretrain } from './workloads.js';

const [root, ...rest] = process.argv.slice(2);
const [threads, batch, warmup, steps, workers, prefetch] = rest.map(Number);
if (!root || rest.length !== 6 || !rest.every((a) => Number.isInteger(Number(a)) && Number(a) >= 0))
  throw new RangeError(`bench/simclr/ours: expected <root> and 6 non-negative integers but received ${process.argv.slice(2).join(' ')}`);
torch.setNumThreads(threads);
const timing = await simclrPretrain(root, batch, warmup, steps, { workers, prefetch });
console.log(JSON.stringify({ ...timing, workers, prefetch, threads }));
