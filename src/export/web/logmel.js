/**
 * The TRILL front end in plain JavaScript (float64), for the page of
 * `selfsup export TRILL_RUN --web OUT/` and importable in Node: the log-mel
 * spectrogram of src/views/audio/mel.ts `MelSpectrogram` (torch.stft with
 * center and reflect padding, the window centred in the FFT frame, power
 * spectrum, × filterbank, log(· + offset)) and the 96-frame windows of
 * src/methods/trill.ts `Trill.embedWindows`. The window and filterbank are
 * selfsup's own float32 values, shipped in model.json (`frontEnd`).
 */

/** In-place radix-2 complex FFT of re, im (length a power of two). */
export function fft(re, im) {
  const n = re.length;
  if (n !== im.length || n < 1 || (n & (n - 1)) !== 0)
    throw new RangeError(`fft: expected re and im of one power-of-two length but received ${re.length} and ${im.length}`);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j |= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = (-2 * Math.PI) / size;
    for (let k = 0; k < half; k++) {
      const [wr, wi] = [Math.cos(step * k), Math.sin(step * k)];
      for (let s = k; s < n; s += size) {
        const t = s + half;
        const xr = re[t] * wr - im[t] * wi;
        const xi = re[t] * wi + im[t] * wr;
        re[t] = re[s] - xr;
        im[t] = im[s] - xi;
        re[s] += xr;
        im[s] += xi;
      }
    }
  }
}

/** Channels (Float32Arrays of one length) averaged to one. */
export function mixToMono(channels) {
  if (channels.length === 1) return Float32Array.from(channels[0]);
  const out = new Float32Array(channels[0].length);
  for (let t = 0; t < out.length; t++) {
    let s = 0;
    for (const c of channels) s += c[t];
    out[t] = s / channels.length;
  }
  return out;
}

/**
 * Log-mel frames [frames, nMels] (row-major Float64Array) of `samples` with
 * front end `fe` = { nFft, winLength, hopLength, nMels, power, logOffset,
 * window: [winLength], filterbank: [(nFft / 2 + 1) · nMels] }:
 * frames = 1 + ⌊T / hop⌋ (centred, reflect padding of nFft / 2).
 */
export function logMel(samples, fe) {
  const { nFft, winLength, hopLength, nMels, power, logOffset, window, filterbank } = fe;
  const pad = nFft >> 1;
  const n = samples.length;
  if (n <= pad) throw new RangeError(`logMel: reflect padding needs more than ${pad} samples but received ${n}`);
  const bins = pad + 1;
  if (window.length !== winLength || filterbank.length !== bins * nMels)
    throw new RangeError(`logMel: expected a window of ${winLength} and a filterbank of ${bins}×${nMels} values`);
  const at = (p) => {
    const j = p - pad; // reflect: x[-j] before the start, x[2(n-1) - j] past the end
    return samples[j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j];
  };
  const frames = 1 + Math.floor(n / hopLength);
  const left = (nFft - winLength) >> 1; // torch.stft centres a shorter window in the frame
  const out = new Float64Array(frames * nMels);
  const [re, im, spec] = [new Float64Array(nFft), new Float64Array(nFft), new Float64Array(bins)];
  for (let f = 0; f < frames; f++) {
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < winLength; i++) re[left + i] = at(f * hopLength + left + i) * window[i];
    fft(re, im);
    for (let k = 0; k < bins; k++) {
      const p = re[k] * re[k] + im[k] * im[k];
      spec[k] = power === 2 ? p : p ** (power / 2);
    }
    for (let m = 0; m < nMels; m++) {
      let s = 0;
      for (let k = 0; k < bins; k++) s += spec[k] * filterbank[k * nMels + m];
      out[f * nMels + m] = Math.log(s + logOffset);
    }
  }
  return out;
}

/**
 * The network's input for a clip, as `Trill.embedWindows` cuts it: the clip
 * zero-padded to `minSamples`, its log-mel frames, and `frames`-frame windows
 * every `hopFrames` → { data: Float32Array [count, 1, frames, nMels], count }.
 */
export function clipWindows(samples, fe, { frames, hopFrames, minSamples }) {
  if (!samples.length) throw new RangeError('clipWindows: the clip holds no samples');
  let clip = samples;
  if (clip.length < minSamples) {
    clip = new Float32Array(minSamples);
    clip.set(samples);
  }
  const mel = logMel(clip, fe);
  const total = mel.length / fe.nMels;
  const count = 1 + Math.floor((total - frames) / hopFrames);
  const size = frames * fe.nMels;
  const data = new Float32Array(count * size);
  for (let w = 0; w < count; w++) data.set(mel.subarray(w * hopFrames * fe.nMels, w * hopFrames * fe.nMels + size), w * size);
  return { data, count };
}

/** The mean over windows of features [count, dim] (row-major): the utterance embedding (Float64Array). */
export function meanRows(features, count) {
  const dim = features.length / count;
  const out = new Float64Array(dim);
  for (let w = 0; w < count; w++) for (let d = 0; d < dim; d++) out[d] += features[w * dim + d];
  return out.map((v) => v / count);
}
