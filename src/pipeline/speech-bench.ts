/**
 * `selfsup speech-bench RUN... -o OUT`: a NOSS-style benchmark of non-semantic
 * speech representations (Shor et al. 2020, "Towards Learning a Universal
 * Non-Semantic Representation of Speech"). Every representation — each run's
 * chosen layer, each layer of the first run (the layer sweep), handcrafted
 * features, the first run's network with random weights and trained supervised
 * on one task — embeds every clip of every task (windows averaged over time);
 * a grid of small classifiers is fitted and the configuration best on
 * validation is scored on test (src/eval/noss.ts); accuracy is then regressed
 * on one-hot(representation) + one-hot(task) by ordinary least squares, each
 * representation's effect with a 95 % interval (src/eval/ols.ts).
 *
 * OUT/results.json is rewritten after every (representation group, task), so a
 * killed benchmark continues where it stopped when run again with the same
 * options (`--resume`); OUT/report.html holds the charts.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { bool, int, num, oneOf, parseConfig, str, strs, z, type Config } from '../config/schema.js';
import { SPEECH_TASK_NAMES, loadSpeechTask, manifestTask, type SpeechTask } from '../data/speech-tasks.js';
import { scoreTask, type TaskScore } from '../eval/noss.js';
import { olsEffects, type OlsEffect } from '../eval/ols.js';
import { writeFileAtomic } from '../io/atomic.js';
import { concatFloat32 } from '../data/collate.js';
import { writeSpeechBenchReport } from '../report/speech-bench.js';
import { applyThreads } from './common.js';
import { representationGroups, type Representation, type RepresentationGroup } from './speech-representations.js';

export const speechBenchSchema = () =>
  z.strictObject({
    threads: int('libtorch threads (default: all cores)', undefined, { min: 1, max: 1024 }),
    seed: int('seed of the tasks, the random network and the supervised baseline', 0, { min: 0, max: 2 ** 31 - 1 }),
    tasks: strs(`built-in tasks (default: all of ${SPEECH_TASK_NAMES.join(', ')}; '' for none)`),
    manifests: strs('labelled audio manifests (CSV or JSONL: path, label, speaker, split), each one more task'),
    manifestSpeakers: oneOf(
      "how the manifests' speakers may share splits: disjoint (none in two splits), utterance (every speaker in every split, as speaker ID), intra (train and test within each speaker)",
      ['disjoint', 'utterance', 'intra'],
      'disjoint',
    ),
    scale: num('size of the built-in tasks (× their default clip counts)', 1, { min: 0.05, max: 20 }),
    layer: str("layer of each run's network (TRILL: stage1…stage4, pooled, embedding; default: the run's `layer` option)"),
    sweep: bool("score every layer of the first run's network too (the layer sweep)", true),
    handcrafted: bool('score handcrafted features: log-mel and MFCC statistics', true),
    random: bool("score the first run's network with random weights", true),
    supervised: str("train the first run's network supervised on this task and score it on every task ('' for none)", 'speaker'),
    supervisedSteps: int('steps of the supervised baseline (batches of 64 windows)', 600, { min: 1 }),
    hopSeconds: num('hop between the 0.96 s windows of a clip, in seconds', 0.5, { min: 0.01, max: 10 }),
    classifiers: strs('classifiers of the grid (default: all of src/eval/noss.ts)'),
    reference: str('representation the OLS effects are measured against (default: the first run at its layer)'),
  });
export type SpeechBenchConfig = Config<ReturnType<typeof speechBenchSchema>>;

export interface BenchScore extends TaskScore {
  representation: string;
}

export interface SpeechBenchResults {
  runs: string[];
  config: SpeechBenchConfig;
  representations: Representation[];
  tasks: { name: string; summary: string; intraSpeaker: boolean; clips: number; classes: number; speakers: number }[];
  scores: BenchScore[];
  /** Warnings about the tasks (e.g. a split with one speaker). */
  warnings: string[];
  ols?: { reference: string; effects: OlsEffect[]; r2: number; dof: number };
  /** The layer sweep: layer names in network order and the representation of each. */
  sweep?: { run: string; layers: string[]; names: string[] };
}

/** The tasks of a config: the built-in ones, then one per manifest. */
export async function tasksOf(c: SpeechBenchConfig): Promise<SpeechTask[]> {
  const names = c.tasks ?? [...SPEECH_TASK_NAMES];
  const bad = names.filter((n) => !SPEECH_TASK_NAMES.includes(n));
  if (bad.length) throw new RangeError(`speech-bench: unknown tasks ${bad.join(', ')} (valid: ${SPEECH_TASK_NAMES.join(', ')})`);
  const tasks: SpeechTask[] = [];
  for (const name of names) tasks.push(await loadSpeechTask(name, { seed: c.seed, scale: c.scale }));
  for (const path of c.manifests ?? []) tasks.push(manifestTask(path, { speakers: c.manifestSpeakers }));
  const seen = new Set<string>();
  for (const t of tasks) {
    if (seen.has(t.name)) throw new RangeError(`speech-bench: two tasks are named ${JSON.stringify(t.name)}`);
    seen.add(t.name);
  }
  if (!tasks.length) throw new RangeError('speech-bench: no tasks (give --tasks or --manifests)');
  for (const w of taskWarnings(tasks)) console.error(`speech-bench: warning: ${w}`);
  return tasks;
}

/** What makes a task's scores fragile: a split of a speaker-disjoint task with a single speaker. */
export function taskWarnings(tasks: readonly SpeechTask[]): string[] {
  return tasks.flatMap((t) =>
    t.intraSpeaker
      ? []
      : (['train', 'validation', 'test'] as const).flatMap((split) => {
          const speakers = new Set(t.clips.filter((c) => c.split === split).map((c) => c.speaker));
          return speakers.size === 1
            ? [
                `task ${t.name}: the ${split} split has one speaker (${[...speakers][0]}); its score measures that speaker only, and per-speaker normalisation there is per-split`,
              ]
            : [];
        }),
  );
}

/** The results saved in `out` by an earlier run of the same benchmark, or a fresh record. */
function resumeOrStart(out: string, runs: string[], c: SpeechBenchConfig, resume: boolean): SpeechBenchResults {
  const path = join(out, 'results.json');
  if (existsSync(path)) {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as SpeechBenchResults;
    if (!resume) throw new Error(`speech-bench: ${out} already holds a benchmark; continue it with --resume or choose another folder`);
    if (JSON.stringify(saved.config) !== JSON.stringify(c) || JSON.stringify(saved.runs) !== JSON.stringify(runs))
      throw new Error(`speech-bench: ${path} was made with other runs or options; --resume continues only the same benchmark`);
    return saved;
  }
  return { runs, config: c, representations: [], tasks: [], scores: [], warnings: [] };
}

const pct = (v: number): string => (100 * v).toFixed(1);

/** Clip embeddings of `group` on `task` → one TaskScore per representation of the group. */
export function scoreGroup(group: RepresentationGroup, task: SpeechTask, c: SpeechBenchConfig): BenchScore[] {
  const names = group.reps.map((r) => r.name);
  const feats: Float32Array[][] = names.map(() => []);
  task.clips.forEach((clip) => group.embed(clip.audio).forEach((f, k) => feats[k].push(f)));
  return names.map((name, k) => {
    const dim = feats[k][0].length;
    const x = concatFloat32(feats[k]); // [N · dim]
    const score = scoreTask(
      {
        task: task.name,
        intraSpeaker: task.intraSpeaker,
        x,
        dim,
        labels: task.clips.map((cl) => cl.label),
        speakers: task.clips.map((cl) => cl.speaker),
        splits: task.clips.map((cl) => cl.split),
      },
      { classifiers: c.classifiers, seed: c.seed },
    );
    return { representation: name, ...score };
  });
}

/** Runs (or continues) the benchmark of `runs` into `out`; returns the results (also OUT/results.json, OUT/report.html). */
export async function speechBench(
  runs: string[],
  raw: Record<string, unknown>,
  out: string,
  o: { resume?: boolean } = {},
): Promise<SpeechBenchResults> {
  const c: SpeechBenchConfig = parseConfig(speechBenchSchema(), raw, 'speech-bench');
  applyThreads(c.threads);
  const tasks = await tasksOf(c);
  mkdirSync(out, { recursive: true });
  const results = resumeOrStart(out, runs, c, o.resume ?? false);
  const save = (): void => writeFileAtomic(join(out, 'results.json'), JSON.stringify(results, null, 1) + '\n', 'speech-bench');
  results.warnings = taskWarnings(tasks);
  results.tasks = tasks.map((t) => ({
    name: t.name,
    summary: t.summary,
    intraSpeaker: t.intraSpeaker,
    clips: t.clips.length,
    classes: new Set(t.clips.map((cl) => cl.label)).size,
    speakers: new Set(t.clips.map((cl) => cl.speaker)).size,
  }));
  const groups = await representationGroups(runs, tasks, c, out);
  results.representations = groups.flatMap((g) => g.reps);
  results.sweep = groups.find((g) => g.sweep)?.sweep;
  const done = new Set(results.scores.map((s) => `${s.representation}\u0000${s.task}`));
  for (const task of tasks)
    for (const group of groups) {
      const names = group.reps.map((r) => r.name);
      if (names.every((name) => done.has(`${name}\u0000${task.name}`))) continue;
      const t0 = Date.now();
      const scores = scoreGroup(group, task, c);
      results.scores = results.scores.filter((s) => !(s.task === task.name && names.includes(s.representation))).concat(scores);
      save();
      console.error(
        `speech-bench: ${task.name}: ${scores.map((s) => `${s.representation} ${pct(s.accuracy)} %`).join(', ')} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
      );
    }
  const reference = c.reference ?? groups[0].reps[0].name;
  if (!results.representations.some((r) => r.name === reference))
    throw new RangeError(
      `speech-bench: reference ${JSON.stringify(reference)} is not one of the representations (${results.representations.map((r) => r.name).join(', ')})`,
    );
  if (results.representations.length > 1 && tasks.length > 1)
    results.ols = {
      reference,
      ...olsEffects(
        results.scores.map((s) => ({ representation: s.representation, task: s.task, accuracy: s.accuracy })),
        { reference },
      ),
    };
  save();
  writeSpeechBenchReport(out, results);
  return results;
}

/** The benchmark as a markdown table: a row per representation, a column per task, the OLS effect last. */
export function speechBenchTable(r: SpeechBenchResults): string {
  const tasks = r.tasks.map((t) => t.name);
  const head = `| Representation | ${tasks.join(' | ')} | OLS effect vs ${r.ols?.reference ?? '-'} (95 % CI) |`;
  const rule = `|---|${tasks.map(() => '---:').join('|')}|---:|`;
  const rows = r.representations.map((rep) => {
    const cells = tasks.map((t) => {
      const s = r.scores.find((x) => x.representation === rep.name && x.task === t);
      return s ? pct(s.accuracy) : '-';
    });
    const e = r.ols?.effects.find((x) => x.representation === rep.name);
    const effect =
      rep.name === r.ols?.reference
        ? '0 (reference)'
        : !e
          ? '-'
          : `${e.effect >= 0 ? '+' : ''}${pct(e.effect)} [${pct(e.low)}, ${pct(e.high)}]`;
    return `| ${rep.name} | ${cells.join(' | ')} | ${effect} |`;
  });
  return [head, rule, ...rows].join('\n');
}

/** A representation name for run folder `dir`. */
export const runLabel = (dir: string): string => basename(dir.replace(/\/+$/, ''));
