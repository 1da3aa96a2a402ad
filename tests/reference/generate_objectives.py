"""Write tests/reference/objectives.json: per-sample gradients, Hessians and 2/lambda_max from torch.

Run by hand from the repository root (torch is never a test dependency):

    /path/to/torch-venv/bin/python tests/reference/generate_objectives.py

The committed file was made with torch 2.13.0 (CPU), float64.

The data come from gdcore itself (gdcore imports numpy only, so it loads in the torch venv): for
each case the script builds the objective, stores its data (``x, y`` or the offsets) and asks torch,
by autograd on a loss written out here, for every single-sample gradient
(``torch.func.vmap(torch.func.grad(loss_i))``, what ``per_sample_grad`` returns), the full loss, its
gradient, its Hessian (``torch.func.hessian``) and ``2 / eigvalsh(H)[-1]`` (``max_stable_lr_at``).
The losses are torch's own modules where one exists: ``nn.functional.mse_loss`` of a line
(no factor 1/2) and ``nn.functional.binary_cross_entropy_with_logits``; a ``Sampled`` objective is the
surface's formula at ``w - o_i``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import gdcore as gd  # noqa: E402

OUT = Path(__file__).with_name("objectives.json")

POINTS = [[0.0, 0.0], [1.3, -0.7], [-0.4, 2.1], [2.5, 0.5], [3.0, 2.0], [-1.4, 0.45]]

CASES = [
    {"kind": "linear_regression", "args": {"n_samples": 12, "noise": 0.5, "seed": 3}},
    {"kind": "linear_regression", "args": {"n_samples": 40, "noise": 2.0, "seed": 0}},
    {"kind": "logistic_regression", "args": {"n_samples": 12, "seed": 3}},
    {"kind": "logistic_regression", "args": {"n_samples": 40, "seed": 1}},
    {"kind": "sampled", "args": {"surface": "himmelblau", "n_samples": 10, "spread": 0.5, "seed": 1, "shift": [0.2, -0.1]}},
    {"kind": "sampled", "args": {"surface": "flat_sharp", "n_samples": 16, "spread": 0.3, "seed": 0, "shift": [0.0, 0.0]}},
    {"kind": "sampled", "args": {"surface": "rosenbrock", "n_samples": 8, "spread": 0.2, "seed": 2, "shift": [0.0, 0.3]}},
]


def make(case):
    args = dict(case["args"])
    if case["kind"] == "sampled":
        args["surface"] = gd.surfaces.get(args["surface"])
        args["shift"] = tuple(args["shift"])
        return gd.objectives.Sampled(**args)
    return getattr(gd.objectives, case["kind"])(**args)


# --- the surfaces, written out in torch -------------------------------------------------------


def himmelblau(v):
    x, y = v[0], v[1]
    return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2


def flat_sharp(v):
    wells = ((1.0, -1.5, 0.5, 1.0), (1.0, 1.5, -0.5, 0.25))  # depth, centre, width
    out = 0.05 * (v * v).sum()
    for depth, cx, cy, width in wells:
        out = out - depth * torch.exp(-((v[0] - cx) ** 2 + (v[1] - cy) ** 2) / (2.0 * width**2))
    return out


def rosenbrock(v):
    x, y = v[0], v[1]
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


SURFACES = {"himmelblau": himmelblau, "flat_sharp": flat_sharp, "rosenbrock": rosenbrock}


def sample_loss(case, obj):
    """``(loss_i(w, row), rows)``: one sample's loss in torch, and the rows (one per sample) to map it over."""
    if case["kind"] == "linear_regression":
        def loss(w, row):
            return torch.nn.functional.mse_loss(w[0] * row[0] + w[1], row[1])
        return loss, torch.stack([torch.tensor(obj.x), torch.tensor(obj.y)], dim=-1)
    if case["kind"] == "logistic_regression":
        def loss(w, row):
            return torch.nn.functional.binary_cross_entropy_with_logits(w[0] * row[0] + w[1], row[1])
        return loss, torch.stack([torch.tensor(obj.x), torch.tensor(obj.y)], dim=-1)
    f = SURFACES[case["args"]["surface"]]

    def loss(w, offset):
        return f(w - offset)
    return loss, torch.tensor(obj.offsets)


def main():
    out = []
    for case in CASES:
        obj = make(case)
        loss_i, rows = sample_loss(case, obj)

        def full(w):
            return torch.func.vmap(loss_i, in_dims=(None, 0))(w, rows).mean()

        record = dict(case, points=POINTS, per_sample_grad=[], loss=[], grad=[], hessian=[], max_stable_lr=[])
        if case["kind"] == "sampled":
            record["offsets"] = obj.offsets.tolist()
        else:
            record["x"], record["y"] = obj.x.tolist(), obj.y.tolist()
        for p in POINTS:
            w = torch.tensor(p)
            record["per_sample_grad"].append(torch.func.vmap(torch.func.grad(loss_i), in_dims=(None, 0))(w, rows).tolist())
            wt = w.clone().requires_grad_(True)
            loss = full(wt)
            loss.backward()
            record["loss"].append(float(loss.detach()))
            record["grad"].append(wt.grad.tolist())
            h = torch.func.hessian(full)(w)
            record["hessian"].append(h.tolist())
            top = float(torch.linalg.eigvalsh(h)[-1])
            record["max_stable_lr"].append(2.0 / top if top > 0 else float("inf"))
        out.append(record)
    OUT.write_text(json.dumps({"torch": torch.__version__, "cases": out}))
    print(f"wrote {OUT}: {len(out)} objectives x {len(POINTS)} points")


if __name__ == "__main__":
    torch.set_default_dtype(torch.float64)
    main()
