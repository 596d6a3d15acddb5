"""Writes masks.json: the masks PyTorch (and Hugging Face's masking rules, written in torch) build.

Run once with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 tests/AttentionLab.Tests/Fixtures/make_mask_fixtures.py
Made with PyTorch 1.13 (Debian's python3-torch). That version has no torch.nn.attention.bias, so the two
causal alignments are built the way PyTorch 2.x materialises them: causal_upper_left is
ones(L, S).tril(0) and causal_lower_right is ones(L, S).tril(S - L) (torch/nn/attention/bias.py).
Sliding window, document and prefix masks follow Hugging Face's masking_utils predicates
(sliding_window_overlay: kv_idx > q_idx - window; packed sequences: same document; prefix: kv < prefix or causal).
Every mask is written as KEEP booleans (True = the query may look), rows = queries, columns = keys.
"""
import json
import os

import torch


def keep(t):
    return [[bool(x) for x in row] for row in t.tolist()]


def upper_left(q, k):
    return torch.ones(q, k, dtype=torch.bool).tril(diagonal=0)


def lower_right(q, k):
    return torch.ones(q, k, dtype=torch.bool).tril(diagonal=k - q)


def square_subsequent(n):
    # nn.Transformer's own mask (-inf above the diagonal) turned into KEEP.
    return torch.nn.Transformer.generate_square_subsequent_mask(n) == 0


def key_padding(key_is_pad, queries):
    # nn.MultiheadAttention's key_padding_mask (True = ignore), broadcast over the queries, turned into KEEP.
    kpm = torch.tensor(key_is_pad, dtype=torch.bool)
    return (~kpm).unsqueeze(0).expand(queries, len(key_is_pad))


def index_grid(q, k):
    qi = torch.arange(q).unsqueeze(1)
    kv = torch.arange(k).unsqueeze(0)
    return qi, kv


def sliding_window(q, k, window):
    # causal (lower right) and kv_idx > q_idx - window, q_idx counted as the query's absolute position.
    qi, kv = index_grid(q, k)
    qi = qi + (k - q)
    return (kv <= qi) & (kv > qi - window)


def document(ids):
    d = torch.tensor(ids)
    return d.unsqueeze(1) == d.unsqueeze(0)


def prefix(n, p):
    qi, kv = index_grid(n, n)
    return (kv < p) | (kv <= qi)


cases = []
for q, k in [(1, 1), (4, 4), (3, 5), (1, 6), (5, 3)]:
    cases.append({"kind": "causal_upper_left", "queries": q, "keys": k, "keep": keep(upper_left(q, k))})
    cases.append({"kind": "causal_lower_right", "queries": q, "keys": k, "keep": keep(lower_right(q, k))})
for n in [1, 5]:
    cases.append({"kind": "square_subsequent", "queries": n, "keys": n, "keep": keep(square_subsequent(n))})
for key_is_pad, queries in [([False, False, False, True, True], 5), ([True, False, False, True], 2)]:
    cases.append({"kind": "key_padding", "keyIsPad": key_is_pad, "queries": queries,
                  "keep": keep(key_padding(key_is_pad, queries))})
# The decoder's combined mask: causal and key padding, as nn.TransformerDecoderLayer combines tgt_mask and
# tgt_key_padding_mask (a cell is kept when both keep it).
ids_pad = [False, False, False, True, True]
cases.append({"kind": "causal_and_key_padding", "keyIsPad": ids_pad, "queries": 5,
              "keep": keep(square_subsequent(5) & key_padding(ids_pad, 5))})
left_pad = [True, True, False, False, False]
cases.append({"kind": "causal_and_key_padding", "keyIsPad": left_pad, "queries": 5,
              "keep": keep(square_subsequent(5) & key_padding(left_pad, 5))})
for q, k, w in [(6, 6, 1), (6, 6, 3), (8, 8, 8), (2, 7, 3)]:
    cases.append({"kind": "sliding_window", "queries": q, "keys": k, "window": w, "keep": keep(sliding_window(q, k, w))})
for ids in [[0, 0, 0, 1, 1, 2], [5, 5, 7, 7, 7, 7, 9]]:
    cases.append({"kind": "document", "documentIds": ids, "keep": keep(document(ids))})
    cases.append({"kind": "document_and_causal", "documentIds": ids,
                  "keep": keep(document(ids) & square_subsequent(len(ids)))})
for n, p in [(5, 0), (5, 2), (4, 4)]:
    cases.append({"kind": "prefix", "n": n, "prefixLength": p, "keep": keep(prefix(n, p))})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "masks.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
print(f"wrote {len(cases)} masks to {out}")
