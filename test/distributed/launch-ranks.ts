/**
 * Runs a command as N local ranks through `launchLocal` (OMP_NUM_THREADS=1) and
 * collects each rank's last JSON line on stdout: rank 0's lines come through as they
 * are, the others' prefixed with `[rank k] `.
 */
import { Writable } from 'node:stream';
import { launchLocal, type LaunchResult } from '../../src/distributed/launch.js';

export interface RanksResult extends LaunchResult {
  /** Each rank's last JSON line (null when it printed none), index = rank. */
  results: (Record<string, unknown> | null)[];
  stderr: string;
}

/** A Writable that appends what it receives to `sink.text`. */
function collector(sink: { text: string }): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      sink.text += chunk;
      done();
    },
  });
}

/** Starts `command` as `n` ranks; resolves with the launcher's outcome and every rank's result line. */
export async function launchRanks(n: number, command: string[], env: Record<string, string> = {}): Promise<RanksResult> {
  const out = { text: '' };
  const err = { text: '' };
  const r = await launchLocal({
    n,
    command,
    env: { OMP_NUM_THREADS: '1', ...env },
    allOutput: true,
    stdout: collector(out),
    stderr: collector(err),
    graceSeconds: 2,
  });
  const results: (Record<string, unknown> | null)[] = Array.from({ length: n }, () => null);
  for (const line of out.text.split('\n')) {
    const m = /^(?:\[rank (\d+)\] )?(\{.*\})$/.exec(line);
    if (m) results[m[1] === undefined ? 0 : Number(m[1])] = JSON.parse(m[2]);
  }
  return { ...r, results, stderr: err.text };
}
