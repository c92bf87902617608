// One-command set-up on a fresh Debian machine: installs libtorch-dev when no
// libtorch is found (as root; otherwise prints the exact command), installs the
// npm dependencies, builds the native addon and the TypeScript.
//   npm run setup                    # libtorch-dev + npm deps + build
//   npm run setup -- --with-pytorch  # also python3-torch + python3-torchvision + python3-torchaudio + python3-sklearn (goldens script, benchmarks)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLibtorch, hasGlooHeaders } from './libtorch.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const withPytorch = process.argv.includes('--with-pytorch');
const isRoot = process.getuid?.() === 0;

function run(cmd, args, opts = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`setup: \`${cmd} ${args.join(' ')}\` failed with exit code ${r.status}`);
    process.exit(r.status ?? 1);
  }
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function hasPythonDeps() {
  return spawnSync('/usr/bin/python3', ['-c', 'import torch, torchvision, torchaudio, sklearn'], { stdio: 'ignore' }).status === 0;
}

const apt = [];
if (!process.env.LIBTORCH && !findLibtorch()) apt.push('libtorch-dev');
// Gloo's headers for torch.distributed (native/ops_distributed.cc); Debian's libtorch-dev leaves them out.
if (!process.env.LIBTORCH && !hasGlooHeaders()) apt.push('libgloo-dev');
if (!has('g++')) apt.push('g++');
if (!has('make')) apt.push('make');
if (!has('python3')) apt.push('python3');
if (withPytorch && !hasPythonDeps()) apt.push('python3-torch', 'python3-torchvision', 'python3-torchaudio', 'python3-sklearn');
// Headless browser for the HTML report tests (test/report/).
if (!existsSync('/usr/bin/chromium')) apt.push('chromium');
// Speech synthesis for the pitched audio sets (src/data/speech.ts).
if (!has('espeak-ng')) apt.push('espeak-ng');
// An optimised BLAS for libtorch's matrix products (linear layers, NT-Xent similarities, kNN, probes):
// Debian's libtorch links libblas.so.3, which is the slow reference BLAS until OpenBLAS provides it.
if (
  !existsSync('/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3') &&
  !existsSync('/usr/lib/aarch64-linux-gnu/openblas-pthread/libblas.so.3')
)
  apt.push('libopenblas0-pthread');
// Data for tests and demos: Debian's dataset-fashion-mnist (src/data/fashion-mnist.ts) and wordnet-base
// (WordNet glosses, src/data/wordnet.ts), installed with apt as root; otherwise unpacked into
// .cache/debian/ by installDataWithoutRoot() below. Each package, with a file that shows it is there.
const DATA_PACKAGES = {
  'dataset-fashion-mnist': 'usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz',
  'wordnet-base': 'usr/share/wordnet/data.noun',
  // Real speech and key clicks for the TRILL pool and speech tasks (src/data/real-speech.ts, src/data/key-clicks.ts).
  'pocketsphinx-testdata': 'usr/share/pocketsphinx/test/data/goforward.raw',
  'codec2-examples': 'usr/share/codec2/wav/hts1a.wav',
  'bucklespring-data': 'usr/share/buckle/wav/1e-1.wav',
};
const hasData = (pkg) => existsSync(`/${DATA_PACKAGES[pkg]}`) || existsSync(join(root, '.cache', 'debian', DATA_PACKAGES[pkg]));
if (isRoot) apt.push(...Object.keys(DATA_PACKAGES).filter((pkg) => !hasData(pkg)));
if (apt.length) {
  const cmd = `apt-get update && apt-get install -y --no-install-recommends ${apt.join(' ')}`;
  if (!isRoot) {
    console.error(
      `setup: missing Debian packages: ${apt.join(', ')}.\nRun as root:\n  sudo sh -c '${cmd}'\nthen run \`npm run setup\` again (or set LIBTORCH=/path/to/libtorch to use another libtorch).`,
    );
    process.exit(1);
  }
  run('sh', ['-c', cmd], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
if (process.env.LIBTORCH && !findLibtorch()) {
  console.error(`setup: LIBTORCH=${process.env.LIBTORCH} is not a libtorch folder (needs include/ATen/ATen.h and lib/libtorch_cpu.*)`);
  process.exit(1);
}

function installDataWithoutRoot(pkg) {
  if (hasData(pkg)) return;
  const dir = join(root, '.cache', 'debian');
  mkdirSync(dir, { recursive: true });
  console.log(`$ apt-get download ${pkg} && dpkg -x ${pkg}_*.deb .cache/debian`);
  const ok =
    spawnSync('sh', ['-c', `apt-get download ${pkg} && dpkg -x ${pkg}_*.deb . && rm -f ${pkg}_*.deb`], { cwd: dir, stdio: 'inherit' })
      .status === 0;
  if (!ok)
    console.warn(
      `setup: warning: could not unpack ${pkg} into ${dir}; the tests that read it need it: run as root \`apt-get install ${pkg}\``,
    );
}
for (const pkg of Object.keys(DATA_PACKAGES)) installDataWithoutRoot(pkg);

// onnxruntime-node ships its CPU binaries; its install script would fetch CUDA providers from outside npm (.npmrc skips it too).
run('npm', ['ci', '--no-audit', '--no-fund'], { env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
run('npm', ['run', 'build']);
console.log(`setup: done (libtorch from ${process.env.LIBTORCH ?? 'the system'}). Run \`npm test\`.`);
if (!existsSync('/usr/bin/python3') || !hasPythonDeps())
  console.log(
    'setup: note: python3-torch is not installed; it is only needed for `npm run goldens` and the benchmarks (`npm run setup -- --with-pytorch`).',
  );
