import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch, models } from '../../src/index.js';
import { assertThrows, root } from '../helpers.js';

test('ConvNet: shapes, PyTorch-style keys and parameter count', () => {
  torch.manualSeed(0);
  const net = new models.ConvNet();
  const shapes = Object.fromEntries(Object.entries(net.stateDict()).map(([k, t]) => [k, t.shape]));
  assert.deepEqual(shapes, {
    'features.0.weight': [32, 1, 3, 3],
    'features.0.bias': [32],
    'features.3.weight': [64, 32, 3, 3],
    'features.3.bias': [64],
    'fc1.weight': [128, 64 * 7 * 7],
    'fc1.bias': [128],
    'fc2.weight': [10, 128],
    'fc2.bias': [10],
  });
  assert.equal(net.numParameters(), 32 * 9 + 32 + 64 * 32 * 9 + 64 + 128 * 3136 + 128 + 1290);
  torch.scope(() => {
    const x = torch.randn([2, 1, 28, 28]);
    assert.deepEqual(net.forward(x).shape, [2, 10]);
    assert.deepEqual(net.embed(x).shape, [2, 128]);
    net.eval();
    assert.deepEqual(net.forward(x).toArray(), net.forward(x).toArray(), 'eval mode is deterministic');
    net.train();
    assert.notDeepEqual(net.forward(x).toArray(), net.forward(x).toArray(), 'dropout is active in training');
  });
});

test('ConvNet is configurable: channels, input size and classes', () => {
  const net = new models.ConvNet({ inChannels: 3, imageSize: 32, channels: [8, 8, 16], hidden: 20, numClasses: 3 });
  assert.deepEqual(net.fc1.weight.shape, [20, 16 * 4 * 4]);
  assert.deepEqual(
    torch.scope(() => net.forward(torch.randn([4, 3, 32, 32])).shape),
    [4, 3],
  );
  assert.deepEqual(new models.ConvNet({ imageSize: 15, channels: [4, 4] }).fc1.weight.shape, [128, 4 * 3 * 3], 'pools floor odd sizes');
  assertThrows(
    () => new models.ConvNet({ channels: [] }),
    /^ConvNet: expected a non-empty array for channels but received \[\]$/,
    RangeError,
  );
  assertThrows(
    () => new models.ConvNet({ channels: [8, 0] }),
    /^ConvNet: expected a positive integer for channels\[1\] but received 0$/,
    RangeError,
  );
  assertThrows(
    () => new models.ConvNet({ numClasses: 1.5 }),
    /^ConvNet: expected a positive integer for numClasses but received 1.5$/,
    RangeError,
  );
  assertThrows(
    () => new models.ConvNet({ imageSize: 7, channels: [4, 4, 4] }),
    /^ConvNet: 3 pooling stages shrink a 7×7 input below 1×1$/,
    RangeError,
  );
});

test('examples/mnist-supervised on 3,000 training images for 2 epochs reaches >= 90% on 1,000 test images, and its checkpoint reloads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-mnist-'));
  try {
    const out = execFileSync(
      process.execPath,
      [
        join(root, 'dist', 'examples', 'mnist-supervised.js'),
        '--train',
        '3000',
        '--test',
        '1000',
        '--epochs',
        '2',
        '--batch',
        '32',
        '--out',
        dir,
      ],
      { encoding: 'utf8' },
    );
    const m = /test accuracy: ([\d.]+)% \((\d+)\/1000\)/.exec(out);
    assert.ok(m, `unexpected output: ${out}`);
    assert.ok(Number(m[2]) >= 900, `test accuracy ${m[1]}% is below the 90% floor:\n${out}`);
    const r = /reloaded model test accuracy: ([\d.]+)%/.exec(out);
    assert.ok(r, `no reload line in: ${out}`);
    assert.equal(r[1], m[1], 'the reloaded checkpoint must classify exactly like the trained model');
    assert.ok(existsSync(join(dir, 'manifest.json')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
