/**
 * Channel-split views (Tian et al. 2020, "What Makes for Good Views for
 * Contrastive Learning?", §3, the colour-channel experiment; Tian et al. 2019,
 * "Contrastive Multiview Coding"): one image in a colour space, view 1 its first group
 * of channels and view 2 its second (the other channels zeroed, so one encoder
 * with three input channels sees both). A split is written `space:group|group`,
 * e.g. `lab:L|ab`, `ydbdr:Y|DbDr`, `rgb:R|GB`, `hsv:V|HS`.
 */
import * as torch from '../../torch/index.js';
import { options } from '../../torch/check.js';
import { checkImages, type View } from './common.js';
import { COLOUR_SPACES, colourSpace, type ColourSpace } from './colour-space.js';
import { geometricView } from './crop.js';

type Tensor = torch.Tensor;

/** A parsed split: the space and the channel indices of each view. */
export interface ChannelSplit {
  space: ColourSpace;
  groups: [number[], number[]];
}

const valid = (): string =>
  Object.values(COLOUR_SPACES)
    .map((s) => `${s.name} (${s.channels.join(', ')})`)
    .join('; ');

/** The channel indices named by `group` (names of `space`'s channels run together, case-insensitive), or null. */
function channelsOf(space: ColourSpace, group: string): number[] | null {
  const byLength = space.channels.map((c, i) => [c.toLowerCase(), i] as const).sort((a, b) => b[0].length - a[0].length);
  const out: number[] = [];
  for (let rest = group.toLowerCase(); rest.length > 0;) {
    const hit = byLength.find(([c]) => rest.startsWith(c));
    if (!hit || out.includes(hit[1])) return null;
    out.push(hit[1]);
    rest = rest.slice(hit[0].length);
  }
  return out.length > 0 ? out : null;
}

/** Parses `space:group|group` (see the file comment); errors start with `api` and list the valid names. */
export function parseChannelSplit(split: string, api = 'parseChannelSplit'): ChannelSplit {
  const bad = (why: string): never => {
    throw new RangeError(`${api}: ${why} but received ${JSON.stringify(split)} (valid spaces and channels: ${valid()})`);
  };
  if (typeof split !== 'string') return bad('expected a string "space:group|group" such as "lab:L|ab"');
  const m = /^([a-z]+):([^|]*)\|([^|]*)$/i.exec(split.trim());
  if (!m) return bad('expected "space:group|group" such as "lab:L|ab"');
  if (!Object.hasOwn(COLOUR_SPACES, m[1].toLowerCase())) return bad(`expected a colour space before ':'`);
  const space = colourSpace(m[1].toLowerCase());
  const groups = [channelsOf(space, m[2]), channelsOf(space, m[3])];
  if (!groups[0] || !groups[1] || groups[0].some((c) => groups[1]!.includes(c)))
    return bad(`expected two non-empty groups of ${space.name}'s channels (${space.channels.join(', ')}), each channel at most once`);
  return { space, groups: groups as [number[], number[]] };
}

export interface ChannelSplitOptions {
  /** The split, e.g. 'lab:L|ab'. */
  split: string;
  /** Output side of the shared crop. */
  size: number | [number, number];
  /** Random resized crop (else only the flip). Default true. */
  crop?: boolean;
  /** Crop area range. Default [0.08, 1]. */
  scale?: [number, number];
  /** Horizontal-flip probability. Default 0.5. */
  flip?: number;
}

/**
 * The two views of a channel split. One geometric augmentation per sample
 * (random resized crop + flip, or the flip alone) shared by both views, then
 * the conversion and the two channel masks. x: [N, 3, H, W] → two [N, 3, size, size].
 */
export class ChannelSplitViews {
  readonly split: ChannelSplit;
  readonly geometric: View;
  constructor(o: ChannelSplitOptions, api = 'ChannelSplitViews') {
    const {
      split,
      size,
      crop = true,
      scale = [0.08, 1],
      flip = 0.5,
    } = options(o, 'ChannelSplitViews', ['split', 'size', 'crop', 'scale', 'flip']);
    if (split === undefined || size === undefined) throw new TypeError('ChannelSplitViews: expected options with split and size');
    this.split = parseChannelSplit(split, api);
    this.geometric = geometricView({ size, crop, scale, flip });
  }

  private mask(x: Tensor, i: number): Tensor {
    const m = [0, 1, 2].map((c) => (this.split.groups[i].includes(c) ? 1 : 0));
    return torch.tensor(m, { dtype: x.dtype, device: x.device }).view([1, 3, 1, 1]);
  }

  /** The image in the split's space with only group 1's, then only group 2's, channels. x: [N, 3, H, W] → two [N, 3, H, W]. */
  halves(x: Tensor): [Tensor, Tensor] {
    const [, c] = checkImages(x, 'channel split');
    if (c !== 3)
      throw new RangeError(
        `views.pair.channels: a channel split (${this.split.space.name}) needs RGB images (3 channels) but received ${c}-channel images`,
      );
    return torch.scope(() => {
      const y = this.split.space.fromRgb(x);
      return [y.mul(this.mask(y, 0)), y.mul(this.mask(y, 1))] as [Tensor, Tensor];
    });
  }

  forward(x: Tensor, generator?: torch.Generator): [Tensor, Tensor] {
    checkImages(x, 'channel split');
    return torch.scope(() => this.halves(this.geometric.forward(x, generator)));
  }

  /** View `i` (0 or 1) for display: the other channels set to mid-grey's, converted back to RGB. [N, 3, H, W] → same. */
  toRgb(view: Tensor, i: number): Tensor {
    if (i !== 0 && i !== 1) throw new RangeError(`ChannelSplitViews.toRgb: expected view 0 or 1 but received ${String(i)}`);
    return torch.scope(() => {
      const grey = this.split.space.fromRgb(torch.full([1, 3, 1, 1], 0.5, { dtype: view.dtype, device: view.device }));
      return this.split.space.toRgb(view.add(grey.mul(this.mask(view, i).rsub(1))));
    });
  }
}
