/**
 * An image dataset over manifest records (see manifest.ts). Item i is
 * `{ image [C, H, W], label, case, domain }` for single-label manifests, with
 * `label` the index into `classes` (sorted class names; -1 when unlabeled), or
 * `{ image, labels [K], case, domain }` for multi-label ones, `labels` a float32
 * multi-hot vector over the K classes. `case` indexes `cases` (a record without
 * a case id is a case of its own) and `domain` indexes `domains` (-1 when absent).
 */
import * as torch from '../torch/index.js';
import { ImageDataset, type ImageDatasetOptions } from './image-dataset.js';
import { readManifest, type ManifestOptions, type ManifestRecord } from './manifest.js';

export type ManifestSample = { image: torch.Tensor; case: number; domain: number } & ({ label: number } | { labels: torch.Tensor });

const sortedUnique = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

export class ManifestDataset extends ImageDataset<ManifestSample> {
  /** Class names, sorted. */
  readonly classes: readonly string[];
  /** True when the manifest has a `labels` (multi-label) column. */
  readonly multiLabel: boolean;
  /** Class index per record (single-label; -1 when unlabeled), or the class indices per record (multi-label). */
  readonly targets: readonly (number | readonly number[])[];
  /** Case ids, sorted; `caseIndex[i]` indexes this list. */
  readonly cases: readonly string[];
  readonly caseIndex: readonly number[];
  /** Domains, sorted; `domainIndex[i]` indexes this list (-1 when absent). */
  readonly domains: readonly string[];
  readonly domainIndex: readonly number[];

  /** Reads `file` (see `readManifest`) and makes the dataset. */
  static fromFile(file: string, o: ManifestOptions & ImageDatasetOptions): ManifestDataset {
    return new ManifestDataset(readManifest(file, o), o);
  }

  constructor(
    readonly records: readonly ManifestRecord[],
    o: ImageDatasetOptions,
  ) {
    super(
      records.map((r) => r.path),
      o,
    );
    this.multiLabel = records.some((r) => r.labels !== undefined);
    this.classes = sortedUnique(records.flatMap((r) => r.labels ?? (r.label === undefined ? [] : [r.label])));
    const cls = new Map(this.classes.map((c, k) => [c, k]));
    this.targets = records.map((r) =>
      this.multiLabel ? (r.labels ?? []).map((l) => cls.get(l)!) : r.label === undefined ? -1 : cls.get(r.label)!,
    );
    const caseOf = (r: ManifestRecord): string => r.case ?? `file:${r.path}`;
    this.cases = sortedUnique(records.map(caseOf));
    const caseIdx = new Map(this.cases.map((c, k) => [c, k]));
    this.caseIndex = records.map((r) => caseIdx.get(caseOf(r))!);
    this.domains = sortedUnique(records.flatMap((r) => (r.domain === undefined ? [] : [r.domain])));
    const domIdx = new Map(this.domains.map((d, k) => [d, k]));
    this.domainIndex = records.map((r) => (r.domain === undefined ? -1 : domIdx.get(r.domain)!));
  }

  protected override sample(image: torch.Tensor, i: number): ManifestSample {
    const base = { image, case: this.caseIndex[i], domain: this.domainIndex[i] };
    const t = this.targets[i];
    if (typeof t === 'number') return { ...base, label: t };
    const hot = new Float32Array(this.classes.length);
    for (const k of t) hot[k] = 1;
    return { ...base, labels: torch.tensor(hot) }; // [K]
  }
}
