/**
 * `selfsup views`: a PNG grid of a method's augmented views (rows: images;
 * columns: the original, then each draw of the method's views — two global
 * views, and local crops for multi-crop methods, scaled to the global side;
 * InfoMin's patches scaled to the image's side, its channel-split views shown
 * in RGB with the other channels at mid-grey).
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { choice, int, parseConfig, z, type Config } from '../config/schema.js';
import { loadImageSet } from '../data/registry.js';
import { METHODS, getMethod } from '../methods/registry.js';
import { ImageMethod } from '../methods/image-method.js';
import { imageGrid, writePng } from '../views/index.js';
import {
  chosenMethodOptions,
  commonFields,
  imageData,
  makeEncoder,
  methodOptions,
  modelSection,
  peekIn,
  toInput,
  type Peek,
} from './common.js';

export function viewsSchema(peek: Peek) {
  const options = chosenMethodOptions(peek);
  return z.strictObject({
    ...commonFields,
    data: imageData(peek, 'data', 'images to show', 'train'),
    method: choice('the method whose views are shown', Object.keys(METHODS), 'simclr', options as Record<never, never>),
    model: modelSection,
    count: int('images in the grid', 8, { min: 1, max: 256 }),
    draws: int('draws of the views per image', 2, { min: 1, max: 16 }),
  });
}
export type ViewGridConfig = Config<ReturnType<typeof viewsSchema>>;

export async function writeViewGrid(raw: Record<string, unknown>, out: string): Promise<string> {
  const c = parseConfig(viewsSchema(peekIn(raw)), raw, 'config');
  const set = await loadImageSet({ ...c.data, limit: c.count });
  const [, channels, size] = set.images.shape;
  const spec = getMethod(c.method.name, 'image');
  const model = spec.build(spec.options.parse(methodOptions(c)), {
    encoder: () => makeEncoder(c.model, channels),
    input: { channels, size },
    batchSize: c.count,
    totalSteps: 1,
    stepsPerEpoch: 1,
  });
  const g = new torch.Generator(c.seed);
  return torch.scope(() => {
    const x = toInput(set.images); // [n, C, S, S]
    const display = (v: torch.Tensor[]): torch.Tensor[] => (model instanceof ImageMethod ? model.imageViews.display(v) : v);
    const views = Array.from({ length: c.draws }, () => display(model.views({ images: x, partners: x }, g))).flat();
    const side = Math.max(views[0].shape[2], model instanceof ImageMethod && model.imageViews.pair ? x.shape[2] : 0);
    const fit = (v: torch.Tensor): torch.Tensor => (v.shape[2] === side ? v : F.interpolate(v, { size: [side, side], mode: 'nearest' }));
    const columns = [fit(x), ...views.map(fit)];
    const tiles = torch.stack(columns, 1).flatten(0, 1); // [n·(1 + views), C, S, S], row-major
    writePng(out, imageGrid(tiles, { nrow: columns.length, padding: 2 }));
    return out;
  });
}
