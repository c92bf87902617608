/**
 * bench/engine: selfsup vs PyTorch (Debian's python3-torch) on the same libtorch,
 * same machine, same run.
 *
 *   npm run bench:engine                 # 2 threads, 3 alternations
 *   npm run bench:engine -- --quick      # 1 alternation
 *   npm run bench:engine -- --threads 1
 *
 * (a) per-op overhead: torch.add of two 4-element tensors (target ≤ 1.0× PyTorch)
 * (b) ResNet-18-shaped conv net (small-image stem), forward + backward, batch 128,
 *     32×32 inputs (target ≤ 1.05× PyTorch)
 */
import { measure, printTable, python, startBench } from '../common.js';
import { opAdd, resnetStep } from './workloads.js';

const args = startBench('engine');
const opRounds = args.quick ? 5 : 9;
const opN = 200_000;
const convRounds = args.quick ? 1 : 2;
printTable([
  measure(
    args,
    'tiny add (4 elements)',
    'µs',
    1.0,
    () => opAdd(opRounds, opN),
    () => python('engine', args.threads, 'op-add', opRounds, opN),
  ),
  measure(
    args,
    'ResNet-18 fwd+bwd, batch 128, 32×32',
    's',
    1.05,
    () => resnetStep(convRounds, 128),
    () => python('engine', args.threads, 'resnet18', convRounds, 128),
  ),
]);
