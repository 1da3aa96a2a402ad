"""Record PyTorch optimizer runs for tests/test_optimizers.py.

Made with torch 2.13.0+cpu (float64, single-tensor path ``foreach=False``).
Run by hand from the repository root:

    /work/torchenv/bin/python tests/reference/generate_optimizers.py

Each run minimises the Rosenbrock function, written in torch and differentiated by
autograd, from three fixed starts at once (one (3, 2) parameter; the loss is the sum
over starts, so each row sees its own gradient). For 30 steps it records the
gradient fed to the optimizer and the weights after the step. The test replays the
recorded gradients through gdcore's step(), so it never depends on gdcore's
surfaces. Runs with ``lrs`` set the group's lr before every step (a schedule).
Runs with ``maximize=True`` maximise minus the Rosenbrock function (their
"function" says so), which walks the same valley without running off to infinity.

The file also records torch's constructor defaults, read from the signatures.
"""

import inspect
import json
import math
from pathlib import Path

import torch

STEPS = 30
START = [[-1.5, 2.0], [0.0, 0.5], [1.2, 1.0]]
OUT = Path(__file__).with_name("optimizers.json")

# An lr that changes every step, as a schedule would: a decaying wave around 1.
WAVE = [1.0 + 0.5 * math.sin(t) * 0.95**t for t in range(STEPS)]

# (name, torch class, kwargs, lr per step or None)
RUNS = [
    ("sgd_defaults", "SGD", {}, None),
    ("sgd_lr", "SGD", {"lr": 5e-4}, None),
    ("sgd_momentum", "SGD", {"lr": 2e-4, "momentum": 0.9}, None),
    ("sgd_dampening", "SGD", {"lr": 2e-4, "momentum": 0.9, "dampening": 0.3}, None),
    ("sgd_nesterov", "SGD", {"lr": 2e-4, "momentum": 0.8, "nesterov": True}, None),
    ("sgd_weight_decay", "SGD", {"lr": 3e-4, "momentum": 0.5, "weight_decay": 0.7}, None),
    ("sgd_momentum_lr_schedule", "SGD", {"lr": 2e-4, "momentum": 0.9, "dampening": 0.1},
     [2e-4 * f for f in WAVE]),
    ("sgd_nesterov_lr_schedule", "SGD", {"lr": 2e-4, "momentum": 0.9, "nesterov": True,
                                         "weight_decay": 0.2}, [2e-4 * f for f in WAVE]),
    ("adagrad_defaults", "Adagrad", {}, None),
    ("adagrad_lr_decay", "Adagrad", {"lr": 0.3, "lr_decay": 0.05}, None),
    ("adagrad_initial_accumulator", "Adagrad",
     {"lr": 0.3, "initial_accumulator_value": 50.0, "eps": 1e-3}, None),
    ("adagrad_weight_decay", "Adagrad", {"lr": 0.3, "weight_decay": 0.8}, None),
    ("adagrad_lr_schedule", "Adagrad", {"lr": 0.3, "lr_decay": 0.1, "weight_decay": 0.1},
     [0.3 * f for f in WAVE]),
    ("rmsprop_defaults", "RMSprop", {}, None),
    ("rmsprop_alpha", "RMSprop", {"lr": 0.02, "alpha": 0.9, "eps": 1e-4}, None),
    ("rmsprop_centered", "RMSprop", {"lr": 0.02, "centered": True}, None),
    ("rmsprop_momentum", "RMSprop", {"lr": 0.005, "momentum": 0.8}, None),
    ("rmsprop_weight_decay", "RMSprop", {"lr": 0.02, "weight_decay": 0.6}, None),
    ("rmsprop_all", "RMSprop",
     {"lr": 0.005, "alpha": 0.95, "momentum": 0.7, "centered": True, "weight_decay": 0.3}, None),
    ("rmsprop_lr_schedule", "RMSprop", {"lr": 0.005, "momentum": 0.5, "centered": True},
     [0.005 * f for f in WAVE]),
    ("adam_defaults", "Adam", {}, None),
    ("adam_lr", "Adam", {"lr": 0.05}, None),
    ("adam_betas_eps", "Adam", {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-2}, None),
    ("adam_weight_decay", "Adam", {"lr": 0.05, "weight_decay": 0.9}, None),
    ("adam_amsgrad", "Adam", {"lr": 0.05, "betas": (0.9, 0.9), "amsgrad": True}, None),
    ("adam_lr_schedule", "Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.2},
     [0.05 * f for f in WAVE]),
    ("adamw_defaults", "AdamW", {}, None),
    ("adamw_weight_decay", "AdamW", {"lr": 0.05, "weight_decay": 0.9}, None),
    ("adamw_amsgrad", "AdamW", {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-3, "amsgrad": True,
                                "weight_decay": 0.3}, None),
    ("adamw_lr_schedule", "AdamW", {"lr": 0.05, "weight_decay": 0.5}, [0.05 * f for f in WAVE]),
    # maximize=True on every optimizer, with a weight decay: torch negates g before the decay.
    ("sgd_maximize", "SGD", {"lr": 2e-4, "momentum": 0.9, "weight_decay": 0.3, "maximize": True}, None),
    ("adagrad_maximize", "Adagrad", {"lr": 0.3, "weight_decay": 0.2, "maximize": True}, None),
    ("rmsprop_maximize", "RMSprop", {"lr": 0.02, "momentum": 0.5, "centered": True, "weight_decay": 0.2,
                                     "maximize": True}, None),
    ("adam_maximize", "Adam", {"lr": 0.05, "weight_decay": 0.3, "amsgrad": True, "maximize": True}, None),
    ("adamw_maximize", "AdamW", {"lr": 0.05, "weight_decay": 0.5, "maximize": True}, None),
    ("nadam_defaults", "NAdam", {}, None),
    ("nadam_lr", "NAdam", {"lr": 0.05}, None),
    ("nadam_betas_eps", "NAdam", {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-2}, None),
    ("nadam_momentum_decay", "NAdam", {"lr": 0.05, "momentum_decay": 0.1}, None),
    ("nadam_weight_decay", "NAdam", {"lr": 0.05, "weight_decay": 0.9}, None),
    ("nadam_decoupled_weight_decay", "NAdam", {"lr": 0.05, "weight_decay": 0.9,
                                               "decoupled_weight_decay": True}, None),
    ("nadam_maximize", "NAdam", {"lr": 0.05, "weight_decay": 0.3, "maximize": True}, None),
    ("nadam_lr_schedule", "NAdam", {"lr": 0.05, "momentum_decay": 0.02, "weight_decay": 0.2,
                                    "decoupled_weight_decay": True}, [0.05 * f for f in WAVE]),
    ("radam_defaults", "RAdam", {}, None),
    ("radam_lr", "RAdam", {"lr": 5e-4}, None),
    ("radam_betas_eps", "RAdam", {"lr": 5e-4, "betas": (0.8, 0.9), "eps": 1e-2}, None),
    ("radam_weight_decay", "RAdam", {"lr": 5e-4, "weight_decay": 0.9}, None),
    ("radam_decoupled_weight_decay", "RAdam", {"lr": 5e-4, "weight_decay": 0.9,
                                               "decoupled_weight_decay": True}, None),
    ("radam_maximize", "RAdam", {"lr": 5e-4, "weight_decay": 0.3, "decoupled_weight_decay": True,
                                 "maximize": True}, None),
    ("radam_lr_schedule", "RAdam", {"lr": 5e-4, "betas": (0.9, 0.99), "weight_decay": 0.2},
     [5e-4 * f for f in WAVE]),
    ("adamax_defaults", "Adamax", {}, None),
    ("adamax_lr", "Adamax", {"lr": 0.05}, None),
    ("adamax_betas_eps", "Adamax", {"lr": 0.05, "betas": (0.5, 0.9), "eps": 0.1}, None),
    ("adamax_weight_decay", "Adamax", {"lr": 0.05, "weight_decay": 0.9}, None),
    ("adamax_maximize", "Adamax", {"lr": 0.05, "weight_decay": 0.3, "maximize": True}, None),
    ("adamax_lr_schedule", "Adamax", {"lr": 0.05, "betas": (0.8, 0.99)}, [0.05 * f for f in WAVE]),
    ("adadelta_defaults", "Adadelta", {}, None),
    ("adadelta_lr", "Adadelta", {"lr": 3.0}, None),
    ("adadelta_rho_eps", "Adadelta", {"rho": 0.5, "eps": 1e-4}, None),
    ("adadelta_weight_decay", "Adadelta", {"lr": 3.0, "weight_decay": 0.9}, None),
    ("adadelta_maximize", "Adadelta", {"lr": 3.0, "rho": 0.95, "weight_decay": 0.3, "maximize": True}, None),
    ("adadelta_lr_schedule", "Adadelta", {"lr": 3.0, "rho": 0.8}, [3.0 * f for f in WAVE]),
]

HYPER = {
    "SGD": ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"],
    "Adagrad": ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps", "maximize"],
    "RMSprop": ["lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize"],
    "Adam": ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"],
    "AdamW": ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"],
    "NAdam": ["lr", "betas", "eps", "weight_decay", "momentum_decay", "decoupled_weight_decay", "maximize"],
    "RAdam": ["lr", "betas", "eps", "weight_decay", "decoupled_weight_decay", "maximize"],
    "Adamax": ["lr", "betas", "eps", "weight_decay", "maximize"],
    "Adadelta": ["lr", "rho", "eps", "weight_decay", "maximize"],
}


def rosenbrock(w):
    x, y = w[..., 0], w[..., 1]
    return ((1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2).sum()


def record(cls_name, kwargs, lrs):
    sign = -1.0 if kwargs.get("maximize") else 1.0
    w = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, cls_name)([w], foreach=False, **kwargs)
    grads, weights = [], [w.detach().tolist()]
    for t in range(STEPS):
        opt.zero_grad()
        (sign * rosenbrock(w)).backward()
        grads.append(w.grad.detach().tolist())
        if lrs is not None:
            for group in opt.param_groups:
                group["lr"] = lrs[t]
        opt.step()
        weights.append(w.detach().tolist())
    if not torch.isfinite(w).all():
        raise RuntimeError(f"{cls_name} {kwargs} diverged; pick a smaller lr")
    return grads, weights


def torch_defaults(cls_name):
    params = inspect.signature(getattr(torch.optim, cls_name)).parameters
    return {name: params[name].default for name in HYPER[cls_name]}


def main():
    torch.set_default_dtype(torch.float64)
    runs = []
    for name, cls_name, kwargs, lrs in RUNS:
        grads, weights = record(cls_name, kwargs, lrs)
        function = "-rosenbrock" if kwargs.get("maximize") else "rosenbrock"
        runs.append({"name": name, "optimizer": cls_name, "kwargs": kwargs, "lrs": lrs,
                     "function": function, "grads": grads, "weights": weights})
    data = {
        "torch_version": torch.__version__,
        "function": "rosenbrock: (1 - x)^2 + 100 (y - x^2)^2, summed over the starts",
        "steps": STEPS,
        "start": START,
        "defaults": {cls_name: torch_defaults(cls_name) for cls_name in HYPER},
        "runs": runs,
    }
    # json writes floats with repr, so every float64 round-trips exactly.
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {len(runs)} runs to {OUT}")


if __name__ == "__main__":
    main()
