"""Goldens: RandAugment's ops (src/views/image/affine.ts, enhance.ts) against
torchvision.transforms.functional 0.14 on tensors with explicit parameters, for
test/views/randaugment.test.ts. Per-sample parameters are applied by torchvision
one image at a time and stacked. posterize and equalize run on uint8 in
torchvision: their input is stored as uint8 / 255 (exact 8-bit levels) and
their output as uint8 / 255."""
import math

import torch
import torchvision.transforms.functional as TF
from torchvision.transforms import InterpolationMode

MODES = {"nearest": InterpolationMode.NEAREST, "bilinear": InterpolationMode.BILINEAR}
FILL = [0.2, 0.4, 0.6]


def per_sample(fn, x, params):
    return torch.stack([fn(x[i], p) for i, p in enumerate(params)])


def make(g):
    x = g.put("x", torch.rand(2, 3, 10, 12))
    x8 = torch.randint(0, 256, (2, 3, 10, 12), dtype=torch.uint8)
    x8[0, 1] = 77                       # a flat channel: equalize's step 0, autocontrast's max == min
    x8[1, 2] = torch.where(torch.rand(10, 12) < 0.3, 10, 200).to(torch.uint8)  # two levels
    x8[1, 0, :5] = x8[1, 0, :5] // 4    # a skewed histogram
    g.put("x8", x8.float() / 255)

    for mode, interp in MODES.items():
        for fill in (None, FILL):
            tag = f"{mode}.{'fill' if fill else 'zeros'}"
            g.put(f"rotate.{tag}", per_sample(lambda im, a: TF.rotate(im, a, interpolation=interp, fill=fill), x, [30.0, -17.5]))
            g.put(f"affine.{tag}", TF.affine(x, angle=10.0, translate=[2, -1], scale=1.1, shear=[5.0, -3.0], interpolation=interp, fill=fill))
        fill = FILL
        for axis, f in (("x", [0.23, -0.17]), ("y", [-0.29, 0.11])):
            shear = lambda im, v: TF.affine(im, angle=0.0, translate=[0, 0], scale=1.0,
                                            shear=[math.degrees(math.atan(v)), 0.0] if axis == "x" else [0.0, math.degrees(math.atan(v))],
                                            interpolation=interp, fill=fill, center=[0, 0])
            g.put(f"shear{axis}.{mode}", per_sample(shear, x, f))
        g.put(f"translate.{mode}", per_sample(lambda im, t: TF.affine(im, angle=0.0, translate=list(t), scale=1.0, shear=[0.0, 0.0],
                                                                      interpolation=interp, fill=fill), x, [(3, -2), (-4, 1)]))
    g.put("affine.center", TF.affine(x, angle=-25.0, translate=[1, 2], scale=0.9, shear=[0.0, 0.0], center=[0, 0],
                                     interpolation=InterpolationMode.BILINEAR))

    for f in (0.0, 0.5, 1.7):
        g.put(f"sharpness.{f}", TF.adjust_sharpness(x, f))
    g.put("sharpness.each", per_sample(TF.adjust_sharpness, x, [0.3, 1.9]))

    g.put("autocontrast", TF.autocontrast(x * 0.5 + 0.2))
    g.put("autocontrast.x8", TF.autocontrast(x8.float() / 255))

    for bits in (0, 1, 4, 7, 8):
        g.put(f"posterize.{bits}", TF.posterize(x8, bits).float() / 255)
    g.put("posterize.each", per_sample(TF.posterize, x8, [2, 6]).float() / 255)
    g.put("equalize", TF.equalize(x8).float() / 255)
