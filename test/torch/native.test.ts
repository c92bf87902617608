/**
 * Loading the addon: load failures listing their fixes, and the process settings
 * made at load (OpenMP wait policy, glibc malloc thresholds) unless the user's
 * environment sets them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { explainLoadFailure } from '../../src/torch/native.js';
import type { CpuCacheStats } from '../../src/torch/cpu-cache.js';
import { root } from '../helpers.js';

test('an addon that cannot be loaded gives an error listing the fixes', () => {
  const r = spawnSync(process.execPath, ['-e', `import(${JSON.stringify(join(root, 'dist', 'src', 'index.js'))})`], {
    env: { ...process.env, SELFSUP_NATIVE: '/nonexistent/selfsup_native.node' },
    encoding: 'utf8',
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /selfsup: cannot load the native addon \/nonexistent\/selfsup_native\.node/);
  assert.match(r.stderr, /Possible fixes:\n {2}- the addon is not built: run `npm run setup`/);
});

test('load failures name the fix for each cause', () => {
  const lib = explainLoadFailure('/x.node', true, 'libtorch_cpu.so: cannot open shared object file');
  assert.match(lib, /apt-get install libtorch-dev/);
  assert.match(lib, /LIBTORCH/);
  assert.doesNotMatch(lib, /not built/);
  const abi = explainLoadFailure('/x.node', true, 'was compiled against a different Node.js version using NODE_MODULE_VERSION 108');
  assert.match(abi, /built for another Node\.js or libtorch: rebuild with `npm run build:native`/);
  const other = explainLoadFailure('/x.node', true, 'something else');
  assert.match(other, /rebuild with `npm run build:native`; if that fails, run `npm run setup`/);
});

const NATIVE = JSON.stringify(join(root, 'dist', 'src', 'torch', 'native.js'));

/** Runs a child that loads selfsup with `env` added to ours less the settings under test; returns its JSON line and stderr. */
function child(env: Record<string, string>, body = ''): { out: Record<string, unknown>; stderr: string } {
  const base = { ...process.env };
  for (const k of ['OMP_WAIT_POLICY', 'GOMP_SPINCOUNT', 'OMP_DISPLAY_ENV', 'SELFSUP_CPU_CACHE']) delete base[k];
  const script = `const { torch } = await import(${JSON.stringify(join(root, 'dist', 'src', 'index.js'))}); const out = {}; ${body}; console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...base, ...env }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { out: JSON.parse(r.stdout.trim().split('\n').pop()!), stderr: r.stderr };
}

test('libtorch threads sleep when idle (OMP_WAIT_POLICY=passive) unless the environment chooses', () => {
  const spin = (stderr: string): string => /GOMP_SPINCOUNT = '(\d+)'/.exec(stderr)?.[1] ?? 'not shown';
  const defaulted = `out.defaulted = (await import(${NATIVE})).defaultedEnv`;
  const set = child({ OMP_DISPLAY_ENV: 'verbose' }, defaulted);
  assert.deepEqual(set.out.defaulted, { OMP_WAIT_POLICY: 'passive' });
  assert.equal(spin(set.stderr), '0', 'libgomp read the passive policy');
  const active = child({ OMP_DISPLAY_ENV: 'verbose', OMP_WAIT_POLICY: 'active' }, defaulted);
  assert.match(active.stderr, /OMP_WAIT_POLICY = 'ACTIVE'/);
  assert.deepEqual(active.out.defaulted, {});
  assert.equal(spin(child({ OMP_DISPLAY_ENV: 'verbose', GOMP_SPINCOUNT: '12345' }).stderr), '12345');
});

test('freed blocks of 1 MiB or more are reused without page faults; SELFSUP_CPU_CACHE=0 opts out', () => {
  // A 64 MiB tensor made and freed 4 times: reusing the block costs no fresh (faulted-in) pages
  // (a few hundred faults elsewhere in the process are allowed; the block has 16384 pages).
  const body = `const f = []; for (let i = 0; i < 4; i++) { const n = process.resourceUsage().minorPageFault; torch.zeros([1 << 24]).dispose(); f.push(process.resourceUsage().minorPageFault - n); }
    out.faults = f; out.stats = native.cpuCacheStats();`;
  const withNative = (env: Record<string, string>) => child(env, `const { native } = await import(${NATIVE}); ${body}`).out;
  const cached = withNative({});
  const faults = cached.faults as number[];
  assert.ok(faults[0] >= 16000, `the first fill faults the 16384 fresh pages in (${faults[0]})`);
  assert.ok(
    faults.slice(1).every((f) => f < 1000),
    `reuses fault no pages: ${faults}`,
  );
  const [live, held, peak, hits, misses] = cached.stats as number[];
  assert.deepEqual([live, held, peak, hits, misses], [0, 1 << 26, 1 << 26, 3, 1]);
  const plain = withNative({ SELFSUP_CPU_CACHE: '0' });
  assert.ok(
    (plain.faults as number[]).every((f) => f >= 16000),
    `glibc maps the block afresh each time: ${plain.faults}`,
  );
  assert.deepEqual(plain.stats, [0, 0, 0, 0, 0]);
});

test('the CPU cache evicts its oldest blocks to stay within twice the peak in use, and empties on request', () => {
  // Peak in use 8 MiB (one block); blocks of 1, 2, 3 … MiB freed one after another must not pile up past 16 MiB.
  const body = `torch.empty([2 << 20]).dispose(); for (let m = 1; m <= 7; m++) torch.empty([m << 18]).dispose();
    out.full = torch.cpuCacheStats(); torch.emptyCpuCache(); out.empty = torch.cpuCacheStats();`;
  const { full, empty } = child({}, body).out as { full: CpuCacheStats; empty: CpuCacheStats };
  const MiB = 1 << 20;
  // 8 blocks requested, none of one size twice: every request mapped a new block.
  assert.deepEqual({ ...full, cached: 0 }, { inUse: 0, cached: 0, peak: 8 * MiB, hits: 0, misses: 8 });
  // 8 + 1 + 2 + 3 MiB cached; 4 evicts the 8, 6 evicts 1, 2, 3 and 7 evicts 4, 5: 6 + 7 stay.
  assert.equal(full.cached, 13 * MiB);
  assert.deepEqual([empty.inUse, empty.cached], [0, 0]);
});

test('the CPU cache serves a request from a cached block up to an eighth larger, and maps a new one past that', () => {
  // An 8 MiB block freed, then 7.5 MiB (reuses it: 1/15 larger) and 6 MiB (1/3 larger: a new block).
  const faults = 'const n = process.resourceUsage().minorPageFault';
  const body = `torch.empty([2 << 20]).fill_(1).dispose(); { ${faults}; torch.empty([(2 << 20) - (1 << 17)]).fill_(1).dispose(); out.reuse = process.resourceUsage().minorPageFault - n; }
    { ${faults}; torch.empty([3 << 19]).fill_(1).dispose(); out.fresh = process.resourceUsage().minorPageFault - n; } out.stats = torch.cpuCacheStats();`;
  const { reuse, fresh, stats } = child({}, body).out as { reuse: number; fresh: number; stats: CpuCacheStats };
  const MiB = 1 << 20;
  assert.deepEqual(stats, { inUse: 0, cached: 14 * MiB, peak: 8 * MiB, hits: 1, misses: 2 });
  assert.ok(reuse < 1000, `the reused 8 MiB block faults no pages in (${reuse})`);
  assert.ok(fresh >= 1536, `the new 6 MiB block faults its 1536 pages in (${fresh})`);
});
