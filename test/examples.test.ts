import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './helpers.js';

test('examples/quickstart fits y = 3x - 1', () => {
  const out = execFileSync(process.execPath, [join(root, 'dist', 'examples', 'quickstart.js')], { encoding: 'utf8' });
  const m = /w = (-?[\d.]+), b = (-?[\d.]+)/.exec(out);
  assert.ok(m, `unexpected output: ${out}`);
  assert.ok(Math.abs(Number(m[1]) - 3) < 0.05, `w = ${m[1]}`);
  assert.ok(Math.abs(Number(m[2]) + 1) < 0.05, `b = ${m[2]}`);
});
