"""Writes train.tsv and heldout.tsv for lesson 08's toy task: reverse a short sequence of letters.

    python3 data/reverse/make_reverse_data.py     (Python 3 standard library only; deterministic)

Each line is `source<TAB>target`, tokens separated by spaces, e.g. `c a h b<TAB>b h a c`.
Sources are 2 to 6 letters drawn uniformly from a ... j (10 of the course vocabulary's letters),
every length equally likely, so a batch mixes lengths and needs padding. No sequence appears twice,
and no held-out source appears in the training set.
"""
import os
import random

LETTERS = "abcdefghij"
MIN_LENGTH, MAX_LENGTH = 2, 6
TRAIN, HELD_OUT = 5000, 200
SEED = 8


def main():
    rng = random.Random(SEED)
    seen = set()

    def draw(count):
        rows = []
        while len(rows) < count:
            length = MIN_LENGTH + int(rng.random() * (MAX_LENGTH - MIN_LENGTH + 1))
            source = tuple(LETTERS[int(rng.random() * len(LETTERS))] for _ in range(length))
            if source in seen:
                continue
            seen.add(source)
            rows.append(" ".join(source) + "\t" + " ".join(reversed(source)))
        return rows

    here = os.path.dirname(os.path.abspath(__file__))
    for name, count in (("train.tsv", TRAIN), ("heldout.tsv", HELD_OUT)):
        with open(os.path.join(here, name), "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(draw(count)) + "\n")


if __name__ == "__main__":
    main()
