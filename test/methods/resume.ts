/** Shared by the registry tests of image and text methods: quiet stderr, and the bit-identical resume check. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { torch, pipeline, train } from '../../src/index.js';

/** Silences stderr (progress lines) until the returned function is called. */
export const quietErr = (): (() => void) => {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  return () => void (process.stderr.write = write);
};

/** A run's logged events. */
export const events = (dir: string): train.MetricEvent[] => new train.RunDir(dir, { resume: true }).events();

/**
 * Pretrains `config` for 4 steps in DIR/straight, and for 2 + (resume) 2 in
 * DIR/split; asserts the two end with the same state dict, bit for bit, and the
 * same 4 finite logged losses. Returns the straight run's folder and state.
 */
export async function assertResumesBitIdentically(
  name: string,
  config: Record<string, unknown>,
  dir: string,
): Promise<{ straight: string; state: Record<string, torch.Tensor> }> {
  const [straight, split] = [join(dir, 'straight'), join(dir, 'split')];
  assert.equal((await pipeline.pretrain(config, straight)).step, 4);
  const first = await pipeline.pretrain(config, split, { stopAfter: 2 });
  assert.deepEqual([first.step, first.interrupted], [2, true]);
  assert.equal((await pipeline.pretrain(config, split, { resume: true })).step, 4);
  const a = torch.safetensors.loadFile(join(straight, 'model.safetensors'));
  const b = torch.safetensors.loadFile(join(split, 'model.safetensors'));
  assert.deepEqual(Object.keys(b), Object.keys(a));
  for (const k of Object.keys(a)) assert.ok(torch.equal(a[k], b[k]), `${name}: ${k} differs after resume`);
  const losses = (d: string): number[] =>
    events(d)
      .filter((e) => e.event === 'train')
      .map((e) => e.loss as number);
  assert.equal(losses(straight).length, 4);
  assert.ok(losses(straight).every(Number.isFinite));
  assert.deepEqual(losses(split), losses(straight));
  return { straight, state: a };
}
