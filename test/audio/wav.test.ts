import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch } from '../../src/index.js';
import { decodeWav, encodeWav, readWav, writeWav, WavError } from '../../src/data/wav.js';
import { resample } from '../../src/data/resample.js';
import { assertArrayClose, assertClose, assertThrows, golden } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'selfsup-wav-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** A hand-built WAV: RIFF header, a fmt chunk (tag, bits; 40 bytes when extensible) and a data chunk. */
function wavBytes(tag: number, bits: number, channels: number, rate: number, payload: Uint8Array, sub = 1): Uint8Array {
  const ext = tag === 0xfffe;
  const fmtSize = ext ? 40 : 16;
  const b = new Uint8Array(12 + 8 + fmtSize + 8 + payload.length);
  const v = new DataView(b.buffer);
  const put = (at: number, s: string): void => {
    for (let i = 0; i < 4; i++) b[at + i] = s.charCodeAt(i);
  };
  put(0, 'RIFF');
  v.setUint32(4, b.length - 8, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, fmtSize, true);
  v.setUint16(20, tag, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, (rate * channels * bits) / 8, true);
  v.setUint16(32, (channels * bits) / 8, true);
  v.setUint16(34, bits, true);
  if (ext) {
    v.setUint16(36, 22, true);
    v.setUint16(38, bits, true);
    v.setUint16(44, sub, true);
  }
  put(20 + fmtSize, 'data');
  v.setUint32(24 + fmtSize, payload.length, true);
  b.set(payload, 28 + fmtSize);
  return b;
}

test('int16 write → read is exact, bytes included, for stereo', () => {
  const gen = new torch.Generator(7);
  const ints = torch.randint(-32768, 32768, [2, 1000], { generator: gen });
  const audio = ints.float().div(32768); // exactly representable
  const path = join(dir, 'stereo16.wav');
  writeWav(path, audio, 22050);
  const w = readWav(path);
  assert.equal(w.sampleRate, 22050);
  assert.equal(w.format, 'int16');
  assert.deepEqual(w.audio.shape, [2, 1000]);
  assert.ok(torch.equal(w.audio, audio), 'samples differ after the round trip');
  assert.deepEqual(encodeWav(w.audio, 22050), new Uint8Array(readFileSync(path)));
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
    'atomic write leaves no temp file',
  );
});

test('float32 round trip is exact; int16 clips and rounds', () => {
  const audio = torch.tensor([[0.1234567, -0.75, 1.5, -2]]);
  assert.ok(torch.equal(decodeWav(encodeWav(audio, 8000, { format: 'float32' })).audio, audio));
  const clipped = decodeWav(encodeWav(audio, 8000)).audio.toArray();
  assertArrayClose(clipped, [Math.round(0.1234567 * 32768) / 32768, -0.75, 32767 / 32768, -1], 0);
});

test('reads 24-bit, 32-bit, 8-bit and extensible PCM and 64-bit float', () => {
  const i24 = [-8388608, -1, 0, 1, 8388607, 4194304];
  const p24 = new Uint8Array(i24.length * 3);
  i24.forEach((x, i) => {
    p24[3 * i] = x & 0xff;
    p24[3 * i + 1] = (x >> 8) & 0xff;
    p24[3 * i + 2] = (x >> 16) & 0xff;
  });
  const w24 = decodeWav(wavBytes(1, 24, 2, 48000, p24));
  assert.equal(w24.format, 'int24');
  assert.deepEqual(w24.audio.shape, [2, 3]);
  assertArrayClose(w24.audio.toArray(), [-1, 0, 8388607 / 8388608, -1 / 8388608, 1 / 8388608, 0.5], 1e-9);

  const i32 = new Int32Array([-2147483648, 1073741824, 2147483647]);
  const w32 = decodeWav(wavBytes(1, 32, 1, 16000, new Uint8Array(i32.buffer)));
  assertArrayClose(w32.audio.toArray(), [-1, 0.5, 1], 1e-7);

  assertArrayClose(decodeWav(wavBytes(1, 8, 1, 8000, Uint8Array.from([0, 128, 255, 64]))).audio.toArray(), [-1, 0, 127 / 128, -0.5], 0);
  const i16 = new Int16Array([16384, -8192]);
  const ext = decodeWav(wavBytes(0xfffe, 16, 1, 16000, new Uint8Array(i16.buffer)));
  assert.equal(ext.format, 'int16');
  assertArrayClose(ext.audio.toArray(), [0.5, -0.25], 0);
  const f64 = new Float64Array([0.125, -0.5]);
  assertArrayClose(decodeWav(wavBytes(3, 64, 1, 16000, new Uint8Array(f64.buffer))).audio.toArray(), [0.125, -0.5], 0);
});

test('mono mixes channels by their mean', () => {
  const stereo = torch.tensor([
    [0.5, -0.5, 0.25],
    [0.25, 0.25, -0.25],
  ]);
  const w = decodeWav(encodeWav(stereo, 16000), 'mix.wav', { mono: true });
  assert.deepEqual(w.audio.shape, [1, 3]);
  assertArrayClose(w.audio.toArray(), [0.375, -0.125, 0], 0);
});

test('corrupt, truncated and unsupported files fail naming the file', () => {
  const good = encodeWav(torch.zeros([1, 100]), 16000);
  const cut = join(dir, 'cut.wav');
  writeFileSync(cut, good.subarray(0, 100));
  assertThrows(() => readWav(cut), /cut\.wav: truncated: 'data' chunk at byte 36 declares 200 bytes but only 56 follow/, WavError);
  const ogg = join(dir, 'song.wav');
  writeFileSync(ogg, Buffer.from('OggS\0\x02\0\0\0\0\0\0\0\0\0\0'));
  assertThrows(() => readWav(ogg), /song\.wav: not a WAV file: expected 'RIFF' at byte 0 but found "OggS"/, WavError);
  assertThrows(
    () => decodeWav(wavBytes(7, 8, 1, 8000, new Uint8Array(8)), 'phone.wav'),
    /phone\.wav: unsupported WAV encoding: µ-law \(format tag 7, 8 bits\); supported: PCM/,
    WavError,
  );
  assertThrows(() => decodeWav(wavBytes(0xfffe, 8, 1, 8000, new Uint8Array(8), 6), 'x.wav'), /x\.wav: unsupported WAV encoding: A-law/);
  assertThrows(
    () => decodeWav(wavBytes(1, 12, 1, 8000, new Uint8Array(8)), 'odd.wav'),
    /odd\.wav: unsupported WAV encoding: PCM \(format tag 1, 12 bits\)/,
  );
  const rifx = new Uint8Array(good);
  rifx.set([0x52, 0x49, 0x46, 0x58]);
  assertThrows(() => decodeWav(rifx, 'be.wav'), /be\.wav: unsupported WAV container 'RIFX'/);
  assertThrows(() => decodeWav(good.subarray(0, 36), 'head.wav'), /head\.wav: no 'data' chunk/);
  assertThrows(() => readWav(join(dir, 'missing.wav')), /missing\.wav: cannot read: ENOENT/, WavError);
  assertThrows(() => encodeWav(torch.zeros([1, 2, 3]), 16000), /expected audio \[C, T\] or \[T\] but received shape \[1, 2, 3\]/);
});

test('resample matches torchaudio.functional.resample', () => {
  const g = golden('audio');
  const x16 = g('resample.x16k'); // float64
  assertClose(resample(x16, 16000, 22050), g('resample.16k_22050'), { atol: 1e-10 });
  assertClose(resample(g('resample.x48k'), 48000, 16000), g('resample.48k_16k'), { atol: 1e-10 });
  assertClose(resample(g('resample.x44k'), 44100, 16000, { lowpassFilterWidth: 4, rolloff: 0.9 }), g('resample.44100_16k'), {
    atol: 1e-10,
  });
  assertClose(resample(x16.float(), 16000, 22050), g('resample.16k_22050').float(), { atol: 2e-5, msg: 'float32' });
  const xc = g('resample.x1009'); // [2, 3, 500] at co-prime rates: every phase has its own tap offset
  assertClose(resample(xc, 1009, 640), g('resample.1009_640'), { atol: 1e-10, msg: '1009 → 640' });
  assertClose(resample(xc, 640, 1009, { lowpassFilterWidth: 3, rolloff: 0.8 }), g('resample.640_1009'), { atol: 1e-10, msg: '640 → 1009' });
  assert.deepEqual(resample(torch.zeros([2, 0]), 44100, 16000).shape, [2, 0]);
});

/** Frequency (Hz, 1 Hz bins over 1 s) of the spectral peak and the RMS amplitude × √2 away from the edges. */
function tone(x: torch.Tensor, rate: number): { freq: number; amp: number } {
  return torch.scope(() => {
    const spec = torch.fft.rfft(x.narrow(-1, 0, rate)).abs();
    const mid = x.narrow(-1, 200, rate - 400);
    return { freq: spec.argmax().item(), amp: Math.sqrt(2 * mid.pow(2).mean().item()) };
  });
}

/** One second of a sine at `f` Hz sampled at `rate`, float32 [1, rate]. */
const sine = (f: number, rate: number, amp: number): torch.Tensor =>
  torch
    .arange(rate, { dtype: 'float64' })
    .mul((2 * Math.PI * f) / rate)
    .sin()
    .mul(amp)
    .float()
    .unsqueeze(0);

test('a resampled sine keeps its frequency and amplitude; content above the new Nyquist is removed', () => {
  for (const [from, to] of [
    [44100, 16000],
    [16000, 22050],
    [48000, 16000],
  ]) {
    const y = resample(sine(440, from, 0.5), from, to);
    assert.deepEqual(y.shape, [1, to]);
    const { freq, amp } = tone(y, to);
    assert.equal(freq, 440, `${from} → ${to} Hz`);
    assert.ok(Math.abs(amp - 0.5) < 0.005, `${from} → ${to} Hz: amplitude ${amp}`);
  }
  const alias = resample(sine(10000, 44100, 0.5), 44100, 16000);
  assert.ok(tone(alias, 16000).amp < 0.005, `10 kHz leaks through a 16 kHz resampler: amplitude ${tone(alias, 16000).amp}`);
  const path = join(dir, 'sine22k.wav');
  writeWav(path, sine(1000, 22050, 0.25), 22050);
  const w = readWav(path, { sampleRate: 16000 });
  assert.equal(w.sampleRate, 16000);
  assert.deepEqual(w.audio.shape, [1, 16000]);
  const { freq, amp } = tone(w.audio, 16000);
  assert.equal(freq, 1000);
  assert.ok(Math.abs(amp - 0.25) < 0.003, `amplitude ${amp}`);
});

test('co-prime rates (44,101 → 16,000 Hz) resample with memory bounded by the output', () => {
  const path = join(dir, 'coprime.wav');
  writeWav(path, sine(440, 44101, 0.5), 44101, { format: 'float32' });
  // torchaudio's kernel here is 16,000 phases × 44,135 taps of float64 (5.6 GB); ours is 16,000 × 36.
  const before = process.resourceUsage().maxRSS; // KiB
  const w = readWav(path, { sampleRate: 16000 });
  const grownMiB = (process.resourceUsage().maxRSS - before) / 1024;
  assert.ok(grownMiB < 256, `peak memory grew by ${grownMiB.toFixed(0)} MiB`);
  assert.deepEqual([w.sampleRate, w.audio.shape], [16000, [1, 16000]]);
  const { freq, amp } = tone(w.audio, 16000);
  assert.equal(freq, 440);
  assert.ok(Math.abs(amp - 0.5) < 0.005, `amplitude ${amp}`);
  const alias = resample(sine(10000, 44101, 0.5), 44101, 16000);
  assert.ok(tone(alias, 16000).amp < 0.005, `10 kHz leaks through a 16 kHz resampler: amplitude ${tone(alias, 16000).amp}`);
});
