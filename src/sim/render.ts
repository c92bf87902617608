/**
 * The simulator's camera: each half as two channels [2, S, S] — grey in
 * [0, 1] and height above the table in metres (Form2Fit's grayscale + depth
 * heightmaps at 2 mm/px) — with optional Gaussian depth noise, seeded.
 */
import { gaussian, mixSeed, mulberry32 } from '../data/noise.js';
import { layers, type Half, type Scene } from './scene.js';

export interface RenderOptions {
  /** Standard deviation of the depth noise (m). Default 0. */
  noise?: number;
  /** Seed of the noise. Default 0. */
  seed?: number;
}

/** One half as [grey, height] planes, [2, S, S] row-major. */
function renderHalf(scene: Scene, half: Half, noise: number, seed: number): Float32Array {
  const n = scene.size * scene.size;
  const l = layers(scene, half);
  const out = new Float32Array(2 * n);
  out.set(l.grey, 0);
  out.set(l.height, n);
  if (noise > 0) {
    const g = gaussian(mulberry32(seed));
    for (let i = n; i < 2 * n; i++) out[i] += noise * g();
  }
  return out;
}

/** Both halves of a scene: `kit` and `object`, each [2, S, S] (grey, height in m). */
export function render(scene: Scene, o: RenderOptions = {}): { kit: Float32Array; object: Float32Array } {
  const { noise = 0, seed = 0 } = o;
  if (!Number.isFinite(noise) || noise < 0) throw new RangeError(`render: expected a depth noise σ ≥ 0 (m) but received ${noise}`);
  if (!Number.isInteger(seed)) throw new RangeError(`render: expected an integer seed but received ${seed}`);
  return { kit: renderHalf(scene, 'kit', noise, mixSeed(seed, 0)), object: renderHalf(scene, 'object', noise, mixSeed(seed, 1)) };
}
