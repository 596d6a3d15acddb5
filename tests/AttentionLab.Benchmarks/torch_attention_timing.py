"""PyTorch timings for the sizes of AttentionAtScaleBenchmarks, to put beside the C# figures.

Not a test and not needed by CI. Run with Debian's python3-torch:

    /usr/bin/python3 tests/AttentionLab.Benchmarks/torch_attention_timing.py [--threads 2] [--csv REPORT.csv]

It times softmax(Q Kᵀ / √d + mask) V in float64 (the readable attention's arithmetic, with
PyTorch's BLAS doing the products) and, where this PyTorch has it,
torch.nn.functional.scaled_dot_product_attention. With --csv pointing at BenchmarkDotNet's
report (BenchmarkDotNet.Artifacts/results/*AttentionAtScale*-report.csv) it also prints the
C# time / PyTorch time ratios.
"""
import argparse
import csv
import math
import time

import torch

D = 64
SIZES = [64, 256, 1024, 4096]


def explicit(q, k, v, mask):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores + mask
    return torch.softmax(scores, dim=-1) @ v


def best_of(fn, budget_seconds=1.0, repeats=5):
    """Median of `repeats` timings, each the mean over enough calls to fill budget / repeats."""
    fn()  # warm up
    start = time.perf_counter()
    fn()
    one = max(time.perf_counter() - start, 1e-7)
    calls = max(1, int(budget_seconds / repeats / one))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - start) / calls)
    times.sort()
    return times[len(times) // 2]


def csharp_times(path):
    """{(method, n, causal): mean seconds} from a BenchmarkDotNet CSV report."""
    units = {"ns": 1e-9, "μs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    result = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            value, unit = row["Mean"].replace(",", "").split()
            result[(row["Method"], int(row["N"]), row["Causal"] == "True")] = float(value) * units[unit]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--csv", help="BenchmarkDotNet CSV report of AttentionAtScaleBenchmarks")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    has_sdpa = hasattr(torch.nn.functional, "scaled_dot_product_attention")
    csharp = csharp_times(args.csv) if args.csv else {}

    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, float64, d = {D}")
    header = f"{'n':>5} {'causal':>6} {'explicit':>12} {'GFLOP/s':>8}"
    if has_sdpa:
        header += f" {'sdpa':>12}"
    if csharp:
        header += f" {'Fused/torch':>12} {'Readable/torch':>15}"
    print(header)
    generator = torch.Generator().manual_seed(2024)
    for n in SIZES:
        q, k, v = (torch.rand(n, D, dtype=torch.float64, generator=generator) * 2 - 1 for _ in range(3))
        causal_mask = torch.triu(torch.full((n, n), float("-inf"), dtype=torch.float64), diagonal=1)
        for causal in (False, True):
            mask = causal_mask if causal else None
            with torch.no_grad():
                t = best_of(lambda: explicit(q, k, v, mask), budget_seconds=3.0 if n == 4096 else 1.0)
                line = f"{n:>5} {str(causal):>6} {t * 1e3:>9.3f} ms {4 * n * n * D / t / 1e9:>8.1f}"
                if has_sdpa:
                    s = best_of(lambda: torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=causal))
                    line += f" {s * 1e3:>9.3f} ms"
            if csharp:
                fused = csharp.get(("Fused", n, causal))
                readable = csharp.get(("Readable", n, causal))
                line += f" {fused / t:>12.2f}" if fused else f" {'NA':>12}"
                line += f" {readable / t:>15.2f}" if readable else f" {'NA':>15}"
            print(line)


if __name__ == "__main__":
    main()
