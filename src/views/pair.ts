/**
 * Controlled view pairs for InfoMin (Tian et al. 2020, "What Makes for Good
 * Views for Contrastive Learning?", §3): view families with one knob each, so
 * the information the two views share can be swept while nothing else varies.
 *
 *     augment   two augmentations of the image (the method's recipe; the default)
 *     patches   two patches `patch.size` wide whose corners are `patch.distance` apart
 *     channels  two channel groups of one colour space, e.g. lab:L|ab
 *
 * `views.pair` is this section of an image method's views (`--method.views.pair.*`).
 */
import type * as torch from '../torch/index.js';
import { int, num, oneOf, section, str, type Config } from '../config/schema.js';
import { ChannelSplitViews, parseChannelSplit } from './image/channel-split.js';
import { checkPatchFit, PatchPair } from './image/patches.js';

type Tensor = torch.Tensor;

export const PAIR_KINDS = ['augment', 'patches', 'channels'] as const;

/** The schema of `views.pair`. */
export function pairSchema() {
  return section(
    {
      kind: oneOf(
        'how the two views differ: augment (two draws of the augmentations), patches (two patches a fixed distance apart), channels (two channel groups of a colour space)',
        PAIR_KINDS,
        'augment',
      ),
      patch: section(
        {
          size: int('side of both patches', 32, { min: 1 }),
          distance: int("pixels between the patches' top-left corners, along x or y (drawn per sample)", 0, { min: 0 }),
          flip: num('horizontal-flip probability of each patch (0: the distance is the only difference)', 0, { min: 0, max: 1 }),
        },
        'kind patches: the two patches (no other augmentation)',
      ),
      channels: str(
        'kind channels: space:group|group, e.g. lab:L|ab, ydbdr:Y|DbDr, ycbcr:Y|CbCr, yiq:Y|IQ, xyz:Y|XZ, rgb:R|GB, hsv:V|HS (one shared crop and flip)',
        'lab:L|ab',
      ).superRefine((v, ctx) => {
        try {
          parseChannelSplit(v, 'channel split');
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: (e as Error).message });
        }
      }),
    },
    'InfoMin view families: what the two views of a positive pair are',
  );
}
export type PairConfig = Config<ReturnType<typeof pairSchema>>;

/** A pair view: x [N, C, H, W] → its two views. */
export type PairViews = PatchPair | ChannelSplitViews;

/** The geometric settings of the views that a channel split shares. */
export interface PairGeometry {
  size: number;
  crop: boolean;
  scale: [number, number];
  flip: number;
}

/**
 * The pair views of `c` (null for `augment`): checked against the images' side
 * and the multi-crop count, which only `augment` supports.
 */
export function pairViews(c: PairConfig, geometry: PairGeometry, imageSize: number, localCount: number): PairViews | null {
  if (c.kind === 'augment') return null;
  if (localCount > 0)
    throw new RangeError(
      `views.pair.kind: ${c.kind} gives two views only, but local.count is ${localCount} (set --method.views.local.count 0)`,
    );
  if (c.kind === 'patches') {
    checkPatchFit(c.patch.size, c.patch.distance, imageSize, imageSize, 'views.pair.patch');
    return new PatchPair(c.patch);
  }
  return new ChannelSplitViews({ split: c.channels, ...geometry }, 'views.pair.channels');
}

/** The views of a pair, shown in RGB: channel-split views converted back (other channels at mid-grey), others as they are. */
export function displayPair(pair: PairViews | null, views: Tensor[]): Tensor[] {
  return pair instanceof ChannelSplitViews ? views.map((v, i) => pair.toRgb(v, i % 2)) : views;
}
