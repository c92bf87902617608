/**
 * Synthetic singing with exact pitch labels, for training and evaluating
 * self-supervised pitch estimators (SPICE, Gfeller et al. 2020, evaluates on
 * sung melodies: MIR-1k, MDB-stem-synth). A seeded source–filter voice:
 *
 *  - a melody of notes (random semitones in [lowMidi, highMidi], 0.2–0.8 s; notes
 *    of a phrase move by at most a fifth) with rests of 0.1–0.5 s (at least ~20 %
 *    of the time), a track-wide tuning offset of ±25 cents;
 *  - portamento (30–120 ms, raised cosine) into half of the legato notes, and
 *    vibrato (4.5–6.5 Hz, 0–60 cents, starting 0.1–0.35 s into a note);
 *  - a harmonic source of 10–30 harmonics below Nyquist with a spectral tilt, its
 *    phase accumulated from the instantaneous f0 so that glides stay smooth;
 *  - three formants per vowel (Peterson & Barney 1952 averages, scaled ×1–1.25)
 *    as a cascade of two-pole resonators (Klatt 1980) gliding 20 ms between notes,
 *    then lip radiation (a first difference);
 *  - attack/release at phrase edges, and band-passed breath noise 25–35 dB below
 *    the voice, always present (alone in the rests). The peak is normalised to 0.5.
 *
 * Frame t of a centred analysis (CQT with hop `hop`) is centred on sample t·hop,
 * so f0[t] is the instantaneous f0 there: 1 + ⌊T / hop⌋ frames, 0 where unvoiced
 * (rests, and where the attack/release envelope is below −30 dB of the note).
 */
import { midiToFrequency } from './piano.js';
import { gaussian, mulberry32 } from './noise.js';

export interface SingingOptions {
  /** Length in seconds (default 8). */
  seconds?: number;
  /** Sample rate in Hz (default 16000). */
  sampleRate?: number;
  /** Frame hop of the f0 labels in samples (default 512: 32 ms at 16 kHz, SPICE's). */
  hop?: number;
  seed: number;
  /** Lowest note as a MIDI number (default 45 = A2). */
  lowMidi?: number;
  /** Highest note as a MIDI number (default 76 = E5). */
  highMidi?: number;
}

/** A mono track with, when known, its f0 per frame. */
export interface PitchedTrack {
  name: string;
  /** The set it comes from: 'singing', 'speech', 'piano-notes', 'wav-folder'. */
  source: string;
  /** Mono samples. */
  audio: Float32Array;
  sampleRate: number;
  /** Frame hop of `f0` in samples; frame t is centred on sample t·hop. */
  hop: number;
  /** f0 in Hz per frame (1 + ⌊T / hop⌋ frames), 0 = unvoiced; absent when unlabelled. */
  f0?: Float32Array;
}

/** Number of frames of `samples` samples at `hop`: frames centred on samples 0, hop, …, ⌊samples / hop⌋·hop. */
export const frameCount = (samples: number, hop: number): number => 1 + Math.floor(samples / hop);

/** F1–F3 in Hz of seven vowels (Peterson & Barney 1952, men's averages). */
const VOWELS: readonly (readonly [number, number, number])[] = [
  [730, 1090, 2440], // /ɑ/
  [530, 1840, 2480], // /ɛ/
  [270, 2290, 3010], // /i/
  [570, 840, 2410], // /ɔ/
  [300, 870, 2240], // /u/
  [660, 1720, 2410], // /æ/
  [520, 1190, 2390], // /ʌ/
];
const BANDWIDTHS = [80, 100, 140];
/** The envelope level (of the note's peak) below which a frame is unvoiced: −30 dB. */
const VOICED_LEVEL = 10 ** (-30 / 20);

interface Note {
  start: number;
  end: number;
  midi: number;
  vowel: number;
  loudness: number;
  /** Samples of portamento from the previous note (0: none). */
  glide: number;
  attack: number;
  release: number;
  vibrato: { rate: number; cents: number; delay: number };
}

function check(o: SingingOptions): Required<SingingOptions> {
  const r = { seconds: 8, sampleRate: 16000, hop: 512, lowMidi: 45, highMidi: 76, ...o };
  const bad = (what: string, v: unknown): never => {
    throw new RangeError(`synthSinging: expected ${what} but received ${v}`);
  };
  if (!Number.isInteger(r.seed)) bad('an integer seed', r.seed);
  if (!(r.seconds > 0 && r.seconds <= 3600)) bad('seconds in (0, 3600]', r.seconds);
  if (!Number.isInteger(r.sampleRate) || r.sampleRate < 8000) bad('an integer sampleRate ≥ 8000', r.sampleRate);
  if (!Number.isInteger(r.hop) || r.hop < 1) bad('a positive integer hop', r.hop);
  if (!Number.isInteger(r.lowMidi) || r.lowMidi < 0) bad('a non-negative integer lowMidi', r.lowMidi);
  if (!Number.isInteger(r.highMidi) || r.highMidi < r.lowMidi || midiToFrequency(r.highMidi) >= r.sampleRate / 4)
    bad(`an integer highMidi ≥ lowMidi (${r.lowMidi}) below a quarter of the sample rate`, r.highMidi);
  return r;
}

/** The melody: notes and rests filling `total` samples, ending with a rest of ≥ 0.1 s. */
function score(rand: () => number, total: number, sr: number, low: number, high: number): Note[] {
  const u = (a: number, b: number): number => a + (b - a) * rand();
  const semitone = (a: number, b: number): number => a + Math.floor(rand() * (b - a + 1));
  const notes: Note[] = [];
  let t = Math.round(u(0.1, 0.5) * sr);
  let rest = t;
  for (;;) {
    const length = Math.round(u(0.2, 0.8) * sr);
    if (t + length > total - 0.1 * sr) return notes;
    const prev = notes.at(-1);
    const legato = prev !== undefined && prev.end === t;
    let midi = semitone(low, high);
    if (legato) {
      const step = semitone(-7, 7);
      midi = Math.min(high, Math.max(low, prev.midi + step >= low && prev.midi + step <= high ? prev.midi + step : prev.midi - step));
    }
    notes.push({
      start: t,
      end: t + length,
      midi,
      vowel: Math.floor(rand() * VOWELS.length),
      loudness: 10 ** (u(-6, 0) / 20),
      glide: legato && rand() < 0.5 ? Math.min(Math.round(u(0.03, 0.12) * sr), length >> 1) : 0,
      attack: Math.round(u(0.02, 0.08) * sr),
      release: Math.round(u(0.03, 0.12) * sr),
      vibrato: { rate: u(4.5, 6.5), cents: u(0, 60), delay: Math.round(u(0.1, 0.35) * sr) },
    });
    t += length;
    if (rand() < 0.4 || rest < 0.2 * t) {
      const r = Math.round(u(0.1, 0.5) * sr);
      rest += r;
      t += r;
    }
  }
}

/**
 * Per-sample contours of the notes: pitch (MIDI, fractional, with glides and
 * vibrato), envelope shape in [0, 1] (attack at a phrase's start, release at its
 * end), loudness, and the note index (−1 in rests), over `total + 1` samples.
 */
function contours(notes: Note[], total: number, sr: number) {
  const pitch = new Float64Array(total + 1);
  const shape = new Float64Array(total + 1);
  const loudness = new Float64Array(total + 1);
  const index = new Int32Array(total + 1).fill(-1);
  notes.forEach((n, i) => {
    const prev = i > 0 && notes[i - 1].end === n.start ? notes[i - 1] : undefined;
    const next = notes[i + 1]?.start === n.end;
    const { rate, cents, delay } = n.vibrato;
    for (let s = n.start; s < n.end; s++) {
      const a = s - n.start;
      const b = n.end - s;
      let m = n.midi;
      if (prev && a < n.glide) m = prev.midi + ((n.midi - prev.midi) * (1 - Math.cos((Math.PI * a) / n.glide))) / 2;
      if (a >= delay) {
        const depth = (cents / 100) * Math.min(1, (a - delay) / (0.2 * sr), b / (0.06 * sr));
        m += depth * Math.sin((2 * Math.PI * rate * (a - delay)) / sr);
      }
      const rise = prev ? 1 : Math.min(1, a / n.attack);
      const fall = next ? 1 : Math.min(1, b / n.release);
      pitch[s] = m;
      shape[s] = (Math.sin((Math.PI / 2) * rise) * Math.sin((Math.PI / 2) * fall)) ** 2;
      loudness[s] = n.loudness;
      index[s] = i;
    }
  });
  return { pitch, shape, loudness, index };
}

/** RBJ band-pass biquad (0 dB peak) at `fc` Hz, quality `q`, applied in place. */
function bandPass(x: Float64Array, fc: number, q: number, sr: number): void {
  const w = (2 * Math.PI * fc) / sr;
  const alpha = Math.sin(w) / (2 * q);
  const a0 = 1 + alpha;
  const [b0, a1, a2] = [alpha / a0, (-2 * Math.cos(w)) / a0, (1 - alpha) / a0];
  let [x1, x2, y1, y2] = [0, 0, 0, 0];
  for (let i = 0; i < x.length; i++) {
    const y = b0 * (x[i] - x2) - a1 * y1 - a2 * y2;
    [x2, x1, y2, y1] = [x1, x[i], y1, y];
    x[i] = y;
  }
}

/** A seeded synthetic singing track with its f0 per frame; the same seed gives identical bytes. */
export function synthSinging(o: SingingOptions): PitchedTrack & { f0: Float32Array } {
  const { seconds, sampleRate: sr, hop, seed, lowMidi, highMidi } = check(o);
  const rand = mulberry32(seed);
  const u = (a: number, b: number): number => a + (b - a) * rand();
  const total = Math.round(seconds * sr);
  const tune = u(-0.25, 0.25);
  const formantScale = u(1, 1.25);
  const harmonics = Array.from({ length: 10 + Math.floor(rand() * 21) }, () => ({ gain: 0, cos: 0, sin: 0 }));
  const tilt = u(1.2, 2);
  harmonics.forEach((h, k) => {
    const theta = 2 * Math.PI * rand();
    Object.assign(h, { gain: (k + 1) ** -tilt * u(0.6, 1), cos: Math.cos(theta), sin: Math.sin(theta) });
  });
  const notes = score(rand, total, sr, lowMidi, highMidi);
  const { pitch, shape, loudness, index } = contours(notes, total, sr);
  const hz = (m: number): number => midiToFrequency(m + tune);

  const voice = new Float64Array(total);
  const formants = VOWELS[notes[0]?.vowel ?? 0].map((f) => f * formantScale);
  const smooth = 1 - Math.exp(-1 / (0.02 * sr));
  const coef = [new Float64Array(3), new Float64Array(3), new Float64Array(3)]; // [gain, a1, a2] per formant
  const state = [new Float64Array(2), new Float64Array(2), new Float64Array(2)];
  const nyquist = sr / 2;
  let phase = 0;
  let lastOut = 0;
  for (let s = 0; s < total; s++) {
    let x = 0;
    if (shape[s] > 0) {
      const f0 = hz(pitch[s]);
      phase = (phase + (2 * Math.PI * f0) / sr) % (2 * Math.PI);
      const [c1, s1] = [Math.cos(phase), Math.sin(phase)];
      let [ck, sk] = [c1, s1];
      for (let k = 0; k < harmonics.length; k++) {
        const fade = Math.min(1, (0.95 * nyquist - (k + 1) * f0) / (0.1 * nyquist));
        if (fade <= 0) break;
        const h = harmonics[k];
        x += h.gain * fade * (sk * h.cos + ck * h.sin);
        [ck, sk] = [ck * c1 - sk * s1, sk * c1 + ck * s1];
      }
      x *= shape[s] * loudness[s];
    }
    if (index[s] >= 0)
      VOWELS[notes[index[s]].vowel].forEach((f, j) => {
        // Singers raise F1 above a high f0 (formant tuning, Sundberg 1975): j = 0 follows 1.1·f0 when higher.
        const target = j === 0 ? Math.max(f * formantScale, 1.1 * hz(pitch[s])) : f * formantScale;
        formants[j] += smooth * (target - formants[j]);
      });
    if (s % 16 === 0)
      formants.forEach((f, j) => {
        const r = Math.exp((-Math.PI * BANDWIDTHS[j]) / sr);
        const a1 = -2 * r * Math.cos((2 * Math.PI * f) / sr);
        coef[j].set([1 + a1 + r * r, a1, r * r]);
      });
    for (let j = 0; j < 3; j++) {
      const [g, a1, a2] = coef[j];
      const y = g * x - a1 * state[j][0] - a2 * state[j][1];
      state[j][1] = state[j][0];
      state[j][0] = y;
      x = y;
    }
    voice[s] = x - lastOut;
    lastOut = x;
  }

  const f0 = new Float32Array(frameCount(total, hop));
  let power = 0;
  let voicedSamples = 0;
  for (let s = 0; s < total; s++)
    if (shape[s] >= VOICED_LEVEL) {
      power += voice[s] * voice[s];
      voicedSamples++;
    }
  for (let t = 0; t < f0.length; t++) if (shape[t * hop] >= VOICED_LEVEL) f0[t] = hz(pitch[t * hop]);

  const white = gaussian(rand);
  const breath = Float64Array.from({ length: total }, white);
  bandPass(breath, u(1500, 3500), u(0.7, 1), sr);
  let breathPower = 0;
  for (const v of breath) breathPower += v * v;
  const voiceRms = Math.sqrt(power / Math.max(1, voicedSamples)) || 1e-3;
  const breathGain = (voiceRms * 10 ** (-u(25, 35) / 20)) / Math.sqrt(breathPower / total);
  let peak = 0;
  for (let s = 0; s < total; s++) {
    voice[s] += breathGain * breath[s];
    peak = Math.max(peak, Math.abs(voice[s]));
  }
  const audio = Float32Array.from(voice, (v) => (0.5 * v) / peak);
  return { name: `singing/${seed}`, source: 'singing', audio, sampleRate: sr, hop, f0 };
}
