/**
 * Band-limited resampling between integer sample rates: torchaudio's windowed-sinc
 * kernel (functional.resample), applied phase group by phase group so that memory
 * follows the output size whatever the ratio of the rates.
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';

type Tensor = torch.Tensor;

export interface ResampleOptions {
  /** Zero crossings of the sinc on each side (default 6): sharper cut-off, longer kernel. */
  lowpassFilterWidth?: number;
  /** Cut-off as a fraction of the lower Nyquist frequency (default 0.99). */
  rolloff?: number;
}

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
/** Input elements framed at once: bounds the working memory whatever the length. */
const CHUNK = 1 << 22;

/**
 * Band-limited resampling of [..., T] from `origFreq` to `newFreq` Hz (integers) →
 * [..., ⌈T · newFreq / origFreq⌉]. Polyphase windowed-sinc interpolation with the
 * kernel of torchaudio.functional.resample (Hann-squared-cosine window): with
 * L = newFreq / g and M = origFreq / g (g = gcd), output n = f·L + p is the sum over
 * input f·M + d of x · h(d/M − p/L), a low-pass sinc with cut-off rolloff · min(L, M) / 2
 * in units of the reduced rate, non-zero only for the 2·width + 2 offsets d around
 * ⌊p·M/L⌋. The input is cut into frames of M (with the overlap the taps need),
 * `CHUNK` elements at a time, and phases are taken in groups, each one matmul of the
 * frames with a kernel spanning only its own phases' offsets: torchaudio's single
 * kernel spans M + 2·width offsets for each of the L phases (44,101 → 16,000 Hz:
 * 5.6 GB), ours at most 3·taps + 1 per phase, so memory follows the output size.
 */
export function resample(wave: Tensor, origFreq: number, newFreq: number, opts: ResampleOptions = {}): Tensor {
  const { lowpassFilterWidth = 6, rolloff = 0.99 } = opts;
  for (const [k, v] of [
    ['origFreq', origFreq],
    ['newFreq', newFreq],
    ['lowpassFilterWidth', lowpassFilterWidth],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`resample: expected a positive integer for ${k} but received ${v}`);
  if (!(rolloff > 0 && rolloff <= 1)) throw new RangeError(`resample: expected rolloff in (0, 1] but received ${rolloff}`);
  if (origFreq === newFreq) return wave.clone();
  const g = gcd(origFreq, newFreq);
  const [m, l] = [origFreq / g, newFreq / g];
  const base = Math.min(m, l) * rolloff;
  const width = Math.ceil((lowpassFilterWidth * m) / base);
  const taps = 2 * width + 2;
  const shape = wave.shape;
  const length = shape[shape.length - 1];
  const target = Math.ceil((l * length) / m);
  if (target === 0) return torch.zeros([...shape.slice(0, -1), 0], { dtype: wave.dtype, device: wave.device });
  const phases = Math.min(l, target);
  const frames = Math.ceil(target / l);
  /** The first input offset phase p reads. */
  const lo = (p: number): number => Math.floor((p * m) / l) - width;
  const h = (p: number, d: number): number => {
    const t = Math.max(-lowpassFilterWidth, Math.min(lowpassFilterWidth, (-p / l + d / m) * base));
    const window = Math.cos((t * Math.PI) / lowpassFilterWidth / 2) ** 2;
    return (t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t)) * window * (base / m);
  };
  // Phase p's offsets start at ⌊p·M/L⌋ − width: a group of 2·taps·L/M phases spans ≤ 3·taps + 1 of them.
  const group = Math.min(phases, Math.max(1, Math.floor((2 * taps * l) / m)));
  // Frame f reads inputs f·M − width + j for j < reach.
  const reach = lo(phases - 1) + width + taps;
  return torch.scope(() => {
    const kernels: { at: number; w: Tensor }[] = [];
    for (let p0 = 0; p0 < phases; p0 += group) {
      const p1 = Math.min(phases, p0 + group);
      const span = lo(p1 - 1) - lo(p0) + taps;
      const kernel = new Float64Array(span * (p1 - p0)); // [span, p1 − p0]
      for (let p = p0; p < p1; p++) for (let d = lo(p); d < lo(p) + taps; d++) kernel[(d - lo(p0)) * (p1 - p0) + p - p0] = h(p, d);
      kernels.push({
        at: lo(p0) + width,
        w: torch.tensor(kernel, { shape: [span, p1 - p0] }).to({ dtype: wave.dtype, device: wave.device }),
      });
    }
    const x = wave.reshape([-1, length]); // [N, T]
    const rows = x.shape[0];
    const shifts = Math.ceil(reach / m);
    const padded = F.pad(x, [width, Math.max(0, (frames + shifts - 1) * m - length - width)]);
    const chunk = Math.max(1, Math.floor(CHUNK / (Math.max(1, rows) * reach)));
    const pieces: Tensor[] = [];
    for (let f0 = 0; f0 < frames; f0 += chunk) {
      const fc = Math.min(chunk, frames - f0);
      pieces.push(
        torch.scope(() => {
          // `shifts` [N, fc, M] views of consecutive frames side by side
          const views = Array.from({ length: shifts }, (_, s) => padded.narrow(1, (f0 + s) * m, fc * m).reshape([rows, fc, m]));
          const windows = torch.cat(views, 2); // [N, fc, shifts · M]
          return torch.cat(
            kernels.map(({ at, w }) => windows.narrow(2, at, w.shape[0]).matmul(w)),
            2,
          ); // [N, fc, phases]
        }),
      );
    }
    const y = torch.cat(pieces, 1).reshape([rows, frames * phases]); // output f·L + p at [f, p]
    return y.narrow(1, 0, target).reshape([...shape.slice(0, -1), target]);
  });
}
