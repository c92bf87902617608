"""Goldens: image views (src/views) against torchvision.transforms.functional on
float tensors with fixed parameters, for test/views/*.test.ts. Per-sample
parameters are applied by torchvision one image at a time and stacked."""
import torch
import torchvision.transforms.functional as TF

BOXES = [  # (name, top, left, height, width, size): upsampling, downsampling, mixed, whole image
    ("up", 2, 3, 5, 6, [16, 16]),
    ("down", 0, 1, 9, 11, [4, 5]),
    ("mixed", 1, 2, 7, 4, [5, 12]),
    ("whole", 0, 0, 9, 12, [9, 12]),
]


def per_sample(fn, x, params):
    return torch.stack([fn(x[i], p) for i, p in enumerate(params)])


def images(shape):
    x = torch.rand(shape)
    if shape[1] == 3:
        x[:, :, 0, :4] = x[:, :1, 0, :4]        # grey pixels (max == min: hue and saturation 0)
        x[:, 1, 1, :3] = x[:, 0, 1, :3]         # max shared by R and G
        x[:, 2, 2, :3] = x[:, 1, 2, :3] + 0.01  # ties and near-ties between G and B
        x[0, :, 3, 0] = torch.tensor([1.0, 0.0, 0.0])
        x[0, :, 3, 1] = torch.tensor([0.0, 0.0, 1.0])
    return x


def make(g):
    x = g.put("x", images((2, 3, 9, 12)))
    x1 = g.put("x1", images((2, 1, 9, 12)))

    g.put("gray", TF.rgb_to_grayscale(x))
    g.put("gray3", TF.rgb_to_grayscale(x, num_output_channels=3))
    for name, fn, factors, each in [
        ("brightness", TF.adjust_brightness, [0.0, 0.5, 1.3], [0.7, 1.6]),
        ("contrast", TF.adjust_contrast, [0.0, 0.4, 1.7], [0.3, 1.4]),
        ("saturation", TF.adjust_saturation, [0.0, 0.5, 2.0], [0.2, 1.8]),
        ("hue", TF.adjust_hue, [-0.5, -0.2, 0.0, 0.13, 0.5], [-0.3, 0.25]),
    ]:
        for f in factors:
            g.put(f"{name}.{f}", fn(x, f))
            g.put(f"{name}.gray.{f}", fn(x1, f))
        g.put(f"{name}.each", per_sample(fn, x, each))

    for k, s in [(3, 0.7), (5, 1.5), (5, 0.1)]:
        g.put(f"blur.{k}.{s}", TF.gaussian_blur(x, [k, k], [s, s]))
    g.put("blur.gray.5.1.0", TF.gaussian_blur(x1, [5, 5], [1.0, 1.0]))
    g.put("blur.each", per_sample(lambda im, s: TF.gaussian_blur(im, [5, 5], [s, s]), x, [0.3, 2.0]))

    g.put("solarize.0.5", TF.solarize(x, 0.5))
    g.put("solarize.each", per_sample(TF.solarize, x, [0.3, 0.8]))

    for name, top, left, h, w, size in BOXES:
        g.put(f"crop.{name}", TF.resized_crop(x, top, left, h, w, size, antialias=False))
    g.put("crop.gray.up", TF.resized_crop(x1, 2, 3, 5, 6, [16, 16], antialias=False))
    boxes = [(1, 2, 6, 5), (3, 0, 4, 12)]
    g.put("crop.each", torch.stack([TF.resized_crop(x[i], *b, [7, 7], antialias=False) for i, b in enumerate(boxes)]))

    g.put("hflip", TF.hflip(x))
    g.put("normalize", TF.normalize(x, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]))

    # Statistics of torchvision's RandomResizedCrop boxes (default scale and ratio) over
    # many draws: [mean, std] of the area fraction and of log(width / height), mean height, mean width.
    from torchvision.transforms import RandomResizedCrop
    for hh, ww in [(32, 32), (20, 50)]:
        img = torch.empty(1, hh, ww)
        boxes = torch.tensor([RandomResizedCrop.get_params(img, [0.08, 1.0], [3 / 4, 4 / 3]) for _ in range(20000)], dtype=torch.float64)
        area = boxes[:, 2] * boxes[:, 3] / (hh * ww)
        aspect = (boxes[:, 3] / boxes[:, 2]).log()
        g.put(f"cropStats.{hh}x{ww}", torch.stack([area.mean(), area.std(), aspect.mean(), aspect.std(), boxes[:, 2].mean(), boxes[:, 3].mean()]))
