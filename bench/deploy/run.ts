/**
 * bench/deploy: inference latency of the networks selfsup trains, as deployed:
 *
 *   npm run bench:deploy [-- --quick]
 *
 * Batch 1, one thread, warm: selfsup on libtorch (eval mode under noGrad),
 * onnxruntime-node fp32 (the `exportOnnx` file) and int8 (`quantizeOnnx`, QDQ,
 * fused by onnxruntime into QLinearConv), each session with one intra-op and
 * one inter-op thread and all graph optimizations. ResNet-18 and
 * MobileNetV3-Small encoders at 32 × 32 (ResNet's small-image stem) and 224 × 224
 * (ImageNet stem), and TrillNet's embedding on a 96 × 64 log-mel window.
 * Weights are random and the int8 models are calibrated on 64 random inputs
 * (latency does not depend on either). The sides alternate in 3 rounds (1
 * with --quick) of 67 timed calls (10) after 10 untimed ones (3), so a shared
 * machine's load hits all alike; the table gives each side's median and 90th
 * percentile over all 201 calls, the ratios of the medians, and the file sizes.
 */
import * as ort from 'onnxruntime-node';
import { torch } from '../../src/index.js';
import type { Module } from '../../src/nn/index.js';
import { createEncoder } from '../../src/models/encoders.js';
import { TrillNet } from '../../src/models/trill.js';
import { exportOnnx, onnxReference, quantizeOnnx } from '../../src/export/onnx/index.js';
import { startBench } from '../common.js';

interface Workload {
  name: string;
  input: number[];
  model: () => Module;
}

const WORKLOADS: Workload[] = [
  { name: 'ResNet-18, small stem', input: [3, 32, 32], model: () => createEncoder({ arch: 'resnet18', smallStem: true }) },
  { name: 'ResNet-18', input: [3, 224, 224], model: () => createEncoder({ arch: 'resnet18', smallStem: false }) },
  { name: 'MobileNetV3-Small', input: [3, 32, 32], model: () => createEncoder({ arch: 'mobilenetV3Small' }) },
  { name: 'MobileNetV3-Small', input: [3, 224, 224], model: () => createEncoder({ arch: 'mobilenetV3Small' }) },
  { name: 'TrillNet w16, embedding', input: [1, 96, 64], model: () => new TrillNet({ width: 16 }) },
  { name: 'TrillNet w64, embedding', input: [1, 96, 64], model: () => new TrillNet({ width: 64 }) },
];
const SIDES = ['libtorch', 'ort fp32', 'ort int8'] as const;
type Side = (typeof SIDES)[number];

/** One call of a side: resolves when the output is computed. */
type Call = () => Promise<void> | void;

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function session(bytes: Uint8Array, x: torch.Tensor): Promise<{ call: Call; release: () => Promise<void> }> {
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  const feeds = { [s.inputNames[0]]: new ort.Tensor('float32', x.contiguous().data() as Float32Array, x.shape) };
  return { call: async () => void (await s.run(feeds)), release: () => s.release() };
}

/** Milliseconds per call of each side: `rounds` alternating rounds of `warmup` untimed and `per` timed calls. */
async function time(calls: Record<Side, Call>, rounds: number, per: number, warmup: number): Promise<Record<Side, number[]>> {
  const ms = Object.fromEntries(SIDES.map((s) => [s, [] as number[]])) as Record<Side, number[]>;
  for (let r = 0; r < rounds; r++)
    for (const side of SIDES) {
      for (let i = 0; i < warmup; i++) await calls[side]();
      for (let i = 0; i < per; i++) {
        const t0 = process.hrtime.bigint();
        await calls[side]();
        ms[side].push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }
  return ms;
}

async function main(): Promise<void> {
  const args = startBench('deploy', `but every side runs on one thread; batch 1, onnxruntime-node ${ort.env.versions.common}`);
  torch.setNumThreads(1);
  const [rounds, warmup] = [args.alternations, args.quick ? 3 : 10];
  const per = args.quick ? 10 : Math.ceil(200 / rounds);
  const rows: string[] = [];
  for (const w of WORKLOADS) {
    torch.manualSeed(0);
    const model = w.model().eval();
    const x = torch.rand([1, ...w.input]);
    const float = exportOnnx(model, { inputShape: w.input });
    const int8 = await quantizeOnnx(float.bytes, { calibration: torch.rand([64, ...w.input]) });
    const [fp32, q8] = [await session(float.bytes, x), await session(int8.bytes, x)];
    const calls: Record<Side, Call> = {
      libtorch: () => torch.scope(() => void onnxReference(model, x)),
      'ort fp32': fp32.call,
      'ort int8': q8.call,
    };
    const ms = await time(calls, rounds, per, warmup);
    await Promise.all([fp32.release(), q8.release()]);
    const stat = Object.fromEntries(
      SIDES.map((s) => {
        const sorted = [...ms[s]].sort((a, b) => a - b);
        return [s, { median: quantile(sorted, 0.5), p90: quantile(sorted, 0.9) }];
      }),
    ) as Record<Side, { median: number; p90: number }>;
    const cell = (s: Side): string => `${stat[s].median.toFixed(2)} / ${stat[s].p90.toFixed(2)}`;
    const ratio = (a: Side, b: Side): string => `${(stat[a].median / stat[b].median).toFixed(2)}×`;
    const mb = (n: number): string => (n / 2 ** 20).toFixed(2);
    rows.push(
      `| ${w.name} | ${w.input.join('×')} | ${cell('libtorch')} | ${cell('ort fp32')} | ${cell('ort int8')} | ${ratio('ort fp32', 'libtorch')} | ${ratio('ort int8', 'ort fp32')} | ${ratio('ort int8', 'libtorch')} | ${mb(float.bytes.length)} / ${mb(int8.bytes.length)} |`,
    );
    console.error(`  ${rows[rows.length - 1]}`);
  }
  console.log(`Latency in ms, median / p90 over ${rounds * per} calls per side (batch 1, one thread); ratios of the medians.\n`);
  console.log('| model | input | libtorch | ort fp32 | ort int8 | fp32 / libtorch | int8 / fp32 | int8 / libtorch | MB fp32 / int8 |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

await main();
