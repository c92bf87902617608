/**
 * MobileNetV3 (Howard et al. 2019, "Searching for MobileNetV3"), small and large, as
 * torchvision 0.14's `mobilenet_v3_small/large`: inverted residuals with depthwise
 * convs, squeeze-and-excitation gated by hardsigmoid (Hu et al. 2018), hardswish, and
 * the Linear → Hardswish → Dropout → Linear classifier, and optional stochastic depth
 * on the residual bnecks (Huang et al. 2016). State-dict keys equal
 * torchvision's (`features.0.0.weight`, `features.1.block.1.fc1.weight`, `classifier.3.bias`, …).
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import {
  BatchNorm2d,
  Conv2d,
  DropPath,
  Dropout,
  Hardswish,
  Linear,
  Module,
  ReLU,
  Sequential,
  init,
  type TensorModule,
} from '../nn/index.js';
import { checkDropPath, checkInteger, initConvAndNorm, linearDropPath, registerDropPath } from './resnet.js';

type Tensor = torch.Tensor;

export interface MobileNetV3Options {
  /** Outputs of the classifier; 0 = no classifier (forward returns pooled features). Default 1000 (0 without globalPool). */
  numClasses?: number;
  /** torchvision's `width_mult`: scales channels, rounded by `makeDivisible(c·w, 8)`. Default 1. */
  widthMultiplier?: number;
  /** Average-pool the last feature map. false: forward returns it as [N, C, H, W] (no classifier). Default true. */
  globalPool?: boolean;
  /** Dropout probability before the last Linear. Default 0.2. */
  dropout?: number;
  /** Channels of the input image. Default 3. */
  inChannels?: number;
  /**
   * Stochastic depth on the residual bnecks: bneck l of L drops its branch with
   * probability dropPath·l/L (as ResNetOptions.dropPath), in [0, 1). Default 0.
   */
  dropPath?: number;
}

/** One bneck row of the paper's Tables 1–2: kernel, expanded and output channels, SE, activation, stride. */
type Bneck = [kernel: number, expanded: number, out: number, se: boolean, act: 'RE' | 'HS', stride: number];

/** The architectures: torchvision's small and large, and our tiny. */
export type MobileNetV3Arch = 'tiny' | 'small' | 'large';

/** Stem width, bnecks and the classifier's hidden width (torchvision's `_mobilenet_v3_conf`). */
const ARCHS: Record<MobileNetV3Arch, { stem: number; bnecks: Bneck[]; lastChannel: number }> = {
  /**
   * Ours, for FRILL's "tiny" students (NOSS's tiny is a custom 9-block net whose
   * rows we have not seen): small's rows with each resolution's repeats
   * dropped — 6 bnecks, the same five stride-2 steps (/32), 576·w features.
   */
  tiny: {
    stem: 16,
    lastChannel: 1024,
    bnecks: [
      [3, 16, 16, true, 'RE', 2],
      [3, 72, 24, false, 'RE', 2],
      [5, 96, 40, true, 'HS', 2],
      [5, 120, 48, true, 'HS', 1],
      [5, 288, 96, true, 'HS', 2],
      [5, 576, 96, true, 'HS', 1],
    ],
  },
  small: {
    stem: 16,
    lastChannel: 1024,
    bnecks: [
      [3, 16, 16, true, 'RE', 2],
      [3, 72, 24, false, 'RE', 2],
      [3, 88, 24, false, 'RE', 1],
      [5, 96, 40, true, 'HS', 2],
      [5, 240, 40, true, 'HS', 1],
      [5, 240, 40, true, 'HS', 1],
      [5, 120, 48, true, 'HS', 1],
      [5, 144, 48, true, 'HS', 1],
      [5, 288, 96, true, 'HS', 2],
      [5, 576, 96, true, 'HS', 1],
      [5, 576, 96, true, 'HS', 1],
    ],
  },
  large: {
    stem: 16,
    lastChannel: 1280,
    bnecks: [
      [3, 16, 16, false, 'RE', 1],
      [3, 64, 24, false, 'RE', 2],
      [3, 72, 24, false, 'RE', 1],
      [5, 72, 40, true, 'RE', 2],
      [5, 120, 40, true, 'RE', 1],
      [5, 120, 40, true, 'RE', 1],
      [3, 240, 80, false, 'HS', 2],
      [3, 200, 80, false, 'HS', 1],
      [3, 184, 80, false, 'HS', 1],
      [3, 184, 80, false, 'HS', 1],
      [3, 480, 112, true, 'HS', 1],
      [3, 672, 112, true, 'HS', 1],
      [5, 672, 160, true, 'HS', 2],
      [5, 960, 160, true, 'HS', 1],
      [5, 960, 160, true, 'HS', 1],
    ],
  },
};

/** The nearest multiple of `divisor` (at least `divisor`), never below 90 % of v (TF-slim's `_make_divisible`). */
export function makeDivisible(v: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor(Math.floor(v + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * v ? rounded + divisor : rounded;
}

/** torchvision's Conv2dNormActivation: k×k conv (no bias) → BN(eps 1e-3, momentum 0.01) → act. Keys "0", "1". */
function convBnAct(
  cin: number,
  cout: number,
  k: number,
  act: TensorModule | null,
  o: { stride?: number; groups?: number } = {},
): Sequential {
  const layers: TensorModule[] = [
    new Conv2d(cin, cout, k, { stride: o.stride ?? 1, padding: (k - 1) >> 1, groups: o.groups ?? 1, bias: false }),
    new BatchNorm2d(cout, { eps: 1e-3, momentum: 0.01 }),
  ];
  return new Sequential(...(act ? [...layers, act] : layers));
}

/** Squeeze-and-excitation: x · hardsigmoid(fc2(relu(fc1(mean_hw x)))). x: [N, C, H, W] → same. */
export class SqueezeExcitation extends Module {
  readonly fc1: Conv2d;
  readonly fc2: Conv2d;
  constructor(channels: number, squeeze: number) {
    super();
    this.fc1 = this.registerModule('fc1', new Conv2d(channels, squeeze, 1));
    this.fc2 = this.registerModule('fc2', new Conv2d(squeeze, channels, 1));
  }
  forward(x: Tensor): Tensor {
    return torch.scope(() => {
      const s = F.relu(this.fc1.forward(F.adaptiveAvgPool2d(x, 1))); // [N, squeeze, 1, 1]
      return x.mul(F.hardsigmoid(this.fc2.forward(s))); // [N, C, H, W]
    });
  }
}

/**
 * Expand 1×1 → depthwise k×k (strided) → SE → project 1×1, residual when shapes match
 * (then stochastic depth with probability dropPath in training). x: [N, cin, H, W] → [N, out, H/s, W/s].
 */
export class InvertedResidual extends Module {
  readonly block: Sequential;
  readonly useResidual: boolean;
  private readonly dropPath: DropPath | null;
  constructor(cin: number, [kernel, expanded, out, se, act, stride]: Bneck, dropPath = 0) {
    super();
    const activation = (): TensorModule => (act === 'HS' ? new Hardswish() : new ReLU());
    const layers: TensorModule[] = [];
    if (expanded !== cin) layers.push(convBnAct(cin, expanded, 1, activation()));
    layers.push(convBnAct(expanded, expanded, kernel, activation(), { stride, groups: expanded }));
    if (se) layers.push(new SqueezeExcitation(expanded, makeDivisible(Math.floor(expanded / 4))));
    layers.push(convBnAct(expanded, out, 1, null));
    this.block = this.registerModule('block', new Sequential(...layers));
    this.useResidual = stride === 1 && cin === out;
    this.dropPath = this.useResidual ? registerDropPath(this, dropPath) : null;
  }
  forward(x: Tensor): Tensor {
    return torch.scope(() => {
      if (!this.useResidual) return this.block.forward(x);
      const branch = this.block.forward(x); // [N, out, H, W]
      return (this.dropPath ? this.dropPath.forward(branch) : branch).add_(x);
    });
  }
}

/**
 * MobileNetV3. x: [N, inChannels, H, W] → logits [N, numClasses], pooled features
 * [N, featureDim] (numClasses = 0) or the feature map [N, featureDim, H/32, W/32]
 * (globalPool = false).
 */
export class MobileNetV3 extends Module {
  /** Channels of the last feature map: 6 × the last bneck's output (576 small, 960 large at w = 1). */
  readonly featureDim: number;
  /** The convolutional trunk, registered as `features` like torchvision's. */
  readonly trunk: Sequential;
  readonly classifier: Sequential | null;
  /** Average-pools the last feature map (read by the ONNX export). */
  readonly globalPool: boolean;

  constructor(arch: MobileNetV3Arch, o: MobileNetV3Options = {}) {
    super();
    const name = `mobilenet_v3_${arch}`;
    const spec = Object.hasOwn(ARCHS, arch) ? ARCHS[arch] : undefined;
    if (!spec) throw new RangeError(`MobileNetV3: expected arch tiny, small or large but received ${JSON.stringify(arch)}`);
    const { globalPool = true, widthMultiplier = 1, dropout = 0.2, inChannels = 3, dropPath = 0 } = o;
    const numClasses = o.numClasses ?? (globalPool ? 1000 : 0);
    checkInteger(name, 'numClasses', numClasses, 0);
    checkInteger(name, 'inChannels', inChannels, 1);
    checkDropPath(name, dropPath);
    if (!(typeof widthMultiplier === 'number' && widthMultiplier > 0))
      throw new RangeError(`${name}: expected a positive number for widthMultiplier but received ${JSON.stringify(widthMultiplier)}`);
    if (!globalPool && numClasses > 0)
      throw new RangeError(`${name}: globalPool false returns the feature map, so numClasses must be 0 but received ${numClasses}`);
    this.globalPool = globalPool;
    const ch = (c: number): number => makeDivisible(c * widthMultiplier);
    let cin = ch(spec.stem);
    const layers: TensorModule[] = [convBnAct(inChannels, cin, 3, new Hardswish(), { stride: 2 })];
    spec.bnecks.forEach(([k, e, out, se, act, s], l) => {
      layers.push(new InvertedResidual(cin, [k, ch(e), ch(out), se, act, s], linearDropPath(dropPath, l + 1, spec.bnecks.length)));
      cin = ch(out);
    });
    this.featureDim = 6 * cin;
    layers.push(convBnAct(cin, this.featureDim, 1, new Hardswish()));
    this.trunk = this.registerModule('features', new Sequential(...layers));
    const hidden = ch(spec.lastChannel);
    this.classifier = this.registerModule(
      'classifier',
      numClasses > 0
        ? new Sequential(new Linear(this.featureDim, hidden), new Hardswish(), new Dropout(dropout), new Linear(hidden, numClasses))
        : null,
    );
    initConvAndNorm(this);
    for (const m of this.modules())
      if (m instanceof Linear) {
        init.normal_(m.weight, 0, 0.01);
        init.zeros_(m.bias!);
      }
  }

  /** x: [N, inChannels, H, W] → pooled [N, featureDim], or the map [N, featureDim, H/32, W/32] without globalPool. */
  features(x: Tensor): Tensor {
    return torch.scope(() => {
      const map = this.trunk.forward(x); // [N, featureDim, H/32, W/32]
      return this.globalPool ? F.adaptiveAvgPool2d(map, 1).flatten(1) : map;
    });
  }

  /** x: [N, inChannels, H, W] → [N, numClasses] (or what `features` returns without a classifier). */
  forward(x: Tensor): Tensor {
    return torch.scope(() => (this.classifier ? this.classifier.forward(this.features(x)) : this.features(x)));
  }
}

/** MobileNetV3-Small: 11 bnecks, 576·w features, 1024·w classifier hidden width. */
export const mobilenetV3Small = (o?: MobileNetV3Options): MobileNetV3 => new MobileNetV3('small', o);
/** MobileNetV3-Large: 15 bnecks, 960·w features, 1280·w classifier hidden width. */
export const mobilenetV3Large = (o?: MobileNetV3Options): MobileNetV3 => new MobileNetV3('large', o);
