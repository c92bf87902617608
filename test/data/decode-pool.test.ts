/**
 * DecodePool: the requests of one tick go out together, shared among the
 * workers, so the workers keep decoding while the main thread is busy (as in a
 * training step); real emoji decode to the same pixels as on the main thread; a
 * crashing worker fails only the file it crashed on and is replaced; closing
 * rejects queued and in-flight files by name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DecodePool } from '../../src/data/decode-pool.js';
import { decodeImage, ImageDecodeError } from '../../src/data/image.js';
import { emojiRecords } from '../../src/data/emoji.js';

const tmp = mkdtempSync(join(tmpdir(), 'selfsup-decode-pool-'));

/** A stand-in decoder whose "pixels" are the wall-clock time it answered and its thread id; it crashes on files named crash* and never answers hang*. */
function stampScript(): URL {
  const script = join(tmp, 'stamp-worker.mjs');
  writeFileSync(
    script,
    [
      "import { parentPort, threadId } from 'node:worker_threads';",
      "parentPort.on('message', (batch) => { for (const m of batch) {",
      "  if (m.path.includes('crash')) throw new Error('boom');",
      "  if (m.path.includes('hang')) continue;",
      '  const data = new Uint8Array(new Float64Array([Date.now(), threadId]).buffer);',
      '  parentPort.postMessage({ id: m.id, data, shape: [1, 2, 8] }, [data.buffer]);',
      '} });',
    ].join('\n'),
  );
  return pathToFileURL(script);
}
const stamp = (r: { data: Uint8Array }): [number, number] => Array.from(new Float64Array(r.data.slice().buffer)) as [number, number];

test('the workers decode every requested file while the main thread is busy, sharing the work', async () => {
  const pool = new DecodePool(2, stampScript());
  const pending = Array.from({ length: 40 }, (_, i) => pool.decode(`/data/${i}.png`, { size: 1 }));
  await new Promise((r) => setTimeout(r, 0)); // the requests go out
  const busyUntil = Date.now() + 1500;
  while (Date.now() < busyUntil); // a synchronous "training step"
  const stamps = (await Promise.all(pending)).map(stamp);
  assert.ok(
    stamps.every(([t]) => t <= busyUntil),
    `answered after the busy period: ${stamps.filter(([t]) => t > busyUntil).length} of 40`,
  );
  assert.equal(new Set(stamps.map(([, id]) => id)).size, 2, 'both workers took a share');
  assert.equal(pool.pending, 0);
  await pool.close();
});

test('pool decodes of real emoji equal main-thread decodes, in request order', async () => {
  const paths = emojiRecords()
    .records.slice(0, 12)
    .map((r) => r.path);
  const pool = new DecodePool(2);
  const pooled = await Promise.all(paths.map((p) => pool.decode(p, { size: 16 })));
  await pool.close();
  for (const [i, p] of paths.entries()) {
    const direct = await decodeImage(p, { size: 16 });
    assert.deepEqual(pooled[i].shape, direct.shape);
    assert.deepEqual(Buffer.from(pooled[i].data), Buffer.from(direct.data), p);
  }
});

test('a worker that crashes fails only the file it crashed on; its other files go to a new worker', async () => {
  const pool = new DecodePool(1, stampScript());
  const [before, crash, after] = ['/data/a.png', '/data/crash.png', '/data/b.png'].map((p) => pool.decode(p, { size: 1 }));
  const first = stamp(await before);
  await assert.rejects(
    crash,
    (e: Error) =>
      e instanceof ImageDecodeError &&
      e.file === '/data/crash.png' &&
      /^\/data\/crash\.png: cannot decode image: the decode worker failed: boom$/.test(e.message),
  );
  const second = stamp(await after);
  assert.notEqual(second[1], first[1], 'a new worker served the file after the crash');
  await pool.close();
});

test('close rejects queued and in-flight files by name; a closed pool refuses new ones', async () => {
  const pool = new DecodePool(1, stampScript());
  const inFlight = assert.rejects(
    pool.decode('/data/hang.png', { size: 1 }),
    /^Error: DecodePool: closed while decoding \/data\/hang\.png$/,
  );
  await new Promise((r) => setTimeout(r, 0)); // hang.png goes out
  const queued = assert.rejects(pool.decode('/data/q.png', { size: 1 }), /^Error: DecodePool: closed before decoding \/data\/q\.png$/);
  await pool.close();
  await Promise.all([inFlight, queued]);
  await assert.rejects(pool.decode('/data/x.png', { size: 1 }), /DecodePool: the pool is closed \(decoding \/data\/x\.png\)/);
});
