// SimCLR views of real Fashion-MNIST images, written as a PNG grid (one row per image:
// the original, then view pairs). Needs the Debian package dataset-fashion-mnist.
//
//   node dist/examples/view-grid.js --out grid.png [--images 8] [--pairs 3] [--seed 0] [--strength 1] [--blur 0.5]
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { torch, data, views } from 'selfsup';

const FILE = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'grid.png' },
    images: { type: 'string', default: '8' },
    pairs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '0' },
    strength: { type: 'string', default: '1' },
    blur: { type: 'string' },
    zoom: { type: 'string', default: '2' },
  },
});
const [n, pairs, seed, zoom] = [values.images, values.pairs, values.seed, values.zoom].map(Number);
if (!existsSync(FILE)) {
  console.error(`${FILE} not found: install it with \`apt-get install -y dataset-fashion-mnist\``);
  process.exit(1);
}

torch.scope(() => {
  // Decoded pixels: uint8 [N, 28, 28] -> float [N, 1, 28, 28] in [0, 1].
  const pixels = data.readIdx(FILE, data.IDX_IMAGES).narrow(0, 0, n);
  const x = pixels.unsqueeze(1).float().div(255);
  const pipeline = views.simclrViews({
    size: 28,
    strength: Number(values.strength),
    blur: values.blur === undefined ? undefined : Number(values.blur),
    views: 2 * pairs,
  });
  const generator = new torch.Generator(seed);
  const columns = [x, ...pipeline.forward(x, generator)]; // each [N, 1, 28, 28]
  // Row i: image i, then its views: [N, 1 + 2·pairs, 1, 28, 28] -> [N (1 + 2·pairs), 1, 28, 28].
  const cells = torch.stack(columns, 1).flatten(0, 1);
  const big = torch.nn.functional.interpolate(cells, { scaleFactor: zoom, mode: 'nearest' });
  const grid = views.imageGrid(big, { nrow: columns.length, padding: 2, padValue: 1 });
  views.writePng(values.out!, grid);
  console.log(`wrote ${values.out}: ${n} images × (original + ${pairs} view pairs), grid [${grid.shape}]`);
});
