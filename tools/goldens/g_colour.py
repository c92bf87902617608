"""Goldens: colour spaces of the channel-split views (src/views/image/colour-space.ts),
for test/views/colour-space.test.ts. Reference formulas in float64 numpy (no
skimage in Debian's python3): skimage.color.colorconv's rgb2xyz / xyz2lab
(sRGB companding, xyz_from_rgb, D65 2° white, f(t) = cbrt above 0.008856),
rgb2ydbdr and rgb2yiq (their matrices), and JPEG's full-range YCbCr (ITU-T
T.871 §7: Cb = (B - Y)/1.772, Cr = (R - Y)/1.402, offset 128/255), checked
against PIL's YCbCr within rounding. Each space's channels are scaled to about
[0, 1] as the TypeScript documents."""
import numpy as np
import torch
from PIL import Image

LUMA = [0.299, 0.587, 0.114]
XYZ_FROM_RGB = np.array([[0.412453, 0.357580, 0.180423], [0.212671, 0.715160, 0.072169], [0.019334, 0.119193, 0.950227]])
D65 = np.array([0.95047, 1.0, 1.08883])
YDBDR = np.array([LUMA, [-0.45, -0.883, 1.333], [-1.333, 1.116, 0.217]])
YIQ = np.array([LUMA, [0.59590059, -0.27455667, -0.32134392], [0.21153661, -0.52273617, 0.31119955]])


def mat(m, x):  # x [N, 3, H, W]
    return np.einsum("ij,njhw->nihw", m, x)


def xyz_over_white(rgb):
    lin = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    return mat(XYZ_FROM_RGB, lin) / D65.reshape(1, 3, 1, 1)


def lab(rgb):
    t = xyz_over_white(rgb)
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    fx, fy, fz = f[:, 0], f[:, 1], f[:, 2]
    L, a, b = 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)
    return np.stack([L / 100, (a + 128) / 255, (b + 128) / 255], 1)


def ycbcr(rgb):
    r, g, b = rgb[:, 0], rgb[:, 1], rgb[:, 2]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    return np.stack([y, (b - y) / 1.772 + 0.5, (r - y) / 1.402 + 0.5], 1)


def hsv(rgb):
    mx, mn = rgb.max(1), rgb.min(1)
    c = mx - mn
    r, g, b = rgb[:, 0], rgb[:, 1], rgb[:, 2]
    safe = np.where(c > 0, c, 1)
    h6 = np.where(r == mx, (g - b) / safe, np.where(g == mx, (b - r) / safe + 2, (r - g) / safe + 4))
    h = np.where(c > 0, np.mod(h6, 6) / 6, 0)
    return np.stack([h, np.where(mx > 0, c / np.where(mx > 0, mx, 1), 0), mx], 1)


def scaled(m, half):  # channel 0 in [0, 1]; channels 1, 2 symmetric in [-half_i, half_i] → [0, 1]
    def f(rgb):
        v = mat(m, rgb)
        return np.stack([v[:, 0], v[:, 1] / (2 * half[0]) + 0.5, v[:, 2] / (2 * half[1]) + 0.5], 1)

    return f


SPACES = {
    "lab": lab,
    "xyz": xyz_over_white,
    "ydbdr": scaled(YDBDR, [1.333, 1.333]),
    "ycbcr": ycbcr,
    "yiq": scaled(YIQ, [0.59590059, 0.52273617]),
    "hsv": hsv,
}


def images():
    x = torch.rand(2, 3, 8, 10)
    corners = torch.tensor([[0, 0, 0], [1, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1], [0.5, 0.5, 0.5], [0.02, 0.03, 0.01]])
    x[0, :, 0, :] = corners.T  # black, white, primaries, secondaries, grey, a near-black in Lab's linear branch
    return x


def make(g):
    x = g.put("x", images())
    rgb = x.double().numpy()
    for name, fn in SPACES.items():
        g.put(name, torch.from_numpy(fn(rgb)).float())
    u8 = (rgb[1].transpose(1, 2, 0) * 255).round().astype(np.uint8)
    pil = np.asarray(Image.fromarray(u8, "RGB").convert("YCbCr"), dtype=np.float64).transpose(2, 0, 1)
    ours = ycbcr(u8.transpose(2, 0, 1)[None] / 255.0)[0] * 255
    assert np.abs(pil - ours).max() <= 1.0, "YCbCr disagrees with PIL beyond rounding"
