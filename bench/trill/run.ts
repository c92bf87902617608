/**
 * bench/trill: TRILL's training step from audio, selfsup vs PyTorch + torchaudio
 * on the same machine in the same run:
 *
 *   npm run bench:trill [-- --quick] [-- --threads N]
 *
 * One step: a batch of 32 clips of τ + 0.96 s (2.95 s at the default τ = 2 s)
 * → log-mel (TRILL's front end: torchaudio.transforms.MelSpectrogram with the
 * same settings, log(mel + 0.001)) → one item of 296 frames per clip → two
 * 96-frame windows at random offsets → TrillNet on the 64 windows →
 * L2-normalised embeddings → triplet loss with semi-hard mining (margin 0.2)
 * → backward → AdamW. Throughput in clips per second; the front end and the
 * rest are timed apart. Widths 16 (the default) and 64, at `--threads` intra-op
 * threads (default: the machine's cores, at most 2) and at 1.
 *
 * Both sides read the same audio (a float32 file written here), start from
 * their own random weights, and report their last loss. reference.py (a Debian
 * python3-torch child process with the network and loss of
 * tools/goldens/g_trill.py) runs each round in a fresh process; the rounds
 * alternate between the sides and each keeps its best. With several threads
 * PyTorch also runs with OMP_WAIT_POLICY=passive, selfsup's default. Target:
 * ≥ 1× PyTorch's throughput.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch } from '../../src/index.js';
import { TRILL_OPTIONS, Trill } from '../../src/methods/trill.js';
import { AdamW } from '../../src/optim/index.js';
import type { PitchedTrack } from '../../src/data/singing.js';
import { bestOfAlternations, reference, startBench } from '../common.js';

const BATCH = 32;
/** Samples of a clip that makes exactly one item of 96 + 200 frames (1 + ⌊T / 160⌋ frames). */
const CLIP = (96 + 200 - 1) * 160;
const LR = (4e-3 * BATCH) / 256;
const WIDTHS = [16, 64];

interface Timing {
  seconds: number;
  mel: number;
  step: number;
  loss: number;
}

/** `warmup + steps` TRILL steps on consecutive batches of `audio`; times the last `steps`. */
function trillSteps(width: number, audio: Float32Array, warmup: number, steps: number): Timing {
  return torch.scope(() => {
    torch.manualSeed(0);
    const model = new Trill(TRILL_OPTIONS.parse({ width }));
    model.train();
    const optimizer = new AdamW(
      model.trainableParameters().map((p) => ({ params: [p] })),
      { lr: LR, weightDecay: 0 },
    );
    const generator = new torch.Generator(1);
    let [mel, rest, loss] = [0, 0, NaN];
    for (let i = 0; i < warmup + steps; i++) {
      const tracks = Array.from({ length: BATCH }, (_, j) => {
        const at = ((i * BATCH + j) * CLIP) % (audio.length - CLIP);
        return { name: `${j}`, audio: audio.subarray(at, at + CLIP), sampleRate: 16000 } as PitchedTrack;
      });
      const t0 = performance.now();
      const { items, targets } = model.prepare(tracks); // [32, 296, 64]
      const t1 = performance.now();
      optimizer.zeroGrad();
      loss = torch.scope(() => {
        const r = model.trainingStep(model.views({ items, targets }, generator), {
          step: i,
          totalSteps: warmup + steps,
          stepsPerEpoch: 1,
          epoch: i,
        });
        r.loss.backward();
        return r.loss.item();
      });
      optimizer.step();
      const t2 = performance.now();
      if (i >= warmup) [mel, rest] = [mel + t1 - t0, rest + t2 - t1];
      items.dispose();
      targets!.dispose();
    }
    return { seconds: (mel + rest) / 1000 / steps, mel: mel / 1000 / steps, step: rest / 1000 / steps, loss };
  });
}

const args = startBench('trill');
const warmup = 2;
const steps = args.quick ? 3 : 6;
const threadCounts = [...new Set([args.threads, 1])];
type Side = 'ours' | 'pytorch' | 'passive';
const ms = (s: number): string => (s * 1e3).toFixed(1);

const root = mkdtempSync(join(tmpdir(), 'selfsup-bench-trill-'));
try {
  const generator = new torch.Generator(7);
  const audio = torch.scope(() => {
    const t = torch.linspace(0, 60, 60 * 16000); // 60 s: a gliding harmonic tone in noise
    return t
      .mul(2 * Math.PI * 140)
      .add(t.mul(3).sin().mul(40))
      .sin()
      .pow(5)
      .mul(0.5)
      .add(torch.randn([t.shape[0]], { generator }).mul(0.05))
      .data() as Float32Array;
  });
  const file = join(root, 'audio.f32');
  writeFileSync(file, new Uint8Array(audio.buffer, audio.byteOffset, audio.byteLength));
  const rows: { width: number; threads: number; best: Partial<Record<Side, Timing>> }[] = [];
  for (const threads of threadCounts)
    for (const width of WIDTHS) {
      torch.setNumThreads(threads);
      const sides: Side[] = threads > 1 ? ['ours', 'pytorch', 'passive'] : ['ours', 'pytorch'];
      const best = bestOfAlternations(
        sides,
        args.alternations,
        (side): Timing =>
          side === 'ours'
            ? trillSteps(width, audio, warmup, steps)
            : reference<Timing>(
                'trill',
                'train',
                threads,
                [width, file, BATCH, CLIP, LR, warmup, steps],
                side === 'passive' ? { OMP_WAIT_POLICY: 'passive' } : {},
              ),
        (i, b) =>
          console.error(
            `  width ${width}, ${threads} thread(s), round ${i + 1}/${args.alternations}: ${sides.map((s) => `${s} ${ms(b[s]!.seconds)} ms`).join(', ')} per step`,
          ),
      );
      rows.push({ width, threads, best });
    }
  const cps = (t: Timing): string => `${(BATCH / t.seconds).toFixed(1)} clips/s`;
  const cell = (ours: Timing, t?: Timing): string => (t ? `${cps(t)} (${(t.seconds / ours.seconds).toFixed(2)}×)` : '—');
  const parts = (t?: Timing): string => (t ? `${ms(t.mel)} + ${ms(t.step)}` : '—');
  console.log(
    `| TRILL training step from audio, batch ${BATCH} clips of 2.95 s | threads | selfsup | PyTorch (ratio) | PyTorch, OMP_WAIT_POLICY=passive (ratio) | ms per step, log-mel + rest: selfsup / PyTorch / passive | target ≥ 1× |`,
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const { width, threads, best } of rows) {
    const ours = best.ours!;
    console.log(
      `| width ${width} | ${threads} | ${cps(ours)} | ${cell(ours, best.pytorch)} | ${cell(ours, best.passive)} | ${[best.ours, best.pytorch, best.passive].map(parts).join(' / ')} | ${ours.seconds <= best.pytorch!.seconds ? 'met' : 'missed'} |`,
    );
  }
  console.error(
    `bench/trill: ${warmup} warm-up + ${steps} timed steps per round; ratios are PyTorch's time / selfsup's (> 1: selfsup faster); last losses (selfsup / PyTorch): ${rows.map((r) => `${r.best.ours!.loss.toFixed(3)} / ${r.best.pytorch!.loss.toFixed(3)}`).join(', ')}`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
