/**
 * Data sets by name, for configs and the CLI. A set registers its name, its
 * modality (image, audio, text, scene), a one-line summary, its own options
 * (a schema with defaults and help) and a loader; pipelines find it here, so a
 * new set — an audio corpus, a text collection, a simulator's scenes — plugs in
 * with one entry and no special case anywhere else.
 *
 *     data: { name: emoji, split: test, vendors: [facebook] }   # in a config file
 *     --data emoji --data.vendors facebook                      # as flags
 */
import { choice, int, parseConfig, str, z, type Config } from '../config/schema.js';
import { AUDIO_SET_SPECS, type AudioSet } from './audio-sets.js';
import { IMAGE_SET_SPECS, type ImageSet } from './image-sets.js';
import { SCENE_SET_SPECS, type KitScenes } from './scene-sets.js';
import { TEXT_SET_SPECS, type TextSet } from './text-sets.js';

export type Modality = 'image' | 'audio' | 'text' | 'scene';

/** The fields every data set has; a set's own options come after them. */
export const commonDataFields = (split: string) => ({
  split: str("split (train/test; a manifest's split column)", split),
  limit: int('keep the first N items', undefined, { min: 1 }),
  tag: str('name of this set in results (default: derived from its name and options)'),
});

const _anyDataConfig = z.looseObject({ name: z.string(), ...commonDataFields('train') });
/** A set's config: its name, the common fields and its own options. */
export type DataConfig = Config<typeof _anyDataConfig>;

/** A registered data set. `S` is what it loads (an `ImageSet` for image sets). */
export interface DataSetSpec<S = unknown> {
  readonly name: string;
  readonly modality: Modality;
  readonly summary: string;
  /** The set's own options (beyond name, split, limit, tag), with defaults and help. */
  readonly options: z.ZodRawShape;
  load(c: DataConfig): Promise<S>;
}

/** Every data set by name. */
export const DATA_SETS: Readonly<Record<string, DataSetSpec>> = {
  ...IMAGE_SET_SPECS,
  ...TEXT_SET_SPECS,
  ...AUDIO_SET_SPECS,
  ...SCENE_SET_SPECS,
};

/** The set named `name`; an unknown name lists the valid ones (of `modality`, when given). */
export function getDataSet(name: string, modality?: Modality): DataSetSpec {
  const valid = Object.values(DATA_SETS).filter((s) => !modality || s.modality === modality);
  const spec = valid.find((s) => s.name === name);
  if (!spec)
    throw new RangeError(
      `unknown ${modality ? modality + ' ' : ''}data set ${JSON.stringify(name)} (valid: ${valid.map((s) => s.name).join(', ')})`,
    );
  return spec;
}

/**
 * The schema of a data section: the set chosen by `selected` (read from the
 * flags or file before the schema is built), the common fields and its options.
 */
export function dataSection(help: string, o: { modality: Modality; selected: string; dflt: string; split: string }) {
  const names = Object.values(DATA_SETS)
    .filter((s) => s.modality === o.modality)
    .map((s) => s.name);
  const own = names.includes(o.selected) ? getDataSet(o.selected).options : {};
  return choice(help, names, o.dflt, { ...commonDataFields(o.split), ...own });
}

/** A set's spec and its config — resolved, or partial (the rest takes the set's defaults, split "train") — checked against its schema. */
function setConfig<S>(
  raw: { name: string } & Record<string, unknown>,
  modality: Modality,
  what: string,
): { spec: DataSetSpec<S>; c: DataConfig } {
  const spec = getDataSet(raw.name, modality) as DataSetSpec<S>;
  const schema = dataSection(what, { modality, selected: raw.name, dflt: raw.name, split: 'train' });
  return { spec, c: parseConfig(schema, raw, `${what} ${raw.name}`) };
}

/**
 * Loads an image set by its config — resolved, or partial (`{ name: 'emoji',
 * vendors: ['google'] }`: the rest takes the set's defaults, split "train").
 * The set's loader applies split and options; `limit` is applied here.
 */
export async function loadImageSet(raw: { name: string } & Record<string, unknown>): Promise<ImageSet> {
  const { spec, c } = setConfig<ImageSet>(raw, 'image', 'data set');
  const s = await spec.load(c);
  const n = s.labels.shape[0];
  if (c.limit === undefined || c.limit >= n) return s;
  const cut = <T>(a?: T[]): T[] | undefined => a?.slice(0, c.limit);
  return {
    ...s,
    images: s.images.narrow(0, 0, c.limit),
    labels: s.labels.narrow(0, 0, c.limit),
    multiLabel: s.multiLabel?.narrow(0, 0, c.limit),
    ids: s.ids.slice(0, c.limit),
    caseIds: cut(s.caseIds),
    domains: cut(s.domains),
  };
}

/** Loads one split of a text set by its config, resolved or partial, as `loadImageSet` does (`limit`: a stratified subsample). */
export async function loadTextSet(raw: { name: string } & Record<string, unknown>): Promise<TextSet> {
  const { spec, c } = setConfig<TextSet>(raw, 'text', 'text set');
  return spec.load(c);
}

/** Loads one split of an audio set by its config, resolved or partial, as `loadImageSet` does (`limit`: the first N tracks). */
export async function loadAudioSet(raw: { name: string } & Record<string, unknown>): Promise<AudioSet> {
  const { spec, c } = setConfig<AudioSet>(raw, 'audio', 'audio set');
  const s = await spec.load(c);
  return c.limit === undefined ? s : { ...s, tracks: s.tracks.slice(0, c.limit) };
}

/** Loads a scene set by its config, resolved or partial, as `loadImageSet` does (`limit`: the first N episodes). */
export async function loadSceneSet(raw: { name: string } & Record<string, unknown>): Promise<KitScenes> {
  const { spec, c } = setConfig<KitScenes>(raw, 'scene', 'scene set');
  const s = await spec.load(c);
  if (c.limit === undefined) return s;
  const episodes = s.episodes.slice(0, c.limit);
  return {
    ...s,
    episodes,
    examples: s.examples.slice(
      0,
      episodes.reduce((n, e) => n + e.steps.length, 0),
    ),
  };
}

/** The name under which a set's results are logged: its tag, or "<name>[:<path>][/<vendors>]". */
export function dataTag(c: DataConfig): string {
  if (c.tag) return c.tag;
  const path = typeof c.path === 'string' ? `:${c.path}` : '';
  const vendors = Array.isArray(c.vendors) ? `/${c.vendors.join('+')}` : '';
  return `${c.name}${path}${vendors}`;
}
