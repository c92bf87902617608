"""Goldens: nn.MultiheadAttention, nn.TransformerEncoder(Layer) and a BERT-style encoder.

State dicts are stored as "<prefix>.sd.<key>" so the tests load them with
loadStateDict. Parameters are re-drawn (not the layers' own init, which would
give near-uniform attention and identical deep-copied layers) so that every
weight matters. Outputs are computed with autograd on, which keeps PyTorch off
its fused/nested-tensor fast paths (those zero the outputs at padded positions).
"""
import torch
import torch.nn as nn


def redraw(module, std=None):
    """Weights ~ N(0, 1/fan_in) (or std), biases ~ N(0, 0.1²), LayerNorm γ ~ 1 + N(0, 0.1²)."""
    with torch.no_grad():
        for m in module.modules():
            for name, p in m.named_parameters(recurse=False):
                if isinstance(m, nn.LayerNorm) and name == "weight":
                    p.copy_(1 + 0.1 * torch.randn_like(p))
                elif p.dim() == 1:
                    p.copy_(0.1 * torch.randn_like(p))
                else:
                    p.copy_(torch.randn_like(p) * (std or p.shape[-1] ** -0.5))
    return module


def put_state(g, prefix, module):
    for k, v in module.state_dict().items():
        g.put(f"{prefix}.sd.{k}", v)


def mha(g):
    E, H, T, S, B = 8, 2, 4, 5, 2
    m = redraw(nn.MultiheadAttention(E, H))
    put_state(g, "mha", m)
    q = g.put("mha.q", torch.randn(T, B, E)).requires_grad_()
    k = g.put("mha.k", torch.randn(S, B, E))
    v = g.put("mha.v", torch.randn(S, B, E))
    out, w = m(q, q, q)
    g.put("mha.self.out", out)
    g.put("mha.self.w", w)
    kpm = g.put("mha.kpm", torch.tensor([[False] * 3 + [True] * 2, [False] * 4 + [True]]))
    am = g.put("mha.am2d", torch.tensor([[False, True, False, False, True]] * 2 + [[True, False, False, True, False]] * 2))
    out, w = m(q, k, v, key_padding_mask=kpm, attn_mask=am, average_attn_weights=False)
    g.put("mha.cross.bool.out", out)
    g.put("mha.cross.bool.w", w)
    am3 = g.put("mha.am3d", torch.randn(B * H, T, S))
    out, w = m(q, k, v, key_padding_mask=kpm, attn_mask=am3)
    g.put("mha.cross.float.out", out)
    g.put("mha.cross.float.w", w)
    gw = g.put("mha.grad.w", torch.randn(T, B, E))
    (out * gw).sum().backward()
    g.put("mha.grad.q", q.grad)
    g.put("mha.grad.in_proj_weight", m.in_proj_weight.grad)
    g.put("mha.grad.out_proj.weight", m.out_proj.weight.grad)
    mb = nn.MultiheadAttention(E, H, batch_first=True)
    mb.load_state_dict(m.state_dict())
    out, _ = mb(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1), key_padding_mask=kpm, attn_mask=am, need_weights=False)
    g.put("mha.bf.out", out)
    # kdim/vdim ≠ embedDim: separate q/k/v projection weights.
    mkv = redraw(nn.MultiheadAttention(E, H, kdim=6, vdim=3, batch_first=True))
    put_state(g, "mkv", mkv)
    kk = g.put("mkv.k", torch.randn(B, S, 6))
    vv = g.put("mkv.v", torch.randn(B, S, 3))
    out, w = mkv(q.transpose(0, 1), kk, vv, key_padding_mask=kpm)
    g.put("mkv.out", out)
    g.put("mkv.w", w)


def encoder(g):
    d, nh, ff, T, B = 8, 2, 16, 5, 2
    x = g.put("enc.x", torch.randn(T, B, d))
    kpm = g.put("enc.kpm", torch.tensor([[False] * 5, [False] * 3 + [True] * 2]))
    post = nn.TransformerEncoder(nn.TransformerEncoderLayer(d, nh, ff, dropout=0.1), 2, norm=nn.LayerNorm(d), enable_nested_tensor=False)
    redraw(post).eval()
    put_state(g, "post", post)
    g.put("post.out", post(x, src_key_padding_mask=kpm))
    layer = nn.TransformerEncoderLayer(d, nh, ff, activation="gelu", layer_norm_eps=1e-6, batch_first=True, norm_first=True)
    pre = redraw(nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)).eval()
    put_state(g, "pre", pre)
    causal = nn.Transformer.generate_square_subsequent_mask(T)
    g.put("causal", causal)
    xb = x.transpose(0, 1)
    g.put("pre.out.causal", pre(xb, mask=causal))
    g.put("pre.out.both", pre(xb, mask=causal, src_key_padding_mask=kpm))


class Embeddings(nn.Module):
    def __init__(self, vocab, positions, types, emb, eps, p):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, emb)
        self.position_embeddings = nn.Embedding(positions, emb)
        self.token_type_embeddings = nn.Embedding(types, emb)
        self.LayerNorm = nn.LayerNorm(emb, eps=eps)
        self.dropout = nn.Dropout(p)

    def forward(self, ids, types):
        pos = torch.arange(ids.shape[1])
        return self.dropout(self.LayerNorm(self.word_embeddings(ids) + self.position_embeddings(pos) + self.token_type_embeddings(types)))


class Bert(nn.Module):
    """The TS Bert's structure and key names, from torch.nn pieces."""

    def __init__(self, vocab, hidden, layers, heads, inter, positions, types=2, emb=None, p=0.1, eps=1e-12):
        super().__init__()
        emb = emb or hidden
        self.embeddings = Embeddings(vocab, positions, types, emb, eps, p)
        self.embeddings_project = nn.Linear(emb, hidden) if emb != hidden else None
        layer = nn.TransformerEncoderLayer(hidden, heads, inter, p, activation="gelu", layer_norm_eps=eps, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)

    def forward(self, ids, attention_mask, types):
        x = self.embeddings(ids, types)
        if self.embeddings_project is not None:
            x = self.embeddings_project(x)
        return self.encoder(x, src_key_padding_mask=attention_mask == 0)


def bert(g):
    cases = {
        # ELECTRA-style: embeddingSize 16 < hidden 32, projected.
        "bert": dict(vocab=50, hidden=32, layers=2, heads=4, inter=64, positions=16, emb=16),
        "bert16": dict(vocab=20, hidden=16, layers=1, heads=2, inter=32, positions=8, types=3),
    }
    for name, cfg in cases.items():
        model = redraw(Bert(**cfg), std=0.2).eval()
        put_state(g, name, model)
        B, T = 2, min(7, cfg["positions"])
        ids = g.put(f"{name}.ids", torch.randint(0, cfg["vocab"], (B, T)))
        mask = g.put(f"{name}.mask", torch.tensor([[1] * T, [1] * (T - 3) + [0] * 3]))
        types = g.put(f"{name}.types", torch.randint(0, cfg.get("types", 2), (B, T)))
        g.put(f"{name}.out", model(ids, mask, types))


def make(g):
    mha(g)
    encoder(g)
    bert(g)
