/**
 * Reading user text files strictly: a file must be non-empty, hold no NUL bytes
 * (a sign of a binary file) and be valid UTF-8 (WHATWG TextDecoder with
 * `fatal: true`); each failure is an Error naming the file — and for invalid
 * UTF-8 the byte offset and line of the first bad byte. A leading BOM is dropped.
 */
import { readFileSync } from 'node:fs';

/**
 * The offset of the first byte of `bytes` that does not continue a valid UTF-8
 * sequence (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF),
 * or -1 when all of it is valid.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // The sequence length and the allowed range of its second byte (Unicode 15, table 3-7).
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k < n; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n;
  }
  return -1;
}

/** The 1-based line of byte `offset` in `bytes`. */
function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Decodes `bytes` read from `file` (see the module comment); `what` prefixes the errors. */
export function decodeTextFile(bytes: Uint8Array, file: string, what = 'text file'): string {
  if (bytes.length === 0) throw new Error(`${what}: ${file} is empty`);
  const nul = bytes.indexOf(0);
  if (nul >= 0)
    throw new Error(`${what}: ${file} looks binary: NUL byte at offset ${nul} (line ${lineAt(bytes, nul)}); expected UTF-8 text`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new Error(
      `${what}: ${file} is not valid UTF-8: byte 0x${bytes[at].toString(16).padStart(2, '0')} at offset ${at} (line ${lineAt(bytes, at)})`,
    );
  }
  if (text.trim() === '') throw new Error(`${what}: ${file} is empty (only whitespace)`);
  return text;
}

/** Reads `file` as strict UTF-8 text (see the module comment); a missing or unreadable file is an Error naming it. */
export function readTextFile(file: string, what = 'text file'): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new Error(`${what}: cannot read ${file}: ${(e as Error).message}`);
  }
  return decodeTextFile(bytes, file, what);
}
