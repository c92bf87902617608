/**
 * Entry point of an image-decoding worker thread (see decode-pool.ts): decodes
 * one file per message with sharp and posts the planar pixels back, transferring
 * the buffer (no copy). It never loads the tensor engine.
 */
import { parentPort } from 'node:worker_threads';
import { decodeImage, ImageDecodeError, type ImageOptions } from './image.js';

export interface DecodeRequest {
  id: number;
  path: string;
  options: ImageOptions;
}

export type DecodeReply =
  | { id: number; data: Uint8Array; shape: [number, number, number] }
  | { id: number; error: string };

const port = parentPort;
if (!port) throw new Error('decode-worker.js must run in a worker thread (it is started by DecodePool)');
port.on('message', (req: DecodeRequest) => {
  decodeImage(req.path, req.options).then(
    (raw) => port.postMessage({ id: req.id, data: raw.data, shape: raw.shape } satisfies DecodeReply, [raw.data.buffer as ArrayBuffer]),
    (e: Error) => port.postMessage({ id: req.id, error: e instanceof ImageDecodeError ? e.reason : e.message } satisfies DecodeReply),
  );
});
