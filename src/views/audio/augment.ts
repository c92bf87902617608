/**
 * Audio augmentations as batched tensor ops on waveforms [B, T] and CQT
 * spectrograms [B, nBins, frames]; every random draw comes from a
 * `torch.Generator` (the global one when absent), so a seed fixes the output.
 *
 *  - time crops: TRILL (Shor et al., 2020) draws its anchor / positive segments
 *    as random crops of a clip;
 *  - pitch shift by translation along the log-frequency (CQT) axis: SPICE
 *    (Gfeller et al., 2020) shifts by an integer number of bins and regresses the
 *    shift, since one bin is a fixed pitch interval (1 / binsPerOctave octave);
 *  - additive noise at a target SNR and gain in dB.
 */
import * as torch from '../../torch/index.js';
import { type PerSample } from '../image/common.js';

type Tensor = torch.Tensor;

function checkWaves(x: unknown, api: string, floating = true): [number, number] {
  if (!(x instanceof torch.Tensor) || x.dim() !== 2)
    throw new RangeError(
      `${api}: expected waveforms [B, T] but received ${x instanceof torch.Tensor ? `shape [${x.shape.join(', ')}]` : typeof x}`,
    );
  if (floating && !['float16', 'float32', 'float64'].includes(x.dtype))
    throw new TypeError(`${api}: expected floating waveforms but received dtype ${x.dtype}`);
  return x.shape as [number, number];
}

/** A number, or a tensor [B] reshaped to [B, 1, …] (`rank` dims) in x's dtype and device. */
function perSample(x: Tensor, v: PerSample, name: string, api: string, rank = 2): number | Tensor {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`${api}: expected a finite number for ${name} but received ${v}`);
    return v;
  }
  if (!(v instanceof torch.Tensor) || v.numel() !== x.shape[0])
    throw new RangeError(
      `${api}: expected ${name} as a number or a Tensor [${x.shape[0]}] (one per sample) but received ${v instanceof torch.Tensor ? `shape [${v.shape.join(', ')}]` : typeof v}`,
    );
  return v.to({ dtype: x.dtype, device: x.device }).reshape([x.shape[0], ...Array(rank - 1).fill(1)]);
}

/** Crops waves [B, T] (any dtype) → [B, length], sample b starting at offsets[b] (int64 [B], 0 ≤ offset ≤ T − length). */
export function timeCrop(wave: Tensor, offsets: Tensor, length: number): Tensor {
  const [b, t] = checkWaves(wave, 'timeCrop', false);
  if (!Number.isInteger(length) || length < 1 || length > t)
    throw new RangeError(`timeCrop: expected an integer length in [1, ${t}] but received ${length}`);
  if (!(offsets instanceof torch.Tensor) || offsets.numel() !== b)
    throw new RangeError(
      `timeCrop: expected offsets as an int64 Tensor [${b}] but received ${offsets instanceof torch.Tensor ? `shape [${offsets.shape.join(', ')}]` : typeof offsets}`,
    );
  return torch.scope(() => {
    const o = offsets.to({ dtype: 'int64', device: wave.device }).reshape([b, 1]);
    if (
      o.lt(0).any().item() ||
      o
        .gt(t - length)
        .any()
        .item()
    )
      throw new RangeError(`timeCrop: offsets must lie in [0, ${t - length}] for length ${length} of ${t} samples`);
    const idx = o.add(torch.arange(length, { dtype: 'int64', device: wave.device })); // [B, length]
    return wave.gather(1, idx);
  });
}

/**
 * Random time crops: waves [B, T] → { crops [B, length], offsets int64 [B] }, each
 * offset uniform on [0, T − length] from `generator`.
 */
export function randomTimeCrop(wave: Tensor, length: number, generator?: torch.Generator): { crops: Tensor; offsets: Tensor } {
  const [b, t] = checkWaves(wave, 'randomTimeCrop', false);
  if (!Number.isInteger(length) || length < 1 || length > t)
    throw new RangeError(`randomTimeCrop: expected an integer length in [1, ${t}] but received ${length}`);
  const offsets = torch.randint(0, t - length + 1, [b], { generator });
  return { crops: timeCrop(wave, offsets, length), offsets };
}

/**
 * Pitch shift by translation along the frequency axis of a CQT [B, nBins, frames]:
 * out[b, k] = x[b, k − shift_b], zeros where k − shift_b falls outside the bins.
 * A positive shift moves energy to higher bins (shift / binsPerOctave octaves up).
 * `shifts`: an integer, or an integer tensor [B].
 */
export function pitchShift(spec: Tensor, shifts: PerSample): Tensor {
  if (!(spec instanceof torch.Tensor) || spec.dim() !== 3)
    throw new RangeError(
      `pitchShift: expected a spectrogram [B, nBins, frames] but received ${spec instanceof torch.Tensor ? `shape [${spec.shape.join(', ')}]` : typeof spec}`,
    );
  const [b, bins, frames] = spec.shape;
  if (typeof shifts === 'number' && !Number.isInteger(shifts))
    throw new RangeError(`pitchShift: expected an integer shift (in bins) but received ${shifts}`);
  return torch.scope(() => {
    const s = typeof shifts === 'number' ? shifts : (perSample(spec, shifts, 'shifts', 'pitchShift', 3) as Tensor);
    if (s instanceof torch.Tensor && !s.eq(s.round()).all().item()) throw new RangeError('pitchShift: expected integer shifts (in bins)');
    const k = torch.arange(bins, { dtype: spec.dtype, device: spec.device }).reshape([1, bins, 1]);
    const src = k.sub(s); // [B or 1, nBins, 1]: source bin of each output bin
    const valid = src.ge(0).logicalAnd(src.lt(bins)).to(spec.dtype);
    const idx = src
      .clamp(0, bins - 1)
      .to('int64')
      .expand([b, bins, frames]);
    return spec.gather(1, idx).mul(valid);
  });
}

/**
 * Random pitch shifts: spec [B, nBins, frames] → { shifted, shifts int64 [B] } with
 * shifts uniform on [−maxShift, maxShift] bins from `generator` (SPICE's targets).
 */
export function randomPitchShift(spec: Tensor, maxShift: number, generator?: torch.Generator): { shifted: Tensor; shifts: Tensor } {
  if (!Number.isInteger(maxShift) || maxShift < 0)
    throw new RangeError(`randomPitchShift: expected a non-negative integer maxShift but received ${maxShift}`);
  const shifts = torch.randint(-maxShift, maxShift + 1, [spec.shape[0]], { generator });
  return { shifted: pitchShift(spec, shifts), shifts };
}

/** Mean power per sample: [B, T] → [B, 1]. */
export function signalPower(wave: Tensor): Tensor {
  return wave.pow(2).mean(1, true);
}

/**
 * Adds noise at a signal-to-noise ratio of `snrDb` dB per sample:
 * out = x + n · √(P_x / (P_n · 10^(snr / 10))), P = mean square over time. `noise`
 * [B, T] (or [T], shared) defaults to Gaussian noise from `generator`. Silent
 * samples stay silent. wave [B, T] → [B, T].
 */
export function addNoise(wave: Tensor, snrDb: PerSample, o: { noise?: Tensor; generator?: torch.Generator } = {}): Tensor {
  const [b, t] = checkWaves(wave, 'addNoise');
  return torch.scope(() => {
    const snr = perSample(wave, snrDb, 'snrDb', 'addNoise');
    let noise = o.noise ?? torch.randn([b, t], { dtype: wave.dtype, device: wave.device, generator: o.generator });
    if (noise.dim() === 1) noise = noise.unsqueeze(0);
    if (noise.dim() !== 2 || noise.shape[1] !== t || (noise.shape[0] !== b && noise.shape[0] !== 1))
      throw new RangeError(`addNoise: expected noise [${b}, ${t}] or [${t}] but received shape [${o.noise!.shape.join(', ')}]`);
    const ratio = typeof snr === 'number' ? 10 ** (snr / 10) : snr.mul(Math.LN10 / 10).exp();
    const scale = signalPower(wave).div(signalPower(noise).clampMin(1e-30).mul(ratio)).sqrt(); // [B, 1]
    return wave.add(noise.mul(scale));
  });
}

/** Scales waves [B, T] by `db` decibels (amplitude · 10^(db / 20)); db a number or a tensor [B]. */
export function gain(wave: Tensor, db: PerSample): Tensor {
  checkWaves(wave, 'gain');
  return torch.scope(() => {
    const g = perSample(wave, db, 'db', 'gain');
    return wave.mul(typeof g === 'number' ? 10 ** (g / 20) : g.mul(Math.LN10 / 20).exp());
  });
}
