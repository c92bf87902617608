/**
 * A user's text classification task as a manifest: a CSV file with a header row
 * or a JSON-lines file, with the fields `text`, `label` and `split` (other
 * fields, e.g. an id, are ignored). Rows with split `train` or `test` are used;
 * rows with any other split (e.g. `dev`) are ignored — rename them `test` to
 * evaluate on them. Classes are the labels of the train rows, sorted (numbers
 * in numeric order). The file is read as strict UTF-8 (src/data/text-file.ts);
 * every other problem — a missing column or field, an empty text, label or
 * split, a test label never seen in train, a split with no rows, fewer than two
 * classes — is collected and reported at once in a ManifestError naming the file
 * and line.
 *
 *     text,label,split
 *     "Great value, would buy again.",positive,train
 *     {"text": "Broke after a week.", "label": "negative", "split": "test"}   ← the same in JSONL
 */
import { extname } from 'node:path';
import { parseCsv } from './csv.js';
import { jsonlObjects, ManifestError } from './manifest.js';
import { readTextFile } from './text-file.js';
import type { TextExample } from './text-tasks.js';

/** The fields a text task manifest needs. */
export const TEXT_MANIFEST_FIELDS = ['text', 'label', 'split'] as const;
const PREFIXES = { 'csv:': 'csv', 'jsonl:': 'jsonl' } as const;
const EXTENSIONS: Record<string, 'csv' | 'jsonl'> = { '.csv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl' };

/** The file and format a task name points at, or undefined when it names no manifest. */
function manifestRef(name: string): { file: string; format: 'csv' | 'jsonl' } | undefined {
  for (const [prefix, format] of Object.entries(PREFIXES)) if (name.startsWith(prefix)) return { file: name.slice(prefix.length), format };
  const format = EXTENSIONS[extname(name).toLowerCase()];
  return format ? { file: name, format } : undefined;
}

/** Whether a task name is a manifest: `csv:<path>`, `jsonl:<path>` or a path ending in .csv, .jsonl or .ndjson. */
export function isTextManifest(name: string): boolean {
  return manifestRef(name) !== undefined;
}

type Row = { line: number; fields: Record<string, unknown> };

function csvRows(text: string, file: string, problems: string[]): Row[] {
  const [header, ...body] = parseCsv(text, file);
  const names = header.fields.map((f) => f.trim());
  const missing = TEXT_MANIFEST_FIELDS.filter((f) => !names.includes(f));
  if (missing.length) {
    problems.push(
      `${file}:${header.line}: missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (header: ${names.join(', ')})`,
    );
    return [];
  }
  return body.flatMap((r) => {
    if (r.fields.length === names.length) return [{ line: r.line, fields: Object.fromEntries(names.map((n, k) => [n, r.fields[k]])) }];
    problems.push(`${file}:${r.line}: expected ${names.length} fields (${names.join(', ')}) but found ${r.fields.length}`);
    return [];
  });
}

/** Reads a task manifest named as for `isTextManifest`; throws a ManifestError listing every problem. */
export function readTextTaskManifest(name: string): { name: string; classes: string[]; train: TextExample[]; test: TextExample[] } {
  const ref = manifestRef(name);
  if (!ref)
    throw new RangeError(
      `readTextTaskManifest: expected csv:<path>, jsonl:<path> or a .csv / .jsonl path but received ${JSON.stringify(name)}`,
    );
  const { file, format } = ref;
  const text = readTextFile(file, 'text task');
  const problems: string[] = [];
  const rows = format === 'csv' ? csvRows(text, file, problems) : jsonlObjects(text, file, problems);
  const used: Record<'train' | 'test', { line: number; text: string; label: string }[]> = { train: [], test: [] };
  const splits = new Set<string>();
  for (const { line, fields } of rows) {
    const get = (f: (typeof TEXT_MANIFEST_FIELDS)[number]): string | undefined => {
      const v = fields[f];
      if (v === undefined || v === null) problems.push(`${file}:${line}: missing field "${f}"`);
      else if (typeof v !== 'string' && !(f === 'label' && typeof v === 'number'))
        problems.push(
          `${file}:${line}: field "${f}": expected a string${f === 'label' ? ' or a number' : ''} but found ${JSON.stringify(v)}`,
        );
      else if (String(v).trim() === '') problems.push(`${file}:${line}: field "${f}": empty ${f}`);
      else return String(v);
      return undefined;
    };
    const [t, label, split] = TEXT_MANIFEST_FIELDS.map(get);
    if (t === undefined || label === undefined || split === undefined) continue;
    splits.add(split);
    if (split === 'train' || split === 'test') used[split].push({ line, text: t, label });
  }
  const found = splits.size ? `found splits: ${[...splits].join(', ')}` : 'found no usable rows';
  for (const s of ['train', 'test'] as const)
    if (!used[s].length && (rows.length || !problems.length))
      problems.push(`${file}: no rows with split "${s}" (${found}; rows of other splits are ignored)`);
  const classes = [...new Set(used.train.map((r) => r.label))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (classes.length === 1)
    problems.push(`${file}: expected at least 2 classes in the train rows but found 1 (${JSON.stringify(classes[0])})`);
  for (const r of used.test)
    if (!classes.includes(r.label))
      problems.push(
        `${file}:${r.line}: field "label": class ${JSON.stringify(r.label)} is in test but never in train (train classes: ${classes.join(', ')})`,
      );
  if (problems.length) throw new ManifestError(file, problems);
  const pick = (s: 'train' | 'test'): TextExample[] => used[s].map((r) => ({ text: r.text, label: classes.indexOf(r.label) }));
  return { name, classes, train: pick('train'), test: pick('test') };
}
