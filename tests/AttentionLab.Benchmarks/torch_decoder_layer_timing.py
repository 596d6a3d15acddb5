"""PyTorch's nn.TransformerDecoderLayer at the sizes of DecoderLayerBenchmarks, beside the C# figures.

Not a test and not needed by CI. Run with Debian's python3-torch:

    /usr/bin/python3 tests/AttentionLab.Benchmarks/torch_decoder_layer_timing.py [--threads 2] [--csv REPORT.csv]

It times one forward pass of nn.TransformerDecoderLayer(d_model=64, nhead=4, dim_feedforward=256,
dropout=0, ReLU, post-norm) in float64 under torch.no_grad(), for a target of n rows with the causal
mask on the self-attention and a memory (the encoder's output) of n rows, as DecoderLayer.Forward
does in C#. It prints which BLAS library the process loaded (PyTorch's float64 products go to it) and
the load average. Debian's python3-torch uses the system's libblas.so.3 (the reference BLAS unless
an optimised one is installed); the benchmarks README shows how to run it on OpenBLAS instead.
With --csv pointing at BenchmarkDotNet's report
(BenchmarkDotNet.Artifacts/results/DecoderLayerBenchmarks-report.csv) it prints C# time / PyTorch time:
below 1 means C# is faster.
"""
import argparse
import os
import sys

# OpenMP's worker threads otherwise spin between operations; on a machine shared with other work that
# measured 10-100x slower at 2 threads (PyTorch's own waits, not its arithmetic). Set it before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_attention_timing import best_of  # noqa: E402

D, HEADS, FEED_FORWARD = 64, 4, 256
SIZES = [16, 64]


def loaded_blas():
    """The BLAS shared libraries mapped into this process (after torch has done a product)."""
    names = set()
    with open("/proc/self/maps", encoding="utf-8") as maps:
        for line in maps:
            path = line.split()[-1]
            if "blas" in os.path.basename(path).lower():
                names.add(os.path.realpath(path))
    return sorted(names) or ["none found"]


def csharp_times(path):
    """{n: mean seconds} of the DecoderLayer.Forward rows of a BenchmarkDotNet CSV report."""
    units = {"ns": 1e-9, "μs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    result = {}
    with open(path, newline="", encoding="utf-8") as f:
        import csv

        for row in csv.DictReader(f):
            value, unit = row["Mean"].replace(",", "").split()
            result[int(row["N"])] = float(value) * units[unit]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--csv", help="BenchmarkDotNet CSV report of DecoderLayerBenchmarks")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    csharp = csharp_times(args.csv) if args.csv else {}

    torch.manual_seed(2024)
    layer = torch.nn.TransformerDecoderLayer(
        D, HEADS, dim_feedforward=FEED_FORWARD, dropout=0.0, batch_first=True, dtype=torch.float64
    ).eval()
    lines = []
    for n in SIZES:
        x = torch.rand(1, n, D, dtype=torch.float64) * 2 - 1
        memory = torch.rand(1, n, D, dtype=torch.float64) * 2 - 1
        causal = torch.nn.Transformer.generate_square_subsequent_mask(n).to(torch.float64)
        with torch.no_grad():
            t = best_of(lambda: layer(x, memory, tgt_mask=causal), budget_seconds=2.0)
        line = f"{n:>4} {t * 1e3:>10.3f} ms"
        if csharp:
            cs = csharp.get(n)
            line += f" {cs * 1e3:>10.3f} ms {cs / t:>8.2f}" if cs else f" {'NA':>13} {'NA':>8}"
        lines.append(line)

    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, float64, "
          f"d = {D}, {HEADS} heads, feed-forward {FEED_FORWARD}")
    print("BLAS: " + ", ".join(loaded_blas()))
    print(f"OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}, load average {os.getloadavg()[0]:.2f}")
    header = f"{'n':>4} {'PyTorch':>13}"
    if csharp:
        header += f" {'C#':>13} {'C#/torch':>8}"
    print(header)
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
