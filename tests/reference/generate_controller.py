"""Write tests/reference/controller.json: torch ReduceLROnPlateau on recorded losses.

Run by hand from the repository root (torch is never a test dependency):

    /work/torchenv/bin/python tests/reference/generate_controller.py

The committed file was made with torch 2.13.0 (CPU).

Two loss sequences with plateaus (an exact plateau, improvements too small for
the default relative threshold, a noisy plateau, a rise) are stored, the second
shifted below zero, where torch's relative threshold behaves differently. For
each configuration and sequence, ``lrs[k]`` is the optimizer's lr after the
(k+1)-th call of ``scheduler.step(loss)``, starting from ``lr``; ``reductions``
are the 1-based calls after which the lr went down.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from torch.optim import SGD
from torch.optim.lr_scheduler import ReduceLROnPlateau

OUT = Path(__file__).with_name("controller.json")

CONFIGS = [
    {"lr": 0.1, "kwargs": {}},
    {"lr": 1.0, "kwargs": {"factor": 0.5, "patience": 3, "threshold": 1e-3, "cooldown": 2}},
    {"lr": 1.0, "kwargs": {"factor": 0.5, "patience": 2, "threshold": 1e-3, "threshold_mode": "abs"}},
    {"lr": 1.0, "kwargs": {"factor": 0.3, "patience": 5, "threshold": 0.01, "threshold_mode": "abs",
                           "cooldown": 3, "min_lr": 0.02}},
    {"lr": 1e-6, "kwargs": {"factor": 0.5, "patience": 1}},  # eps (1e-8) stops the reductions
    {"lr": 1e-6, "kwargs": {"factor": 0.5, "patience": 1, "eps": 0.0}},
    {"lr": 0.5, "kwargs": {"factor": 0.7, "patience": 0, "cooldown": 1}},
    {"lr": 0.1, "kwargs": {"factor": 0.2, "patience": 4, "threshold": 0.0, "min_lr": 1e-3}},
    {"lr": 0.1, "kwargs": {"factor": 0.0, "patience": 2, "min_lr": 0.01}},
]


def losses():
    rng = np.random.default_rng(7)
    descent = 0.95 ** np.arange(40)
    level = descent[-1]
    creep = level * (1 - 2e-5 * np.arange(1, 21))  # improves, but by less than 1e-4 relative
    second = creep[-1] * 0.97 ** np.arange(1, 31) * (1 + 0.01 * rng.standard_normal(30))
    noisy = second[-1] * (1 + 0.002 * rng.standard_normal(40))
    rise = noisy[-1] * 1.02 ** np.arange(1, 16)
    tail = np.full(30, rise[-1] * 0.5)
    seq = np.concatenate([descent, np.full(25, level), creep, second, noisy, rise, tail])
    return [seq.tolist(), (seq - 2.0).tolist()]


def run(lr, kwargs, seq):
    opt = SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    sched = ReduceLROnPlateau(opt, mode="min", **kwargs)
    lrs = []
    for loss in seq:
        opt.step()
        sched.step(loss)
        lrs.append(float(opt.param_groups[0]["lr"]))
    before = [lr, *lrs[:-1]]
    reductions = [k + 1 for k, (a, b) in enumerate(zip(before, lrs)) if b < a]
    return lrs, reductions


def main():
    seqs = losses()
    cases = []
    for config in CONFIGS:
        for index, seq in enumerate(seqs):
            lrs, reductions = run(config["lr"], config["kwargs"], seq)
            cases.append({**config, "sequence": index, "lrs": lrs, "reductions": reductions})
    data = {"torch_version": torch.__version__, "losses": seqs, "cases": cases}
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
