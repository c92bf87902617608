/**
 * The caching CPU allocator (native/cpu_allocator.cc): freed blocks of 1 MiB or more
 * are kept for the next request of the same size, within twice the peak in use
 * (`SELFSUP_CPU_CACHE=0` turns it off). The CPU counterparts of PyTorch's
 * `torch.cuda.memory_stats` and `torch.cuda.empty_cache`.
 */
import { native } from './native.js';

/** Bytes of the blocks the cache manages (1 MiB and up), and how requests were served. */
export interface CpuCacheStats {
  /** Bytes in blocks held by live tensors. */
  inUse: number;
  /** Bytes in freed blocks kept for reuse. */
  cached: number;
  /** The most bytes in use at once so far. */
  peak: number;
  /** Requests served from a cached block. */
  hits: number;
  /** Requests that mapped a new block. */
  misses: number;
}

/** The cache's counters (all 0 when the cache is off). */
export function cpuCacheStats(): CpuCacheStats {
  const [inUse, cached, peak, hits, misses] = native.cpuCacheStats() as number[];
  return { inUse, cached, peak, hits, misses };
}

/** Returns every cached block to the OS (blocks in use stay), e.g. between the phases of a long job. */
export function emptyCpuCache(): void {
  native.emptyCpuCache();
}
