#!/usr/bin/python3
"""PyTorch side of bench/electra: the same ELECTRA model and training step as
src/methods/electra.ts run by the text pipeline, timed like workloads.ts.

Generator and discriminator are BERT-style encoders of the same depth sharing one
embeddings module (word, position, token type, LayerNorm), each with a linear
embeddings_project when E != H, then post-norm nn.TransformerEncoderLayer
(gelu, batch_first, dropout 0.1, key padding mask). The generator's MLM head
(dense H_g -> E, gelu, LayerNorm, output weights tied to the word embeddings +
bias) runs only at the masked positions; its Gumbel-max sample is drawn without
gradient; the discriminator's head (dense H -> H, gelu, dense H -> 1) gives one
logit per token, BCE-with-logits over the real tokens. Loss mlm + 50 * disc,
AdamW(lr 5e-4, weight decay 0.01). 15 % masking, 85 % of it [MASK]. The step
also computes the method's logged metrics (accuracies, replaced fraction).

Usage: reference.py electra <threads> <vocab> <length> <batch> <E> <layers>
  <H> <heads> <ffn> <H_gen> <heads_gen> <ffn_gen> <pad> <cls> <sep> <mask>
  <warmup> <steps>
Prints one JSON line {"seconds": per timed step, "loss": the last step's}."""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

LR, WEIGHT_DECAY, DISC_WEIGHT, MASK_PROB, MASK_RATE, DROPOUT, EPS = 5e-4, 0.01, 50.0, 0.15, 0.85, 0.1, 1e-12


class Embeddings(nn.Module):
    def __init__(self, vocab, positions, e):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, e)
        self.position_embeddings = nn.Embedding(positions, e)
        self.token_type_embeddings = nn.Embedding(2, e)
        self.LayerNorm = nn.LayerNorm(e, eps=EPS)
        self.dropout = nn.Dropout(DROPOUT)

    def forward(self, ids, types):
        positions = torch.arange(ids.shape[1])
        x = self.word_embeddings(ids) + self.position_embeddings(positions) + self.token_type_embeddings(types)
        return self.dropout(self.LayerNorm(x))


class Encoder(nn.Module):
    def __init__(self, embeddings, e, layers, h, heads, ffn):
        super().__init__()
        self.embeddings = embeddings
        self.embeddings_project = nn.Linear(e, h) if e != h else None
        layer = nn.TransformerEncoderLayer(h, heads, ffn, DROPOUT, activation="gelu", layer_norm_eps=EPS, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)

    def forward(self, ids, attention):  # [B, T] each -> [B, T, H]
        x = self.embeddings(ids, torch.zeros_like(ids))
        if self.embeddings_project is not None:
            x = self.embeddings_project(x)
        return self.encoder(x, src_key_padding_mask=attention == 0)


class Generator(nn.Module):
    def __init__(self, embeddings, e, layers, h, heads, ffn):
        super().__init__()
        self.electra = Encoder(embeddings, e, layers, h, heads, ffn)
        self.dense = nn.Linear(h, e)
        self.LayerNorm = nn.LayerNorm(e, eps=EPS)
        self.bias = nn.Parameter(torch.zeros(embeddings.word_embeddings.num_embeddings))

    def logits_at(self, ids, attention, positions):  # -> [M, V]
        hidden = self.electra(ids, attention)
        picked = hidden.reshape(-1, hidden.shape[2]).index_select(0, positions)  # [M, H_g]
        h = self.LayerNorm(F.gelu(self.dense(picked)))  # [M, E]
        return F.linear(h, self.electra.embeddings.word_embeddings.weight, self.bias)


class Discriminator(nn.Module):
    def __init__(self, embeddings, e, layers, h, heads, ffn):
        super().__init__()
        self.electra = Encoder(embeddings, e, layers, h, heads, ffn)
        self.dense = nn.Linear(h, h)
        self.dense_prediction = nn.Linear(h, 1)

    def forward(self, ids, attention):  # -> [B, T]
        return self.dense_prediction(F.gelu(self.dense(self.electra(ids, attention)))).squeeze(-1)


def bert_init(module):
    """BERT's initialisation: weights N(0, 0.02^2), biases 0, LayerNorm 1 and 0."""
    for m in module.modules():
        for name, p in m.named_parameters(recurse=False):
            if name.endswith("bias"):
                nn.init.zeros_(p)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(p)
            else:
                nn.init.normal_(p, 0, 0.02)


def mask_tokens(ids, special_below, mask_id, gen):
    """ELECTRA's masking: each non-special token selected with p 0.15, 85 % of those become [MASK]."""
    selected = (torch.rand(ids.shape, generator=gen) < MASK_PROB) & (ids >= special_below)
    to_mask = selected & (torch.rand(ids.shape, generator=gen) < MASK_RATE)
    return torch.where(to_mask, mask_id, ids), torch.where(selected, ids, -100)


def electra_step(gen_model, disc_model, ids, attention, special_below, mask_id, vocab, gen):
    masked, labels = mask_tokens(ids, special_below, mask_id, gen)
    positions = torch.nonzero(labels.flatten() != -100).squeeze(1)  # [M]
    uniform = torch.rand(positions.shape[0], vocab, generator=gen)  # [M, V]
    targets = ids.flatten().index_select(0, positions)
    gen_logits = gen_model.logits_at(masked, attention, positions)  # [M, V]
    mlm = F.cross_entropy(gen_logits, targets)
    with torch.no_grad():
        u = uniform.clamp(1e-10, 1 - 1e-7)
        sampled = torch.argmax(gen_logits - (-u.log()).log(), 1)  # Gumbel-max
        corrupted = ids.flatten().clone()
        corrupted[positions] = sampled
        corrupted = corrupted.reshape(ids.shape)
        replaced = (corrupted != ids).float()
    logits = disc_model(corrupted, attention)  # [B, T]
    w = attention.float()
    disc = (F.binary_cross_entropy_with_logits(logits, replaced, reduction="none") * w).sum() / w.sum().clamp(min=1)
    loss = mlm + DISC_WEIGHT * disc
    with torch.no_grad():
        right = ((logits > 0).float() == replaced).float()
        logs = {
            "mlm": mlm.item(),
            "disc": disc.item(),
            "discAcc": (right * w).sum().item() / max(1, w.sum().item()),
            "genAcc": (gen_logits.argmax(1) == targets).float().mean().item(),
            "replaced": (replaced * w).sum().item() / max(1, w.sum().item()),
        }
    return loss, logs


def electra(vocab, length, batch, e, layers, h, heads, ffn, h_gen, heads_gen, ffn_gen, pad, cls, sep, mask_id, warmup, steps):
    torch.manual_seed(0)
    embeddings = Embeddings(vocab, length, e)
    disc_model = Discriminator(embeddings, e, layers, h, heads, ffn)
    gen_model = Generator(embeddings, e, layers, h_gen, heads_gen, ffn_gen)
    for m in (disc_model, gen_model):
        bert_init(m)
        m.train()
    params = list({id(p): p for m in (disc_model, gen_model) for p in m.parameters()}.values())
    opt = torch.optim.AdamW(params, lr=LR, weight_decay=WEIGHT_DECAY)
    gen = torch.Generator().manual_seed(1)
    special_below = mask_id + 1  # [PAD] [UNK] [CLS] [SEP] [MASK] are ids 0..4
    sequences = torch.randint(special_below, vocab, (batch * (warmup + steps), length), generator=gen)
    sequences[:, 0], sequences[:, -1] = cls, sep
    for i in range(warmup + steps):
        if i == warmup:
            start = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        ids = sequences.index_select(0, torch.arange(i * batch, (i + 1) * batch))
        loss, _ = electra_step(gen_model, disc_model, ids, (ids != pad).long(), special_below, mask_id, vocab, gen)
        loss.backward()
        loss = loss.item()
        opt.step()
    return {"seconds": (time.perf_counter() - start) / steps, "loss": loss, "initialLoss": math.log(vocab) + DISC_WEIGHT * math.log(2)}


if __name__ == "__main__":
    workload, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    if workload != "electra":
        raise SystemExit(f"unknown workload {workload}")
    print(json.dumps({"workload": workload, **electra(*map(int, sys.argv[3:])), "threads": threads, "torch": torch.__version__}))
