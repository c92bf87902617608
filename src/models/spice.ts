/**
 * SPICE's network (Gfeller et al., 2020, "SPICE: Self-Supervised Pitch
 * Estimation", §III and Fig. 1). The encoder maps a slice of F CQT bins to
 * features by 6 stages of Conv1d (kernel 3, stride 1) → batch norm → ReLU →
 * max-pool (3, stride 2), channels d·[1, 2, 4, 8, 8, 8]; the pitch head is
 * FC(hidden) → ReLU → FC(1) → sigmoid, the confidence head FC(1) → sigmoid on
 * the detached features (§III-C: the confidence loss trains that head only).
 * The decoder turns a pitch back into a slice: FC(hidden) → ReLU →
 * FC(8·dw·F/64) → ReLU, then 6 stages mirroring the encoder's, each nearest
 * ×2 upsampling → Conv1d (kernel 3) → batch norm → ReLU with channels
 * dw·[8, 8, 4, 2, 1, 1], and a 1×1 conv to one channel. The paper's decoder
 * uses transposed convolutions; upsampling + convolution is the equivalent
 * resize-convolution, free of checkerboard artefacts. The paper leaves the
 * pitch head's output activation open; the sigmoid keeps y in (0, 1) as σ of
 * eq. 8 assumes.
 *
 *   x [N, F] → encoder [N, 8d·F/64] → pitch [N], confidence [N];  decode: pitch [N] → [N, F]
 *
 * State-dict keys: `encoder.<i>.0|1.*` (stage i's conv and batch norm),
 * `pitchHead.0|2.*`, `confidenceHead.*`, `decoder.fc1|fc2.*`,
 * `decoder.stages.<i>.1|2.*` (conv and batch norm), `decoder.out.*`.
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { BatchNorm1d, Conv1d, Flatten, Linear, MaxPool1d, Module, ReLU, Sequential, type TensorModule } from '../nn/index.js';
import { fmt } from '../torch/functional/options.js';

type Tensor = torch.Tensor;

export interface SpiceNetOptions {
  /** F, the CQT bins of a slice; a multiple of 64 (the 6 poolings halve it). Paper: 128. */
  bins: number;
  /** d, the encoder's base width: channels d·[1, 2, 4, 8, 8, 8]. Paper: 64. */
  width: number;
  /** The decoder's base width: channels decoderWidth·[8, 8, 4, 2, 1, 1]. Paper: 32. */
  decoderWidth: number;
  /** Width of the pitch head's hidden layer and the decoder's first layer. Paper: 48. */
  hidden: number;
  /**
   * A second input channel holding each bin's position in the slice (−1 … 1;
   * CoordConv, Liu et al. 2018), so the pooled encoder can read where the
   * harmonics lie, not only their shape. Not in the paper (default false).
   */
  coordinates: boolean;
}

/** The paper's network (§III-D). A small CPU variant is `{ width: 16, decoderWidth: 8 }`. */
export const SPICE_NET_DEFAULTS: Readonly<SpiceNetOptions> = Object.freeze({
  bins: 128,
  width: 64,
  decoderWidth: 32,
  hidden: 48,
  coordinates: false,
});

const ENCODER_CHANNELS = [1, 2, 4, 8, 8, 8];
const DECODER_CHANNELS = [8, 8, 4, 2, 1, 1];
const STAGES = ENCODER_CHANNELS.length;

/** Nearest-neighbour upsampling by 2 along the last dim: [N, C, L] → [N, C, 2L]. */
class Upsample extends Module {
  forward(x: Tensor): Tensor {
    return F.interpolate(x, { scaleFactor: 2, mode: 'nearest' });
  }
}

/**
 * `seq.forward(x)` with each child in its own scope and each child's input freed
 * once the next has run, as PyTorch's reference counting frees them: a long
 * batch's activations are then written into memory still warm in the cache
 * (the encoder's forward on the 938 frames of 30 s took 1.4× as long with every
 * intermediate alive to the end). Autograd keeps what backward needs.
 */
function stagewise(seq: Sequential, x: Tensor): Tensor {
  let h = x;
  for (const stage of seq.children()) {
    const input = h;
    h = torch.scope(() => (stage as TensorModule).forward(input));
    if (input !== x && input !== h) input.dispose();
  }
  return h;
}

const convBn = (cin: number, cout: number): [Conv1d, BatchNorm1d] => [new Conv1d(cin, cout, 3, { padding: 1 }), new BatchNorm1d(cout)];

/** SPICE's decoder: pitch [N] → slice [N, F]. */
class SpiceDecoder extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;
  readonly stages: Sequential;
  readonly out: Conv1d;
  private readonly seed: [number, number];

  constructor({ bins, decoderWidth: dw, hidden }: SpiceNetOptions) {
    super();
    const channels = DECODER_CHANNELS.map((c) => c * dw);
    this.seed = [channels[0], bins / 2 ** STAGES];
    this.fc1 = this.registerModule('fc1', new Linear(1, hidden));
    this.fc2 = this.registerModule('fc2', new Linear(hidden, this.seed[0] * this.seed[1]));
    const stages = channels.map((c, i) => new Sequential(new Upsample(), ...convBn(i === 0 ? c : channels[i - 1], c), new ReLU()));
    this.stages = this.registerModule('stages', new Sequential(...stages));
    this.out = this.registerModule('out', new Conv1d(dw, 1, 1));
  }

  forward(pitch: Tensor): Tensor {
    return torch.scope(() => {
      const h = F.relu(this.fc2.forward(F.relu(this.fc1.forward(pitch.unsqueeze(1))))); // [N, 8dw·F/64]
      const map = stagewise(this.stages, h.view([-1, ...this.seed])); // [N, dw, F]
      return this.out.forward(map).squeeze(1); // [N, F]
    });
  }
}

function checkOptions(o: SpiceNetOptions): void {
  if (typeof o.coordinates !== 'boolean')
    throw new TypeError(`SpiceNet: expected coordinates as a boolean but received ${JSON.stringify(o.coordinates)}`);
  for (const [name, v] of Object.entries(o))
    if (name !== 'coordinates' && !(typeof v === 'number' && Number.isInteger(v) && v >= 1))
      throw new RangeError(`SpiceNet: expected a positive integer for ${name} but received ${JSON.stringify(v)}`);
  if (o.bins % 2 ** STAGES)
    throw new RangeError(`SpiceNet: expected bins to be a multiple of ${2 ** STAGES} (${STAGES} poolings halve it) but received ${o.bins}`);
}

export class SpiceNet extends Module {
  readonly options: Readonly<SpiceNetOptions>;
  /** The conv stack: [N, 1, F] → flattened features [N, featureDim]. */
  readonly encoder: Sequential;
  /** 8d · F / 64. */
  readonly featureDim: number;
  readonly pitchHead: Sequential;
  readonly confidenceHead: Linear;
  readonly decoder: SpiceDecoder;

  constructor(o: Partial<SpiceNetOptions> = {}) {
    super();
    const unknown = Object.keys(o).filter((k) => !(k in SPICE_NET_DEFAULTS));
    if (unknown.length)
      throw new TypeError(`SpiceNet: unknown option ${unknown[0]} (valid: ${Object.keys(SPICE_NET_DEFAULTS).join(', ')})`);
    const opts = { ...SPICE_NET_DEFAULTS, ...o };
    checkOptions(opts);
    this.options = Object.freeze(opts);
    const channels = ENCODER_CHANNELS.map((c) => c * opts.width);
    const stages = channels.map(
      (c, i) =>
        new Sequential(
          ...convBn(i === 0 ? (opts.coordinates ? 2 : 1) : channels[i - 1], c),
          new ReLU(),
          new MaxPool1d(3, { stride: 2, padding: 1 }),
        ),
    );
    this.encoder = this.registerModule('encoder', new Sequential(...stages, new Flatten()));
    this.featureDim = (channels[STAGES - 1] * opts.bins) / 2 ** STAGES;
    this.pitchHead = this.registerModule(
      'pitchHead',
      new Sequential(new Linear(this.featureDim, opts.hidden), new ReLU(), new Linear(opts.hidden, 1)),
    );
    this.confidenceHead = this.registerModule('confidenceHead', new Linear(this.featureDim, 1));
    this.decoder = this.registerModule('decoder', new SpiceDecoder(opts));
  }

  private checkSlices(x: unknown): asserts x is Tensor {
    if (!(x instanceof torch.Tensor)) throw new TypeError(`SpiceNet: expected x as a Tensor [N, F] but received ${typeof x}`);
    const f = this.options.bins;
    if (x.ndim !== 2 || x.shape[1] !== f || x.shape[0] < 1)
      throw new RangeError(`SpiceNet: expected x as [N, F] = [N, ${f}] but received ${fmt(x.shape)}`);
  }

  /**
   * x: CQT slices [N, F] → pitch y ∈ (0, 1) [N], confidence c ∈ (0, 1) [N]
   * (no gradient into the encoder) and the encoder's features [N, featureDim].
   */
  forward(x: Tensor): { pitch: Tensor; confidence: Tensor; features: Tensor } {
    this.checkSlices(x);
    return torch.scope(() => {
      const input = this.options.coordinates ? torch.cat([x.unsqueeze(1), this.ramp(x)], 1) : x.unsqueeze(1); // [N, 1 or 2, F]
      const features = stagewise(this.encoder, input); // [N, featureDim]
      const pitch = this.pitchHead.forward(features).squeeze(1).sigmoid(); // [N]
      const confidence = this.confidenceHead.forward(features.detach()).squeeze(1).sigmoid(); // [N]
      return { pitch, confidence, features };
    });
  }

  /** Each bin's position in the slice, −1 … 1, for every row of x [N, F] → [N, 1, F]. */
  private ramp(x: Tensor): Tensor {
    const f = this.options.bins;
    return torch.linspace(-1, 1, f, { dtype: x.dtype }).reshape([1, 1, f]).expand([x.shape[0], 1, f]);
  }

  /** The decoder: pitch [N] → reconstructed slice x̂ [N, F]. */
  decode(pitch: Tensor): Tensor {
    if (!(pitch instanceof torch.Tensor) || pitch.ndim !== 1 || pitch.shape[0] < 1)
      throw new RangeError(
        `SpiceNet.decode: expected pitch as [N] but received ${pitch instanceof torch.Tensor ? fmt(pitch.shape) : typeof pitch}`,
      );
    return this.decoder.forward(pitch);
  }
}
