/**
 * `torch.distributed`: libtorch's c10d process groups with PyTorch's semantics and
 * launch conventions (https://pytorch.org/docs/stable/distributed.html). One default
 * group per process, joined with `initProcessGroup` and left with `destroyProcessGroup`:
 *
 *     // RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set by `selfsup launch` (or by hand)
 *     torch.distributed.initProcessGroup({ backend: 'gloo' });
 *     torch.distributed.allReduce(grad, 'avg');   // in place, on every rank
 *     torch.distributed.destroyProcessGroup();
 *
 * Rendezvous: rank 0 serves a c10d TCPStore at MASTER_ADDR:MASTER_PORT, every rank
 * connects to it, and Gloo's pairwise connections are set up through it. The Gloo
 * device binds to the interface GLOO_SOCKET_IFNAME when set, to 127.0.0.1 when the
 * master is on the loopback, and otherwise to the address this machine's hostname
 * resolves to (as PyTorch does).
 *
 * Collectives (collectives.ts) block the calling thread until every rank has taken
 * part; the group's timeout bounds every wait, and a rank whose peer exited fails at
 * once. Errors are TorchErrors naming the call, the rank and the timeout.
 */
import { native } from './native.js';
import { TorchError } from './errors.js';
import { fail, finite, int, oneOf, options, str, within } from './check.js';
import { requireGroup } from './collectives.js';

export type Backend = 'gloo' | 'nccl';
const BACKENDS = ['gloo', 'nccl'] as const;

/**
 * Default timeout of rendezvous and of every collective, in seconds (PyTorch's is 30
 * minutes). Five minutes lets one rank load data or write a checkpoint while the others
 * wait, and still ends a hung job in minutes; a peer that exits is detected at once.
 */
export const DEFAULT_TIMEOUT = 300;

export interface InitOptions {
  /** 'gloo' (CPU tensors; libtorch's ProcessGroupGloo) or 'nccl' (CUDA builds of libtorch only). */
  backend: Backend;
  /** 'env://' (default: MASTER_ADDR and MASTER_PORT) or 'tcp://host:port' (rank 0's address). */
  initMethod?: string;
  /** This process's rank in [0, worldSize) (default: RANK). */
  rank?: number;
  /** Number of processes (default: WORLD_SIZE). */
  worldSize?: number;
  /** Seconds that rendezvous and each collective may wait for the other ranks (default DEFAULT_TIMEOUT). */
  timeout?: number;
}

/** Where and how to join: `initProcessGroup`'s options resolved against the environment. */
export interface ResolvedInit {
  backend: Backend;
  host: string;
  port: number;
  rank: number;
  worldSize: number;
  /** LOCAL_RANK (the process's index on its machine, e.g. its GPU), else the rank. */
  localRank: number;
  timeout: number;
}

/** An integer from the option, else from the environment variable `name`. */
function fromEnv(value: number | undefined, option: string, env: NodeJS.ProcessEnv, name: string, min: number): number {
  if (value !== undefined) return int(value, option, min);
  const text = env[name];
  if (text === undefined || text === '') throw new TypeError(`Expected ${option} or the environment variable ${name} but neither is set`);
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || n < min)
    fail(text, `${name} (environment)`, min === 1 ? 'a positive integer' : 'a non-negative integer');
  return n;
}

function port(text: string | undefined, name: string): number {
  if (text === undefined || text === '') throw new TypeError(`Expected ${name} (rank 0's port) but it is not set`);
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) fail(text, name, 'a port number in [1, 65535]', RangeError);
  return n;
}

/** Resolves `initProcessGroup`'s options against `env` (process.env) and checks them all; connects nothing. */
export function resolveInit(opts: InitOptions, env: NodeJS.ProcessEnv = process.env): ResolvedInit {
  return within('initProcessGroup', () => {
    const o = options(opts, 'initProcessGroup', ['backend', 'initMethod', 'rank', 'worldSize', 'timeout']);
    const backend = oneOf(o.backend, 'backend', BACKENDS);
    const method = str(o.initMethod ?? 'env://', 'initMethod');
    let host: string;
    let p: number;
    if (method === 'env://') {
      host = env.MASTER_ADDR ?? '';
      if (host === '') throw new TypeError("Expected MASTER_ADDR (rank 0's address) for initMethod env:// but it is not set");
      p = port(env.MASTER_PORT, 'MASTER_PORT');
    } else {
      const m = /^tcp:\/\/(\[[^\]]+\]|[^:/[\]]+):([^:/]*)$/.exec(method);
      if (!m) fail(method, 'initMethod', "'env://' or 'tcp://host:port'");
      host = m[1].replace(/^\[(.*)\]$/, '$1');
      p = port(m[2], 'the port of initMethod');
    }
    const worldSize = fromEnv(o.worldSize, 'worldSize', env, 'WORLD_SIZE', 1);
    const rank = fromEnv(o.rank, 'rank', env, 'RANK', 0);
    if (rank >= worldSize) throw new RangeError(`Expected rank < worldSize but received rank ${rank} and worldSize ${worldSize}`);
    const localRank = env.LOCAL_RANK ? fromEnv(undefined, 'localRank', env, 'LOCAL_RANK', 0) : rank;
    const timeout = o.timeout === undefined ? DEFAULT_TIMEOUT : finite(o.timeout, 'timeout', 0.001, 2_000_000);
    return { backend, host, port: p, rank, worldSize, localRank, timeout };
  });
}

let localRank = 0;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/;

/**
 * Joins the default process group (PyTorch's `init_process_group`): blocks until all
 * `worldSize` ranks have joined or `timeout` seconds have passed. Rank 0 serves the store.
 */
export function initProcessGroup(opts: InitOptions): void {
  const r = resolveInit(opts);
  const where = `rank ${r.rank} of ${r.worldSize}`;
  if (native.distIsInitialized())
    throw new TorchError('initProcessGroup: the default process group is already initialized: call destroyProcessGroup() first');
  const backends = native.distBackends() as string[];
  if (!backends.includes(r.backend)) {
    if (r.backend === 'nccl')
      throw new TorchError(
        `initProcessGroup: backend 'nccl' needs a CUDA build of libtorch with NCCL, and this addon's libtorch ${native.version()} ` +
          `${native.cudaIsAvailable() ? 'was built without NCCL support here' : 'is CPU-only'}: use backend 'gloo', or build the addon against a CUDA libtorch (LIBTORCH=/path npm run build:native)`,
      );
    throw new TorchError(
      "initProcessGroup: this build of the native addon has no Gloo (gloo's headers were missing when it was built): install Debian's libgloo-dev and run `npm run build:native`",
    );
  }
  const ifname = process.env.GLOO_SOCKET_IFNAME || null;
  const hostname = !ifname && LOOPBACK.test(r.host) ? '127.0.0.1' : null;
  try {
    native.distInit(r.host, r.port, r.rank, r.worldSize, Math.round(r.timeout * 1000), ifname, hostname);
  } catch (e) {
    if (!(e instanceof TorchError)) throw e;
    const reason = e.message.replace(/^distInit: /, '');
    throw new TorchError(`initProcessGroup: ${where} could not join the group at ${r.host}:${r.port}: ${reason} (timeout ${r.timeout} s)`);
  }
  localRank = r.localRank;
}

/** Leaves the default group (PyTorch's `destroy_process_group`); a no-op when none is initialized. */
export function destroyProcessGroup(): void {
  native.distDestroy?.();
}

/** Whether this process has joined the default group. */
export function isInitialized(): boolean {
  return native.distIsInitialized();
}

/** This process's rank in [0, worldSize). */
export function getRank(): number {
  requireGroup('getRank');
  return native.distRank();
}

/** Number of processes in the default group. */
export function getWorldSize(): number {
  requireGroup('getWorldSize');
  return native.distWorldSize();
}

/** LOCAL_RANK at initProcessGroup (the process's index on its machine), else the rank. */
export function getLocalRank(): number {
  requireGroup('getLocalRank');
  return localRank;
}

export * from './collectives.js';
