/**
 * Atomic file writes, the one writer every layer uses (checkpoints, safetensors,
 * configs, metrics rewrites, reports, tokenizers, WAV, PNG). The bytes go to a
 * temp file in the target's folder, are flushed to disk (fsync), renamed over
 * the target, and the folder is flushed so the rename itself survives a power
 * cut. A kill at any point leaves either the old file or the new one, never a
 * mix; on an error the temp file is removed.
 *
 * Temp files are named `.<name>.tmp-<pid>-…`; `removeStaleTemps(dir)` deletes
 * those left by a process that was killed mid-write (its pid no longer runs).
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

const TEMP = /^\..+\.tmp-(\d+)-\d+-\d+$/;

/** Flushes a folder's entries (the rename) to disk; a no-op where folders cannot be opened (Windows). */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // not supported on this platform or file system: the rename is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes `path` atomically with `bytes` (a string is written as UTF-8). On
 * failure the previous file, if any, is left untouched, and the error starts
 * with `who` (the caller, e.g. "checkpoint") and names the path.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array | string, who = 'selfsup'): void {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${Date.now()}-${counter++}`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx');
  } catch (e) {
    throw new Error(`${who}: cannot write ${path}: ${(e as Error).message}`);
  }
  try {
    try {
      let done = 0;
      while (done < data.length) done += writeSync(fd, data, done, data.length - done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw new Error(`${who}: cannot write ${path}: ${(e as Error).message}`);
  }
  fsyncDir(dir);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes the temp files in `dir` left by killed writers (not those of running processes); returns their names. */
export function removeStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // removed by someone else
    }
  }
  return removed;
}
