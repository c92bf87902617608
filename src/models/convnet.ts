/**
 * A small ConvNet for small grey or colour images (MNIST, Fashion-MNIST), in the
 * spirit of LeNet (LeCun et al., 1998) and PyTorch's MNIST example: per stage a
 * 3×3 conv (padding 1) + ReLU + 2×2 max-pool, then dropout, a hidden fully
 * connected layer with ReLU and dropout, and the classifier.
 *
 *   x [N, C, S, S] → features [N, c_last, S/2^k, S/2^k] → flatten → fc1 [N, hidden] → fc2 [N, numClasses]
 *
 * State-dict keys: `features.<3i>.weight|bias` (the convs), `fc1.*`, `fc2.*`.
 */
import type * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { Conv2d, Dropout, Linear, MaxPool2d, Module, ReLU, Sequential } from '../nn/index.js';

export interface ConvNetOptions {
  /** Input channels. Default 1. */
  inChannels?: number;
  /** Height = width of the input. Default 28. */
  imageSize?: number;
  /** Output channels of each conv stage. Default [32, 64]. */
  channels?: number[];
  /** Width of the hidden fully connected layer. Default 128. */
  hidden?: number;
  /** Number of classes. Default 10. */
  numClasses?: number;
  /** Dropout after the conv stages. Default 0.25. */
  dropout?: number;
  /** Dropout after the hidden layer. Default 0.5. */
  hiddenDropout?: number;
}

function checkInt(name: string, v: unknown): void {
  if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1))
    throw new RangeError(`ConvNet: expected a positive integer for ${name} but received ${JSON.stringify(v)}`);
}

export class ConvNet extends Module {
  readonly features: Sequential;
  readonly dropout: Dropout;
  readonly fc1: Linear;
  readonly hiddenDropout: Dropout;
  readonly fc2: Linear;

  constructor(o: ConvNetOptions = {}) {
    super();
    const { inChannels = 1, imageSize = 28, channels = [32, 64], hidden = 128, numClasses = 10, dropout = 0.25, hiddenDropout = 0.5 } = o;
    checkInt('inChannels', inChannels);
    checkInt('imageSize', imageSize);
    checkInt('hidden', hidden);
    checkInt('numClasses', numClasses);
    if (!Array.isArray(channels) || channels.length === 0)
      throw new RangeError(`ConvNet: expected a non-empty array for channels but received ${JSON.stringify(channels)}`);
    channels.forEach((c, i) => checkInt(`channels[${i}]`, c));
    const side = Math.floor(imageSize / 2 ** channels.length);
    if (side < 1) throw new RangeError(`ConvNet: ${channels.length} pooling stages shrink a ${imageSize}×${imageSize} input below 1×1`);
    const stages = channels.flatMap((c, i) => [
      new Conv2d(i === 0 ? inChannels : channels[i - 1], c, 3, { padding: 1 }),
      new ReLU(),
      new MaxPool2d(2),
    ]);
    this.features = this.registerModule('features', new Sequential(...stages));
    this.dropout = this.registerModule('dropout', new Dropout(dropout));
    this.fc1 = this.registerModule('fc1', new Linear(channels[channels.length - 1] * side * side, hidden));
    this.hiddenDropout = this.registerModule('hiddenDropout', new Dropout(hiddenDropout));
    this.fc2 = this.registerModule('fc2', new Linear(hidden, numClasses));
  }

  /** The hidden representation before the classifier: x [N, C, S, S] → [N, hidden]. */
  embed(x: torch.Tensor): torch.Tensor {
    const h = this.dropout.forward(this.features.forward(x)).flatten(1); // [N, c·s·s]
    return F.relu(this.fc1.forward(h)); // [N, hidden]
  }

  /** Class logits: x [N, C, S, S] → [N, numClasses]. */
  forward(x: torch.Tensor): torch.Tensor {
    return this.fc2.forward(this.hiddenDropout.forward(this.embed(x)));
  }
}
