"""Writes adam.json: torch.optim.Adam on a tiny least-squares problem, in float64.

Run with Debian's PyTorch: /usr/bin/python3 make_adam_fixture.py (from this folder).
The problem: W (3 x 2) and b (3), loss = mean((X W^T + b - Y)^2) over a 5 x 3 output.
For each case (PyTorch's defaults, and other hyper-parameters with weight decay) it records the
starting weights, X, Y, and after every step the loss before the step, the gradients and the
weights after the step, so the C# Adam can be held to PyTorch's trajectory.
"""
import json
import torch

torch.set_default_dtype(torch.float64)

CASES = [
    ("defaults", {}),
    ("custom", {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
]
STEPS = 12


def tolist(t):
    return t.detach().tolist()


def run(name, options):
    g = torch.Generator().manual_seed(8)
    X = torch.randn(5, 2, generator=g)
    Y = torch.randn(5, 3, generator=g)
    W = torch.randn(3, 2, generator=g).requires_grad_()
    b = torch.randn(3, generator=g).requires_grad_()
    case = {"name": name, "options": {k: list(v) if isinstance(v, tuple) else v for k, v in options.items()},
            "X": tolist(X), "Y": tolist(Y), "W": tolist(W), "b": tolist(b), "steps": []}
    opt = torch.optim.Adam([W, b], **options)
    for _ in range(STEPS):
        opt.zero_grad()
        loss = ((X @ W.T + b - Y) ** 2).mean()
        loss.backward()
        grads = {"W": tolist(W.grad), "b": tolist(b.grad)}
        opt.step()
        case["steps"].append({"loss": loss.item(), "grad": grads, "W": tolist(W), "b": tolist(b)})
    return case


if __name__ == "__main__":
    data = {"torch": torch.__version__, "cases": [run(n, o) for n, o in CASES]}
    with open("adam.json", "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
