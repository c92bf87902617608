import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import { torch } from '../../src/index.js';
import * as V from '../../src/views/index.js';
import { assertClose, assertThrows, root } from '../helpers.js';

/** Reads back an 8-bit PNG written by encodePng: checks the chunk CRCs and returns [channels, h, w, pixels]. */
function decodePng(png: Buffer): [number, number, number, Uint8Array] {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks = new Map<string, Buffer>();
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at);
    const body = png.subarray(at + 4, at + 8 + len);
    assert.equal(png.readUInt32BE(at + 8 + len), crc32(body), 'chunk CRC');
    chunks.set(body.subarray(0, 4).toString('ascii'), body.subarray(4));
    at += 12 + len;
  }
  const ihdr = chunks.get('IHDR')!;
  const [w, h, depth, type] = [ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9]];
  assert.equal(depth, 8);
  const c = type === 0 ? 1 : 3;
  const raw = inflateSync(chunks.get('IDAT')!);
  const pixels = new Uint8Array(h * w * c);
  for (let y = 0; y < h; y++) {
    assert.equal(raw[y * (w * c + 1)], 0, 'filter byte');
    pixels.set(raw.subarray(y * (w * c + 1) + 1, (y + 1) * (w * c + 1)), y * w * c);
  }
  assert.ok(chunks.has('IEND'));
  return [c, h, w, pixels];
}

test('encodePng writes RGB and grayscale PNGs that decode to the rounded pixels', () => {
  const img = torch.rand([3, 5, 7], { generator: new torch.Generator(0) });
  const [c, h, w, pixels] = decodePng(V.encodePng(img));
  assert.deepEqual([c, h, w], [3, 5, 7]);
  const want = img.mul(255).add(0.5).floor().permute([1, 2, 0]).flatten().toArray();
  assert.deepEqual(Array.from(pixels), want);
  const gray = torch.tensor([[[0, 0.5, 1, 2, -1]]]);
  assert.deepEqual(decodePng(V.encodePng(gray)), [1, 1, 5, Uint8Array.of(0, 128, 255, 255, 0)]);
  assertThrows(
    () => V.encodePng(torch.rand([2, 4, 4])),
    /Expected an image Tensor \[C, H, W\] with C = 1 or 3 for encodePng img but received "shape \[2,4,4\]"/,
    TypeError,
  );
});

test('imageGrid tiles like torchvision make_grid', () => {
  const x = torch.arange(5).float().div(10).view([5, 1, 1, 1]).expand([5, 1, 2, 3]).contiguous();
  const grid = V.imageGrid(x, { nrow: 3, padding: 1, padValue: 1 });
  assert.deepEqual(grid.shape, [1, 2 * 3 + 1, 3 * 4 + 1]);
  assertClose(grid.index(0, 1).narrow(0, 1, 3), torch.full([3], 0));
  assertClose(grid.index(0, 5).narrow(0, 5, 3), torch.full([3], 0.4));
  assertClose(grid.index(0, 5).narrow(0, 9, 3), torch.full([3], 1), { msg: 'empty cell is padding' });
  assertClose(grid.index(0, 0), torch.full([13], 1), { msg: 'top border' });
});

test('examples/view-grid writes a PNG grid of Fashion-MNIST views', () => {
  assert.ok(existsSync('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz'), 'install dataset-fashion-mnist');
  const dir = mkdtempSync(join(tmpdir(), 'view-grid-'));
  try {
    const out = join(dir, 'grid.png');
    const log = execFileSync(
      process.execPath,
      [join(root, 'dist', 'examples', 'view-grid.js'), '--out', out, '--images', '3', '--pairs', '2', '--zoom', '1'],
      { encoding: 'utf8' },
    );
    assert.match(log, /3 images × \(original \+ 2 view pairs\)/);
    const [c, h, w, pixels] = decodePng(readFileSync(out));
    assert.deepEqual([c, h, w], [1, 3 * 30 + 2, 5 * 30 + 2]);
    assert.ok(
      pixels.some((p) => p > 0 && p < 255),
      'grid has grey levels',
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});
