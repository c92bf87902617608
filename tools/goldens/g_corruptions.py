"""Goldens: the corruptions of src/views/image/corruptions.ts, for
test/views/corruptions.test.ts. Each corruption is rebuilt here from its
description with independent tools — torchvision 0.14 (gaussian_blur, rotate,
adjust_contrast), scipy.ndimage (the MNIST-C shear, the elastic field and
resampling), colorsys (the HSV brightness shift), PIL (BOX resize, JPEG) — at
the severities' parameters, with the random numbers drawn as the TypeScript
draws them from torch.Generator().manual_seed(SEED) (the CPU generator gives the
same numbers in both). Outputs are stored as float32 on the 0…255 scale before
any rounding (PIL's as its 8-bit results), so the tests can bound the 8-bit
rounding exactly."""
import colorsys
import io
import math

import numpy as np
import torch
import torchvision.transforms.functional as TF
from PIL import Image
from scipy import ndimage
from torchvision.transforms import InterpolationMode

SEED = 7
SEVERITIES = [1, 2, 3, 4, 5]
NOISE = [0.04, 0.06, 0.08, 0.09, 0.10]
IMPULSE = [0.01, 0.02, 0.03, 0.05, 0.07]
BLUR = [0.4, 0.6, 0.7, 0.8, 1.0]
CONTRAST = [0.75, 0.5, 0.4, 0.3, 0.15]
BRIGHTNESS = [0.05, 0.1, 0.15, 0.2, 0.3]
ANGLES = [0.2, 0.4, 0.6, 0.8, 1.0]
PIXELATE = [0.95, 0.9, 0.85, 0.75, 0.65]
QUALITY = [80, 65, 58, 50, 40]
ELASTIC = [(0, 0, 0.08), (0.05, 0.2, 0.07), (0.08, 0.06, 0.06), (0.1, 0.04, 0.05), (0.1, 0.03, 0.03)]


def gen():
    return torch.Generator().manual_seed(SEED)


def images():
    """Digit-like grey images (strokes on black) [3, 1, 28, 28] and a textured RGB image [1, 3, 32, 32], uint8."""
    blobs = TF.gaussian_blur(torch.rand(3, 1, 28, 28), [7, 7], [1.5, 1.5])
    gray = torch.where(blobs > blobs.mean(), (blobs * 400).clamp(0, 255), torch.zeros(()))
    gray[2, 0, 4:24, 12:15] = 255.0  # a hard vertical stroke
    rgb = TF.gaussian_blur(torch.rand(1, 3, 32, 32), [5, 5], [1.0, 1.0]) * 255
    rgb[0, :, 8:20, 8:20] = torch.tensor([250.0, 20.0, 120.0]).view(3, 1, 1)
    return gray.round().to(torch.uint8), rgb.round().to(torch.uint8)


def signs(n):
    return torch.where(torch.rand(n, 1, generator=gen()) < 0.5, -1.0, 1.0)[:, 0].tolist()


def brightness(x, c):
    """ImageNet-C: HSV value + c per pixel (colorsys); grey images through RGB and back."""
    out = np.empty_like(x)
    rgb = np.repeat(x, 3, axis=1) if x.shape[1] == 1 else x
    for n in range(x.shape[0]):
        for i in range(x.shape[2]):
            for j in range(x.shape[3]):
                h, s, v = colorsys.rgb_to_hsv(*rgb[n, :, i, j])
                p = colorsys.hsv_to_rgb(h, s, min(v + c, 1.0))
                out[n, :, i, j] = p[0] if x.shape[1] == 1 else p
    return out


def shear(x, c):
    """MNIST-C: skimage AffineTransform(shear=c) as the inverse map about the centre, bilinear, zeros outside."""
    out = np.empty_like(x)
    for n, s in enumerate(signs(x.shape[0])):
        a = s * c
        m = np.array([[math.cos(a), 0.0], [-math.sin(a), 1.0]])  # (row, col) of the input from the output
        ctr = (np.array(x.shape[2:]) - 1) / 2
        for k in range(x.shape[1]):
            out[n, k] = ndimage.affine_transform(x[n, k], m, offset=ctr - m @ ctr, order=1, mode="grid-constant", cval=0.0)
    return out


def affine_from(src, dst):
    a = np.hstack([src, np.ones((3, 1))])
    return np.linalg.solve(a, dst).T  # [2, 3]: dst = M [x, y, 1]


def elastic(x, frac):
    n, c, h, w = x.shape
    alpha, sigma, jitter = (v * min(h, w) for v in frac)
    g = gen()
    u = torch.rand(n, 6, generator=g).double().numpy()
    field = None
    if alpha > 0:
        field = (torch.rand(2 * n, 1, h, w, generator=g).double().numpy() * 2 - 1).reshape(n, 2, h, w)
    cx, cy, s = w // 2, h // 2, min(h, w) // 3
    src = np.array([[cx + s, cy + s], [cx + s, cy - s], [cx - s, cy - s]], dtype=np.float64)
    ys, xs = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    out = np.empty_like(x)
    for i in range(n):
        dst = src + jitter * (2 * u[i].reshape(3, 2) - 1)
        fwd = np.vstack([affine_from(src, dst), [0, 0, 1]])
        inv = np.linalg.inv(fwd)
        qx, qy = xs.astype(np.float64), ys.astype(np.float64)
        if field is not None:
            radius = min(int(3 * sigma + 0.5), min(h, w) - 1)
            d = [ndimage.gaussian_filter(field[i, k], sigma, mode="mirror", radius=radius) * alpha for k in range(2)]
            qx, qy = qx + d[0], qy + d[1]
        ix = inv[0, 0] * qx + inv[0, 1] * qy + inv[0, 2]
        iy = inv[1, 0] * qx + inv[1, 1] * qy + inv[1, 2]
        for k in range(c):
            out[i, k] = ndimage.map_coordinates(x[i, k], [iy, ix], order=1, mode="reflect")
    return np.clip(out, 0, 1)


def pil_each(x8, fn):
    out = []
    for im in x8.numpy():
        pil = Image.fromarray(im[0]) if im.shape[0] == 1 else Image.fromarray(im.transpose(1, 2, 0))
        a = np.asarray(fn(pil))
        out.append(a[None] if a.ndim == 2 else a.transpose(2, 0, 1))
    return torch.from_numpy(np.stack(out))


def pixelate(x8, f):
    h, w = x8.shape[2:]
    return pil_each(x8, lambda im: im.resize((int(w * f), int(h * f)), Image.BOX).resize((w, h), Image.BOX))


def jpeg(x8, q):
    def rt(im):
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=q)
        return Image.open(io.BytesIO(buf.getvalue())).convert(im.mode)

    return pil_each(x8, rt)


def make(g):
    gray8, rgb8 = images()
    for tag, x8 in (("gray", gray8), ("rgb", rgb8)):
        g.put(f"{tag}.x", x8)
        x = x8.double() / 255
        xf = x8.float() / 255
        for s in SEVERITIES:
            k = s - 1
            put = lambda name, y: g.put(f"{tag}.{name}.{s}", (torch.as_tensor(y).double() * 255).float())
            put("gaussianNoise", (x + torch.randn(x.shape, generator=gen()).double() * NOISE[k]).clamp(0, 1))
            u = torch.rand(x.shape, generator=gen()).double()
            put("impulseNoise", torch.where(u < IMPULSE[k] / 2, 0.0, torch.where(u < IMPULSE[k], 1.0, x)))
            sigma = BLUR[k]
            size = 2 * math.floor(4 * sigma + 0.5) + 1
            put("blur", TF.gaussian_blur(xf, [size, size], [sigma, sigma]))
            mean = x.mean((2, 3), keepdim=True)
            put("contrast", ((x - mean) * CONTRAST[k] + mean).clamp(0, 1))
            if tag == "gray":
                put("contrast.torchvision", TF.adjust_contrast(xf, CONTRAST[k]))
            put("brightness", brightness(x.numpy(), BRIGHTNESS[k]))
            rot = [TF.rotate(xf[i], sgn * math.degrees(ANGLES[k]), interpolation=InterpolationMode.BILINEAR) for i, sgn in enumerate(signs(x.shape[0]))]
            put("rotate", torch.stack(rot).clamp(0, 1))
            put("shear", np.clip(shear(x.numpy(), ANGLES[k]), 0, 1))
            put("elastic", elastic(x.numpy(), ELASTIC[k]))
            g.put(f"{tag}.pixelate.{s}", pixelate(x8, PIXELATE[k]))
            g.put(f"{tag}.jpeg.{s}", jpeg(x8, QUALITY[k]))
