"""Write tests/reference/weight_averaging.json: stochastic weight averaging run by PyTorch.

Made with torch 2.13.0+cpu, float64. Run by hand from the repository root (torch
is never a test dependency):

    /work/torchenv/bin/python tests/reference/generate_weight_averaging.py

Each case fits ``nn.Linear(1, 1)`` with ``nn.MSELoss()`` on stored data
(x, y), with ``torch.optim.SGD`` whose lr follows the SWA saw-tooth of
Izmailov et al. (2018) through ``LambdaLR``, and
``torch.optim.swa_utils.AveragedModel`` updated after the last update of every
cycle. Mini-batches follow the documented gdcore protocol, drawn here with
numpy alone: ``rng = np.random.default_rng(seed)``, every epoch a fresh
``rng.permutation(n)`` cut into batches of ``batch_size`` (the last one holds
the remainder). The file records the data, the weights (weight, bias) after
every cycle and AveragedModel's running mean at the end.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel

OUT = Path(__file__).with_name("weight_averaging.json")

CASES = [
    {"name": "plain_sgd", "n": 20, "batch_size": 4, "cycles": 4, "cycle_length": 7,
     "lr_max": 0.08, "lr_min": 0.01, "momentum": 0.0, "seed": 3, "start": [0.0, 0.0]},
    {"name": "momentum_remainder_batches", "n": 23, "batch_size": 5, "cycles": 3, "cycle_length": 10,
     "lr_max": 0.05, "lr_min": 0.002, "momentum": 0.9, "seed": 11, "start": [-1.0, 2.0]},
]


def batches(n, batch_size, seed):
    """Endless mini-batches: each epoch a fresh permutation, cut into consecutive batches."""
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(n)
        for i in range(0, n, batch_size):
            yield order[i : i + batch_size]


def run(case):
    data = np.random.default_rng(1000 + case["n"])
    x = data.normal(1.0, 1.0, case["n"])
    y = 2.0 * x - 1.0 + 0.7 * data.standard_normal(case["n"])
    model = nn.Linear(1, 1).double()
    with torch.no_grad():
        model.weight.fill_(case["start"][0])
        model.bias.fill_(case["start"][1])
    lr_max, lr_min, c = case["lr_max"], case["lr_min"], case["cycle_length"]

    def factor(t):
        tau = ((t % c) + 1) / c
        return ((1 - tau) * lr_max + tau * lr_min) / lr_max

    opt = torch.optim.SGD(model.parameters(), lr=lr_max, momentum=case["momentum"])
    sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    swa_model = AveragedModel(model)
    xt, yt = torch.tensor(x)[:, None], torch.tensor(y)[:, None]
    loss_fn = nn.MSELoss()
    stream = batches(case["n"], case["batch_size"], case["seed"])
    snapshots, lrs = [], []
    for t in range(case["cycles"] * c):
        idx = torch.as_tensor(next(stream))
        lrs.append(opt.param_groups[0]["lr"])
        opt.zero_grad()
        loss_fn(model(xt[idx]), yt[idx]).backward()
        opt.step()
        sched.step()
        if (t + 1) % c == 0:
            swa_model.update_parameters(model)
            snapshots.append([model.weight.item(), model.bias.item()])
    average = [swa_model.module.weight.item(), swa_model.module.bias.item()]
    return {**case, "x": x.tolist(), "y": y.tolist(), "lrs": lrs, "snapshots": snapshots, "average": average}


if __name__ == "__main__":
    torch.set_default_dtype(torch.float64)
    out = {"torch": torch.__version__, "cases": [run(case) for case in CASES]}
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {OUT} with torch {torch.__version__}")
