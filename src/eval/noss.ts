/**
 * The non-semantic speech benchmark's evaluation (Shor et al. 2020, "Towards
 * Learning a Universal Non-Semantic Representation of Speech", §4, and its
 * eval_embedding/sklearn code): utterance embeddings go through a grid of
 * classifiers (CLASSIFIERS) × L2 normalisation on/off × per-speaker
 * normalisation on/off (only when every clip has a speaker id; speaker
 * normalisation first, then L2); each configuration trains on the train split,
 * the one with the best validation accuracy (the first in grid order on a tie)
 * is scored on test. Intra-speaker tasks run the grid within each speaker and
 * average the accuracies over speakers; one configuration is chosen for all.
 * Classes are those of the training clips; a test clip of another class counts as an error.
 */
import * as torch from '../torch/index.js';
import { CLASSIFIERS, l2Normalize, speakerNormalize } from './classical/index.js';

type Split = 'train' | 'validation' | 'test';
const SPLITS: readonly Split[] = ['train', 'validation', 'test'];

export interface TaskEmbeddings {
  task: string;
  intraSpeaker: boolean;
  /** [N·D] row-major utterance embeddings. */
  x: Float32Array;
  dim: number;
  labels: string[];
  speakers: string[];
  splits: Split[];
}

export interface TaskConfig {
  classifier: string;
  l2: boolean;
  speakerNorm: boolean;
}

export interface TaskScore {
  task: string;
  /** Test accuracy in [0, 1] of the chosen configuration. */
  accuracy: number;
  /** Its validation accuracy. */
  validation: number;
  config: TaskConfig;
  /** Test recall averaged over the test classes. */
  balancedAccuracy: number;
  /** Intra-speaker tasks: how many speakers were averaged. */
  speakers?: number;
}

/** Rows of one split-set: indices into the task and their labels. */
interface Group {
  name: string;
  rows: Record<Split, number[]>;
}

/** Checks the fields' lengths and values; returns N. */
function checkTask(t: TaskEmbeddings): number {
  const where = `scoreTask(${t?.task})`;
  if (!(t?.x instanceof Float32Array)) throw new TypeError(`${where}: expected x to be a Float32Array`);
  if (!Number.isInteger(t.dim) || t.dim < 1) throw new RangeError(`${where}: expected dim to be a positive integer but received ${t.dim}`);
  if (t.x.length % t.dim !== 0)
    throw new RangeError(`${where}: expected x of length N·dim (dim ${t.dim}) but received length ${t.x.length}`);
  const n = t.x.length / t.dim;
  for (const field of ['labels', 'speakers', 'splits'] as const)
    if (!Array.isArray(t[field]) || t[field].length !== n)
      throw new RangeError(`${where}: expected ${field} of length N = ${n} (x is [${n}, ${t.dim}]) but received ${t[field]?.length}`);
  const bad = t.x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new RangeError(
      `${where}: expected finite x but row ${Math.floor(bad / t.dim)} (clip ${Math.floor(bad / t.dim)}, feature ${bad % t.dim}) is ${t.x[bad]}`,
    );
  const split = t.splits.findIndex((s) => !SPLITS.includes(s));
  if (split >= 0)
    throw new RangeError(`${where}: expected splits of ${SPLITS.join(' | ')} but splits[${split}] is ${String(t.splits[split])}`);
  return n;
}

/** The train/validation/test groups: the whole task, or one per speaker for intra-speaker tasks. */
function groups(t: TaskEmbeddings, n: number): Group[] {
  const byName = new Map<string, Group>();
  for (let i = 0; i < n; i++) {
    const name = t.intraSpeaker ? t.speakers[i] : '';
    if (!byName.has(name)) byName.set(name, { name, rows: { train: [], validation: [], test: [] } });
    byName.get(name)!.rows[t.splits[i]].push(i);
  }
  for (const g of byName.values()) {
    const who = t.intraSpeaker ? ` for speaker ${g.name}` : '';
    for (const s of SPLITS)
      if (g.rows[s].length === 0) throw new RangeError(`scoreTask(${t.task}): expected ${s} clips${who} but the ${s} split is empty`);
    if (new Set(g.rows.train.map((i) => t.labels[i])).size < 2)
      throw new RangeError(
        `scoreTask(${t.task}): expected at least 2 classes among the train labels${who} but received 1 (${t.labels[g.rows.train[0]]})`,
      );
  }
  return [...byName.values()];
}

/** Accuracy and balanced accuracy (mean recall over the classes present in truth). */
function accuracies(pred: Int32Array, truth: number[]): { accuracy: number; balanced: number } {
  const hits = new Map<number, [number, number]>();
  let correct = 0;
  truth.forEach((c, i) => {
    const h = hits.get(c) ?? [0, 0];
    h[0] += Number(pred[i] === c);
    h[1]++;
    hits.set(c, h);
    correct += Number(pred[i] === c);
  });
  const recalls = [...hits.values()].map(([a, b]) => a / b);
  return { accuracy: correct / truth.length, balanced: recalls.reduce((a, b) => a + b, 0) / recalls.length };
}

/** Validation and test accuracies of one classifier on one group's rows of x [N, D]. */
function scoreGroup(x: torch.Tensor, labels: string[], g: Group, classifier: string, seed: number) {
  return torch.scope(() => {
    const classes = [...new Set(g.rows.train.map((i) => labels[i]))].sort();
    const index = new Map(classes.map((c, j) => [c, j]));
    const take = (s: Split) => x.indexSelect(0, torch.tensor(Float64Array.from(g.rows[s]), { dtype: 'int64' }));
    const codes = (s: Split) => g.rows[s].map((i) => index.get(labels[i]) ?? -1);
    const model = CLASSIFIERS[classifier](take('train'), Int32Array.from(codes('train')), classes.length, seed);
    return {
      validation: accuracies(model.predict(take('validation')), codes('validation')),
      test: accuracies(model.predict(take('test')), codes('test')),
    };
  });
}

/**
 * Scores one task's embeddings by the benchmark's grid (see the file comment).
 * `classifiers` defaults to all of CLASSIFIERS; `seed` (default 0) seeds the forests.
 */
export function scoreTask(t: TaskEmbeddings, o: { classifiers?: string[]; seed?: number } = {}): TaskScore {
  const { classifiers = Object.keys(CLASSIFIERS), seed = 0 } = o;
  const n = checkTask(t);
  for (const c of classifiers)
    if (!(c in CLASSIFIERS))
      throw new RangeError(`scoreTask(${t.task}): expected a classifier among ${Object.keys(CLASSIFIERS).join(', ')} but received ${c}`);
  if (classifiers.length === 0) throw new RangeError(`scoreTask(${t.task}): expected at least one classifier`);
  const parts = groups(t, n);
  const hasSpeakers = t.speakers.every((s) => typeof s === 'string' && s !== '');
  let best: (TaskScore & { config: TaskConfig }) | null = null;
  for (const speakerNorm of hasSpeakers ? [false, true] : [false])
    for (const l2 of [false, true]) {
      const data = Float64Array.from(t.x);
      if (speakerNorm) speakerNormalize(data, t.dim, t.speakers);
      if (l2) l2Normalize(data, t.dim);
      const x = torch.tensor(data, { dtype: 'float64', shape: [n, t.dim] });
      for (const classifier of classifiers) {
        const scores = parts.map((g) => scoreGroup(x, t.labels, g, classifier, seed));
        const mean = (f: (s: (typeof scores)[number]) => number) => scores.reduce((a, s) => a + f(s), 0) / scores.length;
        const validation = mean((s) => s.validation.accuracy);
        if (best && validation <= best.validation) continue;
        best = {
          task: t.task,
          accuracy: mean((s) => s.test.accuracy),
          validation,
          config: { classifier, l2, speakerNorm },
          balancedAccuracy: mean((s) => s.test.balanced),
          ...(t.intraSpeaker ? { speakers: parts.length } : {}),
        };
      }
      x.dispose();
    }
  return best!;
}
