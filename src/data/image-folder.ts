/**
 * `ImageFolder` (torchvision's): one subfolder per class under `root`, class
 * names sorted, class index = position in that order; every file of a class
 * folder (at any depth) is an item `{ image [C, H, W], label }`. Hidden entries
 * (names starting with '.') are ignored. A missing root, a root without class
 * folders, an empty class folder or a file of an unsupported format is an error
 * that names it.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type * as torch from '../torch/index.js';
import { ImageDataset, type ImageDatasetOptions } from './image-dataset.js';
import { IMAGE_EXTENSIONS, isImageFile } from './image.js';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

export class ImageFolder extends ImageDataset<{ image: torch.Tensor; label: number }> {
  /** Class names, sorted; `label` indexes this list. */
  readonly classes: readonly string[];
  /** Class name → label. */
  readonly classToIndex: ReadonlyMap<string, number>;
  /** The label of every item, [N] (known without decoding). */
  readonly labels: readonly number[];

  constructor(
    readonly root: string,
    o: ImageDatasetOptions,
  ) {
    let isDir = false;
    try {
      isDir = statSync(root).isDirectory();
    } catch {
      throw new Error(`ImageFolder: root folder ${root} does not exist`);
    }
    if (!isDir) throw new Error(`ImageFolder: root ${root} is not a folder`);
    const classes = readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
    if (classes.length === 0) throw new Error(`ImageFolder: ${root} has no class folders (expected one subfolder per class)`);
    const paths: string[] = [];
    const labels: number[] = [];
    classes.forEach((name, label) => {
      const dir = join(root, name);
      const files = listFiles(dir);
      if (files.length === 0) throw new Error(`ImageFolder: class folder ${dir} is empty`);
      const bad = files.filter((f) => !isImageFile(f));
      if (bad.length)
        throw new Error(
          `ImageFolder: unsupported image format in ${root}: ${bad
            .slice(0, 5)
            .map((f) => relative(root, f))
            .join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''} (supported: ${IMAGE_EXTENSIONS.join(', ')})`,
        );
      for (const path of files) {
        paths.push(path);
        labels.push(label);
      }
    });
    super(paths, o);
    this.labels = labels;
    this.classes = classes;
    this.classToIndex = new Map(classes.map((c, i) => [c, i]));
  }

  protected override sample(image: torch.Tensor, i: number): { image: torch.Tensor; label: number } {
    return { image, label: this.labels[i] };
  }
}
