/**
 * Form2Fit's fully convolutional network (Zakka, Zeng, Lee, Song 2020,
 * "Form2Fit: Learning Shape Priors for Generalizable Assembly from
 * Disassembly", §IV): one architecture gives the suction map, the place map
 * (one output channel each) and the matching net's per-pixel descriptors
 * (D channels). The reference (`ml/models/fcn.py`) is a ResNet-block
 * encoder–decoder with 64–512 channels; this is a small U-Net of the same
 * shape for a CPU: two stride-2 stages down, bilinear upsampling back with skip
 * connections, every conv 3×3 without bias → batch norm → ReLU, and a 1×1 head
 * with bias.
 *
 *   x [N, C, H, W] → normalise → stem (w, H) → down1 (2w, H/2) → down2 (4w, H/4)
 *     → up ×2 ‖ down1 → up1 (2w, H/2) → up ×2 ‖ stem → up2 (w, H) → head [N, out, H, W]
 *
 * H and W must be multiples of 4. Inputs are heightmaps (channel 0 grey in
 * [0, 1], channel 1 height above the table in metres) normalised by fixed
 * constants (`HEIGHTMAP_MEAN`, `HEIGHTMAP_STD`) to roughly unit scale, as the
 * reference normalises by its data set's mean and standard deviation.
 *
 * State-dict keys (PyTorch's, tools/goldens/g_form2fit.py mirrors them):
 * `stem|down1|down2.<j>.0|1.*` (block j's conv and batch norm), `up1|up2.0|1.*`, `head.*`.
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { BatchNorm2d, Conv2d, Module, ReLU, Sequential } from '../nn/index.js';
import { fmt } from '../torch/functional/options.js';
import { initConvAndNorm } from './resnet.js';

type Tensor = torch.Tensor;

/** Grey ≈ 0.5 ± 0.25; heights of boards and objects ≈ 1 ± 2 cm. */
export const HEIGHTMAP_MEAN: readonly number[] = Object.freeze([0.5, 0.01]);
export const HEIGHTMAP_STD: readonly number[] = Object.freeze([0.25, 0.02]);

export interface Form2FitFCNOptions {
  inChannels: number;
  outChannels: number;
  /** w: channels w, 2w, 4w at full, half and quarter resolution. */
  width: number;
  /** Per-channel input mean; default `HEIGHTMAP_MEAN` for 2 channels, else 0. */
  mean?: readonly number[];
  /** Per-channel input standard deviation; default `HEIGHTMAP_STD` for 2 channels, else 1. */
  std?: readonly number[];
}

/** 3×3 conv (no bias, stride s) → batch norm → ReLU. */
const convBnRelu = (cin: number, cout: number, stride = 1): Sequential =>
  new Sequential(new Conv2d(cin, cout, 3, { stride, padding: 1, bias: false }), new BatchNorm2d(cout), new ReLU());

function checkPositiveInt(name: string, v: unknown): void {
  if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1))
    throw new RangeError(`Form2FitFCN: expected a positive integer for ${name} but received ${JSON.stringify(v)}`);
}

function perChannel(name: string, v: readonly number[] | undefined, c: number, dflt: readonly number[]): number[] {
  const values = v ?? dflt;
  if (!Array.isArray(values) || values.length !== c || !values.every((x) => Number.isFinite(x) && (name === 'mean' || x > 0)))
    throw new RangeError(
      `Form2FitFCN: expected ${name} as ${c} finite numbers${name === 'std' ? ' > 0' : ''} (one per input channel) but received ${JSON.stringify(v)}`,
    );
  return [...values];
}

export class Form2FitFCN extends Module {
  readonly options: Readonly<Required<Form2FitFCNOptions>>;
  readonly stem: Sequential;
  readonly down1: Sequential;
  readonly down2: Sequential;
  readonly up1: Sequential;
  readonly up2: Sequential;
  readonly head: Conv2d;

  constructor(o: Form2FitFCNOptions) {
    super();
    if (typeof o !== 'object' || o === null)
      throw new TypeError(`Form2FitFCN: expected options { inChannels, outChannels, width } but received ${String(o)}`);
    const { inChannels: c, outChannels, width: w } = o;
    checkPositiveInt('inChannels', c);
    checkPositiveInt('outChannels', outChannels);
    checkPositiveInt('width', w);
    const heightmap = c === HEIGHTMAP_MEAN.length;
    const mean = perChannel('mean', o.mean, c, heightmap ? HEIGHTMAP_MEAN : new Array<number>(c).fill(0));
    const std = perChannel('std', o.std, c, heightmap ? HEIGHTMAP_STD : new Array<number>(c).fill(1));
    this.options = Object.freeze({ inChannels: c, outChannels, width: w, mean, std });
    this.stem = this.registerModule('stem', new Sequential(convBnRelu(c, w), convBnRelu(w, w)));
    this.down1 = this.registerModule('down1', new Sequential(convBnRelu(w, 2 * w, 2), convBnRelu(2 * w, 2 * w)));
    this.down2 = this.registerModule('down2', new Sequential(convBnRelu(2 * w, 4 * w, 2), convBnRelu(4 * w, 4 * w)));
    this.up1 = this.registerModule('up1', convBnRelu(6 * w, 2 * w));
    this.up2 = this.registerModule('up2', convBnRelu(3 * w, w));
    for (const block of [this.stem, this.down1, this.down2, this.up1, this.up2]) initConvAndNorm(block);
    this.head = this.registerModule('head', new Conv2d(w, outChannels, 1));
  }

  /** x [N, inChannels, H, W] (H, W multiples of 4) → [N, outChannels, H, W]. */
  forward(x: Tensor): Tensor {
    const c = this.options.inChannels;
    if (!(x instanceof torch.Tensor)) throw new TypeError(`Form2FitFCN: expected x as a Tensor [N, ${c}, H, W] but received ${typeof x}`);
    if (x.ndim !== 4 || x.shape[1] !== c || x.shape[0] < 1 || x.shape[2] < 4 || x.shape[3] < 4 || x.shape[2] % 4 || x.shape[3] % 4)
      throw new RangeError(`Form2FitFCN: expected x as [N, ${c}, H, W] with H, W multiples of 4 but received ${fmt(x.shape)}`);
    return torch.scope(() => {
      const dev = { dtype: x.dtype, device: x.device };
      const { mean, std } = this.options;
      const input = x.sub(torch.tensor([...mean], dev).view([1, c, 1, 1])).div(torch.tensor([...std], dev).view([1, c, 1, 1]));
      const s0 = this.stem.forward(input); // [N, w, H, W]
      const s1 = this.down1.forward(s0); // [N, 2w, H/2, W/2]
      const s2 = this.down2.forward(s1); // [N, 4w, H/4, W/4]
      const u1 = this.up1.forward(torch.cat([upTo(s2, s1), s1], 1)); // [N, 2w, H/2, W/2]
      const u2 = this.up2.forward(torch.cat([upTo(u1, s0), s0], 1)); // [N, w, H, W]
      return this.head.forward(u2); // [N, out, H, W]
    });
  }
}

/** Bilinear upsampling of x to the spatial size of `skip` (half-pixel centres, align_corners=False). */
const upTo = (x: Tensor, skip: Tensor): Tensor =>
  F.interpolate(x, { size: [skip.shape[2], skip.shape[3]], mode: 'bilinear', alignCorners: false });
