/**
 * `selfsup form2fit eval [RUN]`: kit assembly in the simulator (Zakka et al.
 * 2020, "Form2Fit", §V) by the Form2Fit planner over a trained run's three
 * networks and, in the same run, the baselines — random placement and
 * hand-written template matching — on the benchmark's splits: training kits
 * at new poses, combinations and mixtures of training kits, and kits of shapes
 * never seen. Each (split, planner) cell is written to OUT/parts/ as it
 * finishes, so `--resume` continues where a killed run stopped; then
 * OUT/results.json, episode strips (PNG and GIF) and the descriptor map (SVG).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../torch/index.js';
import { bool, int, num, nums, parseConfig, z, type Config } from '../config/schema.js';
import { mixSeed } from '../data/noise.js';
import { episodeGif, episodeStrip, SPLITS, splitScenes, type Split } from '../sim/index.js';
import {
  evaluateSplit,
  form2fitPlanner,
  objectDescriptors,
  randomPlanner,
  templatePlanner,
  type Form2FitNets,
  type Planner,
  type SplitResult,
  type Trial,
} from '../eval/form2fit/index.js';
import { descriptorMap } from '../report/form2fit.js';
import { writeFileAtomic } from '../io/atomic.js';
import { applyThreads } from './common.js';
import { sceneMethodOfRun } from './pretrain-scene.js';

export const form2fitEvalSchema = () =>
  z.strictObject({
    threads: int('libtorch threads (default: all cores)', undefined, { min: 1, max: 1024 }),
    splits: z
      .array(z.enum(SPLITS as unknown as [Split, ...Split[]]))
      .min(1)
      .default([...SPLITS])
      .describe(`benchmark splits (${SPLITS.join(', ')})`),
    scenes: int('disassembled scenes per split (cycling through its kits)', 30, { min: 1, max: 100000 }),
    actionsPerObject: int('planner actions allowed per object of a scene', 2, { min: 1, max: 100 }),
    noise: num('depth noise σ of the rendered heightmaps (m)', 0.001, { min: 0, max: 0.05 }),
    capture: num('capture radius (px) of the tapered cavities: released this close (and within 9°) an object slides in; 0 = strict', 2, {
      min: 0,
      max: 40,
    }),
    patch: nums("descriptor patch sides of the Form2Fit planner, one planner each (1 = the paper's single pixels)", [1, 9], {
      min: 1,
      max: 15,
    }),
    baselines: bool('run the random and template-matching baselines in the same run', true),
    strips: int('episode strips (PNG + GIF) per split and planner', 1, { min: 0, max: 100 }),
    descriptorScenes: int('scenes per split whose object descriptors go into the UMAP map (0: none)', 6, { min: 0, max: 1000 }),
    seed: int('seed of the scenes, depth noise and suction failures', 1, { min: 0 }),
  });
export type Form2FitEvalConfig = Config<ReturnType<typeof form2fitEvalSchema>>;

/** A (split, planner) cell of the results: the split's counts and rates, without the trials. */
export type Form2FitRow = Omit<SplitResult, 'trials'> & { split: Split };

/** The planners of one split: Form2Fit over the run's nets (when given; one per patch side) and the baselines; the random one seeded per split, so that a resumed cell draws as it would have. */
function planners(nets: Form2FitNets | undefined, c: Form2FitEvalConfig, split: number): Planner[] {
  const out: Planner[] = [];
  if (nets) out.push(...c.patch.map((patch) => form2fitPlanner(nets, { patch })));
  if (c.baselines) out.push(templatePlanner(), randomPlanner(mixSeed(c.seed + 3, split)));
  if (!out.length) throw new RangeError('form2fit eval: give a run folder (selfsup form2fit train) or keep --baselines');
  return out;
}

async function writeStrips(dir: string, name: string, trials: Trial[], n: number): Promise<void> {
  for (const [k, t] of trials.slice(0, n).entries()) {
    const marks = [...t.steps.map((s) => ({ suction: s.action.suction, place: s.action.place })), null];
    writeFileAtomic(join(dir, `${name}-${k}.png`), await episodeStrip(t.frames, { marks }), 'form2fit eval');
    writeFileAtomic(join(dir, `${name}-${k}.gif`), await episodeGif(t.frames, { marks }), 'form2fit eval');
  }
}

/** Runs the evaluation into `out` (continuing finished cells with `resume`); returns one row per (split, planner). */
export async function form2fitEval(
  run: string | undefined,
  raw: Record<string, unknown>,
  out: string,
  o: { resume?: boolean } = {},
): Promise<Form2FitRow[]> {
  const c: Form2FitEvalConfig = parseConfig(form2fitEvalSchema(), raw, 'form2fit eval');
  applyThreads(c.threads);
  const parts = join(out, 'parts');
  const configPath = join(out, 'config.json');
  const config = { run: run ?? null, ...c };
  if (o.resume) {
    if (!existsSync(configPath)) throw new Error(`form2fit eval: ${out} holds no evaluation to resume (no config.json)`);
    if (readFileSync(configPath, 'utf8') !== JSON.stringify(config, null, 2))
      throw new Error(`form2fit eval: ${configPath} differs from this command's run and options; resume with the same ones`);
  } else if (existsSync(configPath)) throw new Error(`form2fit eval: ${out} already holds an evaluation (add --resume to continue it)`);
  const nets = run ? (sceneMethodOfRun(run) as unknown as Form2FitNets) : undefined;
  planners(nets, c, 0); // the run and the planners are checked before the output folder is written
  mkdirSync(parts, { recursive: true });
  mkdirSync(join(out, 'strips'), { recursive: true });
  writeFileAtomic(configPath, JSON.stringify(config, null, 2), 'form2fit eval');
  const rows: Form2FitRow[] = [];
  for (const [i, split] of c.splits.entries()) {
    const scenes = splitScenes(split, c.scenes, mixSeed(c.seed, i));
    const maxActions = c.actionsPerObject * Math.max(...scenes.map((s) => s.objects.length));
    for (const planner of planners(nets, c, i)) {
      const file = join(parts, `${split}-${planner.name}.json`);
      if (existsSync(file)) {
        rows.push(JSON.parse(readFileSync(file, 'utf8')) as Form2FitRow);
        continue;
      }
      const started = Date.now();
      const { trials, ...counts } = torch.noGrad(() =>
        evaluateSplit(scenes, planner, { maxActions, noise: c.noise, capture: c.capture, seed: mixSeed(c.seed + 1, i) }),
      );
      const row: Form2FitRow = { split, ...counts };
      await writeStrips(join(out, 'strips'), `${split}-${planner.name}`, trials, c.strips);
      writeFileAtomic(file, JSON.stringify(row, null, 2), 'form2fit eval');
      console.error(
        `form2fit eval: ${split} × ${planner.name}: ${row.successes}/${row.placements} placements, ` +
          `${row.kitsCompleted}/${row.kits} kits (${((Date.now() - started) / 1000).toFixed(0)} s)`,
      );
      rows.push(row);
    }
  }
  if (nets && c.descriptorScenes > 0 && !existsSync(join(out, 'descriptors.svg'))) {
    const scenes = c.splits.flatMap((split, i) => splitScenes(split, c.descriptorScenes, mixSeed(c.seed + 2, i)));
    const samples = torch.noGrad(() => objectDescriptors(nets, scenes, { seed: c.seed }));
    writeFileAtomic(join(out, 'descriptors.svg'), descriptorMap(samples, { seed: c.seed }), 'form2fit eval');
  }
  writeFileAtomic(join(out, 'results.json'), JSON.stringify({ config, rows }, null, 2), 'form2fit eval');
  return rows;
}

/** The results as table rows: split, planner, placements, successes, success %, kits completed. */
export function form2fitTable(rows: Form2FitRow[]): string[][] {
  const pct = (v: number): string => (Number.isFinite(v) ? (100 * v).toFixed(1) : '-');
  return [
    [
      'split',
      'planner',
      'objects',
      'placements',
      'seated',
      'seated/placements %',
      'seated/objects %',
      'kits done',
      'mean IoU',
      'angle err °',
    ],
    ...rows.map((r) => [
      r.split,
      r.planner,
      String(r.objects),
      String(r.placements),
      String(r.successes),
      pct(r.placementSuccess),
      pct(r.objectSuccess),
      `${r.kitsCompleted}/${r.kits}`,
      Number.isFinite(r.meanIou) ? r.meanIou.toFixed(3) : '-',
      Number.isFinite(r.meanAngleError) ? r.meanAngleError.toFixed(1) : '-',
    ]),
  ];
}
