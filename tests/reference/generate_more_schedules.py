"""Write tests/reference/more_schedules.json: torch's lrs, momenta and runs for the schedules of issue 11.

Run by hand from the repository root (torch is never a test dependency):

    /tmp/torchvenv/bin/python tests/reference/generate_more_schedules.py

The committed file was made with torch 2.13.0 (CPU), float64 Python floats.
It holds three kinds of case, each naming gdcore's call beside torch's:

``lrs``
    ``lrs[t]``: the optimizer's lr after ``t`` calls of ``scheduler.step()``
    (each after ``optimizer.step()``), as generate_schedules.py records, for
    ``lambda_lr``, ``multiplicative``, ``linear``, ``polynomial``,
    ``constant_factor``, ``one_cycle(three_phase=True)``, ``sequential``
    (``SequentialLR``) and ``chain`` (``ChainedScheduler``). A ``factor`` is
    the source of a Python lambda (``math`` in scope), given to torch as
    ``lr_lambda`` and to gdcore as ``factor``. Every scheduler runs on one SGD
    optimizer whose lr is the shared ``lr`` of gdcore's schedules.
``momenta``
    ``momenta[t]``: SGD's ``momentum`` (or Adam's ``betas[0]``) after ``t``
    steps of ``CyclicLR`` / ``OneCycleLR`` with ``cycle_momentum=True``, for
    ``cyclic_momentum`` and ``one_cycle_momentum``.
``runs``
    A whole torch run: SGD, Adam or AdamW with a cycling scheduler at its
    defaults (so the momentum cycles too) on the quadratic bowl
    ``gdcore.surfaces.Quadratic(eigenvalues, angle, center)``, written in
    torch and differentiated by autograd: the weights after every update,
    for ``descend(..., schedule=..., momentum_schedule=...)``.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import torch
from torch.optim import SGD, Adam, AdamW, lr_scheduler as S

STEPS = 300
OUT = Path(__file__).with_name("more_schedules.json")


def _optimizer(lr, cls=SGD, **kw):
    return cls([torch.zeros(1, requires_grad=True)], lr=lr, **kw)


def _torch(opt, name, kw):
    """The torch scheduler matching gdcore.schedules.<name>(**kw), on ``opt``."""
    if name == "constant":
        return S.LambdaLR(opt, lambda _: 1.0)
    if name == "lambda_lr":
        return S.LambdaLR(opt, eval(kw["factor"], {"math": math}))
    if name == "multiplicative":
        return S.MultiplicativeLR(opt, eval(kw["factor"], {"math": math}))
    if name == "linear":
        return S.LinearLR(opt, kw.get("start_factor", 1 / 3), kw.get("end_factor", 1.0), kw.get("total_iters", 5))
    if name == "polynomial":
        return S.PolynomialLR(opt, kw.get("total_iters", 5), kw.get("power", 1.0))
    if name == "constant_factor":
        return S.ConstantLR(opt, kw.get("factor", 1 / 3), kw.get("total_iters", 5))
    if name == "step_decay":
        return S.StepLR(opt, kw["step_size"], kw.get("gamma", 0.1))
    if name == "multistep":
        return S.MultiStepLR(opt, kw["milestones"], kw.get("gamma", 0.1))
    if name == "exponential":
        return S.ExponentialLR(opt, kw["gamma"])
    if name == "cosine":
        return S.CosineAnnealingLR(opt, kw["t_max"], kw.get("eta_min", 0.0))
    if name == "cosine_restarts":
        return S.CosineAnnealingWarmRestarts(opt, kw["t_0"], kw.get("t_mult", 1), kw.get("eta_min", 0.0))
    if name == "cyclic":
        return S.CyclicLR(opt, kw["base_lr"], kw["max_lr"], kw.get("step_size_up", 2000), kw.get("step_size_down"),
                          mode=kw.get("mode", "triangular"), gamma=kw.get("gamma", 1.0), cycle_momentum=False)
    if name == "one_cycle":
        return S.OneCycleLR(opt, kw["max_lr"], total_steps=kw["total_steps"], pct_start=kw.get("pct_start", 0.3),
                            anneal_strategy=kw.get("anneal_strategy", "cos"), cycle_momentum=False,
                            div_factor=kw.get("div_factor", 25.0), final_div_factor=kw.get("final_div_factor", 1e4),
                            three_phase=kw.get("three_phase", False))
    if name == "sequential":
        inner = [_torch(opt, s["name"], s["kwargs"]) for s in kw["schedules"]]
        return S.SequentialLR(opt, inner, milestones=kw["milestones"])
    if name == "chain":
        return S.ChainedScheduler(_flat(opt, kw["schedules"]), optimizer=opt)
    raise ValueError(name)


def _flat(opt, specs):
    """torch schedulers for a chain's schedules; a chain inside a chain is its schedules in line.

    A constant lr is no scheduler at all (a LambdaLR would set the lr from scratch, undoing the others).
    """
    out = []
    for s in specs:
        if s["name"] == "chain":
            out += _flat(opt, s["kwargs"]["schedules"])
        elif s["name"] != "constant":
            out.append(_torch(opt, s["name"], s["kwargs"]))
    return out


def _first_lr(name, kw):
    if name == "cyclic":
        return kw["base_lr"]
    if name == "one_cycle":
        return kw["max_lr"] / kw.get("div_factor", 25.0)
    if name in ("sequential", "chain"):
        return _first_lr(kw["schedules"][0]["name"], kw["schedules"][0]["kwargs"])
    return kw["lr"]


def _lrs(name, kw, steps):
    opt = _optimizer(_first_lr(name, kw))
    sched = _torch(opt, name, kw)
    lrs = [opt.param_groups[0]["lr"]]
    for _ in range(steps - 1):
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    return [float(x) for x in lrs]


def _s(name, **kw):
    return {"name": name, "kwargs": kw}


def _case(name, steps=STEPS, **kw):
    return {"name": name, "kwargs": kw, "lrs": _lrs(name, kw, steps)}


def lr_cases():
    yield _case("lambda_lr", lr=0.1, factor="lambda t: 1 / (t + 1)")
    yield _case("lambda_lr", lr=0.5, factor="lambda t: 0.95 ** t")
    yield _case("lambda_lr", lr=0.2, factor="lambda t: 1.0 if t < 50 else 0.1")
    yield _case("lambda_lr", lr=0.3, factor="lambda t: 1 + 0.5 * math.sin(t / 10)")
    yield _case("multiplicative", lr=0.1, factor="lambda t: 0.99")
    yield _case("multiplicative", lr=1.0, factor="lambda t: 1 - 1 / (t + 10)")
    yield _case("multiplicative", lr=0.3, factor="lambda t: 0.9 + 0.2 * math.sin(t)")
    yield _case("linear", lr=0.1)
    yield _case("linear", lr=1.0, start_factor=0.5, end_factor=0.0, total_iters=100)
    yield _case("linear", lr=0.2, start_factor=1.0, end_factor=0.1, total_iters=1)
    yield _case("linear", lr=0.05, start_factor=0.1, end_factor=1.0, total_iters=300)
    yield _case("linear", lr=0.4, start_factor=0.3, end_factor=0.7, total_iters=37)
    yield _case("polynomial", lr=0.1)
    yield _case("polynomial", lr=1.0, total_iters=100, power=2.0)
    yield _case("polynomial", lr=0.5, total_iters=300, power=0.5)
    yield _case("polynomial", lr=0.3, total_iters=1, power=1.0)
    yield _case("polynomial", lr=0.2, total_iters=50, power=0.0)
    yield _case("polynomial", lr=0.7, total_iters=299, power=3.7)
    yield _case("constant_factor", lr=0.1)
    yield _case("constant_factor", lr=1.0, factor=0.5, total_iters=100)
    yield _case("constant_factor", lr=0.2, factor=1.0, total_iters=1)
    yield _case("constant_factor", lr=0.3, factor=0.25, total_iters=1)
    for strategy in ("cos", "linear"):
        for pct in (0.3, 0.5, 0.7, 0.0, 1.0, 0.25):
            yield _case("one_cycle", max_lr=0.1, total_steps=300, pct_start=pct, anneal_strategy=strategy,
                        three_phase=True)
        yield _case("one_cycle", max_lr=1.0, total_steps=301, pct_start=0.4, anneal_strategy=strategy,
                    div_factor=10.0, final_div_factor=100.0, three_phase=True, steps=301)
        yield _case("one_cycle", max_lr=0.2, total_steps=7, pct_start=0.3, anneal_strategy=strategy,
                    three_phase=True, steps=7)
        yield _case("one_cycle", max_lr=0.2, total_steps=2, pct_start=0.3, anneal_strategy=strategy,
                    three_phase=True, steps=2)
    yield _case("sequential", schedules=[_s("constant_factor", lr=0.1, factor=0.5, total_iters=5),
                                         _s("exponential", lr=0.1, gamma=0.98)], milestones=[10])
    yield _case("sequential", schedules=[_s("linear", lr=0.2, start_factor=0.1, total_iters=20),
                                         _s("cosine", lr=0.2, t_max=100, eta_min=0.01)], milestones=[20])
    yield _case("sequential", schedules=[_s("linear", lr=0.5, start_factor=0.2, total_iters=10),
                                         _s("step_decay", lr=0.5, step_size=15, gamma=0.5),
                                         _s("exponential", lr=0.5, gamma=0.99)], milestones=[10, 100])
    yield _case("sequential", schedules=[_s("polynomial", lr=0.3, total_iters=40, power=2.0),
                                         _s("cosine_restarts", lr=0.3, t_0=20, t_mult=2)], milestones=[50])
    yield _case("sequential", schedules=[_s("lambda_lr", lr=0.1, factor="lambda t: 1 / (t + 1)"),
                                         _s("multistep", lr=0.1, milestones=[10, 60], gamma=0.3)], milestones=[7])
    yield _case("sequential", schedules=[_s("exponential", lr=0.1, gamma=0.9)], milestones=[])
    yield _case("sequential", schedules=[_s("multiplicative", lr=0.1, factor="lambda t: 0.97"),
                                         _s("constant", lr=0.1),
                                         _s("polynomial", lr=0.1, total_iters=100)], milestones=[30, 60])
    yield _case("sequential", schedules=[_s("constant", lr=0.01),
                                         _s("cyclic", base_lr=0.01, max_lr=0.1, step_size_up=10, mode="triangular2")],
                milestones=[25])
    yield _case("sequential", schedules=[_s("one_cycle", max_lr=0.25, total_steps=100),
                                         _s("constant_factor", lr=0.01, factor=0.5, total_iters=50)], milestones=[100])
    yield _case("chain", schedules=[_s("constant_factor", lr=0.1, factor=0.5, total_iters=10),
                                    _s("exponential", lr=0.1, gamma=0.98)])
    yield _case("chain", schedules=[_s("linear", lr=0.5, start_factor=0.2, total_iters=10),
                                    _s("step_decay", lr=0.5, step_size=30, gamma=0.5)])
    yield _case("chain", schedules=[_s("multistep", lr=1.0, milestones=[50, 150], gamma=0.2),
                                    _s("polynomial", lr=1.0, total_iters=250, power=1.5),
                                    _s("multiplicative", lr=1.0, factor="lambda t: 0.999")])
    yield _case("chain", schedules=[_s("exponential", lr=0.3, gamma=0.99)])
    yield _case("chain", schedules=[_s("constant", lr=0.3),
                                    _s("chain", schedules=[_s("linear", lr=0.3, start_factor=0.5, end_factor=0.1,
                                                              total_iters=200),
                                                           _s("constant_factor", lr=0.3, factor=0.8, total_iters=33)]),
                                    _s("step_decay", lr=0.3, step_size=7, gamma=0.9)])


def _momenta(name, kw, steps, cls=SGD):
    opt = _optimizer(0.1, cls, **({"momentum": 0.5} if cls is SGD else {}))
    common = dict(cycle_momentum=True, base_momentum=kw.get("base_momentum", 0.8 if name == "cyclic_momentum" else 0.85),
                  max_momentum=kw.get("max_momentum", 0.9 if name == "cyclic_momentum" else 0.95))
    if name == "cyclic_momentum":
        sched = S.CyclicLR(opt, 0.01, 0.1, kw.get("step_size_up", 2000), kw.get("step_size_down"),
                           mode=kw.get("mode", "triangular"), gamma=kw.get("gamma", 1.0), **common)
    else:
        sched = S.OneCycleLR(opt, 0.1, total_steps=kw["total_steps"], pct_start=kw.get("pct_start", 0.3),
                             anneal_strategy=kw.get("anneal_strategy", "cos"), three_phase=kw.get("three_phase", False),
                             **common)
    group = opt.param_groups[0]

    def read():
        return float(group["momentum"] if cls is SGD else group["betas"][0])

    out = [read()]
    for _ in range(steps - 1):
        opt.step()
        sched.step()
        out.append(read())
    return out


def momentum_cases():
    for name, kw, steps, cls in [
        ("cyclic_momentum", dict(step_size_up=10), STEPS, SGD),
        ("cyclic_momentum", dict(step_size_up=7, step_size_down=3, mode="triangular2"), STEPS, SGD),
        ("cyclic_momentum", dict(base_momentum=0.85, max_momentum=0.95, step_size_up=20, mode="exp_range",
                                 gamma=0.99), STEPS, Adam),
        ("cyclic_momentum", dict(base_momentum=0.5, max_momentum=0.5, step_size_up=4), 50, SGD),
        ("cyclic_momentum", dict(), STEPS, SGD),
        ("one_cycle_momentum", dict(total_steps=300), STEPS, SGD),
        ("one_cycle_momentum", dict(total_steps=300, anneal_strategy="linear"), STEPS, Adam),
        ("one_cycle_momentum", dict(total_steps=300, three_phase=True), STEPS, SGD),
        ("one_cycle_momentum", dict(total_steps=300, pct_start=0.6, anneal_strategy="linear", three_phase=True,
                                    base_momentum=0.8, max_momentum=0.99), STEPS, AdamW),
        ("one_cycle_momentum", dict(total_steps=7, pct_start=0.0), 7, SGD),
        ("one_cycle_momentum", dict(total_steps=100, pct_start=1.0, three_phase=True), 100, SGD),
    ]:
        yield {"name": name, "kwargs": kw, "optimizer": cls.__name__, "momenta": _momenta(name, kw, steps, cls)}


# The bowl: gdcore.surfaces.Quadratic(eigenvalues=(1.0, 10.0), angle=0.3, center=(1.0, -2.0)).
BOWL = {"eigenvalues": [1.0, 10.0], "angle": 0.3, "center": [1.0, -2.0]}
START = [-2.0, 1.5]


def _bowl_loss(w):
    (l1, l2), angle, (cx, cy) = BOWL["eigenvalues"], BOWL["angle"], BOWL["center"]
    cos, sin = math.cos(angle), math.sin(angle)
    a, b, c = l1 * cos * cos + l2 * sin * sin, (l1 - l2) * cos * sin, l1 * sin * sin + l2 * cos * cos
    dx, dy = w[0] - cx, w[1] - cy
    return 0.5 * (a * dx * dx + 2 * b * dx * dy + c * dy * dy)


def _run(optimizer, opt_kw, scheduler, sched_kw, steps):
    w = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = {"SGD": SGD, "Adam": Adam, "AdamW": AdamW}[optimizer]([w], foreach=False, **opt_kw)
    sched = getattr(S, scheduler)(opt, **sched_kw)
    points, lrs, momenta = [list(map(float, w.detach()))], [], []
    group = opt.param_groups[0]
    for _ in range(steps):
        lrs.append(float(group["lr"]))
        momenta.append(float(group["momentum"] if optimizer == "SGD" else group["betas"][0]))
        opt.zero_grad()
        _bowl_loss(w).backward()
        opt.step()
        sched.step()
        points.append(list(map(float, w.detach())))
    return {"points": points, "lrs": lrs, "momenta": momenta}


def runs():
    # (optimizer, its kwargs, torch scheduler, its kwargs (torch defaults elsewhere: cycle_momentum=True),
    #  gdcore's optimizer kwargs, schedule and momentum schedule)
    yield ("SGD", dict(lr=0.1, momentum=0.9), "CyclicLR", dict(base_lr=0.001, max_lr=0.05, step_size_up=10),
           _s("cyclic", base_lr=0.001, max_lr=0.05, step_size_up=10), _s("cyclic_momentum", step_size_up=10), 100)
    yield ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True), "OneCycleLR", dict(max_lr=0.08, total_steps=120),
           _s("one_cycle", max_lr=0.08, total_steps=120), _s("one_cycle_momentum", total_steps=120), 120)
    yield ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01), "CyclicLR",
           dict(base_lr=0.01, max_lr=0.09, step_size_up=7, step_size_down=13, mode="exp_range", gamma=0.995),
           _s("cyclic", base_lr=0.01, max_lr=0.09, step_size_up=7, step_size_down=13, mode="exp_range", gamma=0.995),
           _s("cyclic_momentum", step_size_up=7, step_size_down=13, mode="exp_range", gamma=0.995), 150)
    yield ("Adam", dict(lr=0.1), "OneCycleLR", dict(max_lr=0.3, total_steps=100, three_phase=True),
           _s("one_cycle", max_lr=0.3, total_steps=100, three_phase=True),
           _s("one_cycle_momentum", total_steps=100, three_phase=True), 100)
    yield ("AdamW", dict(lr=0.1, weight_decay=0.05), "CyclicLR",
           dict(base_lr=0.01, max_lr=0.2, step_size_up=8, mode="triangular2", base_momentum=0.85, max_momentum=0.95),
           _s("cyclic", base_lr=0.01, max_lr=0.2, step_size_up=8, mode="triangular2"),
           _s("cyclic_momentum", base_momentum=0.85, max_momentum=0.95, step_size_up=8, mode="triangular2"), 100)


def run_cases():
    for optimizer, opt_kw, scheduler, sched_kw, schedule, momentum, steps in runs():
        yield {"optimizer": optimizer, "optimizer_kwargs": opt_kw, "torch_scheduler": scheduler,
               "torch_scheduler_kwargs": sched_kw, "bowl": BOWL, "start": START, "steps": steps,
               "schedule": schedule, "momentum_schedule": momentum,
               **_run(optimizer, opt_kw, scheduler, sched_kw, steps)}


def main():
    warnings.simplefilter("ignore")  # torch's deprecation notices; the numbers are what matter
    torch.set_default_dtype(torch.float64)
    data = {"torch_version": torch.__version__, "lrs": list(lr_cases()), "momenta": list(momentum_cases()),
            "runs": list(run_cases())}
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {len(data['lrs'])} lr cases, {len(data['momenta'])} momentum cases and "
          f"{len(data['runs'])} runs to {OUT}")


if __name__ == "__main__":
    main()
