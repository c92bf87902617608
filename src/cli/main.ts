#!/usr/bin/env node
/**
 * The `selfsup` command: pretrain, finetune, recipe, eval, embed, views, report.
 * Options come from a config file (--config, JSON or YAML) and flags
 * (`--section.key value`, flags win); `selfsup <command> --help` lists them all
 * with their defaults. Every run writes a run folder (see src/train/run-dir.ts).
 */
import { Command, Option } from 'commander';
import { basename, join } from 'node:path';
import { EMBED, EVAL, FINETUNE, PRETRAIN, VIEWS } from './configs.js';
import { flagFields, flagHelp, flagName, readConfigFile, resolveConfig, type Schema } from './schema.js';
import { pretrain, type PretrainConfig } from '../pipeline/pretrain.js';
import { finetune, type FinetuneConfig } from '../pipeline/finetune.js';
import { evaluateRun, embedRun, type EmbedConfig, type EvalConfig } from '../pipeline/evaluate.js';
import { runRecipe, type RecipeConfig } from '../pipeline/recipe.js';
import { writeViewGrid, type ViewGridConfig } from '../pipeline/view-grid.js';
import { writeReport } from '../report/index.js';
import { RunDir } from '../train/run-dir.js';

const RECIPE: Schema = {
  name: { kind: 'string', help: 'run name' },
  step1: { kind: 'section', help: 'step 1: self-supervised pretraining on generic images', fields: PRETRAIN },
  step2: { kind: 'section', help: 'step 2: continued pretraining on domain images (init = step 1)', fields: PRETRAIN },
  step3: { kind: 'section', help: 'step 3: fine-tuning on domain labels (init = step 2)', fields: FINETUNE },
};

type Opts = Record<string, unknown> & { config?: string; out?: string; resume?: boolean };

/** Adds --config and one flag per schema field to `cmd`. */
function withSchema(cmd: Command, schema: Schema): Command {
  cmd.option('-c, --config <file>', 'config file (JSON or YAML); flags override it');
  for (const [path, f] of flagFields(schema)) {
    const arg = f.kind === 'boolean' ? '[bool]' : f.kind === 'numbers' || f.kind === 'strings' ? '<list>' : '<value>';
    cmd.addOption(new Option(`${flagName(path)} ${arg}`, flagHelp(f)));
  }
  return cmd;
}

/** Splits commander's options into our own (config/out/resume) and the schema's flags. */
function configOf(schema: Schema, opts: Opts): Record<string, unknown> {
  const { config, out: _out, resume: _resume, ...flags } = opts;
  for (const [k, v] of Object.entries(flags)) if (v === true) flags[k] = 'true';
  return resolveConfig(schema, config ? readConfigFile(config) : {}, flags, config ? basename(config) : 'config');
}

/** --resume continues with the saved config; flags other than --out would be silently ignored, so they are errors. */
function savedConfig(schema: Schema, opts: Opts): Record<string, unknown> {
  const extra = Object.keys(opts).filter((k) => !['out', 'resume'].includes(k) && opts[k] !== undefined);
  if (extra.length) throw new Error(`--resume continues a run with its saved config.json; drop ${extra.map((k) => (k === 'config' ? '--config' : flagName(k))).join(', ')}`);
  const { command: _c, inChannels: _i, initName: _n, ...saved } = new RunDir(opts.out!, { resume: true }).readConfig();
  return resolveConfig(schema, saved, {}, join(opts.out!, 'config.json'));
}

const outOption = (cmd: Command, what: string): Command =>
  cmd.requiredOption('-o, --out <dir>', `run folder for ${what}`).option('--resume', 'continue the run in --out from its checkpoint');

function exitInterrupted(interrupted: boolean): void {
  if (interrupted) process.exitCode = 130;
}

export function program(): Command {
  const p = new Command('selfsup').description('Self-supervised pretraining, fine-tuning and evaluation on libtorch').showHelpAfterError();
  withSchema(outOption(p.command('pretrain').description('SimCLR / MICLe pretraining of an encoder'), 'the pretraining'), PRETRAIN)
    .action(async (opts: Opts) => {
      const c = (opts.resume ? savedConfig(PRETRAIN, opts) : configOf(PRETRAIN, opts)) as unknown as PretrainConfig;
      exitInterrupted((await pretrain(c, opts.out!, { resume: opts.resume })).interrupted);
    });
  withSchema(outOption(p.command('finetune').description('fine-tune an encoder on label fractions (or from scratch)'), 'the fine-tuning'), FINETUNE)
    .action(async (opts: Opts) => {
      const c = (opts.resume ? savedConfig(FINETUNE, opts) : configOf(FINETUNE, opts)) as unknown as FinetuneConfig;
      await finetune(c, opts.out!, { resume: opts.resume });
    });
  withSchema(outOption(p.command('recipe').description('3-step recipe: pretrain (generic) → pretrain (domain) → fine-tune'), 'the three steps'), RECIPE)
    .action(async (opts: Opts) => {
      const c = (opts.resume ? savedConfig(RECIPE, opts) : configOf(RECIPE, opts)) as unknown as RecipeConfig;
      exitInterrupted(!(await runRecipe(c, opts.out!, { resume: opts.resume })));
    });
  withSchema(p.command('eval').argument('<run>', 'run folder').description('kNN and linear-probe evaluation of a run\'s frozen encoder'), EVAL)
    .action(async (run: string, opts: Opts) => {
      for (const e of await evaluateRun(run, configOf(EVAL, opts) as unknown as EvalConfig)) console.log(JSON.stringify(e));
    });
  withSchema(p.command('embed').argument('<run>', 'run folder').description('embeddings (+ labels, ids) of a data set under a run\'s encoder'), EMBED)
    .action(async (run: string, opts: Opts) => {
      console.log(await embedRun(run, configOf(EMBED, opts) as unknown as EmbedConfig));
    });
  withSchema(p.command('views').description('a PNG grid of augmented views').requiredOption('-o, --out <file>', 'PNG file'), VIEWS)
    .action(async (opts: Opts) => {
      console.log(await writeViewGrid(configOf(VIEWS, opts) as unknown as ViewGridConfig, opts.out!));
    });
  p.command('report').description('one self-contained HTML page with the charts of one or more runs')
    .argument('<runs...>', 'run folders').requiredOption('-o, --out <file>', 'HTML file').option('--title <text>', 'page title')
    .action(async (runs: string[], opts: { out: string; title?: string }) => {
      console.log((await writeReport(runs, opts.out, { title: opts.title })).path);
    });
  return p;
}

program().parseAsync(process.argv).catch((e: Error) => {
  console.error(`selfsup: ${e.message}`);
  process.exitCode = 1;
});
