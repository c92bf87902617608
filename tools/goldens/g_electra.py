"""Goldens: ELECTRA (Clark et al., 2020) written from the paper's eq. 1 and Hugging
Face's ELECTRA layer definitions (names and maths), in float64: the
replaced-token-detection loss, Gumbel-max sampling, the discriminator's and the
generator's forward passes from weights under Hugging Face's key names, and one
whole ELECTRA step (loss and gradients) on fixed masking and noise."""
import math

import torch
import torch.nn.functional as F

V, E, H, HG, LAYERS, HEADS, HEADS_G, FFN, FFN_G, POS = 50, 12, 16, 8, 2, 2, 1, 24, 12, 10
EPS = 1e-12


def rand_weights(g, prefix, hidden, heads, ffn, head):
    """HF-named weights of one encoder (no embeddings) and its head, N(0, 0.2^2) so every layer matters."""
    w = {}

    def lin(name, o, i):
        w[f"{prefix}{name}.weight"] = torch.randn(o, i, dtype=torch.float64) * 0.2
        w[f"{prefix}{name}.bias"] = torch.randn(o, dtype=torch.float64) * 0.1

    def ln(name, d):
        w[f"{prefix}{name}.weight"] = 1 + torch.randn(d, dtype=torch.float64) * 0.1
        w[f"{prefix}{name}.bias"] = torch.randn(d, dtype=torch.float64) * 0.1

    lin("electra.embeddings_project", hidden, E)
    for i in range(LAYERS):
        p = f"electra.encoder.layer.{i}."
        for n in ("query", "key", "value"):
            lin(p + "attention.self." + n, hidden, hidden)
        lin(p + "attention.output.dense", hidden, hidden)
        ln(p + "attention.output.LayerNorm", hidden)
        lin(p + "intermediate.dense", ffn, hidden)
        lin(p + "output.dense", hidden, ffn)
        ln(p + "output.LayerNorm", hidden)
    if head == "disc":
        lin("discriminator_predictions.dense", hidden, hidden)
        lin("discriminator_predictions.dense_prediction", 1, hidden)
    else:
        lin("generator_predictions.dense", E, hidden)
        ln("generator_predictions.LayerNorm", E)
        w[f"{prefix}generator_lm_head.bias"] = torch.randn(V, dtype=torch.float64) * 0.1
    return w


def embeddings(w, ids):
    t = ids.shape[1]
    x = w["emb.word_embeddings.weight"][ids] + w["emb.position_embeddings.weight"][:t] + w["emb.token_type_embeddings.weight"][0]
    return F.layer_norm(x, (E,), w["emb.LayerNorm.weight"], w["emb.LayerNorm.bias"], EPS)


def encoder(w, p, x, mask, hidden, heads):
    """Hugging Face's ElectraModel after the embeddings: projection, post-norm layers, additive key mask."""
    lin = lambda n, v: F.linear(v, w[p + n + ".weight"], w[p + n + ".bias"])  # noqa: E731
    h = lin("electra.embeddings_project", x)
    b, t, _ = h.shape
    d = hidden // heads
    add = (1 - mask[:, None, None, :].double()) * -1e30
    for i in range(LAYERS):
        q, k, v = (lin(f"electra.encoder.layer.{i}.attention.self.{n}", h).view(b, t, heads, d).transpose(1, 2) for n in ("query", "key", "value"))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + add, dim=-1)
        ctx = (att @ v).transpose(1, 2).reshape(b, t, hidden)
        a = F.layer_norm(lin(f"electra.encoder.layer.{i}.attention.output.dense", ctx) + h, (hidden,),
                         w[p + f"electra.encoder.layer.{i}.attention.output.LayerNorm.weight"], w[p + f"electra.encoder.layer.{i}.attention.output.LayerNorm.bias"], EPS)
        f = lin(f"electra.encoder.layer.{i}.output.dense", F.gelu(lin(f"electra.encoder.layer.{i}.intermediate.dense", a)))
        h = F.layer_norm(f + a, (hidden,), w[p + f"electra.encoder.layer.{i}.output.LayerNorm.weight"], w[p + f"electra.encoder.layer.{i}.output.LayerNorm.bias"], EPS)
    return h


def disc_logits(w, ids, mask):
    h = encoder(w, "disc.", embeddings(w, ids), mask, H, HEADS)
    z = F.gelu(F.linear(h, w["disc.discriminator_predictions.dense.weight"], w["disc.discriminator_predictions.dense.bias"]))
    return F.linear(z, w["disc.discriminator_predictions.dense_prediction.weight"], w["disc.discriminator_predictions.dense_prediction.bias"]).squeeze(-1)


def gen_logits(w, ids, mask, positions):
    h = encoder(w, "gen.", embeddings(w, ids), mask, HG, HEADS_G).reshape(-1, HG)[positions]
    z = F.layer_norm(F.gelu(F.linear(h, w["gen.generator_predictions.dense.weight"], w["gen.generator_predictions.dense.bias"])), (E,),
                     w["gen.generator_predictions.LayerNorm.weight"], w["gen.generator_predictions.LayerNorm.bias"], EPS)
    return F.linear(z, w["emb.word_embeddings.weight"], w["gen.generator_lm_head.bias"])


def rtd(logits, replaced, weights):
    per = F.binary_cross_entropy_with_logits(logits, replaced, reduction="none")
    return (per * weights).sum() / weights.sum()


def make(g):
    # The RTD loss alone, with padding (weights 0) and its gradient.
    logits = g.put("rtd.logits", torch.randn(4, 6, dtype=torch.float64) * 2)
    replaced = g.put("rtd.replaced", (torch.rand(4, 6) < 0.3).double())
    weights = g.put("rtd.weights", torch.tensor([[1.0] * 6, [1.0] * 4 + [0.0] * 2, [1.0] * 5 + [0.0], [1.0] * 6], dtype=torch.float64))
    leaf = logits.clone().requires_grad_()
    loss = rtd(leaf, replaced, weights)
    loss.backward()
    g.put("rtd.loss", loss)
    g.put("rtd.grad", leaf.grad)

    # Gumbel-max: argmax of logits - log(-log u); rows whose top two are at least 0.05 apart.
    lg = g.put("gumbel.logits", torch.randn(6, 9, dtype=torch.float64))
    u = g.put("gumbel.uniform", torch.rand(6, 9, dtype=torch.float64) * 0.98 + 0.01)
    scores = lg - torch.log(-torch.log(u))
    top = scores.topk(2, dim=1).values
    assert bool(((top[:, 0] - top[:, 1]) > 0.05).all()), "reseed: a near tie"
    g.put("gumbel.sample", scores.argmax(dim=1))

    # Weights under Hugging Face's names: shared embeddings ("emb."), discriminator ("disc."), generator ("gen.").
    w = {
        "emb.word_embeddings.weight": torch.randn(V, E, dtype=torch.float64) * 0.5,
        "emb.position_embeddings.weight": torch.randn(POS, E, dtype=torch.float64) * 0.2,
        "emb.token_type_embeddings.weight": torch.randn(2, E, dtype=torch.float64) * 0.2,
        "emb.LayerNorm.weight": 1 + torch.randn(E, dtype=torch.float64) * 0.1,
        "emb.LayerNorm.bias": torch.randn(E, dtype=torch.float64) * 0.1,
    }
    w.update(rand_weights(g, "disc.", H, HEADS, FFN, "disc"))
    w.update(rand_weights(g, "gen.", HG, HEADS_G, FFN_G, "gen"))
    for k, t in w.items():
        g.put("w." + k, t)

    ids = g.put("ids", torch.tensor([[2, 11, 12, 13, 14, 15, 16, 17, 3], [2, 21, 22, 23, 24, 3, 0, 0, 0]]))
    mask = g.put("mask", (ids != 0).long())
    g.put("disc.logits", disc_logits(w, ids, mask))
    masked = g.put("masked", torch.tensor([[2, 11, 4, 13, 14, 4, 16, 17, 3], [2, 4, 22, 23, 4, 3, 0, 0, 0]]))
    positions = g.put("positions", torch.tensor([2, 5, 10, 13]))
    gl = gen_logits(w, masked, mask, positions)
    g.put("gen.logits", gl)

    # One ELECTRA step (eq. 1, lambda = 50) on fixed masking and noise: loss and gradients.
    noise = g.put("step.uniform", torch.rand(4, V, dtype=torch.float64) * 0.98 + 0.01)
    leaves = {k: t.clone().requires_grad_() for k, t in w.items()}
    gl = gen_logits(leaves, masked, mask, positions)
    targets = ids.reshape(-1)[positions]
    mlm = F.cross_entropy(gl, targets)
    sample = (gl.detach() - torch.log(-torch.log(noise))).argmax(dim=1)
    corrupted = ids.reshape(-1).clone()
    corrupted[positions] = sample
    corrupted = corrupted.view_as(ids)
    repl = (corrupted != ids).double()
    dl = disc_logits(leaves, corrupted, mask)
    disc = rtd(dl, repl, mask.double())
    loss = mlm + 50 * disc
    loss.backward()
    g.put("step.sample", sample)
    g.put("step.mlm", mlm)
    g.put("step.disc", disc)
    g.put("step.loss", loss)
    for k in ("emb.word_embeddings.weight", "disc.discriminator_predictions.dense_prediction.weight", "gen.generator_lm_head.bias",
              "gen.electra.encoder.layer.0.attention.self.query.weight", "disc.electra.encoder.layer.1.output.dense.weight"):
        g.put("step.grad." + k, leaves[k].grad)
