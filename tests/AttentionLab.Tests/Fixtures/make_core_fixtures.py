"""Writes core.json: PyTorch's answers for the library's core (masks, attention, positions).

Run once with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 tests/AttentionLab.Tests/Fixtures/make_core_fixtures.py
The JSON is committed, so the tests never need torch. Matrices are nested lists (row-major);
−∞ is written as the string "-Infinity" because JSON has no infinity.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20261126)
DT = torch.float64


def mat(t):
    return [[("-Infinity" if x == float("-inf") else x) for x in row] for row in t.tolist()]


def causal(n):
    # nn.Transformer's own mask: -inf above the diagonal, 0 elsewhere.
    return torch.nn.Transformer.generate_square_subsequent_mask(n).to(DT)


def padding(key_is_pad, queries):
    # key_padding_mask semantics of nn.MultiheadAttention (True = ignore), as an additive mask.
    kpm = torch.tensor(key_is_pad, dtype=torch.bool)
    return torch.zeros(queries, len(key_is_pad), dtype=DT).masked_fill(kpm.unsqueeze(0), float("-inf"))


def sdpa(q, k, v, mask):
    # torch 1.13's scaled dot-product attention (the private name of F.scaled_dot_product_attention).
    m = None if mask is None else mask.unsqueeze(0)
    out, w = F._scaled_dot_product_attention(q.unsqueeze(0), k.unsqueeze(0), v.unsqueeze(0), m, 0.0, True)
    scores = q @ k.T / math.sqrt(q.shape[1])
    return out[0], w[0], scores


def sinusoidal(length, d_model):
    # The PyTorch tutorial's PositionalEncoding, extended to odd widths.
    position = torch.arange(length, dtype=DT).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d_model, 2, dtype=DT) * (-math.log(10000.0) / d_model))
    pe = torch.zeros(length, d_model, dtype=DT)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term[: d_model // 2])
    return pe


fixtures = {"causal": [], "padding": [], "attention": [], "positional": []}

for n in [1, 2, 5, 8]:
    fixtures["causal"].append({"n": n, "mask": mat(causal(n))})

for key_is_pad, queries in [([False, False, False, True, True], 5), ([False], 1), ([False, True, False, True], 3)]:
    fixtures["padding"].append({"keyIsPad": key_is_pad, "queries": queries, "mask": mat(padding(key_is_pad, queries))})

cases = [
    ("no mask", 4, 4, 8, 8, None),
    ("n = 1", 1, 1, 3, 5, None),
    ("odd widths, cross-shaped", 3, 5, 7, 3, None),
    ("causal", 6, 6, 4, 4, "causal"),
    ("padding", 5, 5, 6, 6, [False, False, False, True, True]),
    ("combined", 5, 5, 5, 5, "combined"),
    ("cross with source padding", 4, 6, 8, 8, [False, False, False, False, True, True]),
    ("large scores", 3, 4, 16, 16, "scaled"),
]
for name, nq, nk, dk, dv, kind in cases:
    q = torch.randn(nq, dk, dtype=DT)
    k = torch.randn(nk, dk, dtype=DT)
    v = torch.randn(nk, dv, dtype=DT)
    mask = None
    if kind == "causal":
        mask = causal(nq)
    elif kind == "combined":
        mask = causal(nq) + padding([False, False, False, True, True], nq)
    elif kind == "scaled":
        q, k = q * 30, k * 30  # scores in the hundreds: a naive exp would overflow
    elif isinstance(kind, list):
        mask = padding(kind, nq)
    out, w, scores = sdpa(q, k, v, mask)
    fixtures["attention"].append({
        "name": name, "q": mat(q), "k": mat(k), "v": mat(v),
        "mask": None if mask is None else mat(mask),
        "scores": mat(scores), "weights": mat(w), "output": mat(out),
    })

for length, d_model in [(1, 4), (5, 8), (7, 5), (50, 64)]:
    fixtures["positional"].append({"length": length, "dModel": d_model, "encoding": mat(sinusoidal(length, d_model))})

fixtures["torch"] = torch.__version__
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "core.json")
with open(path, "w") as f:
    json.dump(fixtures, f, separators=(",", ":"))
print(f"wrote {path}")
