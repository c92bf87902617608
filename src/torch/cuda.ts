/** `torch.cuda`: whether the loaded libtorch can use a GPU. */
import { native } from './native.js';

export function isAvailable(): boolean {
  return native.cudaIsAvailable();
}

export function deviceCount(): number {
  return native.cudaDeviceCount();
}
