/**
 * Pictures of episodes for reports: each frame is a scene's grey image, kit
 * half and object half side by side, enlarged without smoothing, with optional
 * marks (suction point on the object half in red, place point in the kit half
 * in green); `episodeStrip` lays frames left to right as one PNG and
 * `episodeGif` plays them as an animated GIF (both with sharp).
 */
import type { Point } from './geometry.js';
import { layers, type Scene } from './scene.js';

export interface FrameMarks {
  suction?: Point;
  place?: Point;
}

export interface StripOptions {
  /** Marks per frame (null or missing: none). */
  marks?: (FrameMarks | null | undefined)[];
  /** Enlargement factor. Default 3. */
  scale?: number;
}

/** Pixels between the halves and between frames (in output pixels). */
const GUTTER = 4;
const RED = [230, 40, 40];
const GREEN = [40, 200, 60];

type SharpFn = typeof import('sharp');

/** One frame as RGB bytes: width 2·S·scale + GUTTER, height S·scale. */
function frame(scene: Scene, marks: FrameMarks | null | undefined, scale: number): { rgb: Uint8Array; width: number; height: number } {
  const s = scene.size;
  const [width, height] = [2 * s * scale + GUTTER, s * scale];
  const rgb = new Uint8Array(width * height * 3).fill(255);
  const draw = (x: number, y: number, c: number[]): void => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    rgb.set(c, (y * width + x) * 3);
  };
  (['kit', 'object'] as const).forEach((half, h) => {
    const grey = layers(scene, half).grey;
    const x0 = h * (s * scale + GUTTER);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < s * scale; x++) {
        const v = Math.round(255 * grey[Math.floor(y / scale) * s + Math.floor(x / scale)]);
        draw(x0 + x, y, [v, v, v]);
      }
  });
  const cross = (p: Point | undefined, x0: number, c: number[]): void => {
    if (!p) return;
    const [cx, cy] = [x0 + Math.round((p[0] + 0.5) * scale), Math.round((p[1] + 0.5) * scale)];
    for (let d = -2 * scale; d <= 2 * scale; d++) {
      draw(cx + d, cy, c);
      draw(cx, cy + d, c);
    }
  };
  cross(marks?.place, 0, GREEN);
  cross(marks?.suction, s * scale + GUTTER, RED);
  return { rgb, width, height };
}

function frames(scenes: Scene[], o: StripOptions, api: string) {
  const { marks = [], scale = 3 } = o;
  if (scenes.length === 0) throw new RangeError(`${api}: expected at least one frame but received none`);
  if (!Number.isInteger(scale) || scale < 1 || scale > 16)
    throw new RangeError(`${api}: expected an integer scale in [1, 16] but received ${scale}`);
  if (scenes.some((s) => s.size !== scenes[0].size))
    throw new RangeError(`${api}: expected frames of one size but received sizes ${scenes.map((s) => s.size).join(', ')}`);
  return scenes.map((s, i) => frame(s, marks[i], scale));
}

const loadSharp = async (): Promise<SharpFn> => (await import('sharp')).default;

/** The frames left to right with a gutter between them, as a PNG. */
export async function episodeStrip(scenes: Scene[], o: StripOptions = {}): Promise<Buffer> {
  const fs = frames(scenes, o, 'episodeStrip');
  const { width: w, height } = fs[0];
  const width = fs.length * w + (fs.length - 1) * GUTTER;
  const rgb = new Uint8Array(width * height * 3).fill(255);
  fs.forEach((f, k) => {
    for (let y = 0; y < height; y++) rgb.set(f.rgb.subarray(y * w * 3, (y + 1) * w * 3), (y * width + k * (w + GUTTER)) * 3);
  });
  const sharp = await loadSharp();
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** The frames as an animated GIF, `delay` ms each, looping. */
export async function episodeGif(scenes: Scene[], o: StripOptions & { delay?: number } = {}): Promise<Buffer> {
  const { delay = 600 } = o;
  const fs = frames(scenes, o, 'episodeGif');
  const { width, height } = fs[0];
  const rgb = new Uint8Array(fs.length * width * height * 3);
  fs.forEach((f, k) => rgb.set(f.rgb, k * f.rgb.length));
  const sharp = await loadSharp();
  return sharp(rgb, { raw: { width, height: height * fs.length, channels: 3, pageHeight: height } })
    .gif({ delay: fs.map(() => delay), loop: 0 })
    .toBuffer();
}
