/**
 * Real speech recordings from Debian packages, for the unlabelled speech pool of
 * TRILL (Shor et al. 2020, "Towards learning a universal non-semantic
 * representation of speech", §3.1 trains on the speech clips of AudioSet):
 * `pocketsphinx-testdata` (16 kHz: LibriVox read speech, spoken card names,
 * digits) and `codec2-examples` (8 kHz: studio sentences and off-air amateur radio
 * voice). Only speech is read — the modem test signals, sines and codec outputs
 * of codec2-examples and its concatenation `all.wav` are left out. Headerless
 * `.raw` files are signed 16-bit little-endian mono at the rate the table gives
 * (checked: read at that rate their median f0 is 90–190 Hz, at twice or half it is not). `npm run setup` installs the
 * packages (as root) or unpacks them into `.cache/debian/`, searched too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../torch/index.js';
import { packageRoot } from '../torch/native.js';
import { resample } from './resample.js';
import { CLIP_RATE } from './speech-clips.js';
import { readWav } from './wav.js';

/** A package's data folder: Debian's, else setup's unpacked copy; fails naming the install command. */
export function debianDataDir(pkg: string, systemDir: string, probe: string): string {
  const candidates = [systemDir, join(packageRoot, '.cache', 'debian', systemDir)];
  const dir = candidates.find((d) => existsSync(join(d, probe)));
  if (dir) return dir;
  throw new Error(
    `${pkg}: the files are not installed (looked in ${candidates.join(' and ')}); run \`sudo apt-get install ${pkg}\`, ` +
      'or `npm run setup` (as root it installs the package, otherwise it unpacks it into .cache/debian)',
  );
}

/** Mono float32 samples of a WAV (any rate and channels) or a headerless s16le `.raw` at `rawRate`, at 16 kHz. */
export function readSpeechFile(path: string, rawRate?: number): Float32Array {
  let audio: torch.Tensor;
  if (path.endsWith('.raw')) {
    if (!rawRate) throw new RangeError(`readSpeechFile: ${path} is headerless; expected its sample rate`);
    const bytes = readFileSync(path);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const x = Float32Array.from({ length: bytes.length >> 1 }, (_, i) => view.getInt16(2 * i, true) / 32768);
    audio = torch.scope(() => resample(torch.tensor(x, { shape: [1, x.length] }), rawRate, CLIP_RATE));
  } else audio = readWav(path, { mono: true, sampleRate: CLIP_RATE }).audio;
  try {
    return audio.data() as Float32Array;
  } finally {
    audio.dispose();
  }
}

interface Source {
  pkg: string;
  dir: string;
  probe: string;
  /** Files under `dir`, with the rate of the headerless ones. */
  files: readonly (readonly [string, number?])[];
}

/** The speech files of each package (28 files, 223 s). */
export const REAL_SPEECH_SOURCES: Readonly<Record<'pocketsphinx' | 'codec2', Source>> = {
  pocketsphinx: {
    pkg: 'pocketsphinx-testdata',
    dir: '/usr/share/pocketsphinx/test/data',
    probe: 'goforward.raw',
    files: [
      ...[1, 2, 3, 4, 5].map((i) => [`cards/00${i}.wav`] as const),
      ...[870, 880, 890, 920, 930].map((i) => [`librivox/sense_and_sensibility_01_austen_64kb-0${i}.wav`] as const),
      ['goforward.raw', 16000],
      ['numbers.raw', 16000],
      ['something.raw', 16000],
      ['tidigits/dhd.2934z.raw', 16000],
    ],
  },
  codec2: {
    pkg: 'codec2-examples',
    dir: '/usr/share/codec2',
    probe: 'wav/hts1a.wav',
    files: [
      ...['big_dog', 'forig', 'morig', 'hts1a', 'hts2a', 'mmt1', 've9qrp', 'vk5qi', 'wia_16kHz'].map((f) => [`wav/${f}.wav`] as const),
      ['raw/speech_orig_16k.wav'],
      ...['cq_ref', 'cross', 'g3plx', 'kristoff'].map((f) => [`raw/${f}.raw`, 8000] as const),
    ],
  },
};

export interface Recording {
  /** '<source>/<file>'. */
  name: string;
  source: string;
  /** Mono 16 kHz. */
  audio: Float32Array;
}

/** Every recording of `REAL_SPEECH_SOURCES`, at 16 kHz mono, in table order. */
export function realSpeech(): Recording[] {
  return Object.entries(REAL_SPEECH_SOURCES).flatMap(([source, s]) => {
    const dir = debianDataDir(s.pkg, s.dir, s.probe);
    return s.files.map(([file, rate]) => ({ name: `${source}/${file}`, source, audio: readSpeechFile(join(dir, file), rate) }));
  });
}

/** `audio` cut into ⌈length / max⌉ pieces of equal length (at most `max` samples each). */
export function equalPieces(audio: Float32Array, max: number): Float32Array[] {
  const n = Math.ceil(audio.length / max);
  return Array.from({ length: n }, (_, k) => audio.slice(Math.round((k * audio.length) / n), Math.round(((k + 1) * audio.length) / n)));
}
