/**
 * ResNet (He et al. 2016, "Deep Residual Learning for Image Recognition") in
 * torchvision's v1.5 layout: the stride of a Bottleneck sits on its 3×3 conv.
 * State-dict keys equal torchvision's (`conv1.weight`, `layer1.0.bn1.running_mean`,
 * `layer2.0.downsample.0.weight`, `fc.bias`, …), so weights move both ways. SimCLR's
 * wide variants (Chen et al. 2020) scale every channel width by `widthMultiplier`.
 * Optional stochastic depth (Huang et al. 2016) drops residual branches in training.
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { BatchNorm2d, Conv2d, DropPath, Identity, Linear, Module, Sequential, init, type TensorModule } from '../nn/index.js';

type Tensor = torch.Tensor;

export interface ResNetOptions {
  /** Outputs of the fc head; 0 = no head (fc is Identity, forward returns features). Default 1000. */
  numClasses?: number;
  /** Multiplies every channel width (SimCLR's 1×, 2×, 4×); 64·w must be an integer. Default 1. */
  widthMultiplier?: number;
  /** 3×3 stride-1 conv1 and no max-pool, for 32×32 / 28×28 inputs (CIFAR, MNIST). Default false. */
  smallImageStem?: boolean;
  /** Channels of the input image (1 for MNIST). Default 3. */
  inChannels?: number;
  /** Zero γ of the last BN in each block, so every block starts as the identity (Goyal et al. 2017). Default false. */
  zeroInitResidual?: boolean;
  /**
   * Stochastic depth: the drop probability of the last block's residual branch in [0, 1),
   * rising linearly over the blocks (block l of L drops with dropPath·l/L, Huang et al.
   * 2016's linear decay rule; Noisy Student's students use 0.2). Training mode only. Default 0.
   */
  dropPath?: number;
}

/** Huang et al.'s linear decay rule: block l = 1 … L drops its branch with probability p·l/L. */
export const linearDropPath = (p: number, l: number, total: number): number => (p * l) / total;

/** Checks a stochastic-depth probability in [0, 1); `where` names the model. */
export function checkDropPath(where: string, p: unknown): number {
  if (!(typeof p === 'number' && p >= 0 && p < 1))
    throw new RangeError(`${where}: expected a number in [0, 1) for dropPath but received ${JSON.stringify(p)}`);
  return p;
}

/** A DropPath(p) registered as `drop_path` on `m` when p > 0, else null (no module, no cost). */
export const registerDropPath = (m: Module, p: number): DropPath | null => (p > 0 ? m.registerModule('drop_path', new DropPath(p)) : null);

/** Throws a RangeError unless `v` is an integer ≥ `min`; `where` names the model. */
export function checkInteger(where: string, name: string, v: unknown, min: number): void {
  if (!(typeof v === 'number' && Number.isInteger(v) && v >= min))
    throw new RangeError(`${where}: expected an integer >= ${min} for ${name} but received ${JSON.stringify(v)}`);
}

/**
 * torchvision's initialisation: convs ~ kaiming_normal(fan_out, relu) with zero bias,
 * BatchNorm γ = 1, β = 0. Linear layers keep their own default.
 */
export function initConvAndNorm(model: Module): void {
  for (const m of model.modules()) {
    if (m instanceof Conv2d) {
      init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      if (m.bias) init.zeros_(m.bias);
    } else if (m instanceof BatchNorm2d) {
      if (m.weight) init.ones_(m.weight);
      if (m.bias) init.zeros_(m.bias);
    }
  }
}

/** k×k conv without bias, padding (k−1)/2 (torchvision's conv3x3 / conv1x1). */
const conv = (cin: number, cout: number, k: number, stride = 1): Conv2d =>
  new Conv2d(cin, cout, k, { stride, padding: (k - 1) >> 1, bias: false });

/** The projection shortcut (1×1 conv + BN) when shape changes, else null (identity). */
function downsample(inPlanes: number, outPlanes: number, stride: number): Sequential | null {
  return stride !== 1 || inPlanes !== outPlanes ? new Sequential(conv(inPlanes, outPlanes, 1, stride), new BatchNorm2d(outPlanes)) : null;
}

/** A residual block: x: [N, inPlanes, H, W] → [N, planes·expansion, H/stride, W/stride]. */
abstract class Block extends Module {
  protected downsample: Sequential | null = null;
  protected dropPath: DropPath | null = null;
  /** The BN whose γ `zeroInitResidual` zeroes. */
  abstract readonly lastBn: BatchNorm2d;
  protected abstract residual(x: Tensor): Tensor;
  /** The shortcut, and stochastic depth on the residual branch with probability `dropPath`. */
  protected registerShortcut(inPlanes: number, outPlanes: number, stride: number, dropPath: number): void {
    this.downsample = this.registerModule('downsample', downsample(inPlanes, outPlanes, stride));
    this.dropPath = registerDropPath(this, dropPath);
  }
  forward(x: Tensor): Tensor {
    return torch.scope(() => {
      const branch = this.dropPath ? this.dropPath.forward(this.residual(x)) : this.residual(x); // [N, C, H', W']; eval: the same tensor
      return F.relu_(branch.add_(this.downsample ? this.downsample.forward(x) : x)); // in place, as torchvision
    });
  }
}

/** Two 3×3 convs (ResNet-18/34). Keys: conv1, bn1, conv2, bn2, downsample.{0,1}. dropPath: see Block.registerShortcut. */
export class BasicBlock extends Block {
  static readonly expansion = 1;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  constructor(inPlanes: number, planes: number, stride = 1, dropPath = 0) {
    super();
    this.conv1 = this.registerModule('conv1', conv(inPlanes, planes, 3, stride));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(planes));
    this.conv2 = this.registerModule('conv2', conv(planes, planes, 3));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(planes));
    this.registerShortcut(inPlanes, planes, stride, dropPath);
  }
  get lastBn(): BatchNorm2d {
    return this.bn2;
  }
  protected residual(x: Tensor): Tensor {
    const h = F.relu_(this.bn1.forward(this.conv1.forward(x))); // [N, planes, H/s, W/s]
    return this.bn2.forward(this.conv2.forward(h));
  }
}

/** 1×1 reduce → 3×3 (strided) → 1×1 expand ×4 (ResNet-50/101/152). Keys: conv1..3, bn1..3, downsample.{0,1}. dropPath: as BasicBlock. */
export class Bottleneck extends Block {
  static readonly expansion = 4;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d;
  readonly bn3: BatchNorm2d;
  constructor(inPlanes: number, planes: number, stride = 1, dropPath = 0) {
    super();
    const out = planes * Bottleneck.expansion;
    this.conv1 = this.registerModule('conv1', conv(inPlanes, planes, 1));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(planes));
    this.conv2 = this.registerModule('conv2', conv(planes, planes, 3, stride));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(planes));
    this.conv3 = this.registerModule('conv3', conv(planes, out, 1));
    this.bn3 = this.registerModule('bn3', new BatchNorm2d(out));
    this.registerShortcut(inPlanes, out, stride, dropPath);
  }
  get lastBn(): BatchNorm2d {
    return this.bn3;
  }
  protected residual(x: Tensor): Tensor {
    const h1 = F.relu_(this.bn1.forward(this.conv1.forward(x))); // [N, planes, H, W]
    const h2 = F.relu_(this.bn2.forward(this.conv2.forward(h1))); // [N, planes, H/s, W/s]
    return this.bn3.forward(this.conv3.forward(h2)); // [N, 4·planes, H/s, W/s]
  }
}

export type BlockType = typeof BasicBlock | typeof Bottleneck;

/**
 * ResNet trunk + fc head. x: [N, inChannels, H, W] → logits [N, numClasses]
 * (or features [N, featureDim] when numClasses = 0). The standard stem divides H, W
 * by 32 before pooling; the small-image stem by 8.
 */
export class ResNet extends Module {
  /** Width of the pooled representation: 512·expansion·widthMultiplier. */
  readonly featureDim: number;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly layers: Sequential[];
  readonly fc: TensorModule;
  /** The 3×3 stride-1 stem without max-pool (read by the ONNX export). */
  readonly smallImageStem: boolean;

  constructor(block: BlockType, depths: number[], o: ResNetOptions = {}) {
    super();
    const { numClasses = 1000, widthMultiplier = 1, smallImageStem = false, inChannels = 3, zeroInitResidual = false, dropPath = 0 } = o;
    const name = `ResNet(${block.name}, [${depths}])`;
    checkInteger(name, 'numClasses', numClasses, 0);
    checkInteger(name, 'inChannels', inChannels, 1);
    checkDropPath(name, dropPath);
    if (!(typeof widthMultiplier === 'number' && widthMultiplier > 0 && Number.isInteger(64 * widthMultiplier)))
      throw new RangeError(
        `${name}: expected a positive widthMultiplier with 64·widthMultiplier an integer (e.g. 1, 2, 4) but received ${JSON.stringify(widthMultiplier)}`,
      );
    this.smallImageStem = smallImageStem;
    const base = 64 * widthMultiplier;
    this.conv1 = this.registerModule('conv1', smallImageStem ? conv(inChannels, base, 3) : conv(inChannels, base, 7, 2));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(base));
    let inPlanes = base;
    let l = 0; // blocks built so far
    const total = depths.reduce((a, b) => a + b, 0);
    this.layers = depths.map((n, i) => {
      const planes = base << i;
      const blocks = Array.from(
        { length: n },
        (_, j) =>
          new block(j === 0 ? inPlanes : planes * block.expansion, planes, j === 0 && i > 0 ? 2 : 1, linearDropPath(dropPath, ++l, total)),
      );
      inPlanes = planes * block.expansion;
      return this.registerModule(`layer${i + 1}`, new Sequential(...blocks));
    });
    this.featureDim = inPlanes;
    this.fc = this.registerModule('fc', numClasses > 0 ? new Linear(inPlanes, numClasses) : new Identity());
    initConvAndNorm(this);
    if (zeroInitResidual) for (const m of this.modules()) if (m instanceof Block) init.zeros_(m.lastBn.weight!);
  }

  /** The pooled representation before fc. x: [N, inChannels, H, W] → [N, featureDim]. */
  features(x: Tensor): Tensor {
    return torch.scope(() => {
      let h = F.relu_(this.bn1.forward(this.conv1.forward(x))); // [N, 64w, H/2, W/2] (H, W for the small stem)
      if (!this.smallImageStem) h = F.maxPool2d(h, 3, { stride: 2, padding: 1 }); // [N, 64w, H/4, W/4]
      for (const layer of this.layers) h = layer.forward(h); // [N, featureDim, H/32, W/32]
      return F.adaptiveAvgPool2d(h, 1).flatten(1); // [N, featureDim]
    });
  }

  /** x: [N, inChannels, H, W] → [N, numClasses] (or [N, featureDim] without a head). */
  forward(x: Tensor): Tensor {
    return torch.scope(() => this.fc.forward(this.features(x)));
  }
}

/** ResNet-18: BasicBlock × [2, 2, 2, 2], 512·w features. */
export const resnet18 = (o?: ResNetOptions): ResNet => new ResNet(BasicBlock, [2, 2, 2, 2], o);
/** ResNet-34: BasicBlock × [3, 4, 6, 3], 512·w features. */
export const resnet34 = (o?: ResNetOptions): ResNet => new ResNet(BasicBlock, [3, 4, 6, 3], o);
/** ResNet-50: Bottleneck × [3, 4, 6, 3], 2048·w features. */
export const resnet50 = (o?: ResNetOptions): ResNet => new ResNet(Bottleneck, [3, 4, 6, 3], o);
/** ResNet-101: Bottleneck × [3, 4, 23, 3], 2048·w features. */
export const resnet101 = (o?: ResNetOptions): ResNet => new ResNet(Bottleneck, [3, 4, 23, 3], o);
/** ResNet-152: Bottleneck × [3, 8, 36, 3], 2048·w features. */
export const resnet152 = (o?: ResNetOptions): ResNet => new ResNet(Bottleneck, [3, 8, 36, 3], o);
