"""Writes PyTorch's answers for the library's layers and whole model:
mha.json, encoder_layer.json, decoder_layer.json, transformer.json, cross_entropy.json, and pre_norm.json (the
encoder layer, decoder layer and whole model again with norm_first=True).

Run once with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 tests/AttentionLab.Tests/Fixtures/make_layer_fixtures.py
The JSON is committed, so the tests never need torch.

Format: a tensor is {"shape": [...], "data": [flat, row-major]}, the format StateDict reads;
-inf is the string "-Infinity" (JSON has no infinity). A state_dict is an object of tensors
under PyTorch's own parameter names.

Everything is float64 and built in train mode with dropout 0: in eval mode PyTorch 1.13 may take
its "fast path", which returns zeros at padded positions instead of computing them.
Weights and inputs are rounded to 4 decimals so the files stay small; the rounded values are
exact inputs for both sides, and the outputs are written at full precision.
No fixture has a fully masked row: PyTorch answers NaN there, the library throws.
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.manual_seed(20261127)
HERE = os.path.dirname(os.path.abspath(__file__))
PAD, START, END = 0, 1, 2


def number(x):
    if x == float("-inf"):
        return "-Infinity"
    if x == float("inf"):
        return "Infinity"
    return x


def tensor(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": [number(x) for x in t.reshape(-1).tolist()]}


def state_dict(module):
    return {name: tensor(p) for name, p in module.state_dict().items()}


@torch.no_grad()
def round_parameters(module):
    for p in module.parameters():
        p.copy_(torch.round(p * 1e4) / 1e4)
    for m in module.modules():
        # LayerNorm starts at 1 and 0: perturb it so its weights are tested too.
        if isinstance(m, nn.LayerNorm):
            m.weight.copy_(torch.round((1 + 0.2 * torch.randn_like(m.weight)) * 1e4) / 1e4)
            m.bias.copy_(torch.round(0.2 * torch.randn_like(m.bias) * 1e4) / 1e4)
        if isinstance(m, nn.MultiheadAttention):
            # PyTorch zeroes these biases at construction; give them values so they are tested.
            m.in_proj_bias.copy_(torch.round(0.1 * torch.randn_like(m.in_proj_bias) * 1e4) / 1e4)
            m.out_proj.bias.copy_(torch.round(0.1 * torch.randn_like(m.out_proj.bias) * 1e4) / 1e4)


def rounded(*shape):
    return torch.round(torch.randn(*shape) * 1e4) / 1e4


def causal(n):
    return torch.triu(torch.full((n, n), float("-inf")), diagonal=1)


def bools(flags):
    return None if flags is None else torch.tensor([flags], dtype=torch.bool)


def write(name, cases):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump({"cases": cases}, f, separators=(",", ":"))
    print(f"{name}: {len(cases)} cases, {os.path.getsize(os.path.join(HERE, name))} bytes")


# nn.MultiheadAttention, self and cross -----------------------------------------------------------
def mha_case(name, d, heads, n_query, n_key, self_attention, key_is_pad=None, attn_mask=None):
    mha = nn.MultiheadAttention(d, heads, dropout=0.0, batch_first=True)
    round_parameters(mha)
    mha.train()
    query = rounded(n_query, d)
    key = query if self_attention else rounded(n_key, d)
    value = query if self_attention else key
    args = dict(key_padding_mask=bools(key_is_pad), attn_mask=attn_mask, need_weights=True)
    out, per_head = mha(query[None], key[None], value[None], average_attn_weights=False, **args)
    out2, average = mha(query[None], key[None], value[None], average_attn_weights=True, **args)
    assert torch.equal(out, out2) and not torch.isnan(out).any()
    return {
        "name": name,
        "config": {"modelWidth": d, "heads": heads, "selfAttention": self_attention},
        "state_dict": state_dict(mha),
        "inputs": {
            "query": tensor(query), "key": tensor(key), "value": tensor(value),
            "keyIsPad": key_is_pad, "attnMask": None if attn_mask is None else tensor(attn_mask),
        },
        "expected": {"output": tensor(out[0]), "headWeights": tensor(per_head[0]), "averageWeights": tensor(average[0])},
    }


def sparse_mask(n_query, n_key, keep_first):
    # Random -inf cells, but each row keeps key 0 (real in every case) so no row is fully masked.
    m = torch.where(torch.rand(n_query, n_key) < 0.4, float("-inf"), 0.0)
    m[:, keep_first] = 0.0
    return m


mha_cases = [
    mha_case("self n=1 d=4 h=2, no mask", 4, 2, 1, 1, True),
    mha_case("self n=5 d=6 h=3, causal + key padding", 6, 3, 5, 5, True, [False, False, False, True, True], causal(5)),
    mha_case("self n=4 d=7 h=1, random mask + key padding", 7, 1, 4, 4, True, [False, True, False, False], sparse_mask(4, 4, 0)),
    mha_case("self n=3 d=9 h=3, key padding only", 9, 3, 3, 3, True, [False, False, True]),
    mha_case("cross 4x5 d=6 h=2, encoder padding", 6, 2, 4, 5, False, [False, False, False, True, True]),
    mha_case("cross 1x3 d=5 h=5, encoder padding", 5, 5, 1, 3, False, [False, True, False]),
    mha_case("cross 3x1 d=8 h=4, no mask", 8, 4, 3, 1, False),
    mha_case("cross 2x4 d=3 h=3, float mask + padding", 3, 3, 2, 4, False, [False, False, True, False], sparse_mask(2, 4, 0)),
]
write("mha.json", mha_cases)


# nn.TransformerEncoderLayer ----------------------------------------------------------------------
def encoder_case(name, n, d, heads, ff, key_is_pad=None, mask=None, norm_first=False):
    layer = nn.TransformerEncoderLayer(d, heads, ff, dropout=0.0, batch_first=True, norm_first=norm_first)
    round_parameters(layer)
    layer.train()
    x = rounded(n, d)
    out = layer(x[None], src_mask=mask, src_key_padding_mask=bools(key_is_pad))
    assert not torch.isnan(out).any()
    return {
        "name": name,
        "config": {"modelWidth": d, "heads": heads, "feedForwardWidth": ff, "normFirst": norm_first},
        "state_dict": state_dict(layer),
        "inputs": {"x": tensor(x), "keyIsPad": key_is_pad, "mask": None if mask is None else tensor(mask)},
        "expected": {"output": tensor(out[0])},
    }


write("encoder_layer.json", [
    encoder_case("n=1 d=4 h=2 ff=6", 1, 4, 2, 6),
    encoder_case("n=5 d=6 h=2 ff=11, padding", 5, 6, 2, 11, [False, False, False, True, True]),
    encoder_case("n=4 d=9 h=3 ff=7, padding inside", 4, 9, 3, 7, [False, True, False, False]),
    encoder_case("n=3 d=5 h=1 ff=3, causal mask", 3, 5, 1, 3, None, causal(3)),
])


# nn.TransformerDecoderLayer ----------------------------------------------------------------------
def decoder_case(name, t, s, d, heads, ff, tgt_mask=None, tgt_pad=None, memory_pad=None, norm_first=False):
    layer = nn.TransformerDecoderLayer(d, heads, ff, dropout=0.0, batch_first=True, norm_first=norm_first)
    round_parameters(layer)
    layer.train()
    x, memory = rounded(t, d), rounded(s, d)
    out = layer(x[None], memory[None], tgt_mask=tgt_mask,
                tgt_key_padding_mask=bools(tgt_pad), memory_key_padding_mask=bools(memory_pad))
    assert not torch.isnan(out).any()
    return {
        "name": name,
        "config": {"modelWidth": d, "heads": heads, "feedForwardWidth": ff, "normFirst": norm_first},
        "state_dict": state_dict(layer),
        "inputs": {"x": tensor(x), "memory": tensor(memory), "selfMask": None if tgt_mask is None else tensor(tgt_mask),
                   "targetIsPad": tgt_pad, "memoryIsPad": memory_pad},
        "expected": {"output": tensor(out[0])},
    }


write("decoder_layer.json", [
    decoder_case("T=1 S=1 d=4 h=2 ff=6", 1, 1, 4, 2, 6),
    decoder_case("T=4 S=5 d=6 h=3 ff=10, causal + both paddings", 4, 5, 6, 3, 10, causal(4), [False, False, False, True], [False, False, False, True, True]),
    decoder_case("T=5 S=3 d=7 h=7 ff=5, causal + both paddings", 5, 3, 7, 7, 5, causal(5), [False, False, True, True, True], [False, True, False]),
    decoder_case("T=3 S=4 d=5 h=1 ff=9, encoder padding only", 3, 4, 5, 1, 9, None, None, [False, False, False, True]),
])


# The whole model: embeddings + sinusoidal positions + nn.Transformer + output projection ---------
def sinusoidal(length, d_model):
    # The same table as make_core_fixtures.py (the PyTorch tutorial's, extended to odd widths).
    position = torch.arange(length).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
    pe = torch.zeros(length, d_model)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term[: d_model // 2])
    return pe


class Seq2Seq(nn.Module):
    """nn.Transformer's encoder and decoder (final norms included) between embeddings and a projection.
    Embeddings are not scaled by sqrt(d_model), as in the C# Transformer."""

    def __init__(self, cfg):
        super().__init__()
        d = cfg["modelWidth"]
        self.source_embedding = nn.Embedding(cfg["sourceVocabularySize"], d)
        self.target_embedding = nn.Embedding(cfg["targetVocabularySize"], d)
        t = nn.Transformer(d, cfg["heads"], cfg["encoderLayers"], cfg["decoderLayers"], cfg["feedForwardWidth"],
                           dropout=0.0, batch_first=True, norm_first=cfg.get("normFirst", False))
        self.encoder, self.decoder = t.encoder, t.decoder  # the names encoder.* and decoder.*, as in nn.Transformer
        self.output_projection = nn.Linear(d, cfg["targetVocabularySize"])
        self.register_buffer("positions", sinusoidal(cfg["maxLength"], d), persistent=False)

    def encode(self, src):
        x = self.source_embedding(src) + self.positions[: src.shape[0]]
        src_pad = src == PAD
        return self.encoder(x[None], src_key_padding_mask=src_pad[None]), src_pad

    def decode(self, memory, src_pad, tgt, target_padding=True):
        y = self.target_embedding(tgt) + self.positions[: tgt.shape[0]]
        tgt_pad = (tgt == PAD)[None] if target_padding else None
        out = self.decoder(y[None], memory, tgt_mask=causal(tgt.shape[0]), tgt_key_padding_mask=tgt_pad,
                           memory_key_padding_mask=src_pad[None])
        return self.output_projection(out[0])


def shift(target, length):
    decoder_input = [START] + target
    targets = target + [END]
    return decoder_input + [PAD] * (length - len(decoder_input)), targets + [PAD] * (length - len(targets))


def greedy(model, src, max_len):
    # Every generated token is fed back as a real token, even a (rare) <pad>: no target padding mask.
    memory, src_pad = model.encode(src)
    ys, tokens, logits = [START], [], []
    for _ in range(max_len):
        step = model.decode(memory, src_pad, torch.tensor(ys), target_padding=False)[-1]
        token = int(step.argmax())
        tokens.append(token)
        logits.append(step)
        if token == END:
            break
        ys.append(token)
    return tokens, torch.stack(logits)


def transformer_case(name, cfg, pairs, greedy_len):
    model = Seq2Seq(cfg)
    round_parameters(model)
    model.train()
    runs = []
    for source, target, length in pairs:
        src = torch.tensor(source)
        decoder_input, targets = shift(target, length)
        memory, src_pad = model.encode(src)
        logits = model.decode(memory, src_pad, torch.tensor(decoder_input))
        loss = F.cross_entropy(logits, torch.tensor(targets), ignore_index=PAD)
        per_position = F.cross_entropy(logits, torch.tensor(targets), ignore_index=PAD, reduction="none")
        tokens, greedy_logits = greedy(model, src, greedy_len)
        assert not torch.isnan(logits).any()
        runs.append({
            "source": source, "target": target, "length": length,
            "decoderInput": decoder_input, "targets": targets,
            "memory": tensor(memory[0]), "logits": tensor(logits),
            "loss": loss.item(), "perPositionLoss": per_position.tolist(),
            "greedyMaxLength": greedy_len, "greedyTokens": tokens, "greedyLogits": tensor(greedy_logits),
        })
    return {"name": name, "config": cfg, "state_dict": state_dict(model), "runs": runs}


write("transformer.json", [
    transformer_case(
        "d=8 h=2 ff=12, 2+2 layers",
        {"sourceVocabularySize": 11, "targetVocabularySize": 13, "modelWidth": 8, "heads": 2, "feedForwardWidth": 12,
         "encoderLayers": 2, "decoderLayers": 2, "maxLength": 9},
        [([4, 5, 6, PAD, PAD], [7, 8, 9], 5),      # the course's "a b c" → "g f h", padded
         ([4], [5], 2),                            # n = 1 source
         ([10, 9, 8, 7, 6, 5, 4], [12, 11, 10, 3, 4, 5, 6], 8)],
        greedy_len=8),
    transformer_case(
        "d=9 h=3 ff=7, 1+1 layers",
        {"sourceVocabularySize": 7, "targetVocabularySize": 6, "modelWidth": 9, "heads": 3, "feedForwardWidth": 7,
         "encoderLayers": 1, "decoderLayers": 1, "maxLength": 6},
        [([3, 4, PAD], [5, 4], 4), ([6, 5, 4, 3, PAD, PAD], [3], 2)],
        greedy_len=6),
])


# F.cross_entropy with ignore_index ---------------------------------------------------------------
def cross_entropy_case(targets, classes):
    logits = rounded(len(targets), classes) * 3
    t = torch.tensor(targets)
    return {
        "logits": tensor(logits), "targets": targets,
        "loss": F.cross_entropy(logits, t, ignore_index=PAD).item(),
        "perPosition": F.cross_entropy(logits, t, ignore_index=PAD, reduction="none").tolist(),
    }


write("cross_entropy.json", [
    cross_entropy_case([2], 3),
    cross_entropy_case([3, 4, 2, PAD, PAD], 7),
    cross_entropy_case([1, PAD, 4, 2], 5),
    cross_entropy_case([5, 9, 8, 2, PAD, PAD, PAD], 11),
])

# Pre-norm (norm_first=True): x = x + sublayer(norm(x)) ----------------------------------------------
write("pre_norm.json", [
    encoder_case("encoder n=5 d=6 h=2 ff=11, padding, pre-norm", 5, 6, 2, 11, [False, False, False, True, True], norm_first=True),
    encoder_case("encoder n=3 d=5 h=1 ff=3, causal mask, pre-norm", 3, 5, 1, 3, None, causal(3), norm_first=True),
    decoder_case("decoder T=4 S=5 d=6 h=3 ff=10, causal + both paddings, pre-norm", 4, 5, 6, 3, 10, causal(4),
                 [False, False, False, True], [False, False, False, True, True], norm_first=True),
    decoder_case("decoder T=3 S=4 d=5 h=1 ff=9, encoder padding only, pre-norm", 3, 4, 5, 1, 9, None, None,
                 [False, False, False, True], norm_first=True),
    transformer_case(
        "model d=8 h=2 ff=12, 2+2 layers, pre-norm",
        {"sourceVocabularySize": 11, "targetVocabularySize": 13, "modelWidth": 8, "heads": 2, "feedForwardWidth": 12,
         "encoderLayers": 2, "decoderLayers": 2, "maxLength": 9, "normFirst": True},
        [([4, 5, 6, PAD, PAD], [7, 8, 9], 5), ([10, 9, 8, 7, 6, 5, 4], [12, 11, 10, 3, 4, 5, 6], 8)],
        greedy_len=8),
])
