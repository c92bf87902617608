"""Goldens: the audio front ends against torchaudio 0.13 (Debian python3-torchaudio): MFCCs and deltas,
mel filterbanks (melscale_fbanks), mel / log-mel spectrograms (transforms.MelSpectrogram,
TRILL settings: Shor et al., 2020) and band-limited resampling (functional.resample, in float64: torchaudio builds its
kernel in the input dtype, and float32 kernels differ by ~4e-5 from the exact ones)."""
import torch
import torchaudio

TA = torchaudio.functional
T = torchaudio.transforms


def make(g):
    g.put("fb.htk", TA.melscale_fbanks(257, 125.0, 7500.0, 64, 16000, None, "htk"))
    g.put("fb.slaney", TA.melscale_fbanks(65, 0.0, 4000.0, 16, 8000, "slaney", "slaney"))

    wave = g.put("mel.wave", 0.1 * torch.randn(2, 1600))
    trill = T.MelSpectrogram(sample_rate=16000, n_fft=512, win_length=400, hop_length=160, f_min=125.0,
                             f_max=7500.0, n_mels=64, power=2.0, mel_scale="htk")
    g.put("mel.trill.log", torch.log(trill(wave) + 0.001))
    other = T.MelSpectrogram(sample_rate=8000, n_fft=256, win_length=200, hop_length=128, f_min=0.0, f_max=4000.0,
                             n_mels=16, power=1.0, norm="slaney", mel_scale="slaney", center=False)
    g.put("mel.slaney.power1", other(wave))

    x16 = g.put("resample.x16k", torch.randn(1, 800, dtype=torch.float64))
    g.put("resample.16k_22050", TA.resample(x16, 16000, 22050))
    x48 = g.put("resample.x48k", torch.randn(1, 1200, dtype=torch.float64))
    g.put("resample.48k_16k", TA.resample(x48, 48000, 16000))
    x44 = g.put("resample.x44k", torch.randn(1, 882, dtype=torch.float64))
    g.put("resample.44100_16k", TA.resample(x44, 44100, 16000, lowpass_filter_width=4, rolloff=0.9))
    # Co-prime rates (L = 640, M = 1009, both far above the filter width) and a [2, 3, T] batch:
    # every phase offset ⌊p·M/L⌋ differs, which a per-phase tap window must reproduce.
    xc = g.put("resample.x1009", torch.randn(2, 3, 500, dtype=torch.float64))
    g.put("resample.1009_640", TA.resample(xc, 1009, 640))
    g.put("resample.640_1009", TA.resample(xc, 640, 1009, lowpass_filter_width=3, rolloff=0.8))

    # MFCCs of the TRILL log-mel (the orthonormal DCT-II of create_dct) and their deltas (compute_deltas, ±2 frames).
    dct = g.put("mfcc.dct", TA.create_dct(20, 64, "ortho"))
    logmel = torch.log(trill(wave) + 0.001)
    mf = g.put("mfcc.trill", torch.matmul(logmel.transpose(-1, -2), dct).transpose(-1, -2))
    g.put("mfcc.deltas", TA.compute_deltas(mf))
    g.put("mfcc.deltas7", TA.compute_deltas(mf, win_length=7))
