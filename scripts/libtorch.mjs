// Locates libtorch for the native build and prints gyp fragments.
// LIBTORCH=/path selects a folder with include/ and lib/ (a downloaded libtorch, a CUDA
// build, or the torch/ folder of a PyTorch install); otherwise Debian's libtorch-dev.
import { existsSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function findLibtorch() {
  const root = process.env.LIBTORCH;
  if (root) {
    const include = join(root, 'include');
    const lib = join(root, 'lib');
    if (!existsSync(join(include, 'ATen', 'ATen.h')))
      throw new Error(`LIBTORCH=${root} has no include/ATen/ATen.h: point it at a libtorch folder with include/ and lib/`);
    if (!readdirSync(lib).some((f) => f.startsWith('libtorch_cpu')))
      throw new Error(`LIBTORCH=${root} has no lib/libtorch_cpu.*: point it at a libtorch folder with include/ and lib/`);
    return { include: [include, join(include, 'torch', 'csrc', 'api', 'include')], lib };
  }
  const lib = '/usr/lib/x86_64-linux-gnu';
  if (existsSync('/usr/include/ATen/ATen.h') && existsSync(join(lib, 'libtorch_cpu.so')))
    return { include: ['/usr/include/torch/csrc/api/include'], lib };
  return null;
}

/**
 * Whether the distributed ops (native/ops_distributed.cc) can be built: libtorch's c10d
 * headers include gloo's, which a libtorch folder may ship and Debian packages apart
 * (libgloo-dev).
 */
export function hasGlooHeaders() {
  const roots = process.env.LIBTORCH ? [join(process.env.LIBTORCH, 'include')] : ['/usr/include'];
  return roots.some(
    (r) => existsSync(join(r, 'gloo', 'context.h')) && existsSync(join(r, 'torch', 'csrc', 'distributed', 'c10d', 'ProcessGroupGloo.hpp')),
  );
}

/** libtorch built with the new C++11 ABI exports std::__cxx11 symbols. */
function usesCxx11Abi(lib) {
  const so = readdirSync(lib).find((f) => /^libc10\.so/.test(f));
  if (!so) return true;
  try {
    const syms = execFileSync('nm', ['-D', '--defined-only', join(lib, so)], { maxBuffer: 1 << 28 }).toString();
    return syms.includes('__cxx11');
  } catch {
    return true;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = findLibtorch();
  if (!found) {
    console.error('libtorch not found: run `npm run setup`, or `apt-get install libtorch-dev`, or set LIBTORCH=/path/to/libtorch');
    process.exit(1);
  }
  const what = process.argv[2];
  const libs = readdirSync(found.lib);
  const extra = ['torch_cuda', 'c10_cuda'].filter((n) => libs.some((f) => f.startsWith(`lib${n}.so`)));
  const out = {
    include: found.include.join(' '),
    defines: hasGlooHeaders() ? 'SS_WITH_GLOO' : '',
    abi: `-D_GLIBCXX_USE_CXX11_ABI=${usesCxx11Abi(found.lib) ? 1 : 0}`,
    libs: [`-L${found.lib}`, '-ltorch', '-ltorch_cpu', '-lc10', ...extra.map((n) => `-l${n}`)].join(' '),
    rpath: `-Wl,-rpath,${found.lib}${extra.length ? ' -Wl,--no-as-needed' : ''}`,
  }[what];
  if (out === undefined) {
    console.error(`unknown query ${what}; expected include, defines, abi, libs or rpath`);
    process.exit(1);
  }
  console.log(out);
}
