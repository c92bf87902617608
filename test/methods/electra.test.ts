/**
 * ELECTRA against PyTorch (tools/goldens/g_electra.py, float64): the
 * replaced-token-detection loss and its gradient, Gumbel-max sampling, the
 * discriminator's and generator's forward passes from weights under Hugging
 * Face's names, and one whole step (loss and gradients) on fixed masking and
 * noise; plus a finite-difference gradient check, the token replacement by
 * hand, the FLOPs count by hand and the Hugging Face key mapping both ways.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, losses, methods, models } from '../../src/index.js';
import { assertClose, assertThrows, golden, gradcheck } from '../helpers.js';

type Tensor = torch.Tensor;
const g = golden('electra');

const SIZE = {
  vocabSize: 50,
  hiddenSize: 16,
  embeddingSize: 12,
  numLayers: 2,
  numHeads: 2,
  intermediateSize: 24,
  maxPositions: 10,
  dropout: 0,
};
const VOCAB = { maskId: 4, specialIds: [0, 1, 2, 3, 4] };

test('replacedTokenDetectionLoss equals PyTorch (mean BCE over the weighted tokens) in value and gradient, and passes gradcheck', () => {
  torch.scope(() => {
    const logits = g('rtd.logits').clone().requiresGrad_();
    const loss = losses.replacedTokenDetectionLoss(logits, g('rtd.replaced'), g('rtd.weights'));
    assertClose(loss, g('rtd.loss'), { rtol: 1e-12, msg: 'loss' });
    loss.backward();
    assertClose(logits.grad!, g('rtd.grad'), { rtol: 1e-10, atol: 1e-14, msg: 'grad' });
    const padded = g('rtd.weights').eq(0);
    assert.equal(logits.grad!.maskedSelect(padded).abs().max().item(), 0, 'padding gets no gradient');
    gradcheck((x) => losses.replacedTokenDetectionLoss(x, g('rtd.replaced'), g('rtd.weights')), [g('rtd.logits')]);
  });
});

test('gumbelArgmax draws argmax(logits − log(−log u)) as PyTorch, without gradient', () => {
  torch.scope(() => {
    const logits = g('gumbel.logits').clone().requiresGrad_();
    const s = losses.gumbelArgmax(logits, g('gumbel.uniform'));
    assert.deepEqual(s.toArray(), g('gumbel.sample').toArray());
    assert.equal(s.requiresGrad, false);
    assertThrows(() => losses.gumbelArgmax(logits, g('gumbel.uniform').narrow(1, 0, 3)), /same shape/, RangeError);
  });
});

test('Gumbel-max samples follow softmax(logits) (20,000 draws, every class within 4 standard errors)', () => {
  torch.scope(() => {
    const logits = torch.tensor([[1, 0, -1, 2]]).expand([20000, 4]);
    const s = losses.gumbelArgmax(logits, torch.rand([20000, 4], { generator: new torch.Generator(3) }));
    const e = [1, 0, -1, 2].map(Math.exp);
    const p = e.map((v) => v / e.reduce((a, b) => a + b));
    const counts = [0, 1, 2, 3].map((k) => s.eq(k).sum().item() / 20000);
    counts.forEach((c, k) => assert.ok(Math.abs(c - p[k]) < 4 * Math.sqrt((p[k] * (1 - p[k])) / 20000), `class ${k}: ${c} vs ${p[k]}`));
  });
});

test('replaceTokens writes the samples at the positions; a sample equal to the original counts as original', () => {
  torch.scope(() => {
    const ids = torch.tensor(
      [
        [2, 10, 11, 3],
        [2, 12, 13, 3],
      ],
      { dtype: 'int64' },
    );
    const { ids: out, replaced } = losses.replaceTokens(
      ids,
      torch.tensor([1, 2, 6], { dtype: 'int64' }),
      torch.tensor([10, 20, 21], { dtype: 'int64' }),
    );
    assert.deepEqual(out.toArray(), [2, 10, 20, 3, 2, 12, 21, 3]);
    assert.deepEqual(replaced.toArray(), [0, 0, 1, 0, 0, 0, 1, 0]);
  });
});

/** An ELECTRA model (generator ½, shared embeddings) in float64 with the golden's Hugging Face-named weights. */
function goldenElectra(): methods.Electra {
  const w = (prefix: string): Record<string, Tensor> => {
    const out: Record<string, Tensor> = {};
    for (const k of [
      'word_embeddings.weight',
      'position_embeddings.weight',
      'token_type_embeddings.weight',
      'LayerNorm.weight',
      'LayerNorm.bias',
    ])
      out[`electra.embeddings.${k}`] = g(`w.emb.${k}`);
    for (const name of goldenNames(prefix)) out[name.slice(prefix.length)] = g(`w.${name}`);
    return models.fromHuggingFaceElectra(out);
  };
  const model = new methods.Electra(SIZE, methods.ELECTRA_OPTIONS.parse({ generatorSize: 0.5 }), VOCAB).to('float64');
  const state: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(w('disc.'))) state[`discriminator.${k}`] = t;
  for (const [k, t] of Object.entries(w('gen.'))) state[`generator.${k}`] = t;
  state['generator.generator_lm_head.weight'] = g('w.emb.word_embeddings.weight');
  model.loadStateDict(state, true, 'golden');
  return model.eval();
}

const goldenNames = (prefix: string): string[] => allGoldenKeys().filter((k) => k.startsWith(prefix));
let keys: string[] | undefined;
function allGoldenKeys(): string[] {
  keys ??= Object.keys(torch.safetensors.loadFile(new URL('../../../fixtures/goldens/electra.safetensors', import.meta.url).pathname))
    .filter((k) => k.startsWith('w.'))
    .map((k) => k.slice(2));
  return keys;
}

test("the discriminator and generator from Hugging Face-named weights equal PyTorch's forward passes", () => {
  torch.scope(() => {
    const model = goldenElectra();
    assertClose(model.discriminator.logits(g('ids'), g('mask')), g('disc.logits'), { rtol: 1e-10, atol: 1e-12, msg: 'discriminator' });
    assertClose(model.generator.logitsAt(g('masked'), g('mask'), g('positions')), g('gen.logits'), {
      rtol: 1e-10,
      atol: 1e-12,
      msg: 'generator',
    });
  });
});

test('one ELECTRA step (L_MLM + 50·L_Disc) on fixed masking and noise equals PyTorch in loss, samples and gradients', () => {
  torch.scope(() => {
    const model = goldenElectra();
    const views = [g('ids'), g('masked'), g('mask'), g('positions'), g('step.uniform')];
    const r = model.trainingStep(views, { step: 0, totalSteps: 1, stepsPerEpoch: 1, epoch: 0 });
    assertClose(r.loss, g('step.loss'), { rtol: 1e-10, msg: 'loss' });
    assert.ok(Math.abs(r.logs!.mlm - g('step.mlm').item()) < 1e-9 && Math.abs(r.logs!.disc - g('step.disc').item()) < 1e-9);
    r.loss.backward();
    const grad = (t: Tensor, key: string, msg: string): void => {
      const e = g(`step.grad.${key}`);
      assertClose(t.grad!, e, { rtol: 1e-8, atol: 1e-10 * e.abs().max().item(), msg });
    };
    grad(
      model.discriminator.electra.embeddings.wordEmbeddings.weight,
      'emb.word_embeddings.weight',
      'shared word embeddings (both losses)',
    );
    grad(model.discriminator.predictions.densePrediction.weight, 'disc.discriminator_predictions.dense_prediction.weight', 'disc head');
    grad(model.generator.lmHead.bias, 'gen.generator_lm_head.bias', 'generator output bias');
    const q = (model.generator.electra.encoder.layers.at(0) as torch.nn.TransformerEncoderLayer).selfAttn.inProjWeight!.grad!.narrow(
      0,
      0,
      8,
    );
    assertClose(q, g('step.grad.gen.electra.encoder.layer.0.attention.self.query.weight'), {
      rtol: 1e-8,
      atol: 1e-12,
      msg: 'generator query',
    });
    grad(
      (model.discriminator.electra.encoder.layers.at(1) as torch.nn.TransformerEncoderLayer).linear2.weight,
      'disc.electra.encoder.layer.1.output.dense.weight',
      'disc FFN',
    );
  });
});

test('Hugging Face key mapping round-trips and splits the packed attention projections', () => {
  torch.scope(() => {
    const d = new models.Discriminator({ ...SIZE });
    const hf = models.toHuggingFaceElectra(d.stateDict());
    assert.ok('electra.encoder.layer.1.attention.self.value.weight' in hf && 'discriminator_predictions.dense_prediction.bias' in hf);
    assert.ok(!Object.keys(hf).some((k) => k.includes('in_proj') || k.includes('layers.')));
    const back = models.fromHuggingFaceElectra(hf);
    assert.deepEqual(Object.keys(back).sort(), Object.keys(d.stateDict()).sort());
    for (const [k, t] of Object.entries(d.stateDict())) assert.ok(torch.equal(back[k], t), k);
    delete hf['electra.encoder.layer.0.attention.self.key.bias'];
    assertThrows(() => models.fromHuggingFaceElectra(hf), /in_proj_bias needs query, key and value; missing key/);
  });
});

test('FLOPs: the encoder count by hand; ELECTRA costs more per step than the MLM baseline, by the generator', () => {
  const c = { ...SIZE };
  const [B, T, H, E, I, L] = [3, 7, 16, 12, 24, 2];
  const byHand = 2 * B * T * E * H + L * (2 * B * T * 4 * H * H + 4 * B * T * T * H + 4 * B * T * H * I);
  assert.equal(models.encoderFlops(c, B, T), byHand);
  const e = new methods.Electra(SIZE, methods.ELECTRA_OPTIONS.parse({}), VOCAB);
  const m = new methods.Mlm(SIZE, methods.MLM_OPTIONS.parse({}), VOCAB);
  const gen = models.generatorConfig(SIZE, 0.25);
  const extra =
    3 *
    (models.encoderFlops(gen, B, T) +
      models.discriminatorHeadFlops(c, B, T) +
      models.mlmHeadFlops(gen, 0.15 * B * T) -
      models.mlmHeadFlops(c, 0.15 * B * T));
  assert.ok(Math.abs(e.flopsPerStep(B, T) - m.flopsPerStep(B, T) - extra) < 1e-6 * extra);
});
