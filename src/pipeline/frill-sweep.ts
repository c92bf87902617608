/**
 * `selfsup frill-sweep --teacher TRILL_RUN -o OUT`: FRILL's sweep of students
 * (Peplinski et al. 2021, §3.2 and §4). Each student of the grid
 * (./frill-grid.ts) is distilled from the teacher in its own process
 * (./frill-students.ts), then measured here: its quality on the speech
 * benchmark (speech-bench's tasks and classifier grid, ./speech-bench.ts) as
 * the mean over tasks of its accuracy minus the teacher's (the teacher scored
 * once), its latency per 1 s window in onnxruntime-node, fp32 and int8
 * (bench/deploy's protocol, src/export/latency.ts), and its exported size. Then
 * the frontier — the students no other is at least as fast and as good as
 * (src/eval/frontier.ts) — and the OLS regression of quality, latency and size
 * on the hyperparameters.
 *
 * OUT/results.json is rewritten (atomically) after the teacher and after every
 * student, so a killed sweep loses at most the student in progress, which
 * `--resume` continues from its last checkpoint; finished students are
 * skipped. OUT/report.html and OUT/frontier.svg hold the plot and tables.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bool, int, num, oneOf, parseConfig, section, str, z, type Config } from '../config/schema.js';
import type { Latency } from '../eval/latency.js';
import { writeFileAtomic } from '../io/atomic.js';
import { Trill } from '../methods/trill.js';
import type { Frill } from '../methods/frill.js';
import { studentLatency, windowLatency, type StudentLatency } from '../export/latency.js';
import { writeFrillSweepReport } from '../report/frill-sweep.js';
import type { SpeechTask } from '../data/speech-tasks.js';
import { applyThreads } from './common.js';
import { audioMethodOfRun } from './pretrain-audio.js';
import { scoreGroup, speechBenchSchema, tasksOf, type SpeechBenchConfig } from './speech-bench.js';
import { representationGroups } from './speech-representations.js';
import { gridSection, studentGrid, type StudentSpec } from './frill-grid.js';
import { studentConfig, studentState, trainStudent, type StudentTraining } from './frill-students.js';
import { analyseSweep, type SweepAnalysis } from './frill-analysis.js';

const bench = speechBenchSchema().shape;

export const frillSweepSchema = () =>
  z.strictObject({
    teacher: str('the teacher: the folder of a finished TRILL run (`selfsup pretrain --method trill`); required'),
    teacherLayer: str("the teacher's layer the students regress and the benchmark reads (default: the teacher's `layer`)"),
    seed: int('seed of the students and of the benchmark', 0, { min: 0, max: 2 ** 31 - 1 }),
    threads: int('libtorch threads of the benchmark here (default: all cores; latency is always timed on one)', undefined, {
      min: 1,
      max: 1024,
    }),
    grid: gridSection(),
    student: section(
      {
        steps: int('optimizer steps of each student', 400, { min: 1 }),
        batchSize: int('windows per batch', 64, { min: 2, max: 65536 }),
        lr: num("Adam learning rate per 256 items (default: FRILL's)", undefined, { min: 0, max: 1 }),
        bottleneck: int('width of the embedding "distilled_output"', 512, { min: 1, max: 8192 }),
        clips: int("clips of the teacher's data set to train on (default: the teacher's own count)", undefined, { min: 1 }),
        threads: int("libtorch threads of each student's training process (default: all cores)", undefined, { min: 1, max: 1024 }),
        checkpointSeconds: num("seconds between a student's checkpoints", 60, { min: 1 }),
      },
      'how each student is trained (selfsup pretrain --method frill)',
    ),
    bench: section(
      { tasks: bench.tasks, scale: bench.scale, classifiers: bench.classifiers, hopSeconds: bench.hopSeconds },
      'the speech benchmark that scores the teacher and each student (selfsup speech-bench)',
    ),
    frontier: oneOf(
      'the latency the frontier is drawn on: fp32 (the model whose quality is measured) or int8 (the rest post-training quantized; quality not measured)',
      ['fp32', 'int8'],
      'fp32',
    ),
    stopOnError: bool('stop at the first student that fails to train or to be measured (default: go on, and fail at the end)', false),
  });
export type FrillSweepConfig = Config<ReturnType<typeof frillSweepSchema>>;

/** A model's measurements: accuracy per task, their mean, latency per 1 s window and ONNX sizes. */
export interface Measured {
  accuracy: Record<string, number>;
  meanAccuracy: number;
  latency: { fp32: Latency; int8: Latency };
  bytes: { fp32: number; int8: number };
}

export interface StudentRow extends StudentSpec, Measured {
  /** Mean over tasks of (student − teacher) accuracy. */
  quality: number;
  /** Wall seconds of its training process(es) in this sweep (0 when trained before), and of its measurement here. */
  seconds: { training: number; measuring: number };
}

export interface FrillSweepResults {
  config: FrillSweepConfig;
  teacher?: Measured & { run: string; layer: string };
  students: StudentRow[];
  /** Students that failed in the last invocation: their training process (its exit code and last lines) or their measurement. */
  failed: { name: string; stage: 'training' | 'measuring'; code: number | null; tail: string[] }[];
  analysis?: SweepAnalysis;
  /** When `--retime` last timed every model again. */
  retimed?: string;
}

/** The teacher run, checked: a finished TRILL run. */
function openTeacher(dir: string | undefined): Trill {
  if (!dir) throw new RangeError('frill-sweep: teacher is required: the folder of a finished TRILL run (--teacher)');
  if (!existsSync(dir)) throw new Error(`frill-sweep: teacher ${dir} does not exist`);
  let model;
  try {
    model = audioMethodOfRun(dir);
  } catch (e) {
    throw new Error(`frill-sweep: teacher: ${(e as Error).message}`);
  }
  if (!(model instanceof Trill))
    throw new RangeError(`frill-sweep: teacher ${dir} is a run of ${model.constructor.name}, but the teacher must be a TRILL run`);
  return model;
}

/** What every student shares, from the config and the teacher's own data section. */
function studentTraining(c: FrillSweepConfig, teacher: string): StudentTraining {
  const saved = JSON.parse(readFileSync(join(teacher, 'config.json'), 'utf8')) as { data: Record<string, unknown> };
  const s = c.student;
  return {
    teacher: resolve(teacher),
    teacherLayer: c.teacherLayer,
    data: { ...saved.data, ...(s.clips !== undefined && { clips: s.clips }) },
    seed: c.seed,
    steps: s.steps,
    batchSize: s.batchSize,
    bottleneck: s.bottleneck,
    lr: s.lr,
    threads: s.threads,
    checkpointSeconds: s.checkpointSeconds,
  };
}

/** Accuracy of run `dir` at `layer` (default: its own) on every task, by speech-bench's grid. */
async function accuracies(dir: string, tasks: SpeechTask[], b: SpeechBenchConfig, layer?: string): Promise<Record<string, number>> {
  const [group] = await representationGroups([dir], tasks, { ...b, layer }, '');
  return Object.fromEntries(tasks.map((t) => [t.name, scoreGroup(group, t, b)[0].accuracy]));
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const both = (l: StudentLatency): Pick<Measured, 'latency' | 'bytes'> => ({
  latency: { fp32: l.fp32, int8: l.int8! },
  bytes: { fp32: l.bytes.fp32, int8: l.bytes.int8! },
});

/**
 * Runs (or, with `resume`, continues) the sweep into `out`; the results are
 * also in OUT/results.json. `interrupted`: stopped by Ctrl-C or SIGTERM.
 */
export async function frillSweep(
  raw: Record<string, unknown>,
  out: string,
  o: { resume?: boolean; retime?: boolean } = {},
): Promise<{ results: FrillSweepResults; interrupted: boolean }> {
  if (o.retime && !o.resume) throw new RangeError('frill-sweep: --retime times an existing sweep again; it needs --resume');
  const c: FrillSweepConfig = parseConfig(frillSweepSchema(), raw, 'frill-sweep');
  const teacher = openTeacher(c.teacher);
  const layer = c.teacherLayer ?? teacher.defaultLayer;
  if (!teacher.layerNames.includes(layer))
    throw new RangeError(
      `frill-sweep: teacherLayer ${JSON.stringify(layer)} is not a layer of the teacher (${teacher.layerNames.join(', ')})`,
    );
  const students = studentGrid(c.grid);
  const training = studentTraining(c, c.teacher!);
  const configs = new Map(students.map((s) => [s.name, studentConfig(s, training)]));
  const b: SpeechBenchConfig = parseConfig(
    speechBenchSchema(),
    { ...c.bench, seed: c.seed, threads: c.threads, sweep: false, handcrafted: false, random: false, supervised: '' },
    'frill-sweep: bench',
  );
  applyThreads(c.threads);
  const tasks = await tasksOf(b);
  const results = resumeOrStart(out, c, o.resume ?? false);
  const save = (): void => {
    results.analysis = analyseSweep(results);
    writeFileAtomic(join(out, 'results.json'), JSON.stringify(results, null, 1) + '\n', 'frill-sweep');
    writeFrillSweepReport(out, results);
  };
  results.failed = [];
  if (!results.teacher) {
    const t0 = performance.now();
    const accuracy = await accuracies(c.teacher!, tasks, b, layer);
    const timed = await timeTeacher(teacher, layer);
    results.teacher = { run: resolve(c.teacher!), layer, accuracy, meanAccuracy: mean(Object.values(accuracy)), ...both(timed) };
    save();
    console.error(`frill-sweep: teacher ${layer}: ${describe(results.teacher)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  if (o.retime) {
    await retime(results, teacher, layer, out);
    save();
  }
  for (const s of students) {
    if (results.students.some((r) => r.name === s.name)) {
      console.error(`frill-sweep: ${s.name}: done (skipped)`);
      continue;
    }
    const dir = join(out, 'students', s.name);
    let training = 0;
    if (studentState(dir) !== 'trained') {
      const r = await trainStudent(s, configs.get(s.name)!, out);
      training = r.seconds;
      if (r.stopped) {
        console.error(`frill-sweep: stopped while training ${s.name}; continue with --resume`);
        save();
        return { results, interrupted: true };
      }
      if (r.code !== 0) {
        results.failed.push({ name: s.name, stage: 'training', code: r.code, tail: r.tail });
        save();
        const why = `frill-sweep: student ${s.name} failed (exit code ${r.code}; log ${join(out, 'logs', `${s.name}.log`)}):\n  ${r.tail.join('\n  ')}`;
        if (c.stopOnError) throw new Error(why);
        console.error(why);
        continue;
      }
    }
    try {
      results.students.push(await measureStudent(s, dir, tasks, b, results.teacher!, training));
    } catch (e) {
      results.failed.push({ name: s.name, stage: 'measuring', code: null, tail: [(e as Error).message] });
      const why = `frill-sweep: measuring student ${s.name} failed: ${(e as Error).message}`;
      if (c.stopOnError) throw new Error(why);
      console.error(why);
    }
    save();
  }
  save();
  if (results.failed.length)
    throw new Error(
      `frill-sweep: ${results.failed.length} students failed: ${results.failed.map((f) => f.name).join(', ')} (rerun with --resume to retry them)`,
    );
  return { results, interrupted: false };
}

/** The teacher's latency at `layer`, fp32 and int8. */
const timeTeacher = (teacher: Trill, layer: string): Promise<StudentLatency> => windowLatency(teacher.net, { layer, int8: true });

/** The latency of the student trained in `dir`, fp32 and int8. */
const timeStudent = (dir: string): Promise<StudentLatency> => studentLatency((audioMethodOfRun(dir) as Frill).net, { int8: true });

/**
 * Times the teacher and every measured student again, in place (the latency
 * of a sweep that ran beside other work is noisy; the accuracies stand).
 */
async function retime(results: FrillSweepResults, teacher: Trill, layer: string, out: string): Promise<void> {
  const t0 = performance.now();
  if (results.teacher) results.teacher.latency = both(await timeTeacher(teacher, layer)).latency;
  for (const row of results.students) row.latency = both(await timeStudent(join(out, 'students', row.name))).latency;
  results.retimed = new Date().toISOString();
  console.error(
    `frill-sweep: timed the teacher and ${results.students.length} students again (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
}

/** A trained student's row: benchmark, latency, sizes. */
async function measureStudent(
  s: StudentSpec,
  dir: string,
  tasks: SpeechTask[],
  b: SpeechBenchConfig,
  teacher: Measured,
  training: number,
): Promise<StudentRow> {
  const t0 = performance.now();
  const accuracy = await accuracies(dir, tasks, b);
  const timed = await timeStudent(dir);
  const quality = mean(tasks.map((t) => accuracy[t.name] - teacher.accuracy[t.name]));
  const measuring = (performance.now() - t0) / 1000;
  const row: StudentRow = {
    ...s,
    accuracy,
    meanAccuracy: mean(Object.values(accuracy)),
    quality,
    ...both(timed),
    seconds: { training, measuring },
  };
  console.error(`frill-sweep: ${s.name}: ${describe(row)}, Δ ${(100 * quality).toFixed(1)} points (measured in ${measuring.toFixed(1)} s)`);
  return row;
}

const describe = (m: Measured): string =>
  `mean accuracy ${(100 * m.meanAccuracy).toFixed(1)} %, ${m.latency.fp32.medianMs.toFixed(3)} ms fp32, ${m.latency.int8.medianMs.toFixed(3)} ms int8, ` +
  `${(m.bytes.fp32 / 1e6).toFixed(2)} / ${(m.bytes.int8 / 1e6).toFixed(2)} MB`;

/** The results saved in `out` by an earlier run of the same sweep, or a fresh record. */
function resumeOrStart(out: string, c: FrillSweepConfig, resume: boolean): FrillSweepResults {
  const path = join(out, 'results.json');
  if (existsSync(path)) {
    if (!resume) throw new Error(`frill-sweep: ${out} already holds a sweep; continue it with --resume or choose another folder`);
    const saved = JSON.parse(readFileSync(path, 'utf8')) as FrillSweepResults;
    if (JSON.stringify(saved.config) !== JSON.stringify(c))
      throw new Error(`frill-sweep: ${path} was made with other options; --resume continues only the same sweep`);
    return saved;
  }
  mkdirSync(out, { recursive: true });
  return { config: c, students: [], failed: [] };
}
