/**
 * Every registered text method (ELECTRA, the masked-LM baseline), enumerated
 * from the registry: it trains a few steps on real text (the Brown corpus)
 * through `selfsup pretrain`'s pipeline, an interrupted and resumed run reaches
 * bit-for-bit the weights and losses of an uninterrupted one, the run folder
 * holds the tokenizer, the encoder, snapshots with their FLOPs and the Hugging
 * Face export, and the exported weights load back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch, methods, models, pipeline, text } from '../../src/index.js';
import { flagFields } from '../../src/config/schema.js';
import { assertResumesBitIdentically, events, quietErr } from './resume.js';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';

const config = (name: string): Record<string, unknown> => ({
  method: { name },
  data: { sources: ['brown'], maxTokens: 20000, vocabSize: 400, maxLength: 32 },
  model: { hiddenSize: 32, embeddingSize: 16, layers: 2, heads: 2, intermediateSize: 64 },
  train: { steps: 4, batchSize: 8, logEvery: 1, snapshots: 2 },
});

for (const spec of Object.values(methods.METHODS).filter((m) => m.modality === 'text')) {
  test(`${spec.name}: declared, trains on real text, resumes bit-identically, exports its encoder and Hugging Face weights`, async () => {
    assert.match(spec.paper, /\d{4}/);
    for (const [path, f] of flagFields(spec.options)) assert.ok(f.help.length > 3, `option ${path} has help`);
    const dir = mkdtempSync(join(tmpdir(), `selfsup-${spec.name}-`));
    const restore = quietErr();
    try {
      const { straight } = await assertResumesBitIdentically(spec.name, config(spec.name), dir);
      const cfg = JSON.parse(readFileSync(join(straight, 'config.json'), 'utf8')) as { flopsPerStep: number };
      const snaps = events(straight).filter((e) => e.event === 'snapshot');
      assert.deepEqual(
        snaps.map((e) => [e.step, e.flops]),
        [2, 4].map((s) => [s, s * cfg.flopsPerStep]),
      );
      for (const s of [2, 4]) assert.ok(existsSync(join(straight, 'snapshots', `step-${s}.safetensors`)));
      const tok = text.Tokenizer.load(join(straight, 'tokenizer.json'));
      const encoder = torch.safetensors.loadFile(join(straight, 'encoder.safetensors'));
      const bert = new models.Bert({
        vocabSize: tok.vocabSize,
        hiddenSize: 32,
        embeddingSize: 16,
        numLayers: 2,
        numHeads: 2,
        intermediateSize: 64,
        maxPositions: 32,
      });
      bert.loadStateDict(encoder, true, 'encoder.safetensors');
      const last = torch.safetensors.loadFile(join(straight, 'snapshots', 'step-4.safetensors'));
      for (const k of Object.keys(encoder)) assert.ok(torch.equal(last[k], encoder[k]), `the last snapshot is the final encoder (${k})`);

      const hfDir = join(straight, 'hf');
      const hf = torch.safetensors.loadFile(join(hfDir, 'model.safetensors'));
      assert.ok('electra.encoder.layer.0.attention.self.query.weight' in hf);
      const ours = models.fromHuggingFaceElectra(hf);
      for (const [k, t] of Object.entries(encoder)) assert.ok(torch.equal(ours[`electra.${k}`], t), `Hugging Face export of ${k}`);
      const hfConfig = JSON.parse(readFileSync(join(hfDir, 'config.json'), 'utf8')) as Record<string, unknown>;
      assert.deepEqual(
        [hfConfig.model_type, hfConfig.architectures, hfConfig.vocab_size, hfConfig.hidden_size],
        ['electra', [spec.name === 'electra' ? 'ElectraForPreTraining' : 'ElectraForMaskedLM'], tok.vocabSize, 32],
      );
      const hfTok = new HfTokenizer(
        JSON.parse(readFileSync(join(hfDir, 'tokenizer.json'), 'utf8')),
        JSON.parse(readFileSync(join(hfDir, 'tokenizer_config.json'), 'utf8')),
      );
      const sentence = 'The jury said it did find that many of the registration practices were handled well.';
      assert.deepEqual(hfTok.encode(sentence).ids, tok.encode(sentence, { addSpecialTokens: true }));
    } finally {
      restore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('text pretraining: bad configs are named before any run folder appears', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-text-bad-'));
  try {
    await assert.rejects(
      pipeline.pretrain({ ...config('electra'), model: { hiddenSize: 30, heads: 4 } }, join(dir, 'a')),
      /model.hiddenSize \(30\) must be a multiple of model.heads \(4\)/,
    );
    await assert.rejects(
      pipeline.pretrain({ ...config('electra'), train: { steps: 0 } }, join(dir, 'b')),
      /set train.steps or train.flops/,
    );
    await assert.rejects(pipeline.pretrain({ ...config('mlm'), data: { sources: ['no-such-corpus'] } }, join(dir, 'c')), /no-such-corpus/);
    assert.ok(!existsSync(join(dir, 'a')) && !existsSync(join(dir, 'b')) && !existsSync(join(dir, 'c')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
