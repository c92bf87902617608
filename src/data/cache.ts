/**
 * A cache of decoded tensors on disk: `.cache/` under the package root (or a
 * folder of your choice), one safetensors file per entry, written atomically
 * (temp file + rename) so that an interrupted run never leaves a half-written
 * entry. Each file stores the key it was built for in its metadata; a file whose
 * key differs, or that cannot be read, is rebuilt.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../torch/index.js';
import { packageRoot } from '../torch/native.js';

/** `<package root>/.cache`. */
export function defaultCacheDir(): string {
  return join(packageRoot, '.cache');
}

const KEY = 'selfsup.cache.key';

export interface Cached {
  tensors: Record<string, torch.Tensor>;
  /** True when the tensors were read from the cache file, false when just built. */
  hit: boolean;
}

/**
 * The tensors stored at `file` for `key` (any JSON value describing how they
 * were made), or those `build()` makes — then saved to `file` for next time.
 */
export async function cachedTensors(file: string, key: unknown, build: () => Promise<Record<string, torch.Tensor>>): Promise<Cached> {
  const keyText = JSON.stringify(key);
  if (existsSync(file)) {
    try {
      const { tensors, metadata } = torch.safetensors.loadFileWithMetadata(file);
      if (metadata[KEY] === keyText) return { tensors, hit: true };
      for (const t of Object.values(tensors)) t.dispose();
    } catch {
      // unreadable (e.g. from an older version): rebuild it below
    }
  }
  const tensors = await build();
  mkdirSync(join(file, '..'), { recursive: true });
  torch.safetensors.saveFile(file, tensors, { [KEY]: keyText });
  return { tensors, hit: false };
}
