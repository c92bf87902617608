#!/usr/bin/env node
/**
 * The `selfsup` command: pretrain, finetune, selftrain, distill, recipe, eval, text-eval, embed,
 * views, speech-bench, frill-sweep, form2fit (collect, train, eval), export, report, methods, datasets, launch. Options
 * come from a config file (--config, JSON
 * or YAML) and flags (`--section.key value`, flags win); each command's options
 * are its pipeline's schema (src/pipeline/*), so `selfsup <command> --help`
 * lists them all with their defaults — including the chosen method's and data
 * set's own (`selfsup pretrain --method byol --help`). Every run writes a run
 * folder (src/train/run-dir.ts).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flagFields, flagHelp, flagName, mergeFlags, parseConfig, readConfigFile, type z } from '../config/schema.js';
import { evalSchema, embedSchema, embedRun, evaluateRun } from '../pipeline/evaluate.js';
import { finetune, finetuneSchema } from '../pipeline/finetune.js';
import { selftrain, selftrainSchema, selfTrainingTable } from '../pipeline/selftrain.js';
import { distill, distillSchema } from '../pipeline/distill.js';
import { pretrain, pretrainCommandSchema } from '../pipeline/pretrain.js';
import { asRankOfJob } from '../pipeline/data-parallel.js';
import { recipeSchema, runRecipe } from '../pipeline/recipe.js';
import { infominSchema, runInfomin } from '../pipeline/infomin.js';
import { textEval, textEvalSchema } from '../pipeline/text-eval.js';
import { viewsSchema, writeViewGrid } from '../pipeline/view-grid.js';
import { pitchEval, pitchEvalSchema } from '../pipeline/pitch-eval.js';
import { speechBench, speechBenchSchema, speechBenchTable } from '../pipeline/speech-bench.js';
import { frillSweep, frillSweepSchema } from '../pipeline/frill-sweep.js';
import { claimText, frontierTable, regressionTable } from '../report/frill-sweep.js';
import { DEFAULT_PITCH_MODEL, mainNote, pitchCsv, pitchOfFile } from '../pipeline/pitch.js';
import { peekIn, type Peek } from '../pipeline/common.js';
import { pretrainScene, pretrainSceneSchema } from '../pipeline/pretrain-scene.js';
import { form2fitCollect, form2fitCollectSchema } from '../pipeline/form2fit-collect.js';
import { form2fitEval, form2fitEvalSchema, form2fitTable } from '../pipeline/form2fit-eval.js';
import { writeReport, writeStudyReport } from '../report/index.js';
import { RunDir } from '../train/run-dir.js';
import { DEFAULT_CALIBRATION, EXPORT_FORMATS, exportRun } from '../export/run.js';
import { exportWeb } from '../export/web.js';
import { METHODS } from '../methods/registry.js';
import { DATA_SETS } from '../data/registry.js';
import { launchLocal } from '../distributed/launch.js';

type Opts = Record<string, unknown> & { config?: string; out?: string; resume?: boolean };
type SchemaOf = (peek: Peek) => z.ZodType;

/** `--key value` and `--key=value` pairs of the command line, to read the chosen method and data sets before the options exist. */
function argvFlags(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  argv.forEach((a, i) => {
    if (!a.startsWith('--')) return;
    const eq = a.indexOf('=');
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[a.slice(2)] = argv[i + 1];
  });
  return out;
}

/** The config file named on the command line (-c/--config), read leniently: a bad file is reported when the command runs. */
function argvConfig(argv: string[]): Record<string, unknown> {
  const i = argv.findIndex((a) => a === '-c' || a === '--config');
  try {
    return i >= 0 && argv[i + 1] ? readConfigFile(argv[i + 1]) : {};
  } catch {
    return {};
  }
}

/** Adds --config and one flag per schema field to `cmd`. */
function withSchema(cmd: Command, schema: z.ZodType): Command {
  cmd.option('-c, --config <file>', 'config file (JSON or YAML); flags override it');
  for (const [path, f] of flagFields(schema)) {
    const arg = f.type === 'boolean' ? '[bool]' : f.type === 'numbers' || f.type === 'strings' ? '<list>' : '<value>';
    cmd.addOption(new Option(`${flagName(path)} ${arg}`, flagHelp(f)));
    if (path.endsWith('.name') && !path.includes('.', path.indexOf('.') + 1) && ['method.name', 'data.name'].includes(path))
      cmd.addOption(new Option(`--${path.slice(0, -5)} <name>`, `shorthand for ${flagName(path)}`));
  }
  return cmd;
}

/** The command's config as written (file ← flags, before defaults), checked against its schema; and the parsed config. */
function writtenAndParsed(schemaOf: SchemaOf, opts: Opts): { written: Record<string, unknown>; parsed: Record<string, unknown> } {
  const { config, out: _out, resume: _resume, ...flags } = opts;
  const file = config ? readConfigFile(config) : {};
  const written = mergeFlags(schemaOf(peekIn(file, flags)), file, flags);
  const parsed = parseConfig(schemaOf(peekIn(written)), written, config ? basename(config) : 'config') as Record<string, unknown>;
  return { written, parsed };
}

/** The command's config: defaults ← file ← flags, checked against its schema (errors name the file or flag). */
const configOf = (schemaOf: SchemaOf, opts: Opts): Record<string, unknown> => writtenAndParsed(schemaOf, opts).parsed;

/** The command's config as written (before defaults: a study applies its knob there), after checking it. */
const writtenConfig = (schemaOf: SchemaOf, opts: Opts): Record<string, unknown> => writtenAndParsed(schemaOf, opts).written;

/** --resume continues with the saved config; flags other than --out would be silently ignored, so they are errors. */
function onlyResume(opts: Opts): void {
  const extra = Object.keys(opts).filter((k) => !['out', 'resume'].includes(k) && opts[k] !== undefined);
  if (extra.length)
    throw new Error(
      `--resume continues a run with its saved config.json; drop ${extra.map((k) => (k === 'config' ? '--config' : flagName(k))).join(', ')}`,
    );
}

/** The saved config of the run in --out, checked against the command's schema. */
function savedConfig(schemaOf: SchemaOf, opts: Opts): Record<string, unknown> {
  onlyResume(opts);
  const {
    command: _c,
    inChannels: _i,
    imageSize: _s,
    initName: _n,
    modality: _m,
    flopsPerStep: _f,
    totalSteps: _t,
    ...saved
  } = new RunDir(opts.out!, { resume: true }).readConfig();
  return parseConfig(schemaOf(peekIn(saved)), saved, join(opts.out!, 'config.json')) as Record<string, unknown>;
}

/** Commander's parser of a positive integer option. */
function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

const outOption = (cmd: Command, what: string): Command =>
  cmd.requiredOption('-o, --out <dir>', `run folder for ${what}`).option('--resume', 'continue the run in --out from its checkpoint');

function exitInterrupted(interrupted: boolean): void {
  if (interrupted) process.exitCode = 130;
}

const table = (rows: string[][]): string => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]) : c)).join('  ')).join('\n');
};

export function program(argv: string[] = process.argv): Command {
  const peek = peekIn(argvConfig(argv), argvFlags(argv));
  const p = new Command('selfsup').description('Self-supervised pretraining, fine-tuning and evaluation on libtorch').showHelpAfterError();
  const run = (schemaOf: SchemaOf, opts: Opts): Record<string, unknown> =>
    opts.resume ? savedConfig(schemaOf, opts) : configOf(schemaOf, opts);
  withSchema(
    outOption(
      p.command('pretrain').description('self-supervised pretraining of an encoder by any method (`selfsup methods`)'),
      'the pretraining',
    ),
    pretrainCommandSchema(peek),
  ).action(async (opts: Opts) =>
    exitInterrupted((await asRankOfJob(() => pretrain(run(pretrainCommandSchema, opts), opts.out!, { resume: opts.resume }))).interrupted),
  );
  withSchema(
    outOption(p.command('finetune').description('fine-tune an encoder on label fractions (or from scratch)'), 'the fine-tuning'),
    finetuneSchema(peek),
  ).action(async (opts: Opts) => finetune(run(finetuneSchema, opts), opts.out!, { resume: opts.resume }));
  withSchema(
    outOption(
      p
        .command('selftrain')
        .description('Noisy Student: teacher on a label fraction → noised students on labels + pseudo-labels, k iterations'),
      'the self-training',
    ),
    selftrainSchema(peek),
  ).action(async (opts: Opts) => {
    const rows = await selftrain(run(selftrainSchema, opts), opts.out!, { resume: opts.resume });
    if (rows) console.log(table(selfTrainingTable(rows)));
    exitInterrupted(!rows);
  });
  withSchema(
    outOption(
      p
        .command('distill')
        .description('Semi-Supervised Distillation: (self-train the teacher into T′, then) distil it into a small student'),
      'the distillation',
    ),
    distillSchema(peek),
  ).action(async (opts: Opts) => {
    const rows = await distill(run(distillSchema, opts), opts.out!, { resume: opts.resume });
    if (rows) console.log(table(selfTrainingTable(rows)));
    exitInterrupted(!rows);
  });
  withSchema(
    outOption(p.command('recipe').description('3-step recipe: pretrain (generic) → pretrain (domain) → fine-tune'), 'the three steps'),
    recipeSchema(peek),
  ).action(async (opts: Opts) => exitInterrupted(!(await runRecipe(run(recipeSchema, opts), opts.out!, { resume: opts.resume }))));
  withSchema(
    outOption(
      p
        .command('infomin')
        .description('InfoMin view study: one pretraining option over a list of values; I_NCE, kNN and linear probe of each, and a report'),
      'the study',
    ),
    infominSchema(peek),
  ).action(async (opts: Opts) => {
    if (opts.resume) onlyResume(opts);
    const results = await runInfomin(opts.resume ? {} : writtenConfig(infominSchema, opts), opts.out!, { resume: opts.resume });
    if (!results) return exitInterrupted(true);
    const pct = (v: number): string => (100 * v).toFixed(1);
    console.log(
      table([
        [results.label, 'steps', `I_NCE (nats, K ${results.rows[0].iNce.k})`, 'linear %', 'kNN %'],
        ...results.rows.map((r) => [
          r.label,
          String(r.steps),
          `${r.iNce.mean.toFixed(3)} ± ${r.iNce.std.toFixed(3)}`,
          pct(r.linearTop1),
          pct(r.knnTop1),
        ]),
      ]),
    );
    if (results.reverseU)
      console.log(`reverse U: ${results.reverseU.isReverseU ? 'yes' : 'no'} (peak at ${results.rows[results.reverseU.peak].label})`);
    console.log(writeStudyReport(opts.out!));
  });
  withSchema(
    p.command('eval').argument('<run>', 'run folder').description("kNN and linear-probe evaluation of a run's frozen encoder"),
    evalSchema(peek),
  ).action(async (dir: string, opts: Opts) => {
    for (const e of await evaluateRun(dir, configOf(evalSchema, opts))) console.log(JSON.stringify(e));
  });
  withSchema(
    p
      .command('text-eval')
      .argument('<run>', 'text pretraining run folder')
      .description(
        "fine-tune a text run's encoder (or its snapshots, or a random one) on labelled text tasks; rows go to RUN/text-eval.jsonl",
      ),
    textEvalSchema(),
  ).action(async (dir: string, opts: Opts) => {
    const { rows, averages } = textEval(dir, configOf(textEvalSchema, opts));
    const n = (v: number | null, d = 4): string => (v === null ? '-' : Number.isInteger(v) ? String(v) : v.toFixed(d));
    const flops = (v: number | null): string => (v === null ? '-' : v.toExponential(2));
    console.log(
      table([
        ['run', 'method', 'weights', 'step', 'flops', 'task', 'accuracy', 'macro-F1'],
        ...rows.map((r) => [r.run, r.method, r.weights, n(r.step), flops(r.flops), r.task, n(r.accuracy), n(r.macroF1)]),
      ]),
    );
    console.log(
      '\n' +
        table([
          ['weights', 'step', 'flops', 'tasks', 'average (accuracy; macro-F1 for imbalanced tasks)'],
          ...averages.map((a) => [a.weights, n(a.step), flops(a.flops), String(a.tasks), n(a.score)]),
        ]),
    );
  });
  withSchema(
    p.command('embed').argument('<run>', 'run folder').description("embeddings (+ labels, ids) of a data set under a run's encoder"),
    embedSchema(peek),
  ).action(async (dir: string, opts: Opts) => console.log(await embedRun(dir, configOf(embedSchema, opts))));
  withSchema(
    p.command('views').description("a PNG grid of a method's augmented views").requiredOption('-o, --out <file>', 'PNG file'),
    viewsSchema(peek),
  ).action(async (opts: Opts) => console.log(await writeViewGrid(configOf(viewsSchema, opts), opts.out!)));
  withSchema(
    p
      .command('pitch-eval')
      .argument('[runs...]', 'SPICE run folders (each a tracker, named by its folder)')
      .description('raw pitch and chroma accuracy and voicing recall of pitch trackers (and YIN), clean and in noise')
      .option('-o, --out <dir>', 'folder for results.json'),
    pitchEvalSchema(),
  ).action(async (runs: string[], opts: Opts) => {
    const rows = await pitchEval(runs, configOf(pitchEvalSchema, opts), opts.out);
    const pct = (v: number | null): string => (v === null ? '-' : (100 * v).toFixed(1));
    console.log(
      table([
        ['tracker', 'set', 'SNR', 'RPA %', 'RCA %', 'VRR %', 'VFA %', 'voiced frames'],
        ...rows.map((r) => [r.tracker, r.set, String(r.snr), pct(r.rpa), pct(r.rca), pct(r.vrr), pct(r.vfa), String(r.voicedFrames)]),
      ]),
    );
  });
  withSchema(
    p
      .command('speech-bench')
      .argument('[runs...]', 'audio run folders (e.g. TRILL), each a representation; the first also gives the layer sweep and baselines')
      .description('NOSS-style benchmark of speech representations: classifier grid per task, OLS effects, layer sweep, HTML report')
      .requiredOption('-o, --out <dir>', 'folder for results.json and report.html')
      .option('--resume', 'continue the benchmark in --out (same runs and options)'),
    speechBenchSchema(),
  ).action(async (runs: string[], opts: Opts) => {
    const r = await speechBench(runs, configOf(speechBenchSchema, opts), opts.out!, { resume: opts.resume });
    console.log(speechBenchTable(r));
    console.error(`speech-bench: ${join(opts.out!, 'results.json')}, ${join(opts.out!, 'report.html')}`);
  });
  withSchema(
    p
      .command('frill-sweep')
      .description(
        'FRILL sweep: MobileNetV3 students of a TRILL run, each trained in its own process; their benchmark quality, latency and size, the frontier and a regression',
      )
      .requiredOption('-o, --out <dir>', 'folder for the students, results.json, report.html and frontier.svg')
      .option('--resume', 'continue the sweep in --out (same options): trained students are skipped, an interrupted one resumes')
      .option('--retime', 'with --resume: time the teacher and every measured student again (on a quiet machine) before going on'),
    frillSweepSchema(),
  ).action(async (opts: Opts) => {
    const { retime, ...rest } = opts;
    const { results, interrupted } = await frillSweep(configOf(frillSweepSchema, rest), opts.out!, {
      resume: opts.resume,
      retime: retime === true,
    });
    console.log(`${frontierTable(results)}\n\n${claimText(results)}\n\n${regressionTable(results)}`);
    console.error(`frill-sweep: ${join(opts.out!, 'results.json')}, ${join(opts.out!, 'report.html')}, ${join(opts.out!, 'frontier.svg')}`);
    exitInterrupted(interrupted);
  });
  p.command('pitch')
    .description('the pitch track of a WAV file under a SPICE model: time, f0, MIDI note, confidence per 32 ms frame')
    .argument('<file>', 'WAV file (any rate and channels)')
    .option('--model <run>', `SPICE run folder (default: ${DEFAULT_PITCH_MODEL})`)
    .option('--csv <file>', 'write the frames as CSV here instead of printing them')
    .option('--png <file>', 'draw the pitch track over the constant-Q spectrogram')
    .action((file: string, opts: { model?: string; csv?: string; png?: string }) => {
      const frames = pitchOfFile(file, opts);
      if (!opts.csv) process.stdout.write(pitchCsv(frames));
      const voiced = frames.filter((f) => f.voiced).length;
      console.error(`pitch: ${frames.length} frames, ${voiced} voiced; main note ${mainNote(frames) ?? 'none (no voiced frame)'}`);
    });
  p.command('export')
    .description(
      "a run's network as an ONNX file: the encoder (pretraining, image or text), classifier (fine-tuning), TRILL or FRILL layer, or SPICE heads",
    )
    .argument('<run>', 'run folder')
    .addOption(new Option('--format <format>', 'file format').choices([...EXPORT_FORMATS]).default('onnx'))
    .option('--output <file>', 'file to write (default: RUN/<what>.onnx)')
    .option('--layer <name>', "TRILL and FRILL runs: the layer to export (default: the run's method.layer)")
    .option('--web <dir>', 'write a static page that runs the model in the browser (onnxruntime-web) into this folder')
    .option(
      '--gallery <n>',
      '--web, encoders: test images (TRILL runs: keyword clips) embedded as the gallery of nearest neighbours',
      positiveInt,
      200,
    )
    .option(
      '--int8',
      'int8 post-training quantization (QDQ: per-channel int8 weights, calibrated uint8 activations); default file RUN/<what>.int8.onnx',
    )
    .option(
      '--calibration <n>',
      `--int8: unlabelled inputs of the run's data set that calibrate the activations (default ${DEFAULT_CALIBRATION})`,
      Number,
    )
    .action(
      async (
        dir: string,
        opts: { format: string; output?: string; layer?: string; web?: string; gallery: number; int8?: boolean; calibration?: number },
      ) => {
        if (opts.web !== undefined && opts.output !== undefined) throw new Error('export: --web writes OUT/model.onnx; leave out --output');
        if (opts.web !== undefined && opts.int8) throw new Error('export: --web ships the float model; leave out --int8');
        const r = opts.web === undefined ? await exportRun(dir, opts) : await exportWeb(dir, opts.web, opts);
        const shape = (v: { name: string; shape: (number | string)[] }): string => `${v.name} [${v.shape.join(', ')}]`;
        console.log(r.file);
        console.error(
          `export: ${r.what} → ${r.inputs.map(shape).join(', ')} → ${r.outputs.map(shape).join(', ')}, ONNX opset ${r.metadata.opset}`,
        );
        if (r.floatSize)
          console.error(`export: int8 ${r.size} bytes, ${(r.size / r.floatSize).toFixed(3)} of the float model's ${r.floatSize}`);
        for (const [k, v] of Object.entries(r.metadata)) console.error(`  ${k}: ${v}`);
        if (opts.web !== undefined)
          console.error(
            `export: the page is in ${opts.web}; serve the folder with any static file server (python3 -m http.server -d ${opts.web})`,
          );
      },
    );
  const f2f = p.command('form2fit').description('kit assembly learned from self-supervised disassembly, in the kit simulator (Form2Fit)');
  withSchema(
    f2f
      .command('collect')
      .description('disassembly episodes by random suction, time-reversed into assembly labels (no hand labels)')
      .requiredOption('-o, --out <dir>', 'folder for episodes.jsonl, collect.json and strips/'),
    form2fitCollectSchema(),
  ).action(async (opts: Opts) => void (await form2fitCollect(configOf(form2fitCollectSchema, opts), opts.out!)));
  withSchema(
    outOption(f2f.command('train').description('the suction, place and matching networks (= pretrain --method form2fit)'), 'the training'),
    pretrainSceneSchema(peek),
  ).action(async (opts: Opts) =>
    exitInterrupted((await pretrainScene(run(pretrainSceneSchema, opts), opts.out!, { resume: opts.resume })).interrupted),
  );
  withSchema(
    f2f
      .command('eval')
      .argument('[run]', 'a form2fit training run (omit to score the baselines only)')
      .description('assembly success per benchmark split: Form2Fit vs random placement and template matching, with strips')
      .requiredOption('-o, --out <dir>', 'folder for results.json, parts/, strips/ and descriptors.svg')
      .option('--resume', 'continue the evaluation in --out (same run and options)'),
    form2fitEvalSchema(),
  ).action(async (runDir: string | undefined, opts: Opts) => {
    const rows = await form2fitEval(runDir, configOf(form2fitEvalSchema, opts), opts.out!, { resume: opts.resume });
    console.log(table(form2fitTable(rows)));
  });
  p.command('report')
    .description('one self-contained HTML page with the charts of one or more runs')
    .argument('<runs...>', 'run folders')
    .requiredOption('-o, --out <file>', 'HTML file')
    .option('--title <text>', 'page title')
    .action(async (runs: string[], opts: { out: string; title?: string }) =>
      console.log((await writeReport(runs, opts.out, { title: opts.title })).path),
    );
  p.command('methods')
    .description('the self-supervised methods: name, modality, paper and what each does')
    .action(() =>
      console.log(
        table([
          ['method', 'modality', 'paper', 'what it does'],
          ...Object.values(METHODS).map((m) => [m.name, m.modality, m.paper, m.summary]),
        ]),
      ),
    );
  p.command('datasets')
    .description('the registered data sets: name, modality and what each holds')
    .action(() =>
      console.log(
        table([['data set', 'modality', 'what it holds'], ...Object.values(DATA_SETS).map((d) => [d.name, d.modality, d.summary])]),
      ),
    );
  p.command('launch')
    .description('run a selfsup command as N local ranks of one torch.distributed job (sets RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT)')
    .requiredOption('-n, --nproc <n>', 'number of processes (the world size)', positiveInt)
    .option('--port <port>', 'MASTER_PORT (default: a free port)', positiveInt)
    .argument('<command...>', 'the selfsup command and its options, after --')
    .action(async (args: string[], opts: { nproc: number; port?: number }) => {
      const self = [process.execPath, fileURLToPath(import.meta.url)];
      const r = await launchLocal({ n: opts.nproc, port: opts.port, command: [...self, ...args] });
      if (r.code !== 0) console.error(`selfsup launch: ${r.message}`);
      process.exitCode = r.code;
    });
  return p;
}

program()
  .parseAsync(process.argv)
  .catch((e: Error) => {
    console.error(`selfsup: ${e.message}`);
    process.exitCode = 1;
  });
