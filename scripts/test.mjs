// The test command (`npm test` runs it after tsc). First the whole suite at this
// machine's CPU capability and thread count; then the golden-parity test files again
// as other x86-64 machines run them: ATen's kernels, oneDNN and the BLAS (OpenBLAS,
// or MKL in a downloaded libtorch) held to the baseline ISA (SSE) and to AVX2, one
// thread each, both at once. A golden that holds for one CPU's summation order only
// fails here rather than on the next machine (design decision 14: tests are
// CPU-independent).
//   node scripts/test.mjs
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Compiled test files under `dir`, relative to the root, sorted. */
function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.test.js') ? [relative(root, join(dir, e.name))] : [],
    )
    .sort();
}

const files = testFiles(join(root, 'dist', 'test'));
// Files that compare against fixtures/goldens, directly or through test/models/parity.ts.
const parity = files.filter((f) => /\bgolden(State)?\(|from '\.\/parity\.js'/.test(readFileSync(join(root, f), 'utf8')));
const cpu = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
const has = (flag) => new RegExp(`^flags\\s*:.*\\b${flag}\\b`, 'm').test(cpu);
const VARIANTS = [
  {
    name: 'baseline x86-64 (SSE)',
    needs: [],
    env: { ATEN_CPU_CAPABILITY: 'default', ONEDNN_MAX_CPU_ISA: 'SSE41', OPENBLAS_CORETYPE: 'Prescott', MKL_ENABLE_INSTRUCTIONS: 'SSE4_2' },
  },
  {
    name: 'AVX2',
    needs: ['avx2', 'fma'],
    env: { ATEN_CPU_CAPABILITY: 'avx2', ONEDNN_MAX_CPU_ISA: 'AVX2', OPENBLAS_CORETYPE: 'Haswell', MKL_ENABLE_INSTRUCTIONS: 'AVX2' },
  },
];
// Forcing an ISA the CPU lacks would crash (SIGILL); other architectures have none of these.
const [variants, skipped] = [true, false].map((keep) => VARIANTS.filter((v) => (process.arch === 'x64' && v.needs.every(has)) === keep));

const seconds = (since) => ((performance.now() - since) / 1000).toFixed(0);
const t0 = performance.now();
console.log(`== the whole suite (${files.length} files) at this machine's capability`);
const main = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { cwd: root, stdio: 'inherit' });
console.log(`== the whole suite: ${main.status === 0 ? 'passed' : 'FAILED'} in ${seconds(t0)} s`);

/** Runs the parity files under `env` with one thread; resolves to the outcome and the TAP output. */
function runVariant(v) {
  const env = { ...v.env, OMP_NUM_THREADS: '1' };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=tap', ...parity], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ ...v, env, ok: code === 0, out }));
  });
}

const t1 = performance.now();
console.log(`\n== ${parity.length} golden-parity files, 1 thread, under: ${variants.map((v) => v.name).join(', ') || 'none'}`);
for (const v of skipped) console.log(`== skipped ${v.name}: this CPU cannot run it`);
const results = await Promise.all(variants.map(runVariant));
for (const r of results) {
  const count = (what) => r.out.match(new RegExp(`^# ${what} (\\d+)$`, 'm'))?.[1] ?? '?';
  if (!r.ok) console.log(r.out);
  const how = Object.entries(r.env)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  console.log(
    `== ${r.name}: ${r.ok ? 'passed' : 'FAILED'} (${count('pass')} passed, ${count('fail')} failed; rerun one with ${how} node --test <file>)`,
  );
}
console.log(`== variants in ${seconds(t1)} s; everything in ${seconds(t0)} s`);
process.exit(main.status === 0 && results.every((r) => r.ok) ? 0 : 1);
