"""Writes decoder_only.json: a decoder-only language model in PyTorch, over a left-padded batch (lesson 12).

Run once with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 tests/AttentionLab.Tests/Fixtures/make_decoder_only_fixtures.py
Made with PyTorch 1.13, float64, train mode with dropout 0 (eval mode may take the fast path). The model:
token embedding + sinusoidal positions looked up by position id, nn.TransformerEncoderLayer blocks under a
causal mask, a final LayerNorm, a linear projection to the vocabulary. The mask is built as Hugging Face
builds it for a left-padded batch: causal and padding folded into one float mask that holds
torch.finfo(float64).min where a query must not look (so the PAD rows, which see nothing, attend uniformly
instead of giving NaN), and the position ids are attention_mask.cumsum(-1) - 1 with 1 on PAD positions.
"""
import json
import math
import os

import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
torch.manual_seed(20261130)
HERE = os.path.dirname(os.path.abspath(__file__))
PAD = 0


def tensor(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def sinusoidal(length, d_model):
    position = torch.arange(length).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
    pe = torch.zeros(length, d_model)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term[: d_model // 2])
    return pe


class DecoderOnly(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["modelWidth"]
        self.token_embedding = nn.Embedding(cfg["vocabularySize"], d)
        self.layers = nn.ModuleList([
            nn.TransformerEncoderLayer(d, cfg["heads"], cfg["feedForwardWidth"], dropout=0.0, batch_first=True,
                                       norm_first=cfg["normFirst"])
            for _ in range(cfg["layers"])])
        self.norm = nn.LayerNorm(d)
        self.output_projection = nn.Linear(d, cfg["vocabularySize"])
        self.register_buffer("positions", sinusoidal(cfg["maxLength"], d), persistent=False)

    def forward(self, ids, position_ids):
        n = ids.shape[0]
        keep = ids != PAD
        visible = torch.ones(n, n, dtype=torch.bool).tril() & keep[None, :]
        mask = torch.zeros(n, n).masked_fill(~visible, torch.finfo(torch.float64).min)
        x = self.token_embedding(ids) + self.positions[position_ids]
        x = x[None]
        for layer in self.layers:
            x = layer(x, src_mask=mask)
        return self.output_projection(self.norm(x[0]))


@torch.no_grad()
def perturb(model):
    for m in model.modules():
        if isinstance(m, nn.LayerNorm):
            m.weight.copy_(1 + 0.2 * torch.randn_like(m.weight))
            m.bias.copy_(0.2 * torch.randn_like(m.bias))
        if isinstance(m, nn.MultiheadAttention):
            m.in_proj_bias.copy_(0.1 * torch.randn_like(m.in_proj_bias))
            m.out_proj.bias.copy_(0.1 * torch.randn_like(m.out_proj.bias))


def position_ids(ids):
    keep = (ids != PAD).long()
    return (keep.cumsum(-1) - 1).masked_fill(keep == 0, 1)


cases = []
for norm_first in [False, True]:
    cfg = {"vocabularySize": 12, "modelWidth": 8, "heads": 2, "feedForwardWidth": 16, "layers": 2, "maxLength": 10,
           "normFirst": norm_first}
    model = DecoderOnly(cfg)
    perturb(model)
    model.train()
    runs = []
    for ids in [[0, 0, 0, 4, 5, 6], [7, 8, 9, 10, 11, 4], [0, 5]]:
        t = torch.tensor(ids)
        pos = position_ids(t)
        runs.append({"ids": ids, "positionIds": pos.tolist(), "logits": tensor(model(t, pos))})
    cases.append({"name": f"2 layers, d=8, {'pre' if norm_first else 'post'}-norm", "config": cfg,
                  "state_dict": {k: tensor(v) for k, v in model.state_dict().items()}, "runs": runs})

with open(os.path.join(HERE, "decoder_only.json"), "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
print(f"decoder_only.json: {len(cases)} cases")
