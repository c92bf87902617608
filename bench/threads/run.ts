/**
 * bench/threads: the OpenMP wait policy of libtorch's intra-op threads. Passive
 * (selfsup's default: idle threads sleep at once), active (they spin) and libgomp's
 * default (spin ~3 ms, then sleep; what PyTorch gets), on the small MLP AdamW step
 * and the ResNet-18 SGD step (batch 64) of bench/nn, on an idle machine and beside
 * one CPU-bound process ("busy", as on a shared machine). Each measurement is a
 * fresh process (libgomp reads the policy when it loads); policies alternate;
 * best of the alternations. Lower is better.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/threads/run.js [--quick] [--threads N]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../common.js';

const args = parseArgs();
const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
/** The environment of each policy; selfsup sets passive only where neither variable is set. */
const POLICIES: Record<string, NodeJS.ProcessEnv> = {
  passive: { OMP_WAIT_POLICY: 'passive' },
  active: { OMP_WAIT_POLICY: 'active' },
  'libgomp default': { GOMP_SPINCOUNT: '300000' },
};
const WORKLOADS = [
  { name: 'MLP 32→64→64→10 AdamW step, batch 32', workload: 'mlp', rounds: args.quick ? 3 : 5, unit: 'µs', scale: 1e6 },
  { name: 'ResNet-18 small stem SGD step, batch 64', workload: 'resnet18', rounds: args.quick ? 1 : 2, unit: 's', scale: 1 },
];

function run(workload: string, rounds: number, policy: NodeJS.ProcessEnv): number {
  const env = { ...process.env, ...policy };
  delete env[policy.OMP_WAIT_POLICY ? 'GOMP_SPINCOUNT' : 'OMP_WAIT_POLICY'];
  const r = spawnSync(process.execPath, [CHILD, workload, String(args.threads), String(rounds)], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`bench/threads: ${workload} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!).seconds;
}

/** Best seconds of each policy over the alternations. */
function measure(workload: string, rounds: number): Record<string, number> {
  const best: Record<string, number> = {};
  for (let i = 0; i < args.alternations; i++)
    for (const [name, env] of Object.entries(POLICIES)) best[name] = Math.min(best[name] ?? Infinity, run(workload, rounds, env));
  return best;
}

console.error(`bench/threads: ${args.threads} intra-op thread(s), ${args.alternations} alternation(s)`);
const rows: string[] = [];
for (const busy of [false, true]) {
  let hog: ChildProcess | null = null;
  if (busy) hog = spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' });
  try {
    for (const w of WORKLOADS) {
      const best = measure(w.workload, w.rounds);
      const cells = Object.values(best).map((s) => `${(s * w.scale).toFixed(w.unit === 's' ? 2 : 0)} ${w.unit}`);
      rows.push(`| ${w.name} | ${busy ? 'one CPU-bound process added' : 'no extra load'} | ${cells.join(' | ')} |`);
      console.error(rows[rows.length - 1]);
    }
  } finally {
    hog?.kill();
  }
}
console.log(`| workload | machine | ${Object.keys(POLICIES).join(' | ')} |`);
console.log(
  `|---|---|${Object.keys(POLICIES)
    .map(() => '---|')
    .join('')}`,
);
for (const r of rows) console.log(r);
