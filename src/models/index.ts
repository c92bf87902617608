export {
  ResNet,
  BasicBlock,
  Bottleneck,
  resnet18,
  resnet34,
  resnet50,
  resnet101,
  resnet152,
  type ResNetOptions,
  type BlockType,
} from './resnet.js';
export {
  MobileNetV3,
  InvertedResidual,
  SqueezeExcitation,
  makeDivisible,
  mobilenetV3Small,
  mobilenetV3Large,
  type MobileNetV3Options,
} from './mobilenetv3.js';
export { Bert, BertEmbeddings, attentionMaskOf, bertInit_, type BertConfig, type BertForwardOptions } from './bert.js';
export { ConvNet, type ConvNetOptions } from './convnet.js';
export { ProjectionHead, simclrHead, type HeadBlock, type ProjectionHeadOptions } from './heads.js';
export { ENCODERS, createEncoder, type Encoder, type EncoderConfig } from './encoders.js';
export { Classifier, type ClassifierOptions } from './classifier.js';
export { MaskedLm, Discriminator, generatorConfig, type ElectraSize } from './electra.js';
export { toHuggingFaceElectra, fromHuggingFaceElectra, huggingFaceElectraConfig } from './electra-hf.js';
export { encoderFlops, mlmHeadFlops, discriminatorHeadFlops, trainingFlops } from './flops.js';
export { ElectraClassificationHead, TextClassifier } from './text-classifier.js';
export { SpiceNet, SPICE_NET_DEFAULTS, type SpiceNetOptions } from './spice.js';
export { TrillNet, TRILL_NET_DEFAULTS, TRILL_WINDOW, type TrillNetOptions } from './trill.js';
export { FrillNet, FrillBottleneck, type FrillNetOptions } from './frill.js';
export { Form2FitFCN, HEIGHTMAP_MEAN, HEIGHTMAP_STD, type Form2FitFCNOptions } from './form2fit.js';
