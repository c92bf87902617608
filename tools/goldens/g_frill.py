"""Goldens: FRILL's distillation loss (Peplinski et al. 2021, §3.1): the mean
squared error between a student's outputs and its teacher's targets, float64
[5, 7] from the family's seed (torch.manual_seed(0)), the targets at a scale of 3
so the two inputs differ in magnitude; the gradient reaches the student only.
"""
import torch


def make(g):
    student = g.put("mse.student", torch.randn(5, 7, dtype=torch.float64).requires_grad_())
    target = g.put("mse.target", 3 * torch.randn(5, 7, dtype=torch.float64))
    loss = torch.nn.functional.mse_loss(student, target)
    g.put("mse.loss", loss)
    loss.backward()
    g.put("mse.grad_student", student.grad)
