/**
 * bench/views: SimCLR two-view generation throughput (images/s), selfsup's batched
 * views vs a PyTorch DataLoader with torchvision transforms, on the same machine in
 * the same run. Both start from decoded uint8 pixels in memory.
 *
 *   npm run build:ts && node dist/bench/views/run.js [--quick] [--threads N]
 *
 * - 32×32 (CIFAR recipe: crop + flip, jitter p 0.8, grayscale p 0.2): target ≤ 1× PyTorch's time per image
 * - 64×64 (the same + Gaussian blur, kernel 7, p 0.5): target ≤ 1×
 * - RandAugment, 2 ops at magnitude 9, 32×32 and 64×64, one view per image: vs torchvision's RandAugment
 *   (magnitude 27 of 31 bins = 9/10 of its range, bilinear, fill the ImageNet mean)
 * PyTorch's time is the best of tensor and PIL transforms, each with num_workers 0 and 2.
 */
import { measure, printTable, python, startBench, type Row } from '../common.js';
import { randAugmentView, simclrTwoViews } from './workloads.js';

const quick = process.argv.includes('--quick');
const rounds = quick ? 1 : 2;
const count = quick ? 512 : 2048;
const batch = 256;
const args = startBench('views', `${count} images, batch ${batch}`);
const workloads = [
  { name: 'SimCLR two views', ours: simclrTwoViews, theirs: 'simclr' },
  { name: 'RandAugment n2 m9', ours: randAugmentView, theirs: 'randaugment' },
];
const rows: Row[] = workloads.flatMap((w) =>
  [32, 64].map((size) =>
    measure(
      args,
      `${w.name} ${size}×${size}, per image`,
      'µs',
      1,
      () => w.ours(size, rounds, count, batch),
      () => python('views', args.threads, w.theirs, size, rounds, count, batch),
    ),
  ),
);
printTable(rows);
console.log('');
console.log('| workload | selfsup images/s | PyTorch images/s |');
console.log('|---|---|---|');
for (const r of rows)
  console.log(`| ${r.workload.replace(', per image', '')} | ${(1 / r.ours).toFixed(0)} | ${(1 / r.theirs).toFixed(0)} |`);
