/**
 * `torch.nn.functional` (PyTorch's `torch.nn.functional`, camelCase names,
 * keyword arguments as an options object with PyTorch's defaults):
 *
 *     const F = torch.nn.functional;
 *     const y = F.conv2d(x, w, b, { stride: 2, padding: 'valid' });
 *     const loss = F.crossEntropy(logits, labels, { labelSmoothing: 0.1 });
 */
export * from './activations.js';
export * from './conv.js';
export * from './linear.js';
export * from './normalization.js';
export * from './losses.js';
export * from './sampling.js';
