/**
 * Inputs of an onnxruntime-node session from libtorch tensors: a one-input
 * network's x, or a text model's inputs by name (int64 ids and mask).
 */
import * as ort from 'onnxruntime-node';
import * as torch from '../../torch/index.js';

/** Inputs of an exported model: x for its one input, or the inputs by name ({ input_ids, attention_mask } of a text model). */
export type Inputs = torch.Tensor | Record<string, torch.Tensor>;

/** An onnxruntime-node tensor of `t`: int64 as int64, anything else as float32. */
export const ortTensor = (t: torch.Tensor): ort.Tensor =>
  t.dtype === 'int64'
    ? new ort.Tensor('int64', t.contiguous().data() as BigInt64Array, t.shape)
    : new ort.Tensor('float32', t.float().contiguous().data() as Float32Array, t.shape);

/** The inputs by name: x as the one input `name`, or x itself. */
export const byName = (x: Inputs, name: string): Record<string, torch.Tensor> => (x instanceof torch.Tensor ? { [name]: x } : x);

/** The feeds of a session with `inputNames` on x. */
export const ortFeeds = (inputNames: readonly string[], x: Inputs): Record<string, ort.Tensor> =>
  Object.fromEntries(Object.entries(byName(x, inputNames[0])).map(([k, t]) => [k, ortTensor(t)]));
