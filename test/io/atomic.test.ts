import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { removeStaleTemps, writeFileAtomic } from '../../src/io/atomic.js';

test('writeFileAtomic replaces the file and leaves no temp file; errors name the caller and the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-atomic-'));
  const path = join(dir, 'a.json');
  writeFileAtomic(path, 'old');
  writeFileAtomic(path, Buffer.from('new'));
  assert.equal(readFileSync(path, 'utf8'), 'new');
  assert.deepEqual(readdirSync(dir), ['a.json']);
  assert.throws(() => writeFileAtomic(join(dir, 'missing', 'b'), 'x', 'report'), /^Error: report: cannot write .*missing\/b: ENOENT/);
});

test('removeStaleTemps deletes temp files of dead writers and keeps those of live ones and other files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-atomic-'));
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString(); // a pid that has exited
  const stale = `.model-3.safetensors.tmp-${dead}-1700000000000-0`;
  const live = `.model-3.safetensors.tmp-${process.pid}-1700000000000-1`;
  for (const f of [stale, live, 'model-2.safetensors']) writeFileSync(join(dir, f), 'x');
  assert.deepEqual(removeStaleTemps(dir), [stale]);
  assert.equal(existsSync(join(dir, stale)), false);
  assert.deepEqual(readdirSync(dir).sort(), [live, 'model-2.safetensors'].sort());
  assert.deepEqual(removeStaleTemps(join(dir, 'nope')), []);
});
