/**
 * Entry point of an image-decoding worker thread (see decode-pool.ts): each
 * message hands it a batch of files, which it decodes with sharp one after
 * another (in the order received), posting each file's planar pixels back as
 * soon as they are ready, transferring the buffer (no copy). It never loads the
 * tensor engine.
 */
import { parentPort } from 'node:worker_threads';
import { decodeImage, ImageDecodeError, type ImageOptions } from './image.js';

export interface DecodeRequest {
  id: number;
  path: string;
  options: ImageOptions;
}

export type DecodeReply = { id: number; data: Uint8Array; shape: [number, number, number] } | { id: number; error: string };

const port = parentPort;
if (!port) throw new Error('decode-worker.js must run in a worker thread (it is started by DecodePool)');
const todo: DecodeRequest[] = [];
let draining = false;

const drain = async (): Promise<void> => {
  draining = true;
  for (let req = todo.shift(); req; req = todo.shift()) {
    try {
      const raw = await decodeImage(req.path, req.options);
      port.postMessage({ id: req.id, data: raw.data, shape: raw.shape } satisfies DecodeReply, [raw.data.buffer as ArrayBuffer]);
    } catch (e) {
      port.postMessage({ id: req.id, error: e instanceof ImageDecodeError ? e.reason : (e as Error).message } satisfies DecodeReply);
    }
  }
  draining = false;
};

port.on('message', (batch: DecodeRequest[]) => {
  todo.push(...batch);
  if (!draining) void drain();
});
