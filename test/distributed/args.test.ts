/** torch.distributed's argument and state errors, raised before anything connects. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { torch } from '../../src/index.js';
import { resolveInit } from '../../src/torch/distributed.js';

const dist = torch.distributed;
const ENV = { MASTER_ADDR: '127.0.0.1', MASTER_PORT: '29500', RANK: '1', WORLD_SIZE: '2' };

describe('initProcessGroup options', () => {
  it('reads RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT, options first', () => {
    assert.deepEqual(resolveInit({ backend: 'gloo' }, { ...ENV, LOCAL_RANK: '0' }), {
      backend: 'gloo',
      host: '127.0.0.1',
      port: 29500,
      rank: 1,
      worldSize: 2,
      localRank: 0,
      timeout: dist.DEFAULT_TIMEOUT,
    });
    const r = resolveInit({ backend: 'gloo', initMethod: 'tcp://10.0.0.5:1234', rank: 2, worldSize: 4, timeout: 7 }, {});
    assert.deepEqual([r.host, r.port, r.rank, r.worldSize, r.localRank, r.timeout], ['10.0.0.5', 1234, 2, 4, 2, 7]);
    assert.equal(resolveInit({ backend: 'gloo', initMethod: 'tcp://[::1]:80', rank: 0, worldSize: 1 }, {}).host, '::1');
  });

  it('names the bad argument or environment variable', () => {
    const bad: [Parameters<typeof resolveInit>[0], Record<string, string>, RegExp][] = [
      [
        { backend: 'gloo', worldSize: 0 },
        ENV,
        /initProcessGroup: expected a positive integer for worldSize but received 0 of type number$/,
      ],
      [{ backend: 'gloo', rank: 2 }, ENV, /initProcessGroup: expected rank < worldSize but received rank 2 and worldSize 2$/],
      [{ backend: 'mpi' as 'gloo' }, ENV, /initProcessGroup: expected one of gloo, nccl for backend but received "mpi"/],
      [{ backend: 'gloo' }, { ...ENV, MASTER_PORT: '' }, /initProcessGroup: expected MASTER_PORT \(rank 0's port\) but it is not set$/],
      [{ backend: 'gloo' }, { ...ENV, MASTER_PORT: '70000' }, /port number in \[1, 65535\] for MASTER_PORT but received "70000"/],
      [{ backend: 'gloo' }, { ...ENV, MASTER_ADDR: '' }, /MASTER_ADDR \(rank 0's address\) for initMethod env:\/\/ but it is not set/],
      [{ backend: 'gloo' }, { ...ENV, WORLD_SIZE: 'two' }, /positive integer for WORLD_SIZE \(environment\) but received "two"/],
      [
        { backend: 'gloo' },
        { MASTER_ADDR: 'a', MASTER_PORT: '1', WORLD_SIZE: '2' },
        /expected rank or the environment variable RANK but neither is set/,
      ],
      [{ backend: 'gloo', initMethod: 'file:///tmp/x' }, ENV, /'env:\/\/' or 'tcp:\/\/host:port' for initMethod/],
      [{ backend: 'gloo', timeout: 0 }, ENV, /number in \[0\.001, 2000000\] for timeout but received 0/],
      [{ backend: 'gloo', tiemout: 5 } as never, ENV, /unknown option "tiemout"/],
    ];
    for (const [opts, env, message] of bad) assert.throws(() => resolveInit(opts, env), message);
  });

  it('asks for a CUDA build for nccl, and raises bad options before connecting', () => {
    const saved = { ...process.env };
    Object.assign(process.env, ENV, { MASTER_PORT: '1' }); // nothing listens there: a connection attempt would fail differently
    try {
      if (!torch.cuda.isAvailable())
        assert.throws(() => dist.initProcessGroup({ backend: 'nccl' }), {
          name: 'TorchError',
          message: /backend 'nccl' needs a CUDA build of libtorch/,
        });
      assert.throws(() => dist.initProcessGroup({ backend: 'gloo', worldSize: 0 }), RangeError);
      assert.equal(dist.isInitialized(), false);
    } finally {
      process.env = saved;
    }
  });
});

describe('collectives without a group', () => {
  it('name the call and how to join', () => {
    const t = torch.ones([2]);
    for (const [name, call] of [
      ['allReduce', () => dist.allReduce(t)],
      ['allGather', () => dist.allGather(t)],
      ['broadcast', () => dist.broadcast(t, 0)],
      ['barrier', () => dist.barrier()],
      ['allGatherWithGrad', () => dist.allGatherWithGrad(t)],
      ['getRank', () => dist.getRank()],
    ] as const)
      assert.throws(call, {
        name: 'TorchError',
        message: `${name}: the default process group is not initialized: call torch.distributed.initProcessGroup() first`,
      });
    dist.destroyProcessGroup(); // a no-op without a group
  });

  it('check their arguments first', () => {
    assert.throws(
      () => dist.allReduce(torch.ones([2]), 'mean' as 'sum'),
      /^TypeError: allReduce: expected one of sum, avg, product, max, min for op but received "mean"/,
    );
    assert.throws(
      () => dist.allReduce(torch.ones([2], { dtype: 'int64' }), 'avg'),
      /allReduce: expected a floating-point tensor for op 'avg' but received "int64"/,
    );
    assert.throws(() => dist.allReduce(torch.ones([2, 3]).t(), 'sum'), /allReduce: expected a contiguous Tensor/);
    assert.throws(() => dist.allReduceWithGrad(torch.ones([2]), 'max' as 'sum'), /allReduceWithGrad: expected one of sum, avg for op/);
  });
});
