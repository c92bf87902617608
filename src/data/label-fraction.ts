/**
 * Label-fraction subsets for semi-supervised evaluation (as in SimCLR, Chen et
 * al. 2020, §6: fine-tuning on 1 % and 10 % of the labels, class-balanced): from
 * each class c with n_c examples, k_c = max(1, round(fraction · n_c)) examples
 * are chosen by a seeded generator. Subsets are saved as JSON index files
 * (written atomically) so that every run is compared on the same labels.
 */
import { readFileSync } from 'node:fs';
import * as torch from '../torch/index.js';
import { int } from '../torch/check.js';
import { permutation } from './samplers.js';
import { writeFileAtomic } from '../io/atomic.js';

export interface LabelSubset {
  /** Fraction of each class kept, 0 < fraction ≤ 1. */
  fraction: number;
  seed: number;
  /** Size of the dataset the indices point into. */
  numExamples: number;
  /** Kept examples per class label. */
  counts: Record<string, number>;
  /** Indices of the kept examples, ascending. */
  indices: number[];
}

const FORMAT = 'selfsup.label-subset/1';

/** Labels as plain integers: from an array, a typed array or a [N] integer tensor. */
function labelList(labels: ArrayLike<number> | torch.Tensor): number[] {
  if (labels instanceof torch.Tensor) {
    if (labels.shape.length !== 1) throw new RangeError(`labelFraction: expected labels of shape [N] but received [${labels.shape}]`);
    return Array.from(labels.data() as ArrayLike<number | bigint>, Number);
  }
  return Array.from(labels);
}

/** Chooses a stratified subset of `labels` ([N] class indices; see the module comment). */
export function labelFraction(labels: ArrayLike<number> | torch.Tensor, fraction: number, seed: number): LabelSubset {
  if (!(typeof fraction === 'number' && fraction > 0 && fraction <= 1))
    throw new RangeError(`labelFraction: expected a fraction in (0, 1] but received ${String(fraction)}`);
  int(seed, 'seed', 0);
  const ys = labelList(labels);
  const byClass = new Map<number, number[]>();
  ys.forEach((y, i) => {
    if (!(Number.isInteger(y) && y >= 0))
      throw new RangeError(`labelFraction: label ${i} is ${y}; expected a non-negative integer class index`);
    let list = byClass.get(y);
    if (!list) byClass.set(y, (list = []));
    list.push(i);
  });
  const generator = new torch.Generator(seed);
  const counts: Record<string, number> = {};
  const indices: number[] = [];
  for (const y of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(y)!;
    const k = Math.min(members.length, Math.max(1, Math.round(fraction * members.length)));
    for (const j of permutation(members.length, generator).slice(0, k)) indices.push(members[j]);
    counts[y] = k;
  }
  return { fraction, seed, numExamples: ys.length, counts, indices: indices.sort((a, b) => a - b) };
}

/** Writes `subset` as a JSON index file (atomically: temp file + rename). */
export function saveLabelSubset(path: string, subset: LabelSubset): void {
  const body = {
    format: FORMAT,
    fraction: subset.fraction,
    seed: subset.seed,
    numExamples: subset.numExamples,
    counts: subset.counts,
    indices: subset.indices,
  };
  writeFileAtomic(path, `${JSON.stringify(body)}\n`, 'label subset');
}

/**
 * Reads an index file written by `saveLabelSubset`, checking its structure and,
 * when given, that it was made for a dataset of `expect.numExamples` items with
 * the expected fraction and seed. Errors name the file and the field.
 */
export function loadLabelSubset(path: string, expect: Partial<Pick<LabelSubset, 'numExamples' | 'fraction' | 'seed'>> = {}): LabelSubset {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`label subset ${path}: cannot read: ${(e as Error).message}`);
  }
  const fail = (what: string): never => {
    throw new Error(`label subset ${path}: ${what}`);
  };
  if (v === null || typeof v !== 'object' || v.format !== FORMAT) fail(`not a label-subset index file (expected "format": "${FORMAT}")`);
  const { fraction, seed, numExamples, counts, indices } = v as unknown as LabelSubset;
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction <= 1))
    fail(`field "fraction" must be in (0, 1] but is ${JSON.stringify(fraction)}`);
  if (!Number.isInteger(seed) || seed < 0) fail(`field "seed" must be a non-negative integer but is ${JSON.stringify(seed)}`);
  if (!Number.isInteger(numExamples) || numExamples < 0)
    fail(`field "numExamples" must be a non-negative integer but is ${JSON.stringify(numExamples)}`);
  if (counts === null || typeof counts !== 'object') fail(`field "counts" must be an object`);
  if (!Array.isArray(indices)) fail(`field "indices" must be an array`);
  indices.forEach((i, k) => {
    if (!Number.isInteger(i) || i < 0 || i >= numExamples || (k > 0 && i <= indices[k - 1]))
      fail(`field "indices": entry ${k} is ${JSON.stringify(i)}; expected ascending unique indices in [0, ${numExamples})`);
  });
  const total = Object.values(counts).reduce((a: number, c) => a + Number(c), 0);
  if (total !== indices.length) fail(`field "counts" sums to ${total} but "indices" has ${indices.length} entries`);
  for (const key of ['numExamples', 'fraction', 'seed'] as const)
    if (expect[key] !== undefined && expect[key] !== v[key])
      fail(`made for ${key} ${JSON.stringify(v[key])} but ${JSON.stringify(expect[key])} was expected`);
  return { fraction, seed, numExamples, counts, indices };
}
