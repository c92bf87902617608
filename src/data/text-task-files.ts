/**
 * Labelled text tasks from the user's own files, named `csv:FILE` or `jsonl:FILE`:
 *
 *   csv:FILE    a header row with `text` and `label` columns (others ignored), RFC 4180 quoting
 *   jsonl:FILE  one object per line with `text` (a string) and `label` (a string or number)
 *
 * An optional `split` column / field ("train" or "test") assigns each row;
 * without it a seeded fifth of the rows is the test set. Classes are the
 * distinct labels, sorted (numerically when every label is a number). A task is
 * `imbalanced` when its largest class has more than 1.5 times the training rows
 * of its smallest.
 */
import { readFileSync } from 'node:fs';
import { parseCsv } from './csv.js';
import { permutation } from './samplers.js';
import * as torch from '../torch/index.js';
import type { TextExample, TextTask } from './text-tasks-interim.js';

interface Row {
  text: string;
  label: string;
  split?: string;
  where: string;
}

/** Whether `name` names a user file (`csv:` or `jsonl:` prefix). */
export const isTaskFile = (name: string): boolean => /^(csv|jsonl):/.test(name);

function readRows(name: string): Row[] {
  const [kind, path] = [name.slice(0, name.indexOf(':')), name.slice(name.indexOf(':') + 1)];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`text task ${name}: cannot read ${path}: ${(e as Error).message}`);
  }
  if (kind === 'jsonl') {
    const rows: Row[] = [];
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      const where = `${path}:${i + 1}`;
      let o: { text?: unknown; label?: unknown; split?: unknown };
      try {
        o = JSON.parse(line);
      } catch (e) {
        throw new Error(`${where}: not JSON: ${(e as Error).message}`);
      }
      if (typeof o?.text !== 'string') throw new Error(`${where}: expected a string field "text"`);
      if (typeof o.label !== 'string' && typeof o.label !== 'number')
        throw new Error(`${where}: expected a string or number field "label"`);
      rows.push({ text: o.text, label: String(o.label), split: o.split === undefined ? undefined : String(o.split), where });
    });
    return rows;
  }
  const [header, ...body] = parseCsv(text, path);
  const col = (c: string): number => header?.fields.indexOf(c) ?? -1;
  if (col('text') < 0 || col('label') < 0)
    throw new Error(
      `text task ${name}: expected a header row with columns text and label but received ${header?.fields.join(', ') ?? 'nothing'}`,
    );
  return body.map((r) => {
    if (r.fields.length !== header.fields.length)
      throw new Error(`${path}:${r.line}: expected ${header.fields.length} fields like the header but received ${r.fields.length}`);
    return {
      text: r.fields[col('text')],
      label: r.fields[col('label')],
      split: col('split') < 0 ? undefined : r.fields[col('split')],
      where: `${path}:${r.line}`,
    };
  });
}

/** Reads the task of a `csv:`/`jsonl:` file (see the module comment); limits keep the first rows of a seeded order. */
export function loadTaskFile(name: string, o: { seed?: number; trainLimit?: number; testLimit?: number } = {}): TextTask {
  const { seed = 0, trainLimit, testLimit } = o;
  const rows = readRows(name);
  if (rows.length === 0) throw new Error(`text task ${name}: the file holds no rows`);
  const bad = rows.find((r) => r.split !== undefined && r.split !== 'train' && r.split !== 'test');
  if (bad) throw new Error(`${bad.where}: expected split "train" or "test" but received ${JSON.stringify(bad.split)}`);
  const labels = [...new Set(rows.map((r) => r.label))];
  const numeric = labels.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  const classes = labels.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const order = permutation(rows.length, new torch.Generator(seed)).map((i) => rows[i]);
  const hasSplit = rows.some((r) => r.split !== undefined);
  const testShare = Math.round(rows.length / 5);
  const isTest = (r: Row, i: number): boolean => (hasSplit ? r.split === 'test' : i < testShare);
  const toExample = (r: Row): TextExample => ({ text: r.text, label: classes.indexOf(r.label) });
  const train = order.filter((r, i) => !isTest(r, i)).map(toExample);
  const test = order.filter(isTest).map(toExample);
  const counts = classes.map((_, k) => train.filter((e) => e.label === k).length);
  return {
    name,
    classes,
    train: train.slice(0, trainLimit),
    test: test.slice(0, testLimit),
    imbalanced: Math.max(...counts) > 1.5 * Math.min(...counts),
  };
}
