/**
 * bench/nn: training steps of selfsup vs PyTorch (+ torchvision) on the same
 * machine in the same run.
 *
 *   npm run bench:nn [-- --quick] [-- --threads N]
 *
 * - small MLP (32→64→64→10, batch 32) AdamW step: overhead-bound, target ≤ 0.75×
 * - ResNet-18 (small-image stem), batch 128, 32×32, SGD step: target ≤ 1.05×
 * - MobileNetV3-small, batch 64, 96×96, SGD step: target ≤ 1.05×
 */
import { measure, printTable, python, startBench } from '../common.js';
import { models } from '../../src/index.js';
import { convStep, mlpAdamW } from './workloads.js';

const args = startBench('nn');
const mlpRounds = args.quick ? 3 : 7;
const mlpN = 2000;
const convRounds = args.quick ? 1 : 2;
printTable([
  measure(
    args,
    'MLP 32→64→64→10 AdamW step, batch 32',
    'µs',
    0.75,
    () => mlpAdamW(mlpRounds, mlpN),
    () => python('nn', args.threads, 'mlp-adamw', mlpRounds, mlpN),
  ),
  measure(
    args,
    'ResNet-18 small-image stem SGD step, batch 128, 32×32',
    's',
    1.05,
    () => convStep(models.resnet18({ numClasses: 10, smallImageStem: true }), [128, 3, 32, 32], convRounds),
    () => python('nn', args.threads, 'resnet18', convRounds, 128),
  ),
  measure(
    args,
    'MobileNetV3-small SGD step, batch 64, 96×96',
    's',
    1.05,
    () => convStep(models.mobilenetV3Small({ numClasses: 10 }), [64, 3, 96, 96], convRounds),
    () => python('nn', args.threads, 'mobilenetv3-small', convRounds, 64),
  ),
]);
