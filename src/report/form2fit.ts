/**
 * The descriptor map of a Form2Fit report: UMAP (src/report/embed.ts, seeded)
 * of object-stream descriptors of object pixels (`objectDescriptors` in
 * src/eval/form2fit/descriptors.ts), one colour per shape. Pixels of one shape
 * cluster when the matching network has learned shape-specific descriptors
 * (Zakka et al. 2020, Fig. 7).
 */
import type { DescriptorSamples } from '../eval/form2fit/descriptors.js';
import { scatterChart, type ScatterPoint } from './charts.js';
import { embed2d } from './embed.js';

/** The `<svg>` text of the descriptor map of `samples` (at least 3), UMAP seeded with `seed`. */
export function descriptorMap(samples: DescriptorSamples, o: { seed?: number; title?: string } = {}): string {
  const n = samples.labels.length;
  if (samples.x.length !== n * samples.dim)
    throw new RangeError(
      `descriptorMap: expected ${n} labels × dim ${samples.dim} = ${n * samples.dim} values but received ${samples.x.length}`,
    );
  const xy = embed2d(samples.x, samples.dim, { seed: o.seed ?? 0 });
  const groups = [...new Set(samples.labels)].sort();
  const points: ScatterPoint[] = samples.labels.map((name, i) => ({
    x: xy[2 * i],
    y: xy[2 * i + 1],
    group: groups.indexOf(name),
    label: name,
  }));
  return scatterChart(points, {
    title: o.title ?? 'Object descriptors (UMAP), by shape',
    xLabel: 'UMAP 1',
    yLabel: 'UMAP 2',
    groups,
  });
}
