/** Devices: "cpu", "cuda", "cuda:N" (checked by `device()` in check.ts). */
export type Device = string;
