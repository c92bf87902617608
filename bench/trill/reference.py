#!/usr/bin/python3
"""PyTorch + torchaudio side of bench/trill: TRILL's training step from audio, the
same computation as run.ts, timed like it.

Front end: torchaudio.transforms.MelSpectrogram(16 kHz, n_fft 512, win 400,
hop 160, 64 HTK mels over 125-7500 Hz, power 2, centred, reflect padding),
log(mel + 0.001), transposed to [clips, frames, 64]. Step: two 96-frame windows
of each clip at offsets uniform on [0, frames - 96], the TrillNet mirror of
tools/goldens/g_trill.py on both (one batch), L2-normalised embeddings, the
triplet loss of g_trill.py with semi-hard mining, margin 0.2, each clip its own
group; backward; AdamW (weight decay 0).

Usage:
  reference.py train <threads> <width> <audio.f32> <batch> <clip samples> <lr> <warmup> <steps>
    -> {"seconds", "mel", "step" (per step), "loss" (the last)}"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
import torchaudio

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "goldens"))
from g_trill import TrillNet, triplet_loss  # noqa: E402

MEL = torchaudio.transforms.MelSpectrogram(
    sample_rate=16000, n_fft=512, win_length=400, hop_length=160, f_min=125, f_max=7500, n_mels=64, power=2.0,
    center=True, pad_mode="reflect", norm=None, mel_scale="htk")


def train(width, path, batch, clip, lr, warmup, steps):
    torch.manual_seed(0)
    batch, clip, warmup, steps = int(batch), int(clip), int(warmup), int(steps)
    audio = torch.from_numpy(np.fromfile(path, dtype="<f4"))
    net = TrillNet(int(width), 1, 512).train()
    opt = torch.optim.AdamW(net.parameters(), lr=float(lr), weight_decay=0)
    gen = torch.Generator().manual_seed(1)
    mel = rest = 0.0
    for i in range(warmup + steps):
        starts = [((i * batch + j) * clip) % (len(audio) - clip) for j in range(batch)]
        t0 = time.perf_counter()
        with torch.no_grad():
            items = (MEL(torch.stack([audio[s:s + clip] for s in starts])) + 0.001).log().transpose(1, 2).contiguous()
        t1 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        span = items.shape[1] - 96 + 1
        rows = [torch.randint(0, span, (batch,), generator=gen)[:, None] + torch.arange(96) for _ in range(2)]
        a, p = (items.gather(1, r[:, :, None].expand(-1, -1, 64))[:, None] for r in rows)
        emb = F.normalize(net.features(torch.cat([a, p]), "embedding"), dim=1)
        loss = triplet_loss(emb[:batch], emb[batch:], 0.2, "semi-hard")
        loss.backward()
        value = loss.item()
        opt.step()
        t2 = time.perf_counter()
        if i >= warmup:
            mel, rest = mel + t1 - t0, rest + t2 - t1
    return {"seconds": (mel + rest) / steps, "mel": mel / steps, "step": rest / steps, "loss": value}


if __name__ == "__main__":
    workload, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    if workload != "train":
        raise SystemExit(f"unknown workload {workload}")
    print(json.dumps({"workload": workload, **train(*sys.argv[3:]), "threads": threads, "torch": torch.__version__}))
