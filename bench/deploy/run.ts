/**
 * bench/deploy: inference latency of the networks selfsup trains, as deployed:
 *
 *   npm run bench:deploy [-- --quick] [-- --only NAME]
 *
 * Batch 1, one thread, warm: selfsup on libtorch (eval mode under noGrad),
 * onnxruntime-node fp32 (the `exportOnnx` file) and int8 (`quantizeOnnx`, QDQ,
 * fused by onnxruntime into QLinearConv), each session with one intra-op and
 * one inter-op thread and all graph optimizations, and the same two files in
 * onnxruntime-web in headless Chromium (wasm, one thread, SIMD: ./web.ts).
 * ResNet-18 and MobileNetV3-Small encoders at 32 × 32 (ResNet's small-image
 * stem) and 224 × 224 (ImageNet stem), TrillNet's embedding on a 96 × 64 log-mel
 * window, FRILL students' embedding "distilled_output" (tiny, small, large at
 * widths 1 and 2, bottleneck 512, with and without QAT — its int8 keeps the
 * learned QDQ bottleneck) per 1 s clip, one window, and the BERT-style text
 * encoder at ELECTRA-Small's size on 128 tokens (last hidden states and their
 * mean; its int8 quantizes the MatMuls by weights; onnxruntime-node only: the
 * page feeds float inputs). Weights are random, a QAT
 * range is set to [−4, 4], and the int8 models are calibrated on 64 random
 * inputs (latency depends on none of them). Each model has a row per runtime
 * (onnxruntime-node, onnxruntime-web), beside the same libtorch timing;
 * `--only NAME` (repeatable) keeps the rows whose model name or runtime
 * contains every NAME (e.g. `--only FRILL --only web`). Without Chromium the web
 * rows are skipped and the run says why. The sides alternate in 3 rounds (1
 * with --quick) of 67 timed calls (10) after 10 untimed ones (3), so a shared
 * machine's load hits all alike (src/export/latency.ts); the table gives each
 * side's median and 90th percentile over all 201 calls, the ratios of the
 * medians, and the file sizes.
 */
import * as ort from 'onnxruntime-node';
import { torch } from '../../src/index.js';
import type { Module } from '../../src/nn/index.js';
import { createEncoder } from '../../src/models/encoders.js';
import { TrillNet } from '../../src/models/trill.js';
import { FrillNet } from '../../src/models/frill.js';
import type { MobileNetV3Arch } from '../../src/models/mobilenetv3.js';
import { Bert, attentionMaskOf, type BertConfig } from '../../src/models/bert.js';
import { exportOnnx, onnxReference, quantizeOnnx, type Inputs } from '../../src/export/onnx/index.js';
import { ortCall, summarize, timeCalls, type Call, type SelfTimed } from '../../src/export/latency.js';
import type { Latency } from '../../src/eval/latency.js';
import { chromiumMissing } from '../browser.js';
import { startBench } from '../common.js';
import { withBrowser, type Browser } from './web.js';

interface Workload {
  name: string;
  input: number[];
  model: () => Module;
  /** A text encoder's inputs by name (ids and an all-ones mask [n, T], input [T]) instead of x ~ U(0, 1) [n, …input]. */
  text?: boolean;
}

/** The text encoder at ELECTRA-Small's size, selfsup's default (H 256, E 128, 12 layers, 4 heads, FF 1024, 8,000 tokens). */
const ELECTRA_SMALL: BertConfig = {
  vocabSize: 8000,
  hiddenSize: 256,
  embeddingSize: 128,
  numLayers: 12,
  numHeads: 4,
  intermediateSize: 1024,
  maxPositions: 128,
};

const WORKLOADS: Workload[] = [
  { name: 'ResNet-18, small stem', input: [3, 32, 32], model: () => createEncoder({ arch: 'resnet18', smallStem: true }) },
  { name: 'ResNet-18', input: [3, 224, 224], model: () => createEncoder({ arch: 'resnet18', smallStem: false }) },
  { name: 'MobileNetV3-Small', input: [3, 32, 32], model: () => createEncoder({ arch: 'mobilenetV3Small' }) },
  { name: 'MobileNetV3-Small', input: [3, 224, 224], model: () => createEncoder({ arch: 'mobilenetV3Small' }) },
  { name: 'TrillNet w16, embedding', input: [1, 96, 64], model: () => new TrillNet({ width: 16 }) },
  { name: 'TrillNet w64, embedding', input: [1, 96, 64], model: () => new TrillNet({ width: 64 }) },
  { name: 'BERT encoder, ELECTRA-Small size', input: [128], model: () => new Bert(ELECTRA_SMALL), text: true },
  ...(['tiny', 'small', 'large'] as const).flatMap((size) =>
    [1, 2].flatMap((width) => [false, true].map((qat) => frillWorkload(size, width, qat))),
  ),
];

/** A FRILL student's embedding "distilled_output" (bottleneck 512); with QAT, its output range set to [−4, 4]. */
function frillWorkload(size: MobileNetV3Arch, widthMultiplier: number, qat: boolean): Workload {
  const model = (): Module => {
    const net = new FrillNet({ size, widthMultiplier, globalPool: true, bottleneck: 512, rank: 0, qat, targetDim: 512 });
    if (qat) net.distilled.outputQuant!.range.copy_(torch.tensor([-4, 4]));
    return net;
  };
  return { name: `FRILL ${size} α${widthMultiplier}${qat ? ', QAT' : ''}`, input: [1, 96, 64], model };
}

const RUNTIMES = { node: 'onnxruntime-node', web: 'onnxruntime-web' } as const;
type Runtime = keyof typeof RUNTIMES;
type Side = 'libtorch' | `${Runtime} ${'fp32' | 'int8'}`;

/** The rows `--only` keeps (each given NAME in the model's name or the runtime's) by model, Chromium's absence dropping the web ones. */
function selectRows(argv: string[]): { rows: [Workload, Runtime[]][]; skipped?: string } {
  const only = argv.filter((_, i) => argv[i - 1] === '--only');
  if (argv[argv.length - 1] === '--only') throw new Error('bench/deploy --only: expected a NAME after it but received nothing');
  const rows = WORKLOADS.map((w): [Workload, Runtime[]] => [
    w,
    (Object.keys(RUNTIMES) as Runtime[]).filter(
      (r) => (r === 'node' || !w.text) && only.every((n) => `${w.name} ${RUNTIMES[r]}`.includes(n)),
    ),
  ]);
  if (rows.every(([, rs]) => rs.length === 0))
    throw new Error(`bench/deploy --only: expected names found in a model's name or runtime but received ${JSON.stringify(only)}`);
  const skipped = rows.some(([, rs]) => rs.includes('web')) ? chromiumMissing() : undefined;
  const kept = rows.map(([w, rs]): [Workload, Runtime[]] => [w, rs.filter((r) => r !== 'web' || !skipped)]);
  return { rows: kept.filter(([, rs]) => rs.length > 0), skipped };
}

/** `n` inputs of workload `w`: x ~ U(0, 1) [n, …input], or a text encoder's random ids of real tokens (≥ 5, past the specials) and all-ones mask, int64 [n, T]. */
function inputsOf(w: Workload, n: number): Inputs {
  if (!w.text) return torch.rand([n, ...w.input]);
  const ids = torch.randint(5, ELECTRA_SMALL.vocabSize, [n, w.input[0]], { dtype: 'int64' });
  return { input_ids: ids, attention_mask: attentionMaskOf(ids) };
}

async function main(): Promise<void> {
  const args = startBench('deploy', `but every side runs on one thread; batch 1, onnxruntime-node ${ort.env.versions.common}`);
  torch.setNumThreads(1);
  const [rounds, warmup] = [args.alternations, args.quick ? 3 : 10];
  const per = args.quick ? 10 : Math.ceil(200 / rounds);
  const { rows: selected, skipped } = selectRows(process.argv);
  if (skipped) console.error(`bench/deploy: the onnxruntime-web rows are skipped: ${skipped}`);
  const table: string[] = [];
  const measure = async (browser?: Browser): Promise<void> => {
    if (browser) console.error(`bench/deploy: ${browser.about}`);
    for (const [w, runtimes] of selected) {
      torch.manualSeed(0);
      const model = w.model().eval();
      const x = inputsOf(w, 1);
      const float = exportOnnx(model, { inputShape: w.input });
      const int8 = await quantizeOnnx(float.bytes, { calibration: inputsOf(w, 64) });
      const calls: Partial<Record<Side, Call | SelfTimed>> = { libtorch: () => torch.scope(() => void onnxReference(model, x)) };
      const releases: (() => Promise<void>)[] = [];
      if (runtimes.includes('node')) {
        const [fp32, q8] = [await ortCall(float.bytes, x), await ortCall(int8.bytes, x)];
        Object.assign(calls, { 'node fp32': fp32.call, 'node int8': q8.call });
        releases.push(fp32.release, q8.release);
      }
      if (runtimes.includes('web')) {
        const web = await browser!.load(
          { 'web fp32': float.bytes, 'web int8': int8.bytes },
          (x as torch.Tensor).contiguous().data() as Float32Array,
          (x as torch.Tensor).shape,
        );
        Object.assign(calls, web.sides);
        releases.push(web.release);
      }
      const ms = await timeCalls(calls as Record<Side, Call | SelfTimed>, { rounds, per, warmup });
      await Promise.all(releases.map((r) => r()));
      const stat = Object.fromEntries(Object.entries(ms).map(([s, t]) => [s, summarize(t)])) as Record<Side, Latency>;
      const cell = (s: Side): string => `${stat[s].medianMs.toFixed(2)} / ${stat[s].p90Ms.toFixed(2)}`;
      const ratio = (a: Side, b: Side): string => `${(stat[a].medianMs / stat[b].medianMs).toFixed(2)}×`;
      const mb = (n: number): string => (n / 2 ** 20).toFixed(2);
      for (const r of runtimes) {
        const [f, q] = [`${r} fp32`, `${r} int8`] as const;
        table.push(
          `| ${w.name} | ${w.text ? `${w.input[0]} tokens` : w.input.join('×')} | ${RUNTIMES[r]} | ${cell('libtorch')} | ${cell(f)} | ${cell(q)} | ${ratio(f, 'libtorch')} | ${ratio(q, f)} | ${ratio(q, 'libtorch')} | ${mb(float.bytes.length)} / ${mb(int8.bytes.length)} |`,
        );
        console.error(`  ${table[table.length - 1]}`);
      }
    }
  };
  await (selected.some(([, rs]) => rs.includes('web')) ? withBrowser(measure) : measure());
  console.log(`Latency in ms, median / p90 over ${rounds * per} calls per side (batch 1, one thread); ratios of the medians.\n`);
  console.log('| model | input | runtime | libtorch | fp32 | int8 | fp32 / libtorch | int8 / fp32 | int8 / libtorch | MB fp32 / int8 |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of table) console.log(r);
  if (skipped) console.log(`\nThe onnxruntime-web rows are skipped: ${skipped}.`);
}

await main();
