"""Write tests/reference/schedules.json: torch's lr after t calls of scheduler.step().

Run by hand from the repository root (torch is never a test dependency):

    /work/torchenv/bin/python tests/reference/generate_schedules.py

The committed file was made with torch 2.13.0 (CPU), float64 Python floats.

Each case names a gdcore.schedules factory and its keyword arguments, and
holds ``lrs[t]``: the optimizer's lr after ``t`` calls of ``scheduler.step()``
(each preceded by ``optimizer.step()``, as torch asks), i.e. the lr used by
update ``t``. ``constant`` is an optimizer with no scheduler. ``warmup`` is
``SequentialLR([LinearLR(start_factor, 1.0, warmup_steps), inner],
milestones=[warmup_steps])`` with the optimizer's lr set to the inner
schedule's first lr.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import torch
from torch.optim import SGD, lr_scheduler as S

STEPS = 300
OUT = Path(__file__).with_name("schedules.json")


def _optimizer(lr):
    return SGD([torch.zeros(1, requires_grad=True)], lr=lr)


def _inner(opt, name, kw):
    """The torch scheduler matching gdcore.schedules.<name>(**kw), on ``opt``."""
    if name == "constant":
        return S.LambdaLR(opt, lambda _: 1.0)
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
        return S.CyclicLR(
            opt, kw["base_lr"], kw["max_lr"], kw.get("step_size_up", 2000), kw.get("step_size_down"),
            mode=kw.get("mode", "triangular"), gamma=kw.get("gamma", 1.0), cycle_momentum=False,
        )
    if name == "one_cycle":
        return S.OneCycleLR(
            opt, kw["max_lr"], total_steps=kw["total_steps"], pct_start=kw.get("pct_start", 0.3),
            anneal_strategy=kw.get("anneal_strategy", "cos"), cycle_momentum=False,
            div_factor=kw.get("div_factor", 25.0), final_div_factor=kw.get("final_div_factor", 1e4),
        )
    raise ValueError(name)


def _first_lr(name, kw):
    if name == "cyclic":
        return kw["base_lr"]
    if name == "one_cycle":
        return kw["max_lr"] / kw.get("div_factor", 25.0)
    return kw["lr"]


def _run(opt, sched, steps):
    lrs = [opt.param_groups[0]["lr"]]
    for _ in range(steps - 1):
        opt.step()
        if sched is not None:
            sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    return [float(x) for x in lrs]


def _torch_lrs(name, kw, steps):
    if name == "warmup":
        inner_name, inner_kw = kw["schedule"]["name"], kw["schedule"]["kwargs"]
        opt = _optimizer(_first_lr(inner_name, inner_kw))
        warm = S.LinearLR(opt, kw["start_factor"], 1.0, kw["warmup_steps"])
        inner = _inner(opt, inner_name, inner_kw)
        return _run(opt, S.SequentialLR(opt, [warm, inner], milestones=[kw["warmup_steps"]]), steps)
    if name == "constant":
        return _run(_optimizer(kw["lr"]), None, steps)
    opt = _optimizer(_first_lr(name, kw))
    return _run(opt, _inner(opt, name, kw), steps)


def _case(name, steps=STEPS, **kw):
    return {"name": name, "kwargs": kw, "lrs": _torch_lrs(name, kw, steps)}


def _sched(name, **kw):
    return {"name": name, "kwargs": kw}


def cases():
    yield _case("constant", lr=0.1)
    yield _case("constant", lr=0.37)
    yield _case("step_decay", lr=0.1, step_size=30)
    yield _case("step_decay", lr=1.0, step_size=7, gamma=0.5)
    yield _case("step_decay", lr=0.05, step_size=1, gamma=0.97)
    yield _case("multistep", lr=0.1, milestones=[30, 80])
    yield _case("multistep", lr=1.0, milestones=[5, 6, 100, 250], gamma=0.5)
    yield _case("multistep", lr=0.3, milestones=[1], gamma=0.2)
    yield _case("exponential", lr=0.1, gamma=0.99)
    yield _case("exponential", lr=1.0, gamma=0.9)
    yield _case("exponential", lr=0.5, gamma=1.0)
    yield _case("cosine", lr=0.1, t_max=100)
    yield _case("cosine", lr=1.0, t_max=50, eta_min=0.01)  # three periods: climbs back after t_max
    yield _case("cosine", lr=0.5, t_max=300, eta_min=0.1)
    yield _case("cosine", lr=0.2, t_max=1)
    yield _case("cosine", lr=0.2, t_max=7, eta_min=0.05)
    yield _case("cosine_restarts", lr=0.1, t_0=10)
    yield _case("cosine_restarts", lr=1.0, t_0=10, t_mult=2, eta_min=0.01)
    yield _case("cosine_restarts", lr=0.5, t_0=3, t_mult=3)
    yield _case("cosine_restarts", lr=0.3, t_0=1, eta_min=0.1)
    yield _case("cosine_restarts", lr=0.2, t_0=1, t_mult=2)
    yield _case("cyclic", base_lr=0.1, max_lr=1.0, step_size_up=2)
    yield _case("cyclic", base_lr=0.001, max_lr=0.1, step_size_up=20, step_size_down=10)
    yield _case("cyclic", base_lr=0.01, max_lr=0.1, step_size_up=15, mode="triangular2")
    yield _case("cyclic", base_lr=0.0, max_lr=1.0, step_size_up=5, step_size_down=12, mode="triangular2")
    yield _case("cyclic", base_lr=0.001, max_lr=0.01, step_size_up=10, mode="exp_range", gamma=0.99)
    yield _case("cyclic", base_lr=0.1, max_lr=0.5, step_size_up=7, step_size_down=3, mode="exp_range", gamma=0.995)
    yield _case("cyclic", base_lr=0.0, max_lr=0.3, step_size_up=1, step_size_down=2, mode="triangular")
    for strategy in ("cos", "linear"):
        yield _case("one_cycle", max_lr=0.1, total_steps=300, anneal_strategy=strategy)
        yield _case("one_cycle", max_lr=1.0, total_steps=300, pct_start=0.25, anneal_strategy=strategy,
                    div_factor=10.0, final_div_factor=100.0)
        yield _case("one_cycle", max_lr=0.5, total_steps=301, pct_start=0.5, anneal_strategy=strategy, steps=301)
        yield _case("one_cycle", max_lr=0.1, total_steps=300, pct_start=0.0, anneal_strategy=strategy)
        yield _case("one_cycle", max_lr=0.1, total_steps=300, pct_start=1.0, anneal_strategy=strategy)
        yield _case("one_cycle", max_lr=0.2, total_steps=7, pct_start=0.3, anneal_strategy=strategy, steps=7)
        yield _case("one_cycle", max_lr=0.2, total_steps=2, pct_start=0.3, anneal_strategy=strategy, steps=2)
    inners = [
        _sched("constant", lr=0.1),
        _sched("exponential", lr=0.1, gamma=0.98),
        _sched("step_decay", lr=0.5, step_size=20, gamma=0.5),
        _sched("multistep", lr=0.5, milestones=[10, 50]),
        _sched("cosine", lr=0.1, t_max=200, eta_min=0.001),
        _sched("cosine_restarts", lr=0.1, t_0=20, t_mult=2),
        _sched("cyclic", base_lr=0.01, max_lr=0.1, step_size_up=10, mode="triangular2"),
        _sched("one_cycle", max_lr=0.1, total_steps=290),
    ]
    for inner, (w, f) in zip(inners, [(5, 1 / 3), (10, 0.1), (1, 0.5), (3, 1.0), (25, 0.25), (7, 1 / 3),
                                       (4, 0.2), (10, 0.1)]):
        yield _case("warmup", schedule=inner, warmup_steps=w, start_factor=f)


def main():
    warnings.simplefilter("ignore")  # torch's deprecation notices; the numbers are what matter
    torch.set_default_dtype(torch.float64)
    data = {"torch_version": torch.__version__, "cases": list(cases())}
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {len(data['cases'])} cases to {OUT}")


if __name__ == "__main__":
    main()
