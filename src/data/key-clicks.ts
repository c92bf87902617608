/**
 * Key clicks of an IBM Model M (buckling-spring) keyboard from Debian's
 * `bucklespring-data`: one 44.1 kHz WAV per key and event, named `%02x-%d.wav` —
 * the key's Linux evdev code in hex and the event value, 1 = press and 0 =
 * release (bucklespring's recorder names each file after the evdev event it
 * caught). 86 keys, 171 files (Pause, 0x77, has only a release). Non-speech sounds with a
 * "speaker" (the key), for the NOSS-style tasks `key-press` and `key-group`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { debianDataDir, readSpeechFile } from './real-speech.js';

export const BUCKLE_PACKAGE = 'bucklespring-data';
export const BUCKLE_SYSTEM_DIR = '/usr/share/buckle/wav';

/**
 * The keyboard rows, by evdev code: the function row (Esc, F1–F12, PrtSc, ScrLk,
 * Pause), the number row (` 1–0 - = Backspace), the top letter row (Tab Q–] \),
 * the home row (Caps A–' Enter), the bottom row (Shift Z–/ Shift), the space row
 * (Ctrl Meta Alt Space AltGr Ctrl) and the navigation block (Ins Del Home End
 * PgUp PgDn and the arrows). Rows differ in key size, stabiliser wires and place
 * on the case, which shapes the click. Code 0x5b (evdev's Hiragana, not a Model M
 * key) is in no row.
 */
export const KEY_ROWS: Readonly<Record<string, readonly number[]>> = {
  function: [0x01, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x57, 0x58, 0x63, 0x46, 0x77],
  number: [0x29, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e],
  top: [0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x2b],
  home: [0x3a, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x1c],
  bottom: [0x2a, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36],
  space: [0x1d, 0x7d, 0x38, 0x39, 0x64, 0x61],
  navigation: [0x6e, 0x6f, 0x66, 0x6b, 0x68, 0x6d, 0x67, 0x69, 0x6c, 0x6a],
};

/** The row of an evdev code, or undefined. */
export function keyRow(code: number): string | undefined {
  return Object.keys(KEY_ROWS).find((row) => KEY_ROWS[row].includes(code));
}

/** The key and event of a bucklespring file name, e.g. '1e-1.wav' → { code: 0x1e, press: true }; undefined for other names. */
export function parseKeyFile(name: string): { code: number; press: boolean } | undefined {
  const m = /^([0-9a-f]{2})-([01])\.wav$/.exec(name);
  return m ? { code: parseInt(m[1], 16), press: m[2] === '1' } : undefined;
}

export interface KeyClick {
  file: string;
  /** 'key-<evdev code in hex>', e.g. 'key-1e' (the A key). */
  key: string;
  code: number;
  press: boolean;
  /** Mono 16 kHz, 0.18–0.33 s. */
  audio: Float32Array;
}

/** Every key click of bucklespring-data, sorted by file name, at 16 kHz mono. */
export function keyClicks(): KeyClick[] {
  const dir = debianDataDir(BUCKLE_PACKAGE, BUCKLE_SYSTEM_DIR, '1e-1.wav');
  return readdirSync(dir)
    .sort()
    .flatMap((file) => {
      const k = parseKeyFile(file);
      if (!k) return [];
      return [{ file, key: `key-${file.slice(0, 2)}`, ...k, audio: readSpeechFile(join(dir, file)) }];
    });
}
