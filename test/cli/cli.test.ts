/**
 * The `selfsup` command end to end on real data, kept tiny: pretrain (SimCLR on
 * Fashion-MNIST, MICLe on emoji) → finetune at a label fraction → eval → embed →
 * report, plus --help, config errors and --resume.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch, data } from '../../src/index.js';
import { root } from '../helpers.js';

const cli = join(root, 'dist', 'src', 'cli', 'main.js');
const selfsup = (...args: string[]): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '2' } });
const events = (dir: string): Record<string, unknown>[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
const tiny = ['--model.width', '0.125', '--model.small-stem', 'false', '--method.head.out-dim', '16'];

test('--help lists every command, and each command its flags with defaults', () => {
  const top = selfsup('--help');
  assert.equal(top.status, 0);
  for (const c of ['pretrain', 'finetune', 'recipe', 'infomin', 'eval', 'text-eval', 'embed', 'views', 'report', 'methods', 'datasets'])
    assert.match(top.stdout, new RegExp(`\\n  ${c}`));
  const p = selfsup('pretrain', '--help').stdout.replace(/\s+/g, ' '); // unwrapped
  assert.match(p, /--train.batch-size <value> images per batch \(each gives two or more views\) \(default 256\)/);
  assert.match(p, /--method.name <value> self-supervised method .*\[simclr\|micle[|a-z0-9]*\] \(default "simclr"\)/);
  assert.match(p, /--method.temperature <value> NT-Xent temperature τ \(default 0.5\)/);
  const list = selfsup('methods');
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /^method +modality +paper +what it does\n/);
  assert.match(list.stdout, /\nmicle +image +Azizi et al. 2021/);
  const sets = selfsup('datasets').stdout;
  assert.match(sets, /\nfashion-mnist +image +Zalando/);
  assert.match(sets, /\nsinging +audio +synthetic singing/);
});

test('bad config: unknown keys listed, the process exits 1 with one clear line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-cli-'));
  try {
    writeFileSync(join(dir, 'bad.yaml'), 'method: { name: simclr, views: { colour: true } }\n');
    const r = selfsup('pretrain', '-c', join(dir, 'bad.yaml'), '--out', join(dir, 'run'));
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr.trim(),
      'selfsup: bad.yaml.method.views: unknown key "colour" (valid: preset, size, crop, scale, flip, strength, jitter, grayscale, blur, solarize, randAugment, local, pair)',
    );
    assert.ok(!existsSync(join(dir, 'run')));
    // Checked before the run folder exists: values, an empty --out, and a monitor set that does not match the data.
    for (const [args, message] of [
      [['--method.views.scale', '2,1'], /method.views.scale\[0\]: expected a value in \[0, 1\] but received 2/],
      [
        ['--data.name', 'emoji', '--data.size', '24', '--monitor.test.name', 'mnist'],
        /monitor.test: mnist gives 1×28×28 images but the training set emoji gives 3×24×24/,
      ],
      [['--init', join(dir, 'nowhere')], /init: .*nowhere does not exist/],
    ] as const) {
      const b = selfsup('pretrain', '--out', join(dir, 'run'), ...args);
      assert.equal(b.status, 1, args.join(' '));
      assert.match(b.stderr, message);
      assert.ok(!existsSync(join(dir, 'run')), `no run folder after ${args.join(' ')}`);
    }
    assert.match(selfsup('pretrain', '--out', '').stderr, /run folder: expected a folder path \(--out\) but received ""/);
    assert.match(
      selfsup('finetune', '--out', join(dir, 'run'), '--fractions', '1.5').stderr,
      /fractions\[0\]: expected a value in \[0.000001, 1\] but received 1.5/,
    );
    assert.ok(!existsSync(join(dir, 'run')));
    const f = selfsup('pretrain', '--out', join(dir, 'r2'), '--data.nmae', 'x');
    assert.equal(f.status, 1);
    assert.match(f.stderr, /unknown option '--data.nmae'[\s\S]*Did you mean --data.name\?/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pretrain → finetune → eval → embed → report on Fashion-MNIST, and --resume of a finished run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-cli-'));
  const pre = join(dir, 'pre');
  try {
    const p = selfsup(
      'pretrain',
      '--out',
      pre,
      '--data.limit',
      '256',
      '--train.epochs',
      '2',
      '--train.batch-size',
      '64',
      '--train.log-every',
      '2',
      '--monitor.every',
      '4',
      '--monitor.train-limit',
      '200',
      '--monitor.test.limit',
      '100',
      '--monitor.k',
      '20',
      ...tiny,
    );
    assert.equal(p.status, 0, p.stderr);
    for (const f of ['config.json', 'metrics.jsonl', 'model.safetensors', 'encoder.safetensors', 'checkpoints/pretrain/manifest.json'])
      assert.ok(existsSync(join(pre, f)), f);
    const ev = events(pre);
    assert.deepEqual(
      ev.filter((e) => e.event === 'train').map((e) => e.step),
      [2, 4, 6, 8],
    );
    const knn = ev.filter((e) => e.event === 'knn');
    assert.deepEqual(
      knn.map((e) => e.step),
      [4, 8],
    );
    assert.ok(
      knn.every((e) => (e.top1 as number) > 0.3),
      'kNN on 10 classes beats chance (0.1) by far',
    );
    assert.match(p.stderr, /\[pretrain\] step 8\/8 epoch 1 loss \d\.\d{4} \d+ img\/s eta 0s/);
    const config = JSON.parse(readFileSync(join(pre, 'config.json'), 'utf8'));
    assert.equal(config.inChannels, 1);
    assert.deepEqual(config.model, { arch: 'resnet18', width: 0.125, smallStem: false });
    const again = selfsup('pretrain', '--out', pre, '--resume');
    assert.equal(again.status, 0, again.stderr);
    assert.equal(events(pre).filter((e) => e.event === 'train').length, 4, 'a finished run resumes to nothing new');
    const clash = selfsup('pretrain', '--out', pre, '--resume', '--seed', '3');
    assert.match(clash.stderr, /--resume continues a run with its saved config.json; drop --seed/);

    const ft = join(dir, 'ft');
    const f = selfsup(
      'finetune',
      '--out',
      ft,
      '--init',
      pre,
      '--data.limit',
      '500',
      '--test.limit',
      '200',
      '--fractions',
      '0.1',
      '--epochs',
      '1',
      '--min-steps',
      '40',
      '--batch-size',
      '25',
      '--optim.lr',
      '0.5',
    );
    assert.equal(f.status, 0, f.stderr);
    const fe = events(ft).filter((e) => e.event === 'finetune');
    assert.equal(fe.length, 1);
    const subset = data.labelFraction(data.loadFashionMnist('train', { limit: 500 }).labels, 0.1, 0);
    assert.deepEqual([fe[0].init, fe[0].fraction, fe[0].labels, fe[0].split], ['pre', 0.1, subset.indices.length, 'test']);
    assert.deepEqual(data.loadLabelSubset(join(ft, 'subsets', 'fraction-0.1.json')).indices, subset.indices);
    assert.ok((fe[0].top1 as number) > 0.35 && (fe[0].top5 as number) >= (fe[0].top1 as number));
    assert.ok(existsSync(join(ft, 'subsets', 'fraction-0.1.json')) && existsSync(join(ft, 'encoder.safetensors')));

    const e = selfsup(
      'eval',
      pre,
      '--data.limit',
      '300',
      '--test.limit',
      '100',
      '--k',
      '10',
      '--probe-epochs',
      '5',
      '--fractions',
      '0.5,1',
    );
    assert.equal(e.status, 0, e.stderr);
    const probes = e.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      probes.map((x) => [x.kind, x.fraction ?? null]),
      [
        ['knn', null],
        ['linear', 0.5],
        ['linear', 1],
      ],
    );
    assert.ok(probes.every((x) => x.top1 > 0.3));
    assert.deepEqual(JSON.parse(readFileSync(join(pre, 'eval.json'), 'utf8')), probes);
    const after = selfsup('eval', pre, '--layer', '2', '--data.limit', '300', '--test.limit', '100', '--k', '10', '--probe-epochs', '5');
    assert.equal(after.status, 0, after.stderr);
    const headProbes = JSON.parse(readFileSync(join(pre, 'eval-layer2.json'), 'utf8'));
    assert.deepEqual(
      headProbes.map((x: { kind: string; layer: number }) => [x.kind, x.layer]),
      [
        ['knn', 2],
        ['linear', 2],
      ],
    );
    assert.match(selfsup('eval', pre, '--layer', '3').stderr, /head has 2 layers but --layer is 3/);
    const table = spawnSync(process.execPath, [join(root, 'dist', 'examples', 'results-table.js'), pre, ft], { encoding: 'utf8' });
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /^\| run \| evaluation \| split \| labels \| top-1 % \| top-5 % \|\n/);
    assert.match(table.stdout, /\| ft \| fine-tune from pre \| test \| 10 % \(\d+\) \| \d+\.\d \| \d+\.\d \|/);
    assert.match(table.stdout, /\| pre \| linear \(head layer 2\) \| test \| 100 % \|/);

    const m = selfsup('embed', pre, '--data.limit', '120');
    assert.equal(m.status, 0, m.stderr);
    const { tensors, metadata } = torch.safetensors.loadFileWithMetadata(m.stdout.trim());
    assert.deepEqual(tensors.embeddings.shape, [120, 64]); // 512 · width 0.125
    assert.equal(JSON.parse(metadata.ids).length, 120);
    assert.equal(JSON.parse(metadata.classes)[0], 'T-shirt/top');

    const html = join(dir, 'report.html');
    const r = selfsup('report', pre, ft, '--out', html);
    assert.equal(r.status, 0, r.stderr);
    const page = readFileSync(html, 'utf8');
    assert.ok(page.includes('<svg') && page.includes('pre') && page.includes('ft'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('MICLe pretraining on emoji cases (two vendors), then views grid', () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-cli-'));
  try {
    const p = selfsup(
      'pretrain',
      '--out',
      join(dir, 'micle'),
      '--method',
      'micle',
      '--data.name',
      'emoji',
      '--data.vendors',
      'google,twitter',
      '--data.size',
      '24',
      '--train.steps',
      '3',
      '--train.batch-size',
      '32',
      '--train.log-every',
      '1',
      '--monitor.train-limit',
      '300',
      '--monitor.test.name',
      'emoji',
      '--monitor.test.vendors',
      'facebook',
      '--monitor.test.size',
      '24',
      '--monitor.test.limit',
      '100',
      '--monitor.k',
      '10',
      ...tiny,
    );
    assert.equal(p.status, 0, p.stderr);
    const train = events(join(dir, 'micle')).filter((e) => e.event === 'train');
    assert.equal(train.length, 3);
    assert.ok(train.every((e) => Number.isFinite(e.loss) && (e.loss as number) > 0));
    const png = join(dir, 'views.png');
    const v = selfsup(
      'views',
      '--out',
      png,
      '--data.name',
      'emoji',
      '--data.size',
      '24',
      '--count',
      '3',
      '--draws',
      '1',
      '--model.width',
      '0.125',
    );
    assert.equal(v.status, 0, v.stderr);
    const head = readFileSync(png);
    assert.equal(head.subarray(1, 4).toString(), 'PNG');
    assert.equal(head.readUInt32BE(16), 3 * 24 + 4 * 2); // width: (1 original + 2 views) tiles of 24 + padding
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGTERM checkpoints and stops like Ctrl-C; --resume finishes the run with no step logged twice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-cli-'));
  const out = join(dir, 'run');
  try {
    const args = [
      cli,
      'pretrain',
      '--out',
      out,
      '--data.limit',
      '256',
      '--train.steps',
      '40',
      '--train.batch-size',
      '16',
      '--train.log-every',
      '1',
      '--monitor.train-limit',
      '64',
      '--monitor.test.limit',
      '32',
      ...tiny,
    ];
    const child = spawn(process.execPath, args, { env: { ...process.env, OMP_NUM_THREADS: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Wait until a few steps are logged, then ask politely.
    while (!existsSync(join(out, 'metrics.jsonl')) || events(out).filter((e) => e.event === 'train').length < 3)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /pretrain: interrupted at step \d+\/40; checkpoint saved in .*checkpoints\/pretrain\. Continue with --resume\./);
    const stopped = events(out).find((e) => e.event === 'interrupted')!.step as number;
    assert.ok(stopped >= 3 && stopped < 40, `stopped at ${stopped}`);
    const r = selfsup('pretrain', '--out', out, '--resume', '--train.steps', '1');
    assert.match(r.stderr, /drop --train.steps/);
    const again = spawnSync(process.execPath, [cli, 'pretrain', '--out', out, '--resume'], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '2' },
    });
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(
      events(out)
        .filter((e) => e.event === 'train')
        .map((e) => e.step),
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('text-eval of an ELECTRA run: snapshots and the random baseline fine-tuned on a jsonl task, printed as a table with averages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-cli-text-'));
  try {
    const run = join(dir, 'electra');
    const size = ['--model.hidden-size', '16', '--model.embedding-size', '16', '--model.layers', '1', '--model.heads', '2'];
    const train = [
      '--data.vocab-size',
      '300',
      '--data.max-tokens',
      '20000',
      '--train.steps',
      '4',
      '--train.batch-size',
      '4',
      '--train.snapshots',
      '2',
    ];
    const r = selfsup(
      'pretrain',
      '--method',
      'electra',
      ...size,
      '--model.intermediate-size',
      '32',
      '--data.max-length',
      '32',
      ...train,
      '--out',
      run,
    );
    assert.equal(r.status, 0, r.stderr);
    const task = join(dir, 'task.jsonl');
    const rows = Array.from({ length: 24 }, (_, i) => ({
      text: i % 2 ? 'a grim and awful day' : 'a fine and happy day',
      label: i % 2 ? 'bad' : 'good',
      split: i < 18 ? 'train' : 'test',
    }));
    writeFileSync(task, rows.map((x) => JSON.stringify(x)).join('\n'));
    const e = selfsup(
      'text-eval',
      run,
      '--tasks',
      `jsonl:${task}`,
      '--weights',
      'all-snapshots',
      '--scratch',
      '--epochs',
      '1',
      '--batch-size',
      '8',
    );
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stdout, /^run +method +weights +step +flops +task +accuracy +macro-F1\n/);
    assert.match(e.stdout, /\nelectra +electra +snapshots\/step-2 +2 +\S+ +jsonl:\S+task.jsonl +[01]\.\d{4} +[01]\.\d{4}\n/);
    assert.match(e.stdout, /\nelectra +none +scratch +0 +0\.00e\+0 +jsonl:/);
    assert.match(e.stdout, /\nweights +step +flops +tasks +average .*\nsnapshots\/step-2 +2 /);
    assert.equal(readFileSync(join(run, 'text-eval.jsonl'), 'utf8').trim().split('\n').length, 3);
    const bad = selfsup('text-eval', dir, '--tasks', `jsonl:${task}`);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^selfsup: text-eval: .* holds no run \(no config.json\); give a text pretraining run folder\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('selfsup infomin: a knob value the pretraining rejects is an error naming the setting, before any folder; --resume takes no flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-cli-infomin-'));
  try {
    writeFileSync(join(dir, 'study.yaml'), 'study: { knob: method.views.pair.channels, values: [lab:L|ab, lab:L|xy] }\n');
    const r = selfsup('infomin', '-c', join(dir, 'study.yaml'), '--pretrain.data.name', 'emoji', '--out', join(dir, 'study'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^selfsup: setting 1 \(method\.views\.pair\.channels = "lab:L\|xy"\)/);
    assert.ok(!existsSync(join(dir, 'study')));
    const h = selfsup('infomin', '--help').stdout.replace(/\s+/g, ' ');
    assert.match(h, /--estimate.k <value> pairs per InfoNCE group: 1 positive \+ K − 1 negatives; I_NCE ≤ log K \(default 256\)/);
    const again = selfsup('infomin', '--out', join(dir, 'study'), '--resume', '--estimate.k', '8');
    assert.equal(again.status, 1);
    assert.match(again.stderr, /drop --estimate.k/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
