/**
 * `selfsup infomin`: the view study of InfoMin (Tian et al. 2020, "What Makes
 * for Good Views for Contrastive Learning?", §3–4). One pretraining option —
 * the knob: patch distance, colour-space split, crop lower bound, jitter
 * strength, a views preset — takes each of a list of values; every setting
 * pretrains the same encoder with the same budget, then gets
 *
 *   - I_NCE = log K − L_NCE on held-out view pairs (the monitor's test images)
 *     under the method's own critic, once per view seed (src/eval/infonce.ts);
 *   - kNN and linear-probe accuracy of its frozen representation (`selfsup eval`).
 *
 * The paper's claim: accuracy against I_NCE is a reverse U, highest where the
 * views share what the task needs and little else. Each setting is a run
 * folder OUT/settings/NN-VALUE (its own resumable pretraining, eval.json and
 * infonce.json); OUT/results.json holds the rows and the reverse-U summary.
 * The knob is applied to the config as written (before defaults), so a value
 * that changes defaults — `method.views.preset` — takes effect.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../torch/index.js';
import { int, parseConfig, section, setRawPath, str, z, type Config } from '../config/schema.js';
import { loadImageSet } from '../data/registry.js';
import { estimateInfoNce, type InfoNceEstimate } from '../eval/infonce.js';
import { writeFileAtomic } from '../io/atomic.js';
import { RunDir } from '../train/run-dir.js';
import { evaluateRun } from './evaluate.js';
import { pretrain, pretrainSchema, resolvePretrain, type PretrainConfig } from './pretrain.js';
import { applyThreads, methodOfRun, peekIn, peekUnder, toInput, type Peek } from './common.js';
import { reverseU, type ReverseU } from '../eval/reverse-u.js';

const knobValue = z.union([z.number(), z.string(), z.boolean(), z.array(z.number())]);
export type KnobValue = z.infer<typeof knobValue>;

export function infominSchema(peek: Peek) {
  return z.strictObject({
    name: str('study name (default: the folder name)'),
    pretrain: pretrainSchema(peekUnder(peek, 'pretrain'))
      .describe('the pretraining every setting shares (method, data, encoder, budget); the knob varies one of its options')
      .prefault({}),
    study: section(
      {
        knob: str('the option varied: a dotted path under pretrain, e.g. method.views.scale', 'method.views.scale'),
        values: z
          .array(knobValue)
          .min(1)
          .default([
            [0.08, 1],
            [0.2, 1],
            [0.5, 1],
          ])
          .describe('the knob’s settings (numbers, strings, booleans or number lists; in the config file)'),
        label: str('the knob’s name in tables and charts (default: its path)'),
      },
      'the knob and its settings',
    ),
    estimate: section(
      {
        k: int('pairs per InfoNCE group: 1 positive + K − 1 negatives; I_NCE ≤ log K', 256, { min: 2, max: 65536 }),
        groups: int('groups of K held-out pairs per seed (0: as many as the test images hold)', 0, { min: 0 }),
        seeds: int('view seeds; the spread of I_NCE over them is reported', 5, { min: 1, max: 100 }),
      },
      'I_NCE = log K − L_NCE on held-out view pairs (pretrain.monitor.test) under the method’s critic',
    ),
    probe: section(
      {
        epochs: int('linear-probe epochs', 100, { min: 1, max: 100000 }),
        limit: int('labelled training images of the probe and the kNN bank (0: all of pretrain.data)', 10000, { min: 0 }),
      },
      'the linear probe and kNN on the frozen representation (train: pretrain.data, test: pretrain.monitor.test)',
    ),
  });
}
export type InfominConfig = Config<ReturnType<typeof infominSchema>>;

/** One setting's results. */
export interface InfominRow {
  index: number;
  /** The value as written (JSON) and its position on the knob axis (number; first element of a list; index of a string). */
  value: KnobValue;
  label: string;
  x: number;
  dir: string;
  steps: number;
  iNce: InfoNceEstimate;
  knnTop1: number;
  linearTop1: number;
}

export interface InfominResults {
  name: string;
  knob: string;
  label: string;
  method: string;
  data: string;
  rows: InfominRow[];
  /** Linear-probe accuracy against I_NCE: is the peak inside the range, and the quadratic fit. */
  reverseU: ReverseU | null;
}

/** `raw` with `path` (dotted) set to `value`, on a copy; a section given as a bare name (`method: simclr`) becomes `{ name }`. */
export function setPath(raw: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  if (path.split('.').some((k) => k === '' || k === '__proto__'))
    throw new RangeError(`study.knob: expected a dotted option path but received "${path}"`);
  const out = structuredClone(raw);
  setRawPath(out, path, structuredClone(value), 'study.knob');
  return out;
}

/** A setting's label and folder name. */
const labelOf = (v: KnobValue): string => (Array.isArray(v) ? v.join('-') : String(v));
const slug = (i: number, v: KnobValue): string => `${String(i).padStart(2, '0')}-${labelOf(v).replace(/[^A-Za-z0-9.+-]+/g, '_')}`;

/** Positions of the values on the knob axis: numbers as they are, lists by their first element, other values by index. */
function axis(values: KnobValue[]): number[] {
  return values.map((v, i) => (typeof v === 'number' ? v : Array.isArray(v) && v.length ? v[0] : i));
}

/** The study's config as written (OUT/study.json keeps it, so --resume replays the same settings). */
interface Saved {
  raw: Record<string, unknown>;
}

/**
 * Runs (or continues) the study in `out`. `raw`: the config as written (file
 * and flags, before defaults); ignored with `resume`, which reads OUT/study.json.
 * Returns null when a pretraining was interrupted (Ctrl-C).
 */
export async function runInfomin(
  raw: Record<string, unknown>,
  out: string,
  o: { resume?: boolean; log?: (line: string) => void } = {},
): Promise<InfominResults | null> {
  const log = o.log ?? ((l: string) => console.error(l));
  const run = new RunDir(out, { resume: o.resume });
  if (o.resume && !existsSync(run.path('study.json')))
    throw new Error(
      `--resume: ${run.dir} has no study.json (not a \`selfsup infomin\` study, or it was stopped before its first setting): start it again`,
    );
  const written = o.resume ? (JSON.parse(readFileSync(run.path('study.json'), 'utf8')) as Saved).raw : raw;
  const config = parseConfig(infominSchema(peekIn(written)), written, o.resume ? join(out, 'study.json') : 'config');
  applyThreads(config.pretrain.threads);
  const { knob, values } = config.study;
  const base = (written.pretrain ?? {}) as Record<string, unknown>;
  // Every setting is checked before the first one starts.
  const settings = values.map((value, i) => {
    const rawSetting = setPath(base, knob, value);
    const c = resolvePretrain(rawSetting, `setting ${i} (${knob} = ${JSON.stringify(value)})`);
    return { value, raw: rawSetting, config: c, dir: join(run.dir, 'settings', slug(i, value)) };
  });
  const name = config.name ?? run.name;
  if (!o.resume) {
    run.writeConfig({ ...config, name, command: 'infomin' });
    writeFileAtomic(run.path('study.json'), JSON.stringify({ raw: written } satisfies Saved, null, 1) + '\n', 'infomin');
  }
  const xs = axis(values);
  const rows: InfominRow[] = [];
  for (const [i, s] of settings.entries()) {
    const label = labelOf(s.value);
    if (!existsSync(join(s.dir, 'encoder.safetensors'))) {
      log(`infomin: setting ${i + 1}/${settings.length}: ${knob} = ${label}: pretraining`);
      const r = await pretrain({ ...s.raw, name: label }, s.dir, { resume: existsSync(join(s.dir, 'config.json')) });
      if (r.interrupted) return null;
    }
    const iNce = await estimateSetting(s.dir, s.config, config.estimate, log, label);
    const { knnTop1, linearTop1 } = await probeSetting(s.dir, s.config, config.probe, log, label);
    const steps = Number(
      new RunDir(s.dir, { resume: true })
        .events()
        .filter((e) => e.event === 'end')
        .at(-1)?.step ?? 0,
    );
    rows.push({ index: i, value: s.value, label, x: xs[i], dir: s.dir, steps, iNce, knnTop1, linearTop1 });
    log(
      `infomin: ${knob} = ${label}: I_NCE ${iNce.mean.toFixed(3)} ± ${iNce.std.toFixed(3)} nats (K ${iNce.k}), kNN ${(100 * knnTop1).toFixed(1)} %, linear ${(100 * linearTop1).toFixed(1)} %`,
    );
  }
  const results: InfominResults = {
    name,
    knob,
    label: config.study.label ?? knob,
    method: config.pretrain.method.name,
    data: config.pretrain.data.name,
    rows,
    reverseU: new Set(rows.map((r) => r.iNce.mean)).size >= 3 ? reverseU(rows.map((r) => [r.iNce.mean, r.linearTop1])) : null,
  };
  writeFileAtomic(run.path('results.json'), JSON.stringify(results, null, 1) + '\n', 'infomin');
  return results;
}

/** I_NCE of a finished setting (cached in its infonce.json). */
async function estimateSetting(
  dir: string,
  c: PretrainConfig,
  o: InfominConfig['estimate'],
  log: (l: string) => void,
  label: string,
): Promise<InfoNceEstimate> {
  const path = join(dir, 'infonce.json');
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as InfoNceEstimate;
  log(`infomin: ${label}: estimating I_NCE`);
  const model = methodOfRun(dir);
  const critic = model.pairScores?.bind(model);
  if (!critic)
    throw new Error(`infomin: ${c.method.name} has no InfoNCE critic to estimate I_NCE with; use a contrastive method (simclr, mocov3)`);
  const { images } = await loadImageSet(c.monitor.test); // uint8 [N, C, H, W]
  const n = images.shape[0];
  const k = Math.min(o.k, n);
  const groups = o.groups || Math.floor(n / k);
  if (k < 2 || groups * k > n)
    throw new RangeError(`infomin estimate: ${groups} groups of K = ${k} pairs need ${groups * k} test images but monitor.test has ${n}`);
  const e = torch.noGrad(() =>
    estimateInfoNce(
      (start, seed) =>
        torch.scope(() => {
          const x = toInput(images.narrow(0, start, k));
          const [a, b] = model.views({ images: x, partners: x }, new torch.Generator(seed * 1_000_003 + start));
          return critic(a, b); // [K, K]
        }),
      { k, groups, seeds: Array.from({ length: o.seeds }, (_, s) => s) },
    ),
  );
  writeFileAtomic(path, JSON.stringify(e, null, 1) + '\n', 'infomin');
  return e;
}

/** kNN and linear-probe top-1 of a finished setting's representation (cached in its eval.json by `selfsup eval`). */
async function probeSetting(
  dir: string,
  c: PretrainConfig,
  o: InfominConfig['probe'],
  log: (l: string) => void,
  label: string,
): Promise<{ knnTop1: number; linearTop1: number }> {
  const path = join(dir, 'eval.json');
  let events: Record<string, unknown>[];
  if (existsSync(path)) events = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>[];
  else {
    log(`infomin: ${label}: kNN and linear probe`);
    const data = o.limit > 0 ? { ...c.data, limit: Math.min(o.limit, c.data.limit ?? Infinity) } : c.data;
    events = await evaluateRun(dir, {
      seed: c.seed,
      threads: c.threads,
      data,
      test: c.monitor.test,
      fractions: [1],
      k: c.monitor.k,
      knnTemperature: c.monitor.temperature,
      probeEpochs: o.epochs,
    });
  }
  const top1 = (kind: string): number => {
    const e = events.find((v) => v.kind === kind && v.split === 'test');
    if (typeof e?.top1 !== 'number') throw new Error(`infomin: ${path} has no ${kind} result on the test split`);
    return e.top1;
  };
  return { knnTop1: top1('knn'), linearTop1: top1('linear') };
}
