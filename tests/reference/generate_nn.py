"""Write tests/reference/nn.json: an MLP's cross-entropy loss and gradient, and a few Adam steps, from torch.

Run by hand from the repository root (torch is never a test dependency):

    /path/to/torch-venv/bin/python tests/reference/generate_nn.py

The committed file was made with torch 2.13.0 (CPU), float64.

For each case the data ``X, y`` and the flat parameters ``w`` are drawn here with numpy,
in gdcore's layout (per layer: W of shape (fan_in, fan_out) row-major, then b); torch's
``nn.Linear.weight`` is W transposed. Recorded: the full-batch loss (``CrossEntropyLoss``,
mean, plus ``weight_decay / 2 * sum(W**2)`` over the weight matrices) and its gradient by
autograd, the same on one mini-batch, and the weights after five ``torch.optim.Adam`` steps
on mini-batches of a fixed order.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).with_name("nn.json")
CASES = [
    {"sizes": [2, 5, 3], "activation": "tanh", "weight_decay": 0.0, "n": 40, "seed": 0},
    {"sizes": [2, 8, 6, 3], "activation": "relu", "weight_decay": 0.0, "n": 50, "seed": 1},
    {"sizes": [3, 16, 16, 4], "activation": "tanh", "weight_decay": 0.01, "n": 64, "seed": 2},
]


def layout(sizes):
    return [(a, b) for a, b in zip(sizes[:-1], sizes[1:])]


def unflatten(w, sizes):
    layers, pos = [], 0
    for a, b in layout(sizes):
        W = w[pos:pos + a * b].reshape(a, b)
        pos += a * b
        layers.append((W, w[pos:pos + b]))
        pos += b
    return layers


def torch_loss(w, X, y, case):
    layers = unflatten(w, case["sizes"])
    h = X
    for i, (W, b) in enumerate(layers):
        h = h @ W + b
        if i < len(layers) - 1:
            h = torch.tanh(h) if case["activation"] == "tanh" else torch.relu(h)
    loss = torch.nn.functional.cross_entropy(h, y)
    return loss + 0.5 * case["weight_decay"] * sum((W**2).sum() for W, _ in layers)


def main():
    out = []
    for case in CASES:
        rng = np.random.default_rng(case["seed"])
        sizes = case["sizes"]
        dim = sum(a * b + b for a, b in layout(sizes))
        X = rng.normal(size=(case["n"], sizes[0]))
        y = rng.integers(0, sizes[-1], size=case["n"])
        w = rng.normal(scale=0.7, size=dim)
        batch = rng.choice(case["n"], size=8, replace=False)
        Xt, yt = torch.tensor(X), torch.tensor(y)
        record = dict(case, X=X.tolist(), y=y.tolist(), w=w.tolist(), batch=batch.tolist())
        for name, rows in (("full", slice(None)), ("batch", torch.tensor(batch))):
            wt = torch.tensor(w, requires_grad=True)
            loss = torch_loss(wt, Xt[rows], yt[rows], case)
            loss.backward()
            record[f"loss_{name}"] = float(loss)
            record[f"grad_{name}"] = wt.grad.tolist()
        # Five Adam steps on mini-batches of 8 in a fixed order.
        order = rng.permutation(case["n"])[:40].reshape(5, 8)
        wt = torch.tensor(w, requires_grad=True)
        opt = torch.optim.Adam([wt], lr=0.01)
        for rows in order:
            opt.zero_grad()
            torch_loss(wt, Xt[torch.tensor(rows)], yt[torch.tensor(rows)], case).backward()
            opt.step()
        record["adam_order"] = order.tolist()
        record["adam_w"] = wt.detach().tolist()
        out.append(record)
    OUT.write_text(json.dumps({"torch": torch.__version__, "cases": out}))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    torch.set_default_dtype(torch.float64)
    main()
