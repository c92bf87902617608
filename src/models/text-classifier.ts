/**
 * A sequence classifier over the BERT-style encoder, as ELECTRA fine-tunes on
 * GLUE (Clark et al., 2020, appendix A): the final hidden state of the first
 * token ([CLS]) goes through dropout, dense H → H, GELU, dropout and dense
 * H → classes. Key names follow Hugging Face's ElectraForSequenceClassification
 * (`electra.*`, `classifier.dense.*`, `classifier.out_proj.*`), whose
 * ElectraClassificationHead is this head.
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { Module } from '../nn/module.js';
import { Dropout, Linear } from '../nn/layers.js';
import { bertInit_, type Bert, type BertForwardOptions } from './bert.js';

type Tensor = torch.Tensor;

/** [B, T, H] hidden states → [B, numClasses] logits from the first token. Keys: `dense`, `out_proj`. */
export class ElectraClassificationHead extends Module {
  readonly dense: Linear;
  readonly dropout: Dropout;
  readonly outProj: Linear;

  constructor(hiddenSize: number, numClasses: number, dropout: number) {
    super();
    this.dense = this.registerModule('dense', new Linear(hiddenSize, hiddenSize));
    this.dropout = this.registerModule('dropout', new Dropout(dropout));
    this.outProj = this.registerModule('out_proj', new Linear(hiddenSize, numClasses));
    bertInit_(this); // BERT's and ELECTRA's initialisation of new layers
  }

  forward(hidden: Tensor): Tensor {
    const cls = hidden.select(1, 0); // [B, H]
    const h = F.gelu(this.dense.forward(this.dropout.forward(cls))); // [B, H]
    return this.outProj.forward(this.dropout.forward(h)); // [B, C]
  }
}

/** Encoder + classification head: inputIds [B, T] int64 → logits [B, numClasses]. */
export class TextClassifier extends Module {
  readonly electra: Bert;
  readonly classifier: ElectraClassificationHead;

  constructor(encoder: Bert, numClasses: number) {
    super();
    this.electra = this.registerModule('electra', encoder);
    const c = encoder.config;
    this.classifier = this.registerModule('classifier', new ElectraClassificationHead(c.hiddenSize, numClasses, c.dropout));
  }

  forward(inputIds: Tensor, o: BertForwardOptions = {}): Tensor {
    return torch.scope(() => this.classifier.forward(this.electra.forward(inputIds, o)));
  }
}
