import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch, train } from '../../src/index.js';
import { assertThrows } from '../helpers.js';

const { nn } = torch;
type Optim = torch.optim.Optimizer<{ lr: number }>;

const tmp = (): string => mkdtempSync(join(tmpdir(), 'ckpt-'));
/** A small classifier with dropout (so the global RNG matters) and BatchNorm buffers. */
const makeModel = (hidden = 16): torch.nn.Sequential =>
  new nn.Sequential(new nn.Linear(8, hidden), new nn.BatchNorm1d(hidden), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(hidden, 4));
const OPTIMIZERS: Record<string, (m: torch.nn.Module) => Optim> = {
  'SGD with momentum': (m) => new torch.optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 1e-3 }),
  AdamW: (m) => new torch.optim.AdamW(m.parameters(), { lr: 0.01, amsgrad: true }),
};
const TOTAL = 8;
const schedule = torch.optim.warmupCosine({ baseLr: 0.05, warmupSteps: 2, totalSteps: TOTAL });
const data = torch.scope(() => {
  const g = new torch.Generator(42);
  return { x: torch.randn([64, 8], { generator: g }), y: torch.randint(0, 4, [64], { generator: g }) };
});

/** Steps [from, to): batches drawn with `sampler`, dropout with the global RNG. */
function trainSteps(model: torch.nn.Module, opt: Optim, sampler: torch.Generator, from: number, to: number): void {
  model.train();
  for (let step = from; step < to; step++)
    torch.scope(() => {
      const idx = torch.randint(0, 64, [16], { generator: sampler });
      const logits = (model as torch.nn.Sequential).forward(data.x.indexSelect(0, idx)); // [16, 4]
      const loss = nn.functional.crossEntropy(logits, data.y.indexSelect(0, idx));
      opt.zeroGrad();
      loss.backward();
      opt.setLr(schedule(step + 1)); // the update completing step + 1
      opt.step();
    });
}

const snapshot = (m: torch.nn.Module): Record<string, number[]> =>
  Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, t.detach().toArray()]));

/** A fresh model, optimizer and sampler made from a different seed than the run being resumed. */
function fresh(makeOpt: (m: torch.nn.Module) => Optim, seed: number): { model: torch.nn.Sequential; opt: Optim; sampler: torch.Generator } {
  torch.manualSeed(seed);
  const model = makeModel();
  return { model, opt: makeOpt(model), sampler: new torch.Generator(seed) };
}

for (const [name, makeOpt] of Object.entries(OPTIMIZERS)) {
  test(`${name}: ${TOTAL / 2} steps + save + restore into fresh objects + ${TOTAL / 2} steps is bit-identical to ${TOTAL} steps`, () => {
    const ref = fresh(makeOpt, 0);
    trainSteps(ref.model, ref.opt, ref.sampler, 0, TOTAL);
    const expected = snapshot(ref.model);

    const dir = tmp();
    try {
      const a = fresh(makeOpt, 0);
      trainSteps(a.model, a.opt, a.sampler, 0, TOTAL / 2);
      const config = { lr: 0.05, layers: [8, 16, 4], name };
      train.saveCheckpoint(dir, {
        model: a.model,
        optimizer: a.opt,
        step: TOTAL / 2,
        epoch: 1,
        schedule: { warmupSteps: 2 },
        config,
        extra: { best: 0.5 },
        generators: { sampler: a.sampler },
      });

      const b = fresh(makeOpt, 123);
      assert.notDeepEqual(snapshot(b.model), snapshot(a.model), 'the fresh model starts elsewhere');
      const info = train.loadCheckpoint(dir, { model: b.model, optimizer: b.opt, generators: { sampler: b.sampler } });
      assert.deepEqual(info, { step: TOTAL / 2, epoch: 1, schedule: { warmupSteps: 2 }, config, extra: { best: 0.5 } });
      trainSteps(b.model, b.opt, b.sampler, info.step, TOTAL);
      assert.deepEqual(snapshot(b.model), expected);

      // The RNG state matters: resuming with another global seed (dropout masks) diverges.
      const c = fresh(makeOpt, 7);
      train.loadCheckpoint(dir, { model: c.model, optimizer: c.opt, generators: { sampler: c.sampler } });
      torch.manualSeed(7);
      trainSteps(c.model, c.opt, c.sampler, TOTAL / 2, TOTAL);
      assert.notDeepEqual(snapshot(c.model)['0.weight'], expected['0.weight']);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
}

test('layout: PyTorch keys, JSON optimizer state, a manifest of sizes and hashes; old generations are removed', () => {
  const dir = tmp();
  try {
    const { model, opt, sampler } = fresh(OPTIMIZERS.AdamW, 0);
    trainSteps(model, opt, sampler, 0, 2);
    train.saveCheckpoint(dir, { model, optimizer: opt, step: 2 });
    assert.deepEqual(readdirSync(dir).sort(), [
      'manifest.json',
      'model-1.safetensors',
      'optimizer-1.json',
      'optimizer-1.safetensors',
      'rng-1.safetensors',
      'state-1.json',
    ]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    assert.equal(manifest.format, 'selfsup.checkpoint');
    assert.equal(manifest.generation, 1);
    assert.equal(manifest.step, 2);
    assert.equal(manifest.files.model.bytes, readFileSync(join(dir, 'model-1.safetensors')).length);
    assert.match(manifest.files.model.sha256, /^[0-9a-f]{64}$/);
    const weights = torch.safetensors.loadFile(join(dir, 'model-1.safetensors'));
    assert.deepEqual(Object.keys(weights).sort(), [
      '0.bias',
      '0.weight',
      '1.bias',
      '1.num_batches_tracked',
      '1.running_mean',
      '1.running_var',
      '1.weight',
      '4.bias',
      '4.weight',
    ]);
    const optJson = JSON.parse(readFileSync(join(dir, 'optimizer-1.json'), 'utf8'));
    assert.equal(optJson.type, 'AdamW');
    assert.deepEqual(optJson.paramGroups[0].params, [0, 1, 2, 3, 4, 5]);
    assert.equal(optJson.paramGroups[0].amsgrad, true);
    assert.deepEqual(optJson.state[0], {
      step: 2,
      expAvg: { tensor: 'state.0.expAvg' },
      expAvgSq: { tensor: 'state.0.expAvgSq' },
      maxExpAvgSq: { tensor: 'state.0.maxExpAvgSq' },
    });
    assert.ok(Object.keys(torch.safetensors.loadFile(join(dir, 'rng-1.safetensors'))).includes('global'));
    train.saveCheckpoint(dir, { model, step: 3 });
    assert.deepEqual(readdirSync(dir).sort(), ['manifest.json', 'model-2.safetensors', 'rng-2.safetensors', 'state-2.json']);
    assertThrows(
      () => train.loadCheckpoint(dir, { model, optimizer: opt }),
      /^loadCheckpoint: the checkpoint in .* has no optimizer state, but an optimizer was given$/,
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a save that dies midway leaves the previous checkpoint loadable, and the next save clears its debris', () => {
  const dir = tmp();
  try {
    const make = OPTIMIZERS['SGD with momentum'];
    const { model, opt, sampler } = fresh(make, 0);
    trainSteps(model, opt, sampler, 0, 2);
    train.saveCheckpoint(dir, { model, optimizer: opt, step: 2 });
    const saved = snapshot(model);
    // What a process killed during the next save leaves: some new data files, one half written, no new manifest.
    writeFileSync(join(dir, 'model-2.safetensors'), readFileSync(join(dir, 'model-1.safetensors')).subarray(0, 100));
    writeFileSync(join(dir, 'optimizer-2.json'), '{"type": "SG');
    const restored = fresh(make, 9);
    assert.equal(train.loadCheckpoint(dir, { model: restored.model, optimizer: restored.opt }).step, 2);
    assert.deepEqual(snapshot(restored.model), saved);
    trainSteps(model, opt, sampler, 2, 4);
    train.saveCheckpoint(dir, { model, optimizer: opt, step: 4 });
    assert.deepEqual(readdirSync(dir).sort(), [
      'manifest.json',
      'model-3.safetensors',
      'optimizer-3.json',
      'optimizer-3.safetensors',
      'rng-3.safetensors',
      'state-3.json',
    ]);
    assert.equal(train.loadCheckpoint(dir, { model: restored.model, optimizer: restored.opt }).step, 4);
    assert.deepEqual(snapshot(restored.model), snapshot(model));
    // Nothing is written at all when a value is not JSON.
    assertThrows(
      () => train.saveCheckpoint(dir, { model, step: 5, extra: { n: 1n } }),
      /^saveCheckpoint: the state \(schedule, config or extra\) is not JSON-serialisable: /,
      TypeError,
    );
    assert.equal(readdirSync(dir).length, 6);
    assert.equal(train.loadCheckpoint(dir, { model: restored.model }).step, 4);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('load errors name the directory, the file, and for a mismatched model the key and both shapes', () => {
  const dir = tmp();
  try {
    const { model, opt } = fresh(OPTIMIZERS.AdamW, 0);
    assertThrows(
      () => train.loadCheckpoint(join(dir, 'none'), { model }),
      new RegExp(`^loadCheckpoint: checkpoint directory ${dir}/none does not exist$`),
    );
    assertThrows(() => train.loadCheckpoint(dir, { model }), new RegExp(`^loadCheckpoint: ${dir}/manifest.json is missing`));
    train.saveCheckpoint(dir, { model, optimizer: opt, step: 0, generators: { a: new torch.Generator(1) } });
    const model1 = join(dir, 'model-1.safetensors');
    assertThrows(
      () => train.loadCheckpoint(dir, { model: makeModel(32) }),
      new RegExp(
        `^Sequential.loadStateDict \\(${model1}\\): size mismatch for 0.weight: the model has shape \\[32,8\\] but the checkpoint has \\[16,8\\]`,
      ),
    );
    assertThrows(
      () => train.loadCheckpoint(dir, { model: new nn.Sequential(new nn.Linear(8, 16)) }),
      new RegExp(`\\(${model1}\\): unexpected keys: .*1\\.weight`),
    );
    const sgd = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
    assertThrows(
      () => train.loadCheckpoint(dir, { model, optimizer: sgd }),
      /optimizer-1.json holds the state of a AdamW optimizer but a SGD was given$/,
    );
    assertThrows(
      () => train.loadCheckpoint(dir, { model, generators: { b: new torch.Generator(1) } }),
      /rng-1.safetensors holds no state for generator "b" \(it holds: .*generator.a/,
    );
    const bytes = readFileSync(model1);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(model1, bytes);
    assertThrows(
      () => train.loadCheckpoint(dir, { model }),
      new RegExp(`^loadCheckpoint: ${model1} is corrupt: .* SHA-256 that differs from the manifest's`),
    );
    unlinkSync(model1);
    assertThrows(
      () => train.loadCheckpoint(dir, { model }),
      new RegExp(`^loadCheckpoint: ${model1} is missing \\(named by ${dir}/manifest.json\\)$`),
    );
    writeFileSync(join(dir, 'manifest.json'), '{"format": "selfsup.checkpoint", ');
    assertThrows(() => train.loadCheckpoint(dir, { model }), new RegExp(`^loadCheckpoint: ${dir}/manifest.json is corrupt: `));
    writeFileSync(join(dir, 'manifest.json'), '{"format": "other"}');
    assertThrows(() => train.loadCheckpoint(dir, { model }), /manifest.json is not a selfsup.checkpoint version 1 manifest$/);
    assertThrows(
      () => train.saveCheckpoint(dir, { model, step: -1 }),
      /^saveCheckpoint: expected a non-negative integer step but received -1$/,
      RangeError,
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});
