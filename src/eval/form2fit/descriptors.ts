/**
 * Samples of the matching network's object-stream descriptors for a picture of
 * the descriptor space (Form2Fit, Zakka et al. 2020, Fig. 7 shows such a map):
 * for each scene, the descriptors of up to `perObject` pixels of every object
 * on the object half (pixels whose visible top is that object), labelled by the
 * object's shape name. Scenes with objects at different poses give the same
 * shapes at different rotations.
 */
import * as torch from '../../torch/index.js';
import { int, options, within } from '../../torch/check.js';
import { mixSeed, mulberry32 } from '../../data/noise.js';
import { layers, render, type Scene } from '../../sim/index.js';
import type { Form2FitNets } from './planner.js';

export interface DescriptorSamples {
  /** [N, dim] row-major descriptors. */
  x: Float32Array;
  dim: number;
  /** Shape name of each row. */
  labels: string[];
}

/** Object-stream descriptors of object pixels of `scenes` (see the module comment), chosen with `seed`. */
export function objectDescriptors(
  nets: Pick<Form2FitNets, 'descriptors'>,
  scenes: Scene[],
  o: { perObject?: number; seed?: number } = {},
): DescriptorSamples {
  const { perObject = 40, seed = 0 } = options(o, 'objectDescriptors', ['perObject', 'seed']);
  within('objectDescriptors', () => {
    int(perObject, 'perObject', 1);
    int(seed, 'seed', 0);
  });
  if (!Array.isArray(scenes) || scenes.length === 0) throw new RangeError('objectDescriptors: expected a non-empty array of scenes');
  const rows: Float32Array[] = [];
  const labels: string[] = [];
  let dim = 0;
  scenes.forEach((scene, k) => {
    const s = scene.size;
    const random = mulberry32(mixSeed(seed, k));
    const top = layers(scene, 'object').top;
    const desc = torch.noGrad(() =>
      torch.scope(() => {
        const view = torch.tensor(render(scene).object, { shape: [1, 2, s, s] });
        const d = nets.descriptors(view, 'object'); // [1, D, S, S]
        return d
          .view([d.shape[1], s * s])
          .t()
          .contiguous()
          .data() as Float32Array; // [S·S, D]
      }),
    );
    dim = desc.length / (s * s);
    scene.objects.forEach((ob, i) => {
      if (ob.half !== 'object') return;
      const pixels = [...top.keys()].filter((p) => top[p] === i);
      for (let j = 0; j < Math.min(perObject, pixels.length); j++) {
        const pick = j + Math.floor(random() * (pixels.length - j)); // partial Fisher–Yates
        [pixels[j], pixels[pick]] = [pixels[pick], pixels[j]];
        rows.push(desc.slice(pixels[j] * dim, (pixels[j] + 1) * dim));
        labels.push(ob.shape.name);
      }
    });
  });
  const x = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => x.set(r, i * dim));
  return { x, dim, labels };
}
