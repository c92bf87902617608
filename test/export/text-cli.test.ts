/**
 * `selfsup export` on a tiny ELECTRA run trained here: the encoder's ONNX file
 * with the run's vocabulary and tokenizer in its metadata, real text tokenised
 * by the run's tokenizer (selfsup's and Hugging Face's give the same ids) and
 * padded, onnxruntime-node equal to libtorch within 1e-4; `--int8` calibrated
 * on the run's sequences, close to the float encoder; `--layer`, `--web` and a
 * run without weights rejected with one clear line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { torch } from '../../src/index.js';
import { Bert } from '../../src/models/bert.js';
import { Tokenizer } from '../../src/text/tokenizer.js';
import { decodeMeta, INT8_COSINE, INT8_POOLED, int8Drift, maxDiff } from './ort.js';
import { selfsup } from './runs.js';

const TOLERANCE = 1e-4;

test('selfsup export of a tiny ELECTRA run: real text through the run tokenizer, onnxruntime equals libtorch, int8 close; layer, web, missing weights rejected', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-export-text-'));
  try {
    const run = join(dir, 'electra');
    const size = ['--model.hidden-size', '16', '--model.embedding-size', '8', '--model.layers', '1', '--model.heads', '2'];
    const data = ['--data.vocab-size', '300', '--data.max-tokens', '20000', '--data.max-length', '32'];
    const train = ['--train.steps', '4', '--train.batch-size', '4', '--train.snapshots', '1'];
    const p = selfsup('pretrain', '--method', 'electra', ...size, '--model.intermediate-size', '32', ...data, ...train, '--out', run);
    assert.equal(p.status, 0, p.stderr);
    const e = selfsup('export', run);
    assert.equal(e.status, 0, e.stderr);
    const file = join(run, 'encoder.onnx');
    assert.equal(e.stdout.trim(), file);
    assert.match(
      e.stderr,
      /encoder → input_ids \[batch, sequence\], attention_mask \[batch, sequence\] → last_hidden_state \[batch, sequence, 16\], pooled \[batch, 16\]/,
    );
    const bytes = readFileSync(file);
    const meta = decodeMeta(bytes);
    const tok = Tokenizer.load(join(run, 'tokenizer.json'));
    assert.deepEqual([meta.method, meta.vocab_size, meta.max_length], ['electra', String(tok.vocabSize), '32']);
    assert.equal(JSON.parse(meta.tokenizer!).specialTokens['[PAD]'], 0);

    const texts = ['The jury said it did find that many of the registration practices were handled well.', 'Hello there.', 'A dog.'];
    const batch = tok.encodeBatch(texts, { maxLength: 32 });
    const hf = new HfTokenizer(
      JSON.parse(readFileSync(join(run, 'hf', 'tokenizer.json'), 'utf8')),
      JSON.parse(readFileSync(join(run, 'hf', 'tokenizer_config.json'), 'utf8')),
    );
    texts.forEach((t, i) => assert.deepEqual(hf.encode(t).ids, tok.encode(t, { addSpecialTokens: true }), `Hugging Face ids of text ${i}`));
    assert.ok(batch.attentionMask.sum().item() < batch.attentionMask.numel(), 'the batch holds padding');
    const bert = new Bert({
      vocabSize: tok.vocabSize,
      hiddenSize: 16,
      embeddingSize: 8,
      numLayers: 1,
      numHeads: 2,
      intermediateSize: 32,
      maxPositions: 32,
    });
    bert.loadStateDict(torch.safetensors.loadFile(join(run, 'encoder.safetensors')));
    bert.eval();
    const feeds = { input_ids: batch.inputIds, attention_mask: batch.attentionMask };
    const { diff, scale } = await maxDiff(
      bert,
      feeds,
      { inputShape: [32] },
      {
        bytes,
        outputs: [
          { name: 'last_hidden_state', shape: [] },
          { name: 'pooled', shape: [] },
        ],
      },
    );
    assert.ok(scale > 0.1 && diff <= TOLERANCE * Math.max(1, scale), `trained run: max diff ${diff} at scale ${scale}`);
    console.log(`# trained ELECTRA run, real text: max |diff| ${diff.toExponential(2)}, outputs up to ${scale.toFixed(2)}`);

    const q = selfsup('export', run, '--int8', '--calibration', '64');
    assert.equal(q.status, 0, q.stderr);
    const int8 = readFileSync(join(run, 'encoder.int8.onnx'));
    const quantization = JSON.parse(decodeMeta(int8).quantization!) as { nodes: number; calibration: number };
    assert.deepEqual(
      [quantization.nodes, quantization.calibration],
      [5, 64],
      "embeddings_project and the layer's 4 matrices, 64 sequences",
    );
    const weights = new Map(onnxProto.onnx.ModelProto.decode(int8).graph!.initializer!.map((t) => [t.name, t.dataType]));
    assert.equal(weights.get('encoder.layers.0.linear1.weight_t.int8'), onnxProto.onnx.TensorProto.DataType.INT8, 'an int8 weight');
    assert.ok(!weights.has('encoder.layers.0.linear1.weight_t'), 'and not its float one');
    const drift = await int8Drift(int8, bert, feeds);
    console.log(`# trained ELECTRA run, int8: ${int8.length} / ${bytes.length} bytes; ${JSON.stringify(drift)}`);
    assert.ok(drift.cosine >= INT8_COSINE && drift.pooled <= INT8_POOLED, `int8 drift ${JSON.stringify(drift)}`);
    const l = selfsup('export', run, '--layer', 'pooled');
    assert.notEqual(l.status, 0);
    assert.match(l.stderr, /export: layer applies to TRILL and FRILL runs only/);
    const w = selfsup('export', run, '--web', join(dir, 'page'));
    assert.notEqual(w.status, 0);
    assert.match(w.stderr, /export --web: \S+ is a text run; the page serves image and audio runs \(leave out --web\)/);
    const bare = join(dir, 'bare');
    mkdirSync(bare);
    for (const f of ['config.json', 'tokenizer.json']) copyFileSync(join(run, f), join(bare, f));
    const b = selfsup('export', bare);
    assert.notEqual(b.status, 0);
    assert.match(b.stderr, /export: \S+bare has no encoder.safetensors \(the trained encoder; has the run finished\?/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
