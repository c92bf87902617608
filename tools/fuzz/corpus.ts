/**
 * Targeted calls run before the random ones: each crash, hang and silent wrong
 * result reported in issue 9, section 2, so every run re-checks them.
 */
import { num, type Call, type Recipe } from './values.js';

const ones = (...shape: number[]): Recipe => ({ t: 'tensor', shape, dtype: 'float32', fill: 'ones' });
const tensor = (dtype: Extract<Recipe, { t: 'tensor' }>['dtype'], ...shape: number[]): Recipe => ({
  t: 'tensor',
  shape,
  dtype,
  fill: 'arange',
});
const opts = (v: Record<string, Recipe>): Recipe => ({ t: 'obj', v });
const call = (target: string, args: Recipe[], self?: Recipe): Call => (self ? { target, args, self } : { target, args });
const big = [2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 40, 2 ** 53].map(num);

export function corpus(): Call[] {
  const calls: Call[] = [];
  for (const n of big) {
    calls.push(
      call('F.conv2d', [ones(1, 1, 3, 3), ones(1, 1, 1, 1), { t: 'null' }, opts({ groups: n })]),
      call('F.conv1d', [ones(1, 1, 3), ones(1, 1, 1), { t: 'null' }, opts({ groups: n })]),
      call('F.convTranspose1d', [ones(1, 1, 3), ones(1, 1, 1), { t: 'null' }, opts({ groups: n })]),
      call('F.convTranspose2d', [ones(1, 1, 3, 3), ones(1, 1, 1, 1), { t: 'null' }, opts({ groups: n })]),
      call('F.conv2d', [ones(1, 1, 3, 3), ones(1, 1, 1, 1), { t: 'null' }, opts({ stride: n, dilation: n })]),
      call('F.conv2d', [ones(1, 1, 3, 3), ones(1, 1, 1, 1), { t: 'null' }, opts({ padding: n })]),
      call('F.convTranspose2d', [ones(1, 1, 3, 3), ones(1, 1, 1, 1), { t: 'null' }, opts({ stride: n })]),
      call('F.pixelShuffle', [ones(1, 4, 2, 2), n]),
      call('F.pixelUnshuffle', [ones(1, 1, 4, 4), n]),
      call('F.fold', [ones(1, 8, 9), num(4), n]),
      call('F.fold', [ones(1, 8, 9), n, num(2)]),
      call('F.unfold', [ones(1, 2, 4, 4), n]),
      call('F.unfold', [ones(1, 2, 4, 4), num(2), opts({ dilation: n })]),
      call('F.avgPool1d', [ones(1, 2, 4), n]),
      call('F.avgPool2d', [ones(1, 2, 4, 4), n]),
      call('F.avgPool1d', [ones(1, 2, 4), num(2), opts({ padding: n })]),
      call('F.maxPool1d', [ones(1, 2, 4), n]),
      call('F.maxPool1d', [ones(1, 2, 4), num(2), opts({ dilation: n })]),
      call('F.maxPool2d', [ones(1, 2, 4, 4), num(2), opts({ stride: n })]),
      call('F.adaptiveAvgPool2d', [ones(1, 2, 4, 4), n]),
      call('F.interpolate', [ones(1, 1, 4, 4), opts({ size: n })]),
      call('F.pad', [ones(1, 1, 4), { t: 'arr', v: [n, num(0)] }]),
      call('F.oneHot', [tensor('int64', 3), n]),
      call('torch.zeros', [{ t: 'arr', v: [n, n] }]),
      call('torch.arange', [n]),
      call('torch.randperm', [n]),
      call('torch.eye', [n]),
      call('torch.hannWindow', [n]),
      call('torch.stft', [ones(16), n]),
      call('torch.fft.fft', [ones(4), n]),
      call('Tensor.repeat', [{ t: 'arr', v: [n, n] }], ones(2)),
      call('Tensor.expand', [{ t: 'arr', v: [n, n, n] }], ones(1)),
      call('Tensor.repeatInterleave', [n], ones(2)),
      call('torch.setNumThreads', [n]),
    );
  }
  calls.push(
    call('torch.setNumThreads', [num(256)]),
    call('Tensor.sub_', [opts({})], ones(2)),
    call('Tensor.sub_', [{ t: 'undef' }], ones(2)),
    call('Tensor.sub_', [{ t: 'str', v: '2' }], ones(2)),
    call('Tensor.sub_', [{ t: 'null' }], ones(2)),
    call('torch.where', [tensor('bool', 2), num(2.5), num(0)]),
    call('Tensor.size', [num(1.5)], ones(2, 3)),
    call('torch.zeros', [{ t: 'arr', v: [num(2)] }, opts({ dtpye: { t: 'str', v: 'float64' } })]),
    call('torch.zeros', [{ t: 'arr', v: [num(2)] }, opts({ requiresGrad: { t: 'str', v: 'false' } })]),
    call('torch.tensor', [{ t: 'arr', v: [num(0), num(3)] }, opts({ dtype: { t: 'undef' } })]),
    call('torch.add', [{ t: 'null' }, num(1)]),
    call('Tensor.addcmul_', [tensor('float64', 2), tensor('int64', 2)], ones(2)),
    call('Tensor.addcdiv_', [tensor('float64', 2), tensor('int64', 2)], ones(2)),
    call('Tensor.item', [], tensor('int64', 1)),
  );
  return calls;
}
