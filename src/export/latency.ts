/**
 * Deployment latency in onnxruntime-node, bench/deploy's protocol: batch 1,
 * one thread, warm — a session on one intra-op and one inter-op thread with
 * every graph optimization, timed calls alternating between the sides compared
 * so a shared machine's load hits all alike, the median and 90th percentile of
 * the milliseconds per call. `studentLatency` times a FRILL student (Peplinski
 * et al. 2021, who time theirs per clip in TFLite on a phone) per 1 s clip —
 * one 96 × 64 log-mel window — in fp32 and, for a quantization-aware student,
 * int8 (its learned QDQ bottleneck, the rest calibrated: ./onnx/quantize.ts);
 * `windowLatency` times any network on such windows at a layer (FRILL's teacher).
 */
import * as ort from 'onnxruntime-node';
import * as torch from '../torch/index.js';
import { int, within } from '../torch/check.js';
import type { Latency } from '../eval/latency.js';
import { TRILL_WINDOW } from '../models/trill.js';
import type { FrillNet } from '../models/frill.js';
import type { Module } from '../nn/index.js';
import { exportOnnx, quantizeOnnx } from './onnx/index.js';
import { ortFeeds, type Inputs } from './onnx/feeds.js';

/** One call of a side: resolves when its output is computed. */
export type Call = () => Promise<void> | void;

/**
 * A side that times its own calls where they run (bench/deploy's browser rows,
 * timed inside the page): one round of `warmup` untimed then `per` timed calls,
 * resolving to the timed calls' milliseconds.
 */
export interface SelfTimed {
  round: (warmup: number, per: number) => Promise<number[]>;
}

/** How many calls are timed: `rounds` rounds in which each side makes `warmup` untimed then `per` timed calls. */
export interface Timing {
  rounds: number;
  per: number;
  warmup: number;
}

/** bench/deploy's full protocol: 3 rounds of 67 timed calls after 10 untimed ones, 201 per side. */
export const DEPLOY_TIMING: Timing = { rounds: 3, per: 67, warmup: 10 };

/** An onnxruntime-node session of ONNX `bytes` (one thread, sequential) and a call that runs it on x (see `ortFeeds`). */
export async function ortCall(bytes: Uint8Array, x: Inputs): Promise<{ call: Call; release: () => Promise<void> }> {
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  const feeds = ortFeeds(s.inputNames, x);
  return { call: async () => void (await s.run(feeds)), release: () => s.release() };
}

/** Milliseconds of each timed call of each side of `calls` (see `Timing`), the sides taking turns within each round. */
export async function timeCalls<S extends string>(
  calls: Record<S, Call | SelfTimed>,
  t: Timing = DEPLOY_TIMING,
): Promise<Record<S, number[]>> {
  within('timeCalls', () => {
    int(t.rounds, 'rounds', 1);
    int(t.per, 'per', 1);
    int(t.warmup, 'warmup', 0);
  });
  const sides = Object.keys(calls) as S[];
  const ms = Object.fromEntries(sides.map((s) => [s, [] as number[]])) as Record<S, number[]>;
  for (let r = 0; r < t.rounds; r++)
    for (const side of sides) {
      const call = calls[side];
      if (typeof call !== 'function') {
        const got = await call.round(t.warmup, t.per);
        if (got.length !== t.per) throw new Error(`timeCalls: expected ${t.per} timings from ${side} but received ${got.length}`);
        ms[side].push(...got);
        continue;
      }
      for (let i = 0; i < t.warmup; i++) await call();
      for (let i = 0; i < t.per; i++) {
        const t0 = process.hrtime.bigint();
        await call();
        ms[side].push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }
  return ms;
}

/** The median and 90th percentile of one side's milliseconds per call, on one thread. */
export function summarize(ms: number[]): Latency {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { medianMs: at(0.5), p90Ms: at(0.9), runs: sorted.length, threads: 1 };
}

export interface StudentLatency {
  /** The exported fp32 embedding ("distilled_output"). */
  fp32: Latency;
  /** The int8 QDQ model; only with `int8` (default: for QAT students). */
  int8?: Latency;
  /** The ONNX files' sizes in bytes. */
  bytes: { fp32: number; int8?: number };
}

/**
 * A FRILL student's latency per 1 s clip — one 96 × 64 log-mel window, batch 1,
 * one thread — in onnxruntime-node: its embedding exported in fp32 and, with
 * `int8` (default: the student is QAT), quantized on `calibration` windows
 * [N, 1, 96, 64] (default 64 random ones: latency does not depend on them).
 * `net` in eval mode; a QAT student's output range set.
 */
export function studentLatency(
  net: FrillNet,
  o: { int8?: boolean; calibration?: torch.Tensor; timing?: Timing } = {},
): Promise<StudentLatency> {
  return windowLatency(net, { ...o, int8: o.int8 ?? net.options.qat });
}

/**
 * `studentLatency` of any network on 96 × 64 log-mel windows read at `layer`
 * (default: its export default) — a FRILL student, or its TRILL teacher.
 */
export async function windowLatency(
  net: Module,
  o: { layer?: string; int8: boolean; calibration?: torch.Tensor; timing?: Timing },
): Promise<StudentLatency> {
  const shape = [1, TRILL_WINDOW.frames, TRILL_WINDOW.mels];
  const { int8, layer, timing = DEPLOY_TIMING } = o;
  const x = torch.randn([1, ...shape]);
  const calibration = int8 ? (o.calibration ?? torch.randn([64, ...shape])) : undefined;
  const sessions: Record<string, { call: Call; release: () => Promise<void> }> = {};
  try {
    const fp32 = exportOnnx(net, { inputShape: shape, layer }).bytes;
    const q8 = calibration && (await quantizeOnnx(fp32, { calibration })).bytes;
    sessions.fp32 = await ortCall(fp32, x);
    if (q8) sessions.int8 = await ortCall(q8, x);
    const ms = await timeCalls(Object.fromEntries(Object.entries(sessions).map(([k, s]) => [k, s.call])), timing);
    return {
      fp32: summarize(ms.fp32),
      ...(q8 && { int8: summarize(ms.int8) }),
      bytes: { fp32: fp32.length, ...(q8 && { int8: q8.length }) },
    };
  } finally {
    await Promise.all(Object.values(sessions).map((s) => s.release()));
    x.dispose();
    if (calibration !== o.calibration) calibration?.dispose();
  }
}
