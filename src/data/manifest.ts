/**
 * Manifests: a CSV (with a header row) or JSON-lines file listing image files and
 * what is known about each — `path` (required; relative to the manifest's folder
 * unless absolute), `label` (one class) or `labels` (multi-label: an array in
 * JSONL, '|'-separated in CSV), `case` (the case id grouping several images of
 * one subject, for MICLe), `split` (e.g. train / val / test) and `domain` (source,
 * site or vendor, for shift tests). Every problem — unknown column, missing
 * label, missing file, unsupported format, malformed row — is collected and
 * reported at once, each naming the file, line and column.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { parseCsv } from './csv.js';
import { checkImageFile } from './image.js';

/** The columns a manifest may have. */
export const MANIFEST_COLUMNS = ['path', 'label', 'labels', 'case', 'split', 'domain'] as const;
export type ManifestColumn = (typeof MANIFEST_COLUMNS)[number];

export interface ManifestRecord {
  /** Absolute path of the image file. */
  path: string;
  /** Single-label class name (manifests with a `label` column). */
  label?: string;
  /** Multi-label class names (manifests with a `labels` column). */
  labels?: string[];
  case?: string;
  split?: string;
  domain?: string;
  /** Where the record comes from: "file:line". */
  where: string;
}

export interface ManifestOptions {
  /** Folder that relative paths are resolved against. Default: the manifest's folder. */
  root?: string;
  /** Check that every listed file exists (default true). */
  checkFiles?: boolean;
  /** Accept rows whose label is empty (they get no label) instead of reporting them. Default false. */
  allowUnlabeled?: boolean;
  /** Keep only the records of this split. */
  split?: string;
}

/** The error for a manifest with problems; `problems` lists each as "file:line: column "c": what". */
export class ManifestError extends Error {
  override name = 'ManifestError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    const shown = problems.slice(0, 20);
    super(
      `manifest ${file}: ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n  ${shown.join('\n  ')}${problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : ''}`,
    );
  }
}

type Row = { line: number; values: Map<string, unknown> };

function csvRows(text: string, file: string, problems: string[]): Row[] {
  const [header, ...body] = parseCsv(text, file);
  if (!header) return [];
  const names = header.fields.map((f) => f.trim());
  const rows: Row[] = [];
  for (const r of body) {
    if (r.fields.length !== names.length) {
      problems.push(`${file}:${r.line}: expected ${names.length} fields (${names.join(', ')}) but found ${r.fields.length}`);
      continue;
    }
    rows.push({
      line: r.line,
      values: new Map(names.map((n, k) => [n, n === 'labels' ? r.fields[k].split('|').filter((s) => s !== '') : r.fields[k]])),
    });
  }
  checkColumns(names, `${file}:${header.line}`, problems);
  return rows;
}

/**
 * The objects of a JSON-lines manifest with their line numbers (blank lines
 * skipped); a line that is not JSON, or not an object, is a problem. `each` sees
 * every object's keys in line order, for per-line column checks.
 */
export function jsonlObjects(
  text: string,
  file: string,
  problems: string[],
  each?: (keys: string[], where: string) => void,
): { line: number; fields: Record<string, unknown> }[] {
  return text.split(/\r?\n/).flatMap((s, k) => {
    if (s.trim() === '') return [];
    const line = k + 1;
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch (e) {
      problems.push(`${file}:${line}: invalid JSON: ${(e as Error).message}`);
      return [];
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      problems.push(`${file}:${line}: expected a JSON object but found ${Array.isArray(v) ? 'an array' : JSON.stringify(v)}`);
      return [];
    }
    each?.(Object.keys(v), `${file}:${line}`);
    return [{ line, fields: v as Record<string, unknown> }];
  });
}

function jsonlRows(text: string, file: string, problems: string[]): Row[] {
  const seen = new Set<string>();
  return jsonlObjects(text, file, problems, (keys, where) => checkColumns(keys, where, problems, seen)).map(({ line, fields }) => ({
    line,
    values: new Map(Object.entries(fields)),
  }));
}

/** Reports unknown columns (each once: `seen` holds those already checked) and label + labels together. */
function checkColumns(names: string[], where: string, problems: string[], seen = new Set<string>()): void {
  for (const n of names) {
    if (!seen.has(n) && !(MANIFEST_COLUMNS as readonly string[]).includes(n))
      problems.push(`${where}: unknown column "${n}" (valid columns: ${MANIFEST_COLUMNS.join(', ')})`);
    seen.add(n);
  }
  if (names.includes('label') && names.includes('labels'))
    problems.push(`${where}: has both "label" and "labels"; use "label" for one class or "labels" for several`);
}

/** Reads and validates a manifest (.csv, .jsonl or .ndjson); throws a ManifestError listing every problem. */
export function readManifest(file: string, o: ManifestOptions = {}): ManifestRecord[] {
  const { root = dirname(resolve(file)), checkFiles = true, allowUnlabeled = false } = o;
  const ext = extname(file).toLowerCase();
  if (!['.csv', '.jsonl', '.ndjson'].includes(ext))
    throw new ManifestError(file, [`${file}: unsupported manifest format "${ext || '(none)'}" (expected .csv, .jsonl or .ndjson)`]);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ManifestError(file, [`${file}: cannot read: ${(e as Error).message}`]);
  }
  const problems: string[] = [];
  const rows = ext === '.csv' ? csvRows(text, file, problems) : jsonlRows(text, file, problems);
  if (rows.length === 0 && problems.length === 0) problems.push(`${file}: no records`);
  const hasLabel = rows.some((r) => r.values.has('label') || r.values.has('labels'));
  const records: ManifestRecord[] = [];
  for (const { line, values } of rows) {
    const where = `${file}:${line}`;
    const bad = (col: string, what: string): void => void problems.push(`${where}: column "${col}": ${what}`);
    const str = (col: ManifestColumn): string | undefined => {
      const v = values.get(col);
      if (v === undefined || v === null || v === '') return undefined;
      if (typeof v === 'string') return v;
      if (typeof v === 'number') return String(v);
      bad(col, `expected a string but found ${JSON.stringify(v)}`);
      return undefined;
    };
    const rec: ManifestRecord = { path: '', where };
    const path = str('path');
    if (path === undefined) bad('path', 'missing file path');
    else {
      rec.path = isAbsolute(path) ? path : resolve(root, path);
      try {
        checkImageFile(path);
        if (checkFiles && !existsSync(rec.path)) bad('path', `file ${rec.path} does not exist`);
      } catch (e) {
        bad('path', (e as Error).message);
      }
    }
    for (const col of ['case', 'split', 'domain'] as const) {
      const v = str(col);
      if (v !== undefined) rec[col] = v;
    }
    if (values.has('labels')) {
      const v = values.get('labels');
      const list = typeof v === 'string' ? v.split('|').filter((s) => s !== '') : v;
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'string' || typeof x === 'number'))
        bad('labels', `expected an array of class names but found ${JSON.stringify(v)}`);
      else if (list.length) rec.labels = list.map(String);
    } else {
      const label = str('label');
      if (label !== undefined) rec.label = label;
    }
    const labelCol = values.has('labels') ? 'labels' : 'label';
    const given = values.get(labelCol);
    const empty = given === undefined || given === null || given === '' || (Array.isArray(given) && given.length === 0);
    if (hasLabel && !allowUnlabeled && empty) bad(labelCol, 'missing label (pass allowUnlabeled: true to keep unlabeled rows)');
    if (o.split === undefined || rec.split === o.split) records.push(rec);
  }
  if (problems.length) throw new ManifestError(file, problems);
  return records;
}
