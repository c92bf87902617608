/**
 * Typed configuration: each command declares its options once, as a schema of
 * fields with defaults and help. The same schema checks a config file (JSON or
 * YAML), reads command-line flags (`--section.key value`), fills defaults and
 * writes the --help text, so files and flags can never disagree. Unknown keys are
 * errors that list the valid ones.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export type Field =
  | { kind: 'number' | 'integer'; help: string; default?: number; min?: number; max?: number }
  | { kind: 'string'; help: string; default?: string; values?: readonly string[] }
  | { kind: 'boolean'; help: string; default?: boolean }
  | { kind: 'numbers' | 'strings'; help: string; default?: readonly (number | string)[] }
  | { kind: 'section'; help: string; fields: Schema; optional?: boolean }
  | { kind: 'list'; help: string; item: Schema };
export type Schema = Readonly<Record<string, Field>>;

const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
const camel = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Reads a JSON or YAML config file (by extension; YAML otherwise) into a plain object. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`config ${path}: cannot read it: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new Error(`config ${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`config ${path}: expected a mapping of keys to values at the top level`);
  return value as Record<string, unknown>;
}

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(describe).join(', ')}]` : String(v);
}

/** Checks one value (from a file, or a flag's text when `fromFlag`) against its field. */
function checkValue(f: Field, v: unknown, where: string, fromFlag: boolean): unknown {
  const bad = (expected: string): never => {
    throw new Error(`${where}: expected ${expected} but received ${describe(v)}`);
  };
  switch (f.kind) {
    case 'number':
    case 'integer': {
      const n = fromFlag && typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n) || (f.kind === 'integer' && !Number.isInteger(n))) return bad(f.kind === 'integer' ? 'an integer' : 'a number');
      if ((f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max)) return bad(`a value in [${f.min ?? '-∞'}, ${f.max ?? '∞'}]`);
      return n;
    }
    case 'string':
      if (typeof v !== 'string') return bad('a string');
      if (f.values && !f.values.includes(v)) return bad(`one of ${f.values.join(', ')}`);
      return v;
    case 'boolean': {
      const b = fromFlag && (v === 'true' || v === 'false') ? v === 'true' : v;
      return typeof b === 'boolean' ? b : bad('true or false');
    }
    case 'numbers':
    case 'strings': {
      const list = fromFlag && typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v;
      if (!Array.isArray(list)) return bad('a list');
      return list.map((x, i) => checkValue({ kind: f.kind === 'numbers' ? 'number' : 'string', help: '' }, x, `${where}[${i}]`, fromFlag));
    }
    case 'section':
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('a mapping');
      return resolveSection(f.fields, v as Record<string, unknown>, where);
    case 'list':
      if (!Array.isArray(v)) return bad('a list of mappings');
      return v.map((x, i) => checkValue({ kind: 'section', help: '', fields: f.item }, x, `${where}[${i}]`, false));
  }
}

/** Checks `values` against `schema` and fills in defaults; `where` prefixes error messages. */
export function resolveSection(schema: Schema, values: Record<string, unknown>, where: string): Record<string, unknown> {
  for (const key of Object.keys(values))
    if (!Object.hasOwn(schema, key)) throw new Error(`${where}: unknown key "${key}" (valid: ${Object.keys(schema).join(', ')})`);
  const out: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(schema)) {
    const at = `${where}.${key}`;
    if (values[key] !== undefined && values[key] !== null) out[key] = checkValue(f, values[key], at, false);
    else if (f.kind === 'section' && !f.optional) out[key] = resolveSection(f.fields, {}, at);
    else if (f.kind === 'list') out[key] = [];
    else if ('default' in f && f.default !== undefined) out[key] = Array.isArray(f.default) ? [...f.default] : f.default;
  }
  return out;
}

/** Every flag of a schema: [dotted path, field], e.g. ["train.batchSize", {…}] (lists have no flags). */
export function flagFields(schema: Schema, prefix = ''): [string, Field][] {
  return Object.entries(schema).flatMap(([key, f]): [string, Field][] =>
    f.kind === 'section' ? flagFields(f.fields, `${prefix}${key}.`) : f.kind === 'list' ? [] : [[`${prefix}${key}`, f]]);
}

/** The flag for a dotted path: "train.batchSize" → "--train.batch-size". */
export const flagName = (path: string): string => '--' + path.split('.').map(kebab).join('.');

/** commander's attribute name for a flag back to the dotted path (commander camel-cases after dashes). */
const pathOf = (attr: string): string => attr.split('.').map(camel).join('.');

/**
 * The resolved config: defaults ← config file ← flags (flags win). `flags` maps
 * commander attribute names (e.g. "train.batchSize") to their text.
 */
export function resolveConfig(schema: Schema, file: Record<string, unknown>, flags: Record<string, unknown>, source: string): Record<string, unknown> {
  const merged: Record<string, unknown> = structuredClone(file);
  for (const [attr, text] of Object.entries(flags)) {
    if (text === undefined) continue;
    const path = pathOf(attr).split('.');
    let f: Field | undefined = { kind: 'section', help: '', fields: schema };
    let node = merged;
    for (const [i, key] of path.entries()) {
      f = f?.kind === 'section' ? f.fields[key] : undefined;
      if (!f) throw new Error(`unknown option ${flagName(path.join('.'))}`);
      if (i === path.length - 1) node[key] = checkValue(f, text, flagName(path.join('.')), true);
      else {
        if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
        node = node[key] as Record<string, unknown>;
      }
    }
  }
  return resolveSection(schema, merged, source);
}

/** One help line's description: the help text and the default. */
export function flagHelp(f: Field): string {
  const d = 'default' in f && f.default !== undefined ? ` (default ${describe(f.default)})` : '';
  const values = f.kind === 'string' && f.values ? ` [${f.values.join('|')}]` : '';
  return f.help + values + d;
}
