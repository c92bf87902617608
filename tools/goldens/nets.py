"""Helpers shared by the goldens of networks."""
import torch


def randomize_batch_norm(net, kind):
    """Gives every `kind` (nn.BatchNorm1d / 2d) layer of `net` non-trivial affine parameters and running statistics,
    so that eval-mode parity checks exercise them (fresh layers hold 1, 0, 0, 1)."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, kind):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
