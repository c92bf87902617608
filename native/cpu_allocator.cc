// A caching CPU allocator for libtorch (the idea of PyTorch's CUDA caching allocator,
// on CPU). glibc hands every freed block over 32 MiB (a conv net's activations and
// their gradients) back to the OS, so each training step page-faulted them in again,
// zero-filled, 4 KiB at a time: a quarter of a SimCLR step went to the kernel. Here a
// block of at least kMinBytes is mapped from the OS once and, when freed, kept for the
// next request of that (page-rounded) size or up to an eighth smaller (tensors whose
// size varies a little from step to step, such as logits at a random number of masked
// tokens, reuse blocks instead of mapping new ones). The bytes it holds (in use + cached)
// stay within twice the peak bytes in use: a request past that bound first unmaps the
// longest-cached blocks. Smaller blocks go to c10's allocation (glibc reuses those).
#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>
#include <sys/mman.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <unordered_map>

#include "core.h"

namespace ss {
namespace {

constexpr size_t kMinBytes = size_t{1} << 20;
constexpr size_t kPage = 4096;
constexpr size_t kSlack = 8;  // a request reuses a cached block up to 1/kSlack larger

struct Cached {
  void* ptr;
  uint64_t seq;  // order of caching: the lowest is evicted first
};

struct Cache {
  std::mutex mu;
  std::unordered_map<void*, size_t> sizes;  // every mapped block, in use or cached
  std::multimap<size_t, Cached> free;       // cached blocks by size
  size_t live = 0, cached = 0, peak = 0;
  uint64_t seq = 0, hits = 0, misses = 0;

  void unmap(std::multimap<size_t, Cached>::iterator it) {
    munmap(it->second.ptr, it->first);
    sizes.erase(it->second.ptr);
    cached -= it->first;
    free.erase(it);
  }

  void evictOldest() {
    auto oldest = std::min_element(free.begin(), free.end(), [](auto& a, auto& b) { return a.second.seq < b.second.seq; });
    unmap(oldest);
  }

  void* take(size_t n) {
    size_t size = (n + kPage - 1) / kPage * kPage;
    std::lock_guard<std::mutex> lock(mu);
    void* p = nullptr;
    auto fit = free.lower_bound(size);  // the smallest cached size that holds the request
    if (fit != free.end() && fit->first <= size + size / kSlack) {
      auto it = std::prev(free.upper_bound(fit->first));  // the most recently cached block of that size
      p = it->second.ptr;
      size = it->first;
      cached -= size;
      free.erase(it);
      ++hits;
    } else {
      ++misses;
      const size_t bound = 2 * std::max(peak, live + size);
      while (cached && live + cached + size > bound) evictOldest();
      p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) {
        while (cached) evictOldest();
        p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      }
      TORCH_CHECK(p != MAP_FAILED, "DefaultCPUAllocator: not enough memory: you tried to allocate ", n, " bytes.");  // libtorch's words
      sizes[p] = size;
    }
    live += size;
    peak = std::max(peak, live);
    return p;
  }

  // False when `p` is not one of this cache's blocks.
  bool give(void* p) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = sizes.find(p);
    if (it == sizes.end()) return false;
    live -= it->second;
    cached += it->second;
    free.insert({it->second, {p, seq++}});
    return true;
  }
};

// Never destroyed: tensors still alive at exit are freed after static destructors run.
Cache& cache() {
  static Cache* c = new Cache;
  return *c;
}

void release(void* p) {
  if (p && !cache().give(p)) c10::free_cpu(p);
}

struct CachingCpuAllocator final : c10::Allocator {
  c10::DataPtr allocate(size_t n) const override {
    void* p = n < kMinBytes ? c10::alloc_cpu(n) : cache().take(n);
    return {p, p, &release, c10::Device(c10::DeviceType::CPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &release; }
};

}  // namespace

void registerAllocator() {
  // Makes this allocator libtorch's CPU allocator (blocks made before keep their own deleter).
  def("useCachingCpuAllocator", +[]() {
    static CachingCpuAllocator allocator;
    c10::SetCPUAllocator(&allocator, /*priority=*/1);
  });
  // [bytes in use, bytes cached, peak bytes in use, hits, misses] of the blocks it caches.
  def("cpuCacheStats", +[]() {
    auto& c = cache();
    std::lock_guard<std::mutex> lock(c.mu);
    return std::vector<int64_t>{static_cast<int64_t>(c.live), static_cast<int64_t>(c.cached), static_cast<int64_t>(c.peak),
                                static_cast<int64_t>(c.hits), static_cast<int64_t>(c.misses)};
  });
  // Unmaps every cached block (the blocks in use stay).
  def("emptyCpuCache", +[]() {
    auto& c = cache();
    std::lock_guard<std::mutex> lock(c.mu);
    while (!c.free.empty()) c.unmap(c.free.begin());
  });
}

}  // namespace ss
