"""Writes policies.json: what each framework does with a query that sees no key (a fully masked row).

Run once with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 tests/AttentionLab.Tests/Fixtures/make_policy_fixtures.py
Made with PyTorch 1.13 (Debian's python3-torch), in float64. Each policy is computed the way its framework
computes it:
  NaN      a plain softmax of the masked scores (PyTorch <= 2.4's scaled_dot_product_attention math path and
           nn.MultiheadAttention): all -inf gives 0/0 = NaN; here torch 1.13's F._scaled_dot_product_attention.
  Zeros    PyTorch >= 2.5's _safe_softmax (pytorch PR 133882), written out: softmax, then
           masked_fill(rows that are all -inf, 0).
  Uniform  Hugging Face's eager attention: hidden scores filled (masked_fill, not added) with
           torch.finfo(dtype).min, then a plain softmax: a fully masked row weighs every key equally.
NaN is written as the string "NaN" because JSON has none.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20261130)
DT = torch.float64


def mat(t):
    return [[("NaN" if x != x else "-Infinity" if x == float("-inf") else x) for x in row] for row in t.tolist()]


def additive(keep):
    return torch.zeros(keep.shape, dtype=DT).masked_fill(~keep, float("-inf"))


def plain(q, k, v, keep):
    out, w = F._scaled_dot_product_attention(q[None], k[None], v[None], additive(keep)[None], 0.0, True)
    return out[0], w[0]


def safe(q, k, v, keep):
    scores = q @ k.T / math.sqrt(q.shape[1]) + additive(keep)
    w = torch.softmax(scores, dim=-1)
    w = w.masked_fill(torch.isneginf(scores).all(dim=-1, keepdim=True), 0.0)
    return w @ v, w


def hugging_face(q, k, v, keep):
    scores = (q @ k.T / math.sqrt(q.shape[1])).masked_fill(~keep, torch.finfo(DT).min)
    w = torch.softmax(scores, dim=-1)
    return w @ v, w


cases = []
# Left padding under a causal mask: the first two queries are PAD and see nothing.
n = 5
left_pad = torch.tensor([True, True, False, False, False])
keep_left = torch.ones(n, n, dtype=torch.bool).tril() & ~left_pad[None, :]
# An all-PAD key sequence for two queries (cross-attention over an empty source).
keep_none = torch.zeros(2, 3, dtype=torch.bool)
keep_none[1, 2] = True
for name, keep in [("left padding under a causal mask", keep_left), ("one query that sees nothing", keep_none)]:
    nq, nk = keep.shape
    q, k, v = torch.randn(nq, 4, dtype=DT), torch.randn(nk, 4, dtype=DT), torch.randn(nk, 3, dtype=DT)
    case = {"name": name, "q": mat(q), "k": mat(k), "v": mat(v), "mask": mat(additive(keep))}
    for policy, f in [("NaN", plain), ("Zeros", safe), ("Uniform", hugging_face)]:
        out, w = f(q, k, v, keep)
        case[policy] = {"output": mat(out), "weights": mat(w)}
    cases.append(case)

# Cross-entropy over a batch whose targets are all ignored: PyTorch's mean of nothing.
logits = torch.randn(3, 4, dtype=DT)
ignored = torch.zeros(3, dtype=torch.long)
all_ignored = F.cross_entropy(logits, ignored, ignore_index=0).item()
cross_entropy = {"logits": mat(logits), "targets": ignored.tolist(), "loss": "NaN" if all_ignored != all_ignored else all_ignored}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "policies.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases, "crossEntropyAllIgnored": cross_entropy}, f, indent=1)
print(f"wrote {len(cases)} cases to {out}")
