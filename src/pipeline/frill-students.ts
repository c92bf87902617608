/**
 * Training the students of a FRILL sweep, each in its own process: `selfsup
 * pretrain --method frill` (src/methods/frill.ts) with the student's config
 * file, into OUT/students/NAME. A student whose folder holds finished weights
 * is trained; one with a config but no weights (killed, interrupted, failed)
 * is continued with `--resume` from its last checkpoint. The child's output
 * goes to OUT/logs/NAME.log and, each line prefixed by the name, to stderr.
 * Ctrl-C or SIGTERM while a student trains is passed on to it (it saves a
 * checkpoint and stops), and the sweep stops after it.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../io/atomic.js';
import { parseConfig } from '../config/schema.js';
import { peekIn } from './common.js';
import { pretrainAudioSchema } from './pretrain-audio.js';
import type { StudentSpec } from './frill-grid.js';

/** The selfsup command line (dist/src/cli/main.js). */
const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** How a student's run folder stands: nothing yet, started (a config, maybe a checkpoint), or trained (its weights saved). */
export type StudentState = 'new' | 'partial' | 'trained';

export function studentState(dir: string): StudentState {
  if (existsSync(join(dir, 'model.safetensors')) && existsSync(join(dir, 'encoder.safetensors'))) return 'trained';
  return existsSync(join(dir, 'config.json')) ? 'partial' : 'new';
}

/** The step of a partial student's last checkpoint (0 when it has none). */
export function checkpointStep(dir: string): number {
  const path = join(dir, 'checkpoints', 'pretrain', 'manifest.json');
  return existsSync(path) ? ((JSON.parse(readFileSync(path, 'utf8')) as { step?: number }).step ?? 0) : 0;
}

/** What every student shares: the teacher and how long and on what to train. */
export interface StudentTraining {
  teacher: string;
  teacherLayer?: string;
  /** The data section of the pretraining config (the teacher's, by default). */
  data: Record<string, unknown>;
  seed: number;
  steps: number;
  batchSize: number;
  bottleneck: number;
  lr?: number;
  threads?: number;
  checkpointSeconds: number;
}

/** The pretraining config of `s`, checked against the pretraining schema (an error names the student). */
export function studentConfig(s: StudentSpec, t: StudentTraining): Record<string, unknown> {
  const config = {
    seed: t.seed,
    ...(t.threads !== undefined && { threads: t.threads }),
    method: {
      name: 'frill',
      teacher: t.teacher,
      ...(t.teacherLayer !== undefined && { teacherLayer: t.teacherLayer }),
      size: s.size,
      widthMultiplier: s.widthMultiplier,
      globalPool: s.globalPool,
      bottleneck: t.bottleneck,
      rank: s.rank,
      qat: s.qat,
    },
    data: t.data,
    ...(t.lr !== undefined && { optim: { lr: t.lr } }),
    train: { steps: t.steps, batchSize: t.batchSize, checkpointSeconds: t.checkpointSeconds },
  };
  parseConfig(pretrainAudioSchema(peekIn(config)), config, `frill-sweep: student ${s.name}`);
  return config;
}

export interface ChildResult {
  /** Exit code (128 + n for a signal n); 0 when trained. */
  code: number;
  /** Whether the sweep was asked to stop (Ctrl-C, SIGTERM) while the student trained. */
  stopped: boolean;
  /** The child's last lines of output. */
  tail: string[];
  seconds: number;
}

const TAIL = 12;
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Trains (state new) or continues (partial) student `s` in a child process:
 * its config is written to OUT/configs/NAME.json, its run folder is OUT/students/NAME.
 */
export function trainStudent(s: StudentSpec, config: Record<string, unknown>, out: string): Promise<ChildResult> {
  const dir = join(out, 'students', s.name);
  const state = studentState(dir);
  if (state === 'trained') throw new Error(`frill-sweep: student ${s.name} is trained already`);
  const configFile = join(out, 'configs', `${s.name}.json`);
  mkdirSync(join(out, 'configs'), { recursive: true });
  mkdirSync(join(out, 'logs'), { recursive: true });
  writeFileAtomic(configFile, JSON.stringify(config, null, 2) + '\n', 'frill-sweep');
  const args = state === 'new' ? ['pretrain', '--config', configFile, '--out', dir] : ['pretrain', '--out', dir, '--resume'];
  console.error(
    state === 'new'
      ? `frill-sweep: ${s.name}: training`
      : `frill-sweep: ${s.name}: resuming from step ${checkpointStep(dir)} (its last checkpoint)`,
  );
  const log = createWriteStream(join(out, 'logs', `${s.name}.log`), { flags: 'a' });
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    let stopped = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      stopped = true;
      child.kill(signal);
    };
    for (const sig of SIGNALS) process.on(sig, onSignal);
    let pending = '';
    const onData = (chunk: Buffer): void => {
      log.write(chunk);
      const lines = (pending + chunk.toString('utf8')).split(/\r?\n|\r/);
      pending = lines.pop()!;
      for (const line of lines.filter((l) => l.trim())) {
        process.stderr.write(`  [${s.name}] ${line}\n`);
        tail.push(line);
        if (tail.length > TAIL) tail.shift();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    let done = false;
    const finish = (code: number): void => {
      if (done) return;
      done = true;
      for (const sig of SIGNALS) process.off(sig, onSignal);
      if (pending.trim()) tail.push(pending);
      log.end();
      resolve({ code, stopped, tail, seconds: (performance.now() - t0) / 1000 });
    };
    child.on('error', (e) => {
      tail.push(`could not start ${process.execPath}: ${e.message}`);
      finish(127);
    });
    child.on('close', (code, signal) => finish(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}
