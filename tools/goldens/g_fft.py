"""Goldens: torch.fft, stft/istft and window functions. Complex outputs are stored as
view_as_real (safetensors has no complex dtype)."""
import torch

F = torch.fft


def put_c(g, name, z):
    g.put(name, torch.view_as_real(z.resolve_conj()).contiguous())


def make(g):
    x = g.put("x", torch.randn(2, 8, dtype=torch.float64))
    xo = g.put("xo", torch.randn(3, 7, dtype=torch.float64))
    zr = g.put("z", torch.view_as_real(torch.randn(2, 6, dtype=torch.complex128)))
    z = torch.view_as_complex(zr)
    put_c(g, "fft", F.fft(x))
    put_c(g, "fft.n.ortho", F.fft(x, n=10, dim=-1, norm="ortho"))
    put_c(g, "fft.dim0.trim", F.fft(x, n=1, dim=0, norm="forward"))
    put_c(g, "fft.complex", F.fft(z))
    put_c(g, "ifft", F.ifft(z))
    put_c(g, "ifft.forward", F.ifft(z, n=4, norm="forward"))
    put_c(g, "rfft", F.rfft(x))
    put_c(g, "rfft.odd", F.rfft(xo, norm="forward"))
    put_c(g, "rfft.dim0", F.rfft(xo, dim=0, norm="ortho"))
    put_c(g, "rfft.float32", F.rfft(x.float()))
    g.put("irfft", F.irfft(z))
    g.put("irfft.n", F.irfft(z, n=9, norm="ortho"))
    g.put("irfft.roundtrip", F.irfft(F.rfft(xo), n=7))
    x3 = g.put("x3", torch.randn(2, 4, 6, dtype=torch.float64))
    put_c(g, "fft2", F.fft2(x3))
    put_c(g, "fft2.s", F.fft2(x3, s=(3, 8), norm="ortho"))
    put_c(g, "fft2.dim", F.fft2(x3, dim=(0, 2)))
    put_c(g, "ifft2", F.ifft2(F.fft2(x3)))
    g.put("rfftfreq", F.rfftfreq(8, 0.5))
    g.put("rfftfreq.odd", F.rfftfreq(9))
    g.put("fftfreq", F.fftfreq(7, 0.1))

    # ---- windows
    for name in ("hann", "hamming", "blackman"):
        fn = getattr(torch, f"{name}_window")
        g.put(f"{name}.periodic", fn(10))
        g.put(f"{name}.symmetric", fn(9, periodic=False))
        g.put(f"{name}.float64", fn(6, dtype=torch.float64))

    # ---- stft / istft
    sig = g.put("sig", torch.randn(2, 40, dtype=torch.float64))
    win = torch.hann_window(16, dtype=torch.float64)
    win12 = torch.hann_window(12, dtype=torch.float64)
    cases = {
        "center": dict(n_fft=16, hop_length=4, window=win),
        "nocenter": dict(n_fft=16, hop_length=4, window=win, center=False),
        "win12": dict(n_fft=16, hop_length=5, win_length=12, window=win12),
        "constant": dict(n_fft=16, hop_length=8, window=win, pad_mode="constant", normalized=True),
        "twosided": dict(n_fft=16, hop_length=4, window=win, onesided=False),
        "default": dict(n_fft=16),
    }
    for name, kw in cases.items():
        put_c(g, f"stft.{name}", torch.stft(sig, return_complex=True, **kw))
    put_c(g, "stft.1d", torch.stft(sig[0], 16, 4, window=win, return_complex=True))
    spec = torch.stft(sig, 16, 4, window=win, return_complex=True)  # = stft.center
    g.put("istft", torch.istft(spec, 16, 4, window=win))
    g.put("istft.length", torch.istft(spec, 16, 4, window=win, length=37))
    # A Hann window vanishes at the uncentred ends (no overlap-add there): use Hamming.
    ham = torch.hamming_window(16, dtype=torch.float64)
    spec_nc = torch.stft(sig, 16, 4, window=ham, center=False, return_complex=True)
    put_c(g, "spec.nocenter", spec_nc)
    g.put("istft.nocenter", torch.istft(spec_nc, 16, 4, window=ham, center=False))
    spec12 = torch.stft(sig, 16, 5, 12, window=win12, return_complex=True)
    g.put("istft.win12", torch.istft(spec12, 16, 5, 12, window=win12, length=40))
