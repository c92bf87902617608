/** `selfsup views`: a PNG grid of augmented views (rows: images; columns: the original, then its views). */
import * as torch from '../torch/index.js';
import { loadImageSet, type ImageSetConfig } from '../data/image-sets.js';
import { imageGrid, writePng } from '../views/index.js';
import { buildViews, toInput, type ViewsConfig } from './common.js';

export interface ViewGridConfig {
  seed: number;
  data: ImageSetConfig;
  views: ViewsConfig;
  count: number;
  numViews: number;
}

export async function writeViewGrid(c: ViewGridConfig, out: string): Promise<string> {
  const set = await loadImageSet({ ...c.data, limit: c.count });
  const view = buildViews(c.views, set.images.shape[2]);
  const g = new torch.Generator(c.seed);
  torch.scope(() => {
    const x = toInput(set.images); // [n, C, S, S]
    const columns = [x, ...Array.from({ length: c.numViews }, () => view.forward(x, g))];
    const tiles = torch.stack(columns, 1).flatten(0, 1); // [n·(1+views), C, S, S], row-major
    writePng(out, imageGrid(tiles, { nrow: 1 + c.numViews, padding: 2 }));
  });
  return out;
}
