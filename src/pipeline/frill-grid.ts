/**
 * The students of a FRILL sweep (Peplinski et al. 2021, §3.2: MobileNetV3 size,
 * width α, global pooling, the low-rank bottleneck and quantization-aware
 * training): every combination of the `grid` values, or — `fraction` half, the
 * default — the half of them in which an even number of the two-valued axes
 * among α, pooling, rank and QAT take their second value: a 2^(k−1) fractional
 * factorial design (defining relation I = the product of those k axes), which
 * keeps every main effect estimable and clear of the others (clear of two-way
 * interactions too for k = 4), at half the students, for every size.
 */
import { nums, oneOf, section, z } from '../config/schema.js';
import type { Hyperparameters } from '../eval/frontier.js';

const SIZES = ['tiny', 'small', 'large'] as const;
const ON_OFF = ['on', 'off'] as const;

export const gridSection = () =>
  section(
    {
      size: z.array(z.enum(SIZES)).min(1).default(['tiny', 'small', 'large']).describe('MobileNetV3 sizes'),
      widthMultiplier: nums('width multipliers α', [0.5, 1], { min: 0.05, max: 4 }),
      globalPool: z.array(z.enum(ON_OFF)).min(1).default(['on', 'off']).describe('global average pooling of the last map (on, off)'),
      rank: nums('ranks r of the bottleneck (0: one full Dense)', [0, 64], { min: 0, max: 8192 }),
      qat: z.array(z.enum(ON_OFF)).min(1).default(['off', 'on']).describe('quantization-aware training of the bottleneck (on, off)'),
      fraction: oneOf(
        'full: every combination; half: the half fraction over the two-valued axes among α, pooling, rank, QAT (needs ≥ 3 of them)',
        ['full', 'half'],
        'half',
      ),
    },
    'the students (3 sizes × half of 2⁴ = 24 by default)',
  );
export type GridConfig = z.output<ReturnType<typeof gridSection>>;

export interface StudentSpec extends Hyperparameters {
  /** Its folder name under OUT/students, e.g. small-a0.5-pool-r64-qat. */
  name: string;
}

/** The name of a student: size, α, pooling, rank, QAT. */
export const studentName = (h: Hyperparameters): string =>
  `${h.size}-a${h.widthMultiplier}-${h.globalPool ? 'pool' : 'flat'}-${h.rank ? `r${h.rank}` : 'full'}-${h.qat ? 'qat' : 'fp'}`;

/** The students of `g`, sizes outermost, in the order of the values given. */
export function studentGrid(g: GridConfig): StudentSpec[] {
  const axes: [string, unknown[]][] = [
    ['size', g.size],
    ['widthMultiplier', g.widthMultiplier],
    ['globalPool', g.globalPool],
    ['rank', g.rank],
    ['qat', g.qat],
  ];
  for (const [name, values] of axes)
    if (new Set(values).size !== values.length)
      throw new RangeError(`frill-sweep: grid.${name} lists a value twice (received ${values.join(', ')})`);
  const bad = g.rank.find((r) => !Number.isInteger(r));
  if (bad !== undefined) throw new RangeError(`frill-sweep: expected grid.rank as integers ≥ 0 but received ${bad}`);
  const fractioned = axes.slice(1).filter(([, v]) => v.length === 2);
  if (g.fraction === 'half') {
    const wide = axes.slice(1).find(([, v]) => v.length > 2);
    if (wide || fractioned.length < 3)
      throw new RangeError(
        `frill-sweep: grid.fraction half needs at least three of widthMultiplier, globalPool, rank, qat with two values each and none with more ` +
          `(received ${axes
            .slice(1)
            .map(([n, v]) => `${n}: ${v.length}`)
            .join(', ')}); use grid.fraction full`,
      );
  }
  const out: StudentSpec[] = [];
  for (const size of g.size)
    for (const [a, widthMultiplier] of g.widthMultiplier.entries())
      for (const [p, pool] of g.globalPool.entries())
        for (const [r, rank] of g.rank.entries())
          for (const [q, qat] of g.qat.entries()) {
            const index: Record<string, number> = { widthMultiplier: a, globalPool: p, rank: r, qat: q };
            if (g.fraction === 'half' && fractioned.reduce((s, [n]) => s + index[n], 0) % 2 !== 0) continue;
            const h = { size, widthMultiplier, globalPool: pool === 'on', rank, qat: qat === 'on' };
            out.push({ name: studentName(h), ...h });
          }
  return out;
}
