"""Trains the small model lesson 07 decodes with: "reverse the sentence".

Run from the repository root with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 data/make_reverse_model.py
It takes about 75 s of CPU time (1,000 Adam steps; 2 to 5 minutes on a busy machine) and is
deterministic (fixed seeds, float64, one thread): running it again writes the same files. The files are committed, so no lesson needs torch.

The task: a source of 1 to 5 letters from a … h, e.g. `a b c`, must come out reversed, `c b a </s>`.
Every such sentence (37,448 of them) is either trained on or held out; `a b c`, the course's worked
example, is held out on purpose, so the lesson decodes a sentence the model never saw.
Sources are padded on the right to the longest length (5), targets are taught with teacher forcing
(decoder input `<s> c b a`, targets `c b a </s>`), PAD targets ignored.

The model is exactly the library's `Transformer` (the `Seq2Seq` of
tests/AttentionLab.Tests/Fixtures/make_layer_fixtures.py, which the library reproduces to 1e-12):
token embeddings + sinusoidal positions (unscaled), nn.Transformer's post-norm layers and final norms
(ReLU, LayerNorm eps 1e-5, dropout 0), and a linear output projection. Its sizes, which the lesson
passes to `Transformer.FromStateDict`, are CONFIG below (vocabulary sizes = data/vocabulary.txt).

Writes:
  data/reverse-model.json    the state_dict in StateDict's JSON format: {"name": {"shape": [...], "data": [...]}}
                             with PyTorch's parameter names; weights rounded to 7 significant digits
  data/reverse-heldout.txt   held-out sentences (never trained on): source TAB reversed TAB PyTorch's greedy output
It checks and prints the held-out exact-match accuracy of greedy decoding (it must be at least 95%) and
that the rounded weights decode every held-out sentence exactly as the unrounded ones did.
"""
import itertools
import json
import math
import os
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)   # one thread: the same sums in the same order on every machine
torch.manual_seed(20260707)
random.seed(20260707)

DATA = os.path.dirname(os.path.abspath(__file__))
PAD, START, END = 0, 1, 2
VOCABULARY = [line.strip() for line in open(os.path.join(DATA, "vocabulary.txt"))
              if line.strip() and not line.startswith("#")]
ID = {token: i for i, token in enumerate(VOCABULARY)}
LETTERS = "a b c d e f g h".split()
LONGEST = 5                       # sources have 1 … 5 letters, padded to 5
CONFIG = {"sourceVocabularySize": len(VOCABULARY), "targetVocabularySize": len(VOCABULARY),
          "modelWidth": 32, "heads": 4, "feedForwardWidth": 64, "encoderLayers": 1, "decoderLayers": 2,
          "maxLength": LONGEST + 1}
STEPS, BATCH, LEARNING_RATE = 1000, 128, 3e-3
SIGNIFICANT_DIGITS = 7


# The model: the same definition as make_layer_fixtures.py, batched --------------------------------
def sinusoidal(length, d_model):
    position = torch.arange(length).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
    pe = torch.zeros(length, d_model)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term[: d_model // 2])
    return pe


def causal(n):
    return torch.triu(torch.full((n, n), float("-inf")), diagonal=1)


class Seq2Seq(nn.Module):
    """nn.Transformer's encoder and decoder (final norms included) between embeddings and a projection.
    Embeddings are not scaled by sqrt(d_model), as in the C# Transformer."""

    def __init__(self, cfg):
        super().__init__()
        d = cfg["modelWidth"]
        self.source_embedding = nn.Embedding(cfg["sourceVocabularySize"], d)
        self.target_embedding = nn.Embedding(cfg["targetVocabularySize"], d)
        t = nn.Transformer(d, cfg["heads"], cfg["encoderLayers"], cfg["decoderLayers"], cfg["feedForwardWidth"],
                           dropout=0.0, batch_first=True)
        self.encoder, self.decoder = t.encoder, t.decoder  # the names encoder.* and decoder.*, as in nn.Transformer
        self.output_projection = nn.Linear(d, cfg["targetVocabularySize"])
        self.register_buffer("positions", sinusoidal(cfg["maxLength"], d), persistent=False)

    def encode(self, src):                       # src: batch × S
        x = self.source_embedding(src) + self.positions[: src.shape[1]]
        src_pad = src == PAD
        return self.encoder(x, src_key_padding_mask=src_pad), src_pad

    def decode(self, memory, src_pad, tgt, target_padding=True):   # tgt: batch × T → batch × T × vocabulary
        y = self.target_embedding(tgt) + self.positions[: tgt.shape[1]]
        tgt_pad = (tgt == PAD) if target_padding else None
        out = self.decoder(y, memory, tgt_mask=causal(tgt.shape[1]), tgt_key_padding_mask=tgt_pad,
                           memory_key_padding_mask=src_pad)
        return self.output_projection(out)


# The data -------------------------------------------------------------------------------------------
def padded(ids, length):
    return ids + [PAD] * (length - len(ids))


def batch(sentences):
    src = torch.tensor([padded([ID[w] for w in s], LONGEST) for s in sentences])
    rev = [[ID[w] for w in reversed(s)] for s in sentences]
    decoder_input = torch.tensor([padded([START] + r, LONGEST + 1) for r in rev])
    targets = torch.tensor([padded(r + [END], LONGEST + 1) for r in rev])
    return src, decoder_input, targets


sentences = [s for n in range(1, LONGEST + 1) for s in itertools.product(LETTERS, repeat=n)]
random.shuffle(sentences)
worked = ("a", "b", "c")
held_out = [worked] + [s for s in sentences if len(s) >= 3 and s != worked][:1500]
held = set(held_out)
train = [s for s in sentences if s not in held]
print(f"{len(sentences)} sentences: {len(train)} to train on, {len(held_out)} held out (a b c among them)")


# Greedy decoding, batched: every generated token is fed back as a real token (no target padding) ----
@torch.no_grad()
def greedy(model, sentences):
    src = torch.tensor([padded([ID[w] for w in s], LONGEST) for s in sentences])
    memory, src_pad = model.encode(src)
    ys = torch.full((len(sentences), 1), START)
    for _ in range(LONGEST + 1):
        step = model.decode(memory, src_pad, ys, target_padding=False)[:, -1]
        ys = torch.cat([ys, step.argmax(-1, keepdim=True)], dim=1)
    out = []
    for row in ys[:, 1:].tolist():
        out.append(row[: row.index(END) + 1] if END in row else row)
    return out


def accuracy(decoded, sentences):
    right = sum(d == [ID[w] for w in reversed(s)] + [END] for d, s in zip(decoded, sentences))
    return right / len(sentences)


# Training ---------------------------------------------------------------------------------------------
model = Seq2Seq(CONFIG)
model.train()   # dropout is 0; train mode keeps PyTorch 1.13 off its "fast path", as in the fixtures
optimiser = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=LEARNING_RATE, total_steps=STEPS, pct_start=0.1)
begin = time.time()
for step in range(1, STEPS + 1):
    src, decoder_input, targets = batch(random.sample(train, BATCH))
    memory, src_pad = model.encode(src)
    logits = model.decode(memory, src_pad, decoder_input)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=PAD)
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    schedule.step()
    if step % 100 == 0:
        print(f"step {step:5d}  loss {loss.item():.4f}  {time.time() - begin:.0f} s")

decoded = greedy(model, held_out)
held_out_accuracy = accuracy(decoded, held_out)
print(f"held-out exact match: {held_out_accuracy:.2%} of {len(held_out)}; "
      f"training sample: {accuracy(greedy(model, train[:1500]), train[:1500]):.2%}")


# Rounding: 7 significant digits keep the file small; the rounded model must decode exactly the same -----
@torch.no_grad()
def round_parameters(module):
    for p in module.parameters():
        p.copy_(torch.tensor([float(f"{x:.{SIGNIFICANT_DIGITS}g}") for x in p.reshape(-1).tolist()]).reshape(p.shape))


src, decoder_input, _ = batch(held_out)
with torch.no_grad():
    before = model.decode(*model.encode(src), decoder_input)
round_parameters(model)
with torch.no_grad():
    after = model.decode(*model.encode(src), decoder_input)
rounded_decoded = greedy(model, held_out)
print(f"rounding to {SIGNIFICANT_DIGITS} digits moves the held-out logits by at most {(after - before).abs().max().item():.2e}")
assert rounded_decoded == decoded, "the rounded weights decode some held-out sentence differently"
assert held_out_accuracy >= 0.95, f"held-out accuracy {held_out_accuracy:.2%} is below 95%"
assert decoded[0] == [ID["c"], ID["b"], ID["a"], END], f"a b c decodes to {decoded[0]}"


# Files ---------------------------------------------------------------------------------------------------
def tensor(t):
    return {"shape": list(t.shape), "data": t.detach().reshape(-1).tolist()}


state = {name: tensor(p) for name, p in model.state_dict().items()}
with open(os.path.join(DATA, "reverse-model.json"), "w") as f:
    json.dump(state, f, separators=(",", ":"))
    f.write("\n")
with open(os.path.join(DATA, "reverse-heldout.txt"), "w") as f:
    f.write("# Held-out sentences of data/make_reverse_model.py (never trained on): source TAB reversed TAB PyTorch's greedy output.\n")
    for s, d in list(zip(held_out, decoded))[:60]:
        f.write(f"{' '.join(s)}\t{' '.join(reversed(s))}\t{' '.join(VOCABULARY[i] for i in d)}\n")
size = os.path.getsize(os.path.join(DATA, "reverse-model.json"))
parameters = sum(p.numel() for p in model.parameters())
print(f"reverse-model.json: {parameters} parameters, {size / 1024:.0f} KB; config {CONFIG}")
print(f"done in {time.time() - begin:.0f} s")
