/** Devices: "cpu", "cuda", "cuda:N". */
import { native } from './native.js';

export type Device = string;

/** Validates a device string and checks that it exists on this machine. */
export function checkDevice(device: unknown, name = 'device'): Device {
  if (typeof device !== 'string' || !/^(cpu|cuda(:\d+)?)$/.test(device))
    throw new TypeError(`Expected "cpu", "cuda" or "cuda:N" for ${name} but received ${JSON.stringify(device)}`);
  if (device !== 'cpu') {
    if (!native.cudaIsAvailable())
      throw new Error(`Device ${device} is not available: torch.cuda.isAvailable() is false (this libtorch ${native.version()} has no CUDA support or no GPU is visible). Use "cpu", or build against a CUDA libtorch with LIBTORCH=/path.`);
    const index = device.includes(':') ? Number(device.split(':')[1]) : 0;
    const count = native.cudaDeviceCount() as number;
    if (index >= count) throw new Error(`Device ${device} is not available: ${count} CUDA device(s) visible`);
  }
  return device;
}
