/**
 * Configuration schemas: every config (a run's, a method's options, a data
 * set's options) is declared once as a zod schema with defaults and a help
 * line per field; the TypeScript types are derived from it (`Config<S>`), and
 * the same schema checks config files (JSON or YAML), reads command-line flags
 * (`--section.key value`), fills defaults and writes `--help`, so files, flags,
 * types and help can never disagree. Unknown keys are errors that list the
 * valid ones; type and range errors name the key and the value received.
 *
 *     const S = section({ lr: num('learning rate', 0.3, { min: 0 }) }, 'optimizer');
 *     type Optim = Config<typeof S>;                       // { lr: number }
 *     resolveConfig(S, { lr: 0.1 }, { lr: '0.2' }, 'run.yaml');   // { lr: 0.2 }
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';

/** The resolved (defaults filled) type of a schema. */
export type Config<S extends z.ZodType> = z.output<S>;
/** What a caller may pass: every field with a default optional, at every depth. */
export type ConfigInput<S extends z.ZodType> = z.input<S>;
export type { ZodType as Schema } from 'zod';
export { z };

interface Bounds {
  min?: number;
  max?: number;
}

/** A number with a default (or optional when `dflt` is undefined), within [min, max]. */
export function num(help: string, dflt: number, b?: Bounds): z.ZodDefault<z.ZodNumber>;
export function num(help: string, dflt?: undefined, b?: Bounds): z.ZodOptional<z.ZodNumber>;
export function num(help: string, dflt?: number, b: Bounds = {}): z.ZodType {
  let s = z.number();
  if (b.min !== undefined) s = s.min(b.min);
  if (b.max !== undefined) s = s.max(b.max);
  return (dflt === undefined ? s.optional() : s.default(dflt)).describe(help);
}

/** An integer (at most 2^53 in magnitude) with a default (or optional), within [min, max]. */
export function int(help: string, dflt: number, b?: Bounds): z.ZodDefault<z.ZodNumber>;
export function int(help: string, dflt?: undefined, b?: Bounds): z.ZodOptional<z.ZodNumber>;
export function int(help: string, dflt?: number, b: Bounds = {}): z.ZodType {
  let s = z.number().int();
  if (b.min !== undefined) s = s.min(b.min);
  if (b.max !== undefined) s = s.max(b.max);
  return (dflt === undefined ? s.optional() : s.default(dflt)).describe(help);
}

export function bool(help: string, dflt: boolean): z.ZodDefault<z.ZodBoolean> {
  return z.boolean().default(dflt).describe(help);
}

export function str(help: string, dflt: string): z.ZodDefault<z.ZodString>;
export function str(help: string, dflt?: undefined): z.ZodOptional<z.ZodString>;
export function str(help: string, dflt?: string): z.ZodType {
  return (dflt === undefined ? z.string().min(1).optional() : z.string().default(dflt)).describe(help);
}

/** One of `values` (the help lists them). */
export function oneOf<const V extends readonly [string, ...string[]]>(
  help: string,
  values: V,
  dflt: V[number],
): z.ZodDefault<z.ZodEnum<{ [K in V[number]]: K }>> {
  return z
    .enum(values)
    .default(dflt as never)
    .describe(help) as never;
}

/** A list of numbers (a flag takes them comma-separated), optionally of a fixed length and bounds. */
export function nums(help: string, dflt: number[], o: Bounds & { length?: number } = {}): z.ZodDefault<z.ZodArray<z.ZodNumber>> {
  let item = z.number();
  if (o.min !== undefined) item = item.min(o.min);
  if (o.max !== undefined) item = item.max(o.max);
  const list = o.length === undefined ? z.array(item).min(1) : z.array(item).length(o.length);
  return list.default(dflt).describe(help);
}

/** A list of strings (a flag takes them comma-separated); optional when there is no default. */
export function strs(help: string): z.ZodOptional<z.ZodArray<z.ZodString>> {
  return z.array(z.string()).min(1).optional().describe(help);
}

/** A section of fields (a mapping in files, `--name.key` flags); absent means all defaults. */
export function section<T extends z.ZodRawShape>(fields: T, help: string): z.ZodDefault<z.ZodObject<T, z.core.$strict>> {
  return z
    .strictObject(fields)
    .prefault({} as never)
    .describe(help) as never;
}

// ------------------------------------------------------------------ errors

function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(describeValue).join(', ')}]`;
  if (v !== null && typeof v === 'object') return 'a mapping';
  return String(v);
}

const joinPath = (where: string, path: PropertyKey[]): string =>
  path.reduce<string>((w, k) => (typeof k === 'number' ? `${w}[${k}]` : `${w}.${String(k)}`), where);

type JsonNode = {
  type?: string;
  properties?: Record<string, JsonNode>;
  items?: JsonNode;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  anyOf?: JsonNode[];
};

/** The JSON Schema of `schema` (zod's own conversion: types, defaults, help, bounds). */
function jsonOf(schema: z.ZodType): JsonNode {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonNode;
}

/** The object node at `path` in a JSON Schema (through list items), for "valid keys" in errors. */
function nodeAt(root: JsonNode, path: PropertyKey[]): JsonNode | undefined {
  let n: JsonNode | undefined = root;
  for (const k of path) n = typeof k === 'number' ? n?.items : n?.properties?.[String(k)];
  return n;
}

const typeWords: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

/** One zod issue as "where: expected … but received …". */
function issueText(issue: z.core.$ZodIssue, where: string, root: JsonNode): string {
  return `${joinPath(where, issue.path)}: ${issueReason(issue, root)}`;
}

/** What is wrong, without where: "expected … but received …". */
function issueReason(issue: z.core.$ZodIssue, root: JsonNode): string {
  const got = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const valid = Object.keys(nodeAt(root, issue.path)?.properties ?? {});
      return `unknown key "${issue.keys[0]}" (valid: ${valid.join(', ')})`;
    }
    case 'invalid_type':
      return `expected ${typeWords[issue.expected] ?? issue.expected} but received ${describeValue(got)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map(String).join(', ')} but received ${describeValue(got)}`;
    case 'too_small':
    case 'too_big': {
      if (issue.origin === 'array') {
        const n = nodeAt(root, issue.path) as { minItems?: number; maxItems?: number } | undefined;
        const len =
          n?.minItems === n?.maxItems
            ? `${n?.minItems}`
            : issue.code === 'too_small'
              ? `at least ${issue.minimum}`
              : `at most ${issue.maximum}`;
        return `expected a list of ${len} values but received ${describeValue(got)}`;
      }
      const n = nodeAt(root, issue.path);
      const lo = n?.minimum ?? -Infinity;
      const hi = n?.maximum ?? Infinity;
      const range =
        hi >= Number.MAX_SAFE_INTEGER || hi === Infinity
          ? `a value >= ${lo}`
          : lo === -Infinity || lo <= -Number.MAX_SAFE_INTEGER
            ? `a value <= ${hi}`
            : `a value in [${lo}, ${hi}]`;
      return `expected ${issue.origin === 'string' ? 'a non-empty string' : range} but received ${describeValue(got)}`;
    }
    case 'custom':
      return got === undefined || issue.message.includes('received')
        ? issue.message
        : `${issue.message} but received ${describeValue(got)}`;
    default:
      return issue.message;
  }
}

/** `value` with each string given for a section that has a `name` field read as that name (`method: byol`). */
function expandNames(node: JsonNode | undefined, value: unknown): unknown {
  if (!node) return value;
  if (node.type === 'object' && node.properties?.name && typeof value === 'string') return { name: value };
  if (node.type === 'object' && value !== null && typeof value === 'object' && !Array.isArray(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandNames(node.properties?.[k], v)]));
  if (node.type === 'array' && Array.isArray(value)) return value.map((v) => expandNames(node.items, v));
  return value;
}

/** Checks `value` against `schema` and fills defaults; errors start with `where` (the file, or "config"). */
export function parseConfig<S extends z.ZodType>(schema: S, value: unknown, where: string): Config<S> {
  const json = jsonOf(schema);
  const r = schema.safeParse(expandNames(json, value), { reportInput: true });
  if (r.success) return r.data;
  throw new Error(issueText(r.error.issues[0], where, json));
}

/**
 * A section chosen by name from a registry (a method, a data set): its `name`
 * (one of `names`, default `dflt`) and the chosen entry's own `fields`. The
 * schema depends on the choice, so it is built once the name is known
 * (`peekName`); a file may give the section as just its name (`method: byol`).
 */
export function choice<T extends z.ZodRawShape>(
  help: string,
  names: readonly string[],
  dflt: string,
  fields: T,
): z.ZodDefault<z.ZodObject<{ name: z.ZodDefault<z.ZodString> } & T, z.core.$strict>> {
  return z
    .strictObject({
      name: z
        .enum(names as [string, ...string[]])
        .default(dflt)
        .describe(help),
      ...fields,
    })
    .prefault({} as never)
    .describe(help) as never;
}

/**
 * A list of mappings whose schema depends on each item (e.g. shifted test sets,
 * each a data set with its own options): `itemSchema(item)` gives it, and the
 * item's errors are reported at its index.
 */
export function listOf<I extends z.ZodType>(help: string, itemSchema: (item: Record<string, unknown>) => I) {
  return z
    .array(z.looseObject({}))
    .default([])
    .describe(help)
    .transform((items, ctx) =>
      items.map((item, i) => {
        const schema = itemSchema(item);
        const r = schema.safeParse(expandNames(jsonOf(schema), item), { reportInput: true });
        if (r.success) return r.data as z.output<I>;
        const issue = r.error.issues[0];
        ctx.issues.push({ code: 'custom', path: [i, ...issue.path], message: issueReason(issue, jsonOf(schema)), input: undefined });
        return z.NEVER;
      }),
    );
}

/** The name chosen for the section at `path` (e.g. "method", "data", "monitor.test"): from flags, else the file, else `dflt`. */
export function peekName(file: Record<string, unknown>, flags: Record<string, unknown>, path: string, dflt: string): string {
  for (const key of [path, `${path}.name`]) {
    const f = Object.entries(flags).find(([attr]) => pathOf(attr) === key)?.[1];
    if (typeof f === 'string') return f;
  }
  let node: unknown = file;
  for (const k of path.split('.')) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined;
  if (typeof node === 'string') return node;
  const name = node !== null && typeof node === 'object' ? (node as Record<string, unknown>).name : undefined;
  return typeof name === 'string' ? name : dflt;
}

// ------------------------------------------------------------------ files

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
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error(`config ${path}: expected a mapping of keys to values at the top level`);
  return value as Record<string, unknown>;
}

// ------------------------------------------------------------------ flags

/** A leaf field as flags see it. */
export interface FlagField {
  type: 'number' | 'integer' | 'string' | 'boolean' | 'numbers' | 'strings';
  help: string;
  default?: unknown;
  values?: string[];
  minimum?: number;
  maximum?: number;
}

const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
const camel = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function leaf(n: JsonNode): FlagField | null {
  const node = n.anyOf?.find((a) => a.type !== 'null') ?? n;
  const base = { help: n.description ?? node.description ?? '', default: n.default, minimum: node.minimum, maximum: node.maximum };
  switch (node.type) {
    case 'number':
    case 'integer':
    case 'boolean':
      return { ...base, type: node.type };
    case 'string':
      return { ...base, type: 'string', values: node.enum as string[] | undefined };
    case 'array':
      return node.items?.type === 'number' || node.items?.type === 'integer'
        ? { ...base, type: 'numbers' }
        : node.items?.type === 'string'
          ? { ...base, type: 'strings' }
          : null;
    default:
      return null;
  }
}

/** Every flag of a schema: [dotted path, field], e.g. ["train.batchSize", {…}] (lists of mappings have none). */
export function flagFields(schema: z.ZodType): [string, FlagField][] {
  const walk = (n: JsonNode, prefix: string): [string, FlagField][] =>
    Object.entries(n.properties ?? {}).flatMap(([k, c]): [string, FlagField][] => {
      if (c.type === 'object') return walk(c, `${prefix}${k}.`);
      const f = leaf(c);
      return f ? [[`${prefix}${k}`, f]] : [];
    });
  return walk(jsonOf(schema), '');
}

/** The flag for a dotted path: "train.batchSize" → "--train.batch-size". */
export const flagName = (path: string): string => '--' + path.split('.').map(kebab).join('.');

/** commander's attribute name for a flag back to the dotted path (commander camel-cases after dashes). */
export const pathOf = (attr: string): string => attr.split('.').map(camel).join('.');

/** A flag's text as the field's type ("2" → 2, "a,b" → ["a", "b"]); a bad text names the flag. */
export function coerceFlag(f: FlagField, text: string, flag: string): unknown {
  const bad = (what: string): never => {
    throw new Error(`${flag}: expected ${what} but received ${JSON.stringify(text)}`);
  };
  const number = (s: string, what: string): number => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : bad(what));
  switch (f.type) {
    case 'number':
      return number(text, 'a number');
    case 'integer':
      return number(text, 'an integer');
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : bad('true or false');
    case 'string':
      return text;
    case 'numbers':
      return text.split(',').map((s) => number(s, 'comma-separated numbers'));
    case 'strings':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
  }
}

/** One help line's description: the help text, the valid values and the default. */
export function flagHelp(f: FlagField): string {
  const d = f.default !== undefined ? ` (default ${describeValue(f.default)})` : '';
  const values = f.values ? ` [${f.values.join('|')}]` : '';
  return f.help + values + d;
}

/**
 * The resolved config: defaults ← config file ← flags (flags win). `flags` maps
 * dotted paths (or commander attribute names, e.g. "train.batchSize") to their
 * text; a flag on a section with a `name` field sets that name (`--method byol`).
 */
export function resolveConfig<S extends z.ZodType>(
  schema: S,
  file: Record<string, unknown>,
  flags: Record<string, unknown>,
  source: string,
): Config<S> {
  const merged = mergeFlags(schema, file, flags);
  return parseConfig(schema, merged, source);
}

/** `file` with the flags written in (coerced to their fields' types); unknown flags are errors. */
export function mergeFlags(schema: z.ZodType, file: Record<string, unknown>, flags: Record<string, unknown>): Record<string, unknown> {
  const fields = new Map(flagFields(schema));
  const merged: Record<string, unknown> = structuredClone(file);
  for (const [attr, text] of Object.entries(flags)) {
    if (text === undefined) continue;
    let path = pathOf(attr);
    if (!fields.has(path) && fields.has(`${path}.name`)) path = `${path}.name`;
    const f = fields.get(path);
    if (!f) throw new Error(`unknown option ${flagName(path)}`);
    setRawPath(merged, path, coerceFlag(f, text === true ? 'true' : String(text), flagName(path)));
  }
  return merged;
}

/**
 * Sets the dotted `path` of a raw (unparsed) config to `value`, in place. A
 * section given by its name (`method: byol`) becomes `{ name: 'byol' }` and a
 * missing one `{}`. Another value in the way is replaced by a section, or,
 * with `strict` (the name of what gave the path), is an error naming it.
 */
export function setRawPath(root: Record<string, unknown>, path: string, value: unknown, strict?: string): void {
  const keys = path.split('.');
  let node = root;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next === 'string')
      node[key] = { name: next }; // `method: byol` shorthand in the file
    else if (next === undefined || next === null) node[key] = {};
    else if (typeof next !== 'object' || (strict !== undefined && Array.isArray(next))) {
      if (strict !== undefined)
        throw new RangeError(`${strict}: ${path} goes through ${key}, which holds ${JSON.stringify(next)}, not a section`);
      node[key] = {};
    }
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}
