/**
 * Seeded, stratified splitting and subsampling of labelled examples. Splits are
 * made over groups (a document, a speech, an email) so that no group has
 * examples on both sides; every group has one label, and each label's groups
 * are split in proportion. Random choices draw from a `torch.Generator`.
 */
import * as torch from '../torch/index.js';
import { int } from '../torch/check.js';
import { permutation } from './samplers.js';

/** Indices of `labels` by label, labels ascending. */
function byLabel(labels: readonly number[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  labels.forEach((y, i) => {
    let list = out.get(y);
    if (!list) out.set(y, (list = []));
    list.push(i);
  });
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

/**
 * Splits groups into train and test: of each label's n groups, max(1, round(testFraction · n))
 * go to test (none when n = 1). `groups[i]` / `labels[i]` describe item i; returns item indices.
 */
export function groupSplit(
  groups: readonly string[],
  labels: readonly number[],
  testFraction: number,
  seed: number,
): { train: number[]; test: number[] } {
  if (groups.length !== labels.length)
    throw new RangeError(`groupSplit: expected as many labels as groups but received ${labels.length} and ${groups.length}`);
  if (!(testFraction > 0 && testFraction < 1))
    throw new RangeError(`groupSplit: expected a testFraction in (0, 1) but received ${testFraction}`);
  int(seed, 'seed', 0);
  const groupLabel = new Map<string, number>();
  groups.forEach((g, i) => {
    const seen = groupLabel.get(g);
    if (seen !== undefined && seen !== labels[i])
      throw new RangeError(
        `groupSplit: group ${JSON.stringify(g)} has items with labels ${seen} and ${labels[i]}; a group must have one label`,
      );
    groupLabel.set(g, labels[i]);
  });
  const names = [...groupLabel.keys()];
  const generator = new torch.Generator(seed);
  const testGroups = new Set<string>();
  for (const members of byLabel(names.map((g) => groupLabel.get(g)!)).values()) {
    const n = members.length;
    const k = n < 2 ? 0 : Math.max(1, Math.round(testFraction * n));
    for (const j of permutation(n, generator).slice(0, k)) testGroups.add(names[members[j]]);
  }
  const train: number[] = [];
  const test: number[] = [];
  groups.forEach((g, i) => (testGroups.has(g) ? test : train).push(i));
  return { train, test };
}

/**
 * A seeded, stratified subsample of `limit` of the items with `labels` (all of
 * them when limit ≥ N): each label gets its share by largest remainder, and at
 * least one item while `limit` allows. Returns item indices, ascending.
 */
export function stratifiedSample(labels: readonly number[], limit: number, seed: number): number[] {
  int(limit, 'limit', 1);
  int(seed, 'seed', 0);
  if (limit >= labels.length) return labels.map((_, i) => i);
  const classes = [...byLabel(labels).values()];
  const exact = classes.map((m) => (limit * m.length) / labels.length);
  const quota = exact.map(Math.floor);
  const order = exact.map((_, c) => c).sort((a, b) => exact[b] - quota[b] - (exact[a] - quota[a]) || a - b);
  for (let r = limit - quota.reduce((s, q) => s + q, 0), k = 0; r > 0; r--, k++) quota[order[k]]++;
  for (let c = 0; c < quota.length; c++) {
    const donor = quota.indexOf(Math.max(...quota));
    if (quota[c] === 0 && quota[donor] > 1) {
      quota[c]++;
      quota[donor]--;
    }
  }
  const generator = new torch.Generator(seed);
  const out = classes.flatMap((m, c) =>
    permutation(m.length, generator)
      .slice(0, quota[c])
      .map((j) => m[j]),
  );
  return out.sort((a, b) => a - b);
}
