import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertClose, assertThrows, golden, gradcheck } from '../helpers.js';

const g = golden('fft');
const F = torch.fft;
const x = g('x');
const xo = g('xo');
const z = torch.viewAsComplex(g('z'));
const x3 = g('x3');
const sig = g('sig');
const F64 = { rtol: 1e-10, atol: 1e-10 };
/** Compares a complex result with a golden stored as view_as_real. */
const closeC = (out: torch.Tensor, name: string, o: { rtol?: number; atol?: number } = F64): void => {
  assert.ok(out.dtype === 'complex64' || out.dtype === 'complex128', `${name}: complex output`);
  assertClose(torch.viewAsReal(out), g(name), { ...o, msg: name });
};

test('fft/ifft match PyTorch with n, dim and every norm', () => {
  closeC(F.fft(x), 'fft');
  closeC(F.fft(x, 10, -1, 'ortho'), 'fft.n.ortho');
  closeC(F.fft(x, 1, 0, 'forward'), 'fft.dim0.trim');
  closeC(F.fft(z), 'fft.complex');
  closeC(F.ifft(z), 'ifft');
  closeC(F.ifft(z, 4, -1, 'forward'), 'ifft.forward');
  closeC(F.fft(x, null, -1, 'backward'), 'fft', F64);
});

test('rfft/irfft match PyTorch (odd lengths, dims, float32)', () => {
  closeC(F.rfft(x), 'rfft');
  closeC(F.rfft(xo, null, -1, 'forward'), 'rfft.odd');
  closeC(F.rfft(xo, undefined, 0, 'ortho'), 'rfft.dim0');
  const f32 = F.rfft(x.float());
  assert.equal(f32.dtype, 'complex64');
  closeC(f32, 'rfft.float32', { rtol: 1e-5, atol: 1e-5 });
  assertClose(F.irfft(z), g('irfft'), F64);
  assertClose(F.irfft(z, 9, -1, 'ortho'), g('irfft.n'), F64);
  assertClose(F.irfft(F.rfft(xo), 7), g('irfft.roundtrip'), F64);
  assertClose(F.irfft(F.rfft(xo), 7), xo, F64);
});

test('fft2/ifft2 and frequency grids match PyTorch', () => {
  closeC(F.fft2(x3), 'fft2');
  closeC(F.fft2(x3, [3, 8], [-2, -1], 'ortho'), 'fft2.s');
  closeC(F.fft2(x3, null, [0, 2]), 'fft2.dim');
  closeC(F.ifft2(F.fft2(x3)), 'ifft2');
  assertClose(F.rfftfreq(8, 0.5), g('rfftfreq'));
  assertClose(F.rfftfreq(9), g('rfftfreq.odd'));
  assertClose(F.fftfreq(7, 0.1), g('fftfreq'));
  assert.equal(F.rfftfreq(4, 1, { dtype: 'float64' }).dtype, 'float64');
});

test('window functions match PyTorch (periodic, symmetric, dtype)', () => {
  const fns = { hann: torch.hannWindow, hamming: torch.hammingWindow, blackman: torch.blackmanWindow };
  for (const [name, fn] of Object.entries(fns)) {
    assertClose(fn(10), g(`${name}.periodic`), { msg: name });
    assertClose(fn(9, { periodic: false }), g(`${name}.symmetric`), { msg: `${name} symmetric` });
    assertClose(fn(6, { dtype: 'float64' }), g(`${name}.float64`), { ...F64, msg: `${name} float64` });
  }
});

test('stft matches PyTorch: centred (reflect/constant), uncentred, winLength < nFft, two-sided, 1-D', () => {
  const win = torch.hannWindow(16, { dtype: 'float64' });
  const win12 = torch.hannWindow(12, { dtype: 'float64' });
  const center = torch.stft(sig, 16, { hopLength: 4, window: win });
  assert.deepEqual(center.shape, [2, 9, 11]);
  closeC(center, 'stft.center');
  const nc = torch.stft(sig, 16, { hopLength: 4, window: win, center: false });
  assert.deepEqual(nc.shape, [2, 9, 7]);
  closeC(nc, 'stft.nocenter');
  closeC(torch.stft(sig, 16, { hopLength: 5, winLength: 12, window: win12 }), 'stft.win12');
  closeC(torch.stft(sig, 16, { hopLength: 8, window: win, padMode: 'constant', normalized: true }), 'stft.constant');
  closeC(torch.stft(sig, 16, { hopLength: 4, window: win, onesided: false }), 'stft.twosided');
  closeC(torch.stft(sig, 16), 'stft.default');
  closeC(torch.stft(torch.select(sig, 0, 0), 16, { hopLength: 4, window: win }), 'stft.1d');
});

test('istft matches PyTorch and inverts stft', () => {
  const win = torch.hannWindow(16, { dtype: 'float64' });
  const ham = torch.hammingWindow(16, { dtype: 'float64' });
  const win12 = torch.hannWindow(12, { dtype: 'float64' });
  const spec = torch.viewAsComplex(g('stft.center'));
  assertClose(torch.istft(spec, 16, { hopLength: 4, window: win }), g('istft'), F64);
  assertClose(torch.istft(spec, 16, { hopLength: 4, window: win, length: 37 }), g('istft.length'), F64);
  const specNc = torch.viewAsComplex(g('spec.nocenter'));
  assertClose(torch.istft(specNc, 16, { hopLength: 4, window: ham, center: false }), g('istft.nocenter'), F64);
  const spec12 = torch.viewAsComplex(g('stft.win12'));
  assertClose(torch.istft(spec12, 16, { hopLength: 5, winLength: 12, window: win12, length: 40 }), g('istft.win12'), F64);
  // round trips: istft(stft(x)) ≈ x
  for (const [hop, window] of [
    [4, win],
    [5, win],
    [8, win],
  ] as const) {
    const s = torch.stft(sig, 16, { hopLength: hop, window });
    assertClose(torch.istft(s, 16, { hopLength: hop, window, length: 40 }), sig, { ...F64, msg: `hop ${hop}` });
  }
  const two = torch.stft(sig, 16, { hopLength: 4, window: win, onesided: false });
  assertClose(torch.istft(two, 16, { hopLength: 4, window: win, onesided: false, length: 40 }), sig, F64);
  const n = torch.stft(sig, 16, { hopLength: 4, window: win, normalized: true });
  assertClose(torch.istft(n, 16, { hopLength: 4, window: win, normalized: true, length: 40 }), sig, F64);
});

test('gradients of rfft, irfft and the stft magnitude match finite differences (float64)', () => {
  const gen = new torch.Generator(3);
  const r = (...s: number[]): torch.Tensor => torch.randn(s, { dtype: 'float64', generator: gen });
  gradcheck((t) => torch.viewAsReal(F.rfft(t)), [r(2, 7)], { msg: 'rfft' });
  gradcheck((t) => torch.viewAsReal(F.rfft(t, 6, 0, 'ortho')), [r(5, 2)], { msg: 'rfft ortho dim0' });
  gradcheck((t) => torch.viewAsReal(F.fft(t)), [r(6)], { msg: 'fft' });
  gradcheck((t) => F.irfft(torch.viewAsComplex(t), 8), [r(5, 2)], { msg: 'irfft' });
  const w = torch.hannWindow(8, { dtype: 'float64' });
  gradcheck((t) => torch.stft(t, 8, { hopLength: 2, window: w }).abs(), [r(20)], { msg: 'stft magnitude' });
});

test('bad arguments raise named errors', () => {
  assertThrows(
    () => F.fft(x, null, -1, 'bad' as 'ortho'),
    /^Expected one of backward, forward, ortho for norm but received "bad"/,
    TypeError,
  );
  assertThrows(() => F.rfft(x, 0), /^Expected a positive integer <= 2147483647 for n but received 0 of type number$/, RangeError);
  assertThrows(() => F.rfft(z), /^rfft: .*real/, torch.TorchError);
  assertThrows(() => F.fft(x, null, 5), /^fft: .*[Dd]imension out of range/, torch.TorchError);
  assertThrows(
    () => torch.stft(sig, 16, { padMode: 'wrap' as 'reflect' }),
    /reflect, constant, replicate, circular for padMode/,
    TypeError,
  );
  assertThrows(
    () => torch.stft(sig, 16, { winLength: 20 }),
    /^Expected a positive integer <= 16 for winLength but received 20 of type number$/,
    RangeError,
  );
  assertThrows(
    () => torch.stft(sig, 16, { window: torch.hannWindow(8, { dtype: 'float64' }) }),
    /^stft: .*window tensor of size equal to win_length=16/,
    torch.TorchError,
  );
  assertThrows(() => torch.stft(sig, 64, { center: false }), /^stft: .*expected 0 < n_fft < 40/, torch.TorchError);
  assertThrows(() => torch.stft(sig, 128), /^stft: .*[Pp]adding size/, torch.TorchError);
  const nc = torch.stft(sig, 16, { hopLength: 4, window: torch.hannWindow(16, { dtype: 'float64' }), center: false });
  assertThrows(
    () => torch.istft(nc, 16, { hopLength: 4, window: torch.hannWindow(16, { dtype: 'float64' }), center: false }),
    /^istft: .*overlap add/,
    torch.TorchError,
  );
  assertThrows(() => torch.hannWindow(-1), /non-negative integer for windowLength/, RangeError);
});
