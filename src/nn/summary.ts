/** `summary(model, inputShape)`: a table of a model's leaf layers, their output shapes and parameter counts. */
import * as torch from '../torch/index.js';
import { Module } from './module.js';
import { fail, shape, within } from '../torch/check.js';

type Tensor = torch.Tensor;

/** One row of the table: a leaf module and what its last forward returned. */
interface Row {
  name: string;
  type: string;
  output: string;
  params: number;
}

const count = (n: number): string => n.toLocaleString('en-US');

/** Shape text of a forward's result: `[2, 8, 4, 4]`, several for arrays of tensors, `-` otherwise. */
function shapeOf(out: unknown): string {
  if (out instanceof torch.Tensor) return `[${out.shape.join(', ')}]`;
  if (Array.isArray(out) && out.length && out.every((o) => o instanceof torch.Tensor)) return out.map(shapeOf).join(', ');
  return '-';
}

/** Runs `fn` with each module's forward wrapped to call `record(module, output)`; the forwards are restored after, even on error. */
function withRecordedForwards(modules: Module[], record: (m: Module, out: unknown) => void, fn: () => void): void {
  const saved = modules.map((m) => Object.getOwnPropertyDescriptor(m, 'forward'));
  try {
    for (const m of modules) {
      const original = m.forward;
      m.forward = (...inputs: unknown[]): unknown => {
        const out = original.apply(m, inputs);
        record(m, out);
        return out;
      };
    }
    fn();
  } finally {
    modules.forEach((m, i) => {
      const own = saved[i];
      if (own) Object.defineProperty(m, 'forward', own);
      else delete (m as { forward?: unknown }).forward;
    });
  }
}

/**
 * Runs one forward of `model` on zeros of `inputShape` (e.g. [1, 3, 32, 32]; dtype and
 * device of its first parameter) in eval mode without gradients, and returns a table:
 * one row per leaf module (dotted name, class, output shape, parameter count) and the
 * total / trainable / non-trainable parameter counts. Training flags are restored after.
 */
export function summary(model: Module, inputShape: number[]): string {
  within('summary', () => {
    if (!(model instanceof Module)) fail(model, 'model', 'a Module');
    shape(inputShape, 'inputShape');
  });
  const named = [...model.namedModules()];
  const leaves = named.filter(([, m]) => m.children().next().done);
  const outputs = new Map<Module, string>();
  const modes = named.map(([, m]) => m.training);
  const first = model.parameters()[0];
  try {
    model.eval();
    withRecordedForwards(
      leaves.map(([, m]) => m),
      (m, out) => outputs.set(m, shapeOf(out)),
      () =>
        torch.noGrad(() =>
          torch.scope(() => {
            model.forward(torch.zeros(inputShape, first ? { dtype: first.dtype, device: first.device } : {}));
          }),
        ),
    );
  } finally {
    named.forEach(([, m], i) => (m.training = modes[i]));
  }
  const rows: Row[] = leaves.map(([name, m]) => ({
    name: name || '(model)',
    type: m.constructor.name,
    output: outputs.get(m) ?? '-',
    params: m.numParameters(),
  }));
  return table(rows, model.parameters());
}

/** Formats the rows under a header, then the parameter totals. */
function table(rows: Row[], params: Tensor[]): string {
  const cells = [['Layer', 'Type', 'Output shape', 'Params'], ...rows.map((r) => [r.name, r.type, r.output, count(r.params)])];
  const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  const line = (row: string[]): string =>
    row
      .map((s, c) => (c === 3 ? s.padStart(widths[c]) : s.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1));
  const total = params.reduce((s, p) => s + p.numel(), 0);
  const trainable = params.filter((p) => p.requiresGrad).reduce((s, p) => s + p.numel(), 0);
  return [
    line(cells[0]),
    rule,
    ...cells.slice(1).map(line),
    rule,
    `Total params: ${count(total)}`,
    `Trainable params: ${count(trainable)}`,
    `Non-trainable params: ${count(total - trainable)}`,
  ].join('\n');
}
