/**
 * Seeded noise for synthetic audio: a uniform generator (Mulberry32), Gaussian
 * samples (Box–Muller), and pink (1/f) noise for noise-robustness tests
 * (SPICE, Gfeller et al. 2020, §V-D mixes noise at a given SNR). Pure
 * JavaScript number math, so the same seed gives the same bytes on every machine.
 */

/** Mulberry32: a small, fast, seeded generator of uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal sampler drawing from `uniform` (Box–Muller, one value per two draws). */
export function gaussian(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Mixes two integers into one 32-bit seed (so that (seed, i) pairs give unrelated streams). */
export function mixSeed(a: number, b: number): number {
  let h = Math.imul((a >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul((b >>> 0) + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

function checkLength(n: number, api: string): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${api}: expected a positive integer length n but received ${n}`);
}

/**
 * Pink noise of `n` samples with unit RMS: Gaussian white noise through Paul
 * Kellet's "refined" pinking filter (a sum of seven first-order sections, within
 * ±0.05 dB of a −3 dB/octave slope from 2·10⁻⁴ of the sample rate to Nyquist).
 * The power spectral density falls 3 dB per octave.
 */
export function pinkNoise(n: number, seed: number): Float32Array {
  checkLength(n, 'pinkNoise');
  const white = gaussian(mulberry32(seed));
  const out = new Float64Array(n);
  let [b0, b1, b2, b3, b4, b5, b6] = [0, 0, 0, 0, 0, 0, 0];
  // A settling run so the slowest section (pole 0.99886, ~900 samples) starts in its stationary state.
  for (let i = -8192; i < n; i++) {
    const w = white();
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    if (i >= 0) out[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
  }
  return unitRms(out);
}

/** `x` scaled to unit RMS, as float32. */
function unitRms(x: Float64Array): Float32Array {
  let power = 0;
  for (const v of x) power += v * v;
  const g = 1 / Math.sqrt(power / x.length || 1);
  return Float32Array.from(x, (v) => v * g);
}

/**
 * Background noise for training, unlike the pink noise of the evaluation: a
 * blend w · white + (1 − w) · brown (leaky-integrated white, −6 dB/octave
 * above ~5 Hz at 16 kHz), w ~ U(0, 1) from the seed, scaled to unit RMS —
 * hiss, rumble or anything between, as recordings carry.
 */
export function trainingNoise(n: number, seed: number): Float32Array {
  checkLength(n, 'trainingNoise');
  const uniform = mulberry32(seed);
  const normal = gaussian(uniform);
  const w = uniform();
  const out = new Float32Array(n);
  let brown = 0;
  const white = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    white[i] = normal();
    brown = 0.998 * brown + 0.06 * white[i];
    out[i] = brown;
  }
  const rms = (a: Float32Array): number => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length) || 1;
  const [rw, rb] = [rms(white), rms(out)];
  for (let i = 0; i < n; i++) out[i] = (w * white[i]) / rw + ((1 - w) * out[i]) / rb;
  const r = rms(out);
  for (let i = 0; i < n; i++) out[i] /= r;
  return out;
}

/** `audio` plus `trainingNoise` at an SNR uniform on [minSnr, maxSnr] dB (default 0–30), both drawn from `seed`. */
export function noisyCopy(audio: Float32Array, seed: number, { minSnr = 0, maxSnr = 30 } = {}): Float32Array {
  const snr = minSnr + (maxSnr - minSnr) * mulberry32(seed)();
  let power = 0;
  for (const v of audio) power += v * v;
  const gain = Math.sqrt(power / audio.length / 10 ** (snr / 10));
  const noise = trainingNoise(audio.length, seed);
  return audio.map((v, i) => v + gain * noise[i]);
}
