#!/usr/bin/python3
"""PyTorch side of bench/spice: SPICE's training step from audio and the pitch
path, the same computation as workloads.ts, timed like it.

Front end: conv1d of the CQT kernels that run.ts exported from selfsup
(kernels.f32, [2 * 190, 1, N0]: rows 2k, 2k + 1 the real and imaginary kernel
of bin k) with stride 512 over the audio zero-padded (N0 - 1) / 2 before and
(N0 + 1) / 2 after, magnitude, 20 log10(|.| + 1e-5) mapped to [0, 1] over
100 dB, then each frame's peak at 1 and 40 dB below it at 0.

Network and losses: the mirror of SpiceNet and of SPICE's three losses in
tools/goldens/g_spice.py (Conv1d/BatchNorm1d/ReLU/MaxPool1d encoder, pitch and
confidence heads, upsample + conv decoder, with the coordinate channel; Huber
pitch loss with tau = 0.25 sigma, reconstruction, confidence on the detached
error). The step is the method's with its defaults: two slices of 128 bins at
offsets uniform on [0, 8], each plus its own random smooth envelope (3 cosine
and 3 sine terms along the bins, coefficients uniform on [-0.1, 0.1], clamped
to [0, 1]), both through the network in one batch, loss 1e4 * pitch +
confidence + 0.01 * reconstruction of the clean slices, the logged values,
backward, AdamW (weight decay 0).

Usage:
  reference.py train <threads> <width> <decoderWidth> <song.wav> <kernels.f32> <kernelLength> <batch> <lr> <warmup> <steps>
    -> {"seconds", "cqt", "step" (per step), "loss" (the last), "frameMean" (of the last frames)}
  reference.py pitch <threads> <width> <decoderWidth> <song.wav> <kernels.f32> <kernelLength> <reps> <b> <s> <threshold>
    -> {"seconds" (best of reps after a warm-up), "frames" (tracked)}"""
import json
import math
import os
import sys
import time
import wave

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "goldens"))
from g_spice import SpiceNet, conf_loss, pitch_loss, recon_loss  # noqa: E402

N_BINS, HOP, F_MIN, BINS, MAX_SHIFT, HIDDEN = 190, 512, 32.703195662574764, 128, 8, 48
SIGMA = 1 / N_BINS
W_PITCH, W_RECON, TAU, ENVELOPE = 1e4, 0.01, 0.25, 0.1
NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]


def read_mono16k(path):
    """An int16 mono 16 kHz WAV -> float32 [T] in [-1, 1)."""
    with wave.open(path, "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2 or w.getframerate() != 16000:
            raise SystemExit(f"{path}: expected int16 mono 16 kHz")
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return torch.from_numpy(pcm.astype(np.float32) / 32768)


def load_kernels(path, length):
    return torch.from_numpy(np.fromfile(path, dtype="<f4")).reshape(2 * N_BINS, 1, length)


@torch.no_grad()
def frames(audio, kernels):  # [T] -> [1 + T // HOP, 190]
    half = (kernels.shape[2] - 1) // 2
    y = F.conv1d(F.pad(audio[None, None], (half, half + 1)), kernels, stride=HOP)[0]  # [380, frames]
    mag = y.unflatten(0, (N_BINS, 2)).pow(2).sum(1).sqrt()  # [190, frames]
    db = ((mag + 1e-5).log10() * 20 + 100).div(100).clamp(0, 1).t()
    return (db - db.amax(1, keepdim=True)).mul(100 / 40).add(1).clamp(0, 1).contiguous()


def slices(x, k):  # [N, 190], [N] -> [N, 128]
    return x.gather(1, k[:, None] + torch.arange(BINS))


def envelope(x, gen):  # [N, 128] plus a random smooth envelope per row, clamped to [0, 1]
    u = torch.linspace(0, math.pi, x.shape[1])
    basis = torch.stack([f(u * j) for j in (1, 2, 3) for f in (torch.cos, torch.sin)])  # [6, 128]
    coefficients = torch.rand((x.shape[0], 6), generator=gen) * (2 * ENVELOPE) - ENVELOPE
    return (x + coefficients @ basis).clamp(0, 1)


def spice_step(net, items, gen):
    n = items.shape[0]
    k1 = torch.randint(0, MAX_SHIFT + 1, (n,), generator=gen)
    k2 = torch.randint(0, MAX_SHIFT + 1, (n,), generator=gen)
    clean1, clean2 = slices(items, k1), slices(items, k2)
    x1, x2 = envelope(clean1, gen), envelope(clean2, gen)
    pitch, confidence, _ = net(torch.cat([x1, x2]))
    y1, y2 = pitch.split(n)
    c1, c2 = confidence.split(n)
    lp, error = pitch_loss(y1, y2, k1.float(), k2.float(), SIGMA, TAU * SIGMA, "huber")
    lc = conf_loss(c1, c2, error, SIGMA)
    r1, r2 = net.decoder(pitch).split(n)
    lr = recon_loss(clean1, r1, clean2, r2)
    loss = lp * W_PITCH + lc + lr * W_RECON
    logs = {"pitch": lp.item(), "confidence": lc.item(), "recon": lr.item(), "errorBins": error.detach().mean().item() / SIGMA}
    return loss, logs


def train(width, dw, wav, kernels, length, batch, lr, warmup, steps):
    torch.manual_seed(0)
    audio, kernels = read_mono16k(wav), load_kernels(kernels, int(length))
    net = SpiceNet(BINS, int(width), int(dw), HIDDEN, coordinates=True).train()
    opt = torch.optim.AdamW(net.parameters(), lr=float(lr), weight_decay=0)
    gen = torch.Generator().manual_seed(1)
    clip = (int(batch) - 1) * HOP
    cqt = rest = 0.0
    for i in range(int(warmup) + int(steps)):
        t0 = time.perf_counter()
        items = frames(audio[i * clip:(i + 1) * clip], kernels)
        t1 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss, _ = spice_step(net, items, gen)
        loss.backward()
        loss = loss.item()
        opt.step()
        t2 = time.perf_counter()
        if i >= int(warmup):
            cqt, rest = cqt + t1 - t0, rest + t2 - t1
    n = int(steps)
    return {"seconds": (cqt + rest) / n, "cqt": cqt / n, "step": rest / n, "loss": loss, "frameMean": items.mean().item()}


def track(net, wav, kernels, b, s, threshold):
    """The pitch track: per frame time, Hz, MIDI, note name, confidence, voicing."""
    with torch.no_grad():
        x = frames(read_mono16k(wav), kernels)
        pitch, confidence, _ = net(slices(x, torch.full((x.shape[0],), MAX_SHIFT // 2)))
        hz = (pitch.double() * s + b).mul(math.log(2) / 12).exp().mul(F_MIN).float()
    out = []
    for t, (f, c) in enumerate(zip(hz.tolist(), confidence.tolist())):
        midi = 12 * math.log2(f / 440) + 69
        m = round(midi)
        out.append({"time": t * HOP / 16000, "hz": f, "midi": midi, "note": f"{NAMES[m % 12]}{m // 12 - 1}", "confidence": c, "voiced": c >= threshold})
    return out


def pitch(width, dw, wav, kernels, length, reps, b, s, threshold):
    torch.manual_seed(0)
    kernels = load_kernels(kernels, int(length))
    net = SpiceNet(BINS, int(width), int(dw), HIDDEN, coordinates=True).eval()
    best = math.inf
    for i in range(int(reps) + 1):
        t0 = time.perf_counter()
        out = track(net, wav, kernels, float(b), float(s), float(threshold))
        if i > 0:
            best = min(best, time.perf_counter() - t0)
    return {"seconds": best, "frames": len(out)}


if __name__ == "__main__":
    workload, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    run = {"train": train, "pitch": pitch}.get(workload)
    if run is None:
        raise SystemExit(f"unknown workload {workload}")
    print(json.dumps({"workload": workload, **run(*sys.argv[3:]), "threads": threads, "torch": torch.__version__}))
