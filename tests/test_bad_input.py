"""Bad input, everywhere: every public name, every parameter, every kind of junk.

The contract (DESIGN.md, "Bad input"): a bad argument fails at once with a
:class:`ParameterError` shaped like scikit-learn's,

    The 'lr' parameter of Adam must be a float >= 0. Got -1 instead.

naming the parameter and its owner, saying what was expected and what was
given. Never a raw numpy or Python error from inside gdcore, never a silent
wrong result (a complex number losing its imaginary part, True taken as 1.0),
never a leaked warning, never a hang and never an allocation that fails.

Each case below is ``(call, parameter, owner)``: ``call()`` must raise the
ParameterError for ``parameter`` of ``owner``, with no warning of any kind,
within a few seconds. The second half checks the other side: inputs that are
valid but unusual (read-only arrays, numpy scalars, lists, ints) are accepted,
never changed, and give the same numbers as plain float arrays.
"""

from __future__ import annotations

import math
import re
import signal
import warnings

import numpy as np
import pytest

import gdcore as gd
from gdcore._checks import ParameterError

S = gd.schedules
NAN, INF = float("nan"), float("inf")

# ---------------------------------------------------------------------------- kinds of junk

#: Not a real number, or not a finite one: for every float parameter.
NOT_A_FLOAT = ["0.1", True, np.True_, 1 + 0j, np.complex128(0.5), NAN, INF, -INF, [0.1], np.array([0.1]), object()]
#: Not an int: for every int parameter.
NOT_AN_INT = [2.5, 3.0, "3", True, NAN, INF, [3], np.array([3]), 1 + 0j, object()]
#: Not an array of points of shape (2,) or (..., 2) with finite real entries.
NOT_POINTS = [
    np.array([1 + 1j, 0.0]), [1j, 0], np.array([True, False]), [True, False], "ab", [[1.0, 2.0], [3.0]],
    np.zeros(3), np.zeros((0,)), np.zeros((2, 3)), [NAN, 0.0], [INF, 0.0], [0.0, -INF],
    np.array([1.0, None], dtype=object), None, 5.0, {"x": 1.0}, np.array(["1", "2"]),
]
#: One point only, shape (2,).
NOT_ONE_POINT = NOT_POINTS + [np.zeros((3, 2))]
#: Bad for a point of any dimension d >= 1 (the optimizers take any d): no shape-only cases.
NOT_POINTS_ANY_D = [v for v in NOT_POINTS if not (isinstance(v, np.ndarray) and v.dtype == float and v.size)]
NOT_BOUNDS = [None, "ab", 3.0, ((0, 1),), ((1, 0), (0, 1)), ((0, 1), (0, NAN)), ((0, 1j), (0, 1)),
              ((True, False), (0, 1)), ((0, INF), (0, 1)), [[0, 1, 2], [0, 1, 2]], ((0, 1), (2, 2))]


def _short(value):
    text = repr(value)
    return text if len(text) < 40 else text[:37] + "..."


CASES = []


def cases(owner, name, values, call):
    """Register ``call(value)`` for every bad ``value``: each must fail naming ``name`` of ``owner``."""
    for value in values:
        CASES.append(pytest.param(lambda value=value: call(value), name, owner,
                                  id=f"{owner}-{name}={_short(value)}"))


# ---------------------------------------------------------------------------- surfaces

BOWL = gd.surfaces.get("bowl")
HIMMELBLAU = gd.surfaces.get("himmelblau")

for method in ("loss", "grad", "hessian", "max_stable_lr_at"):
    # Non-finite points are data for a surface (a diverged run): only type and shape are checked.
    values = [v for v in NOT_POINTS if not (isinstance(v, list) and len(v) == 2 and all(isinstance(x, float) for x in v))]
    cases(f"Surface('himmelblau').{method}", "w", values + [np.zeros(())],
          lambda v, m=method: getattr(HIMMELBLAU, m)(v))
cases("Surface('himmelblau').loss", "batch", [np.arange(2), 0, [0]], lambda v: HIMMELBLAU.loss((0.0, 0.0), v))
cases("surfaces.get", "name", [None, 3, "nope", "Bowl", True, ["bowl"]], gd.surfaces.get)
cases("Quadratic", "eigenvalues", NOT_POINTS + [(0.0, 1.0), (-1.0, 1.0), (1.0, 2.0, 3.0)],
      lambda v: gd.surfaces.Quadratic(eigenvalues=v))
cases("Quadratic", "center", NOT_ONE_POINT + [(1e308, 0.0)], lambda v: gd.surfaces.Quadratic(center=v))
cases("Quadratic", "angle", NOT_A_FLOAT + [None], lambda v: gd.surfaces.Quadratic(angle=v))
cases("Quadratic", "bounds", NOT_BOUNDS[1:], lambda v: gd.surfaces.Quadratic(bounds=v))
_f = (lambda x, y: x, lambda x, y: (x, y), lambda x, y: (1.0, 0.0, 1.0))
cases("Surface", "name", [None, "", 3, True], lambda v: gd.surfaces.Surface(v, *_f))
cases("Surface", "loss_fn", [None, 3, "x"], lambda v: gd.surfaces.Surface("s", v, *_f[1:]))
cases("Surface", "grad_fn", [None, 3], lambda v: gd.surfaces.Surface("s", _f[0], v, _f[2]))
cases("Surface", "hessian_fn", [None, 3], lambda v: gd.surfaces.Surface("s", *_f[:2], v))
cases("Surface", "title", [3, None, b"x"], lambda v: gd.surfaces.Surface("s", *_f, title=v))
cases("Surface", "bounds", NOT_BOUNDS, lambda v: gd.surfaces.Surface("s", *_f, bounds=v))
cases("Surface", "minima", [np.zeros(3), [[NAN, 0.0]], [[1j, 0]], [[True, False]], "ab", np.zeros((2, 3))],
      lambda v: gd.surfaces.Surface("s", *_f, minima=v))
cases("Surface", "saddles", [[[INF, 0.0]], np.zeros((1, 3))], lambda v: gd.surfaces.Surface("s", *_f, saddles=v))
# A custom surface whose functions give junk is named by the function.
_bad_values = [lambda x, y: x + 1j, lambda x, y: "x", lambda x, y: np.zeros(7), lambda x, y: x > 0]
cases("Surface('s').loss", "loss_fn", _bad_values, lambda f: gd.surfaces.Surface("s", f, *_f[1:]).loss([1.0, 2.0]))
cases("Surface('s').grad", "grad_fn", [lambda x, y: x, lambda x, y: (x, y, x), lambda x, y: (x + 1j, y)],
      lambda f: gd.surfaces.Surface("s", _f[0], f, _f[2]).grad([1.0, 2.0]))
cases("Surface('s').hessian", "hessian_fn", [lambda x, y: (1.0, 0.0), lambda x, y: 1.0, lambda x, y: (1j, 0.0, 1.0)],
      lambda f: gd.surfaces.Surface("s", *_f[:2], f).hessian([1.0, 2.0]))

# ---------------------------------------------------------------------------- objectives

LIN = gd.objectives.linear_regression(n_samples=20)
LOG = gd.objectives.logistic_regression(n_samples=20)
SAMPLED = gd.objectives.Sampled(BOWL, n_samples=8)
N_SAMPLES_BAD = NOT_AN_INT + [None, 10**10, -1]

for make, owner, low in ((gd.objectives.linear_regression, "LinearRegression", 2),
                         (gd.objectives.logistic_regression, "LogisticRegression", 3)):
    cases(owner, "n_samples", N_SAMPLES_BAD + [low - 1], lambda v, f=make: f(n_samples=v))
    cases(owner, "seed", NOT_AN_INT + [None, -1], lambda v, f=make: f(seed=v))
cases("LinearRegression", "noise", NOT_A_FLOAT + [None, -0.5, 1e308], lambda v: gd.objectives.linear_regression(noise=v))
cases("LinearRegression", "n_samples", [2.5], lambda v: gd.objectives.LinearRegression(n_samples=v))
cases("Sampled", "surface", [None, 3, "bowl", object()], lambda v: gd.objectives.Sampled(v))
cases("Sampled", "n_samples", N_SAMPLES_BAD + [0], lambda v: gd.objectives.Sampled(BOWL, n_samples=v))
cases("Sampled", "spread", NOT_A_FLOAT + [None, -0.1, 1e308], lambda v: gd.objectives.Sampled(BOWL, spread=v))
cases("Sampled", "seed", NOT_AN_INT + [None, -1], lambda v: gd.objectives.Sampled(BOWL, seed=v))
cases("Sampled", "shift", NOT_ONE_POINT, lambda v: gd.objectives.Sampled(BOWL, shift=v))
cases("Sampled.hessian", "surface", [0], lambda v: gd.objectives.Sampled(
    type("NoHessian", (), {"loss": lambda s, w: BOWL.loss(w), "grad": lambda s, w: BOWL.grad(w)})()).hessian((0.0, 0.0)))
cases("Sampled.max_stable_lr_at", "surface", [0], lambda v: gd.objectives.Sampled(
    type("NoHessian", (), {"loss": lambda s, w: BOWL.loss(w), "grad": lambda s, w: BOWL.grad(w)})()).max_stable_lr_at((0.0, 0.0)))
cases("Sampled.shifted", "shift", NOT_ONE_POINT, SAMPLED.shifted)
for obj in (LIN, LOG, SAMPLED):
    owner = type(obj).__name__
    points = [v for v in NOT_POINTS if not (isinstance(v, list) and len(v) == 2 and all(isinstance(x, float) for x in v))]
    for method in ("loss", "grad", "hessian", "per_sample_grad", "max_stable_lr_at"):
        cases(owner, "w", points, lambda v, f=getattr(obj, method): f(v))
    # Every sample's gradient at a billion points would need hundreds of GiB: refused before allocating.
    cases(f"{owner}.per_sample_grad", "w", [np.broadcast_to(np.zeros(2), (10**9, 2))],
          lambda v, o=obj: o.per_sample_grad(v))
    batches = [np.array([0.5]), np.array([True]), [20], [-1], [], "a", np.zeros((3, 1), dtype=int), 3.0, [1j], np.array([[0], [1]])]
    cases(owner, "batch", batches, lambda v, o=obj: o.grad(np.zeros(2), v))
    cases(owner, "batch", [np.zeros((2, 1), dtype=int)], lambda v, o=obj: o.loss(np.zeros((3, 2)), v))
    cases(owner, "seed", NOT_AN_INT + [None, -1], lambda v, o=obj: o.resample(v))

# ---------------------------------------------------------------------------- optimizers

OPTIMIZERS = {
    gd.SGD: dict(lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.0, nesterov=False),
    gd.Adagrad: dict(lr=0.1, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10),
    gd.RMSprop: dict(lr=0.1, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False),
    gd.Adam: dict(lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False),
    gd.AdamW: dict(lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, amsgrad=False),
    gd.NAdam: dict(lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, momentum_decay=4e-3,
                   decoupled_weight_decay=False),
    gd.RAdam: dict(lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled_weight_decay=False),
    gd.Adamax: dict(lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0),
    gd.Adadelta: dict(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0),
}
BOOLS_BAD = [1, 0, "True", None, np.array([True]), 1.0]
BETAS_BAD = [0.9, (0.9,), (0.9, 0.999, 0.5), (0.9, "0.9"), (0.9, NAN), (1.0, 0.9), (0.9, True), (1j, 0.9), "ab", None]

for cls, defaults in OPTIMIZERS.items():
    owner = cls.__name__
    for name, value in defaults.items():
        if isinstance(value, bool):
            bad = BOOLS_BAD
        elif name == "betas":
            bad = BETAS_BAD
        else:
            bad = NOT_A_FLOAT + [None, -1.0]
            if name in ("dampening", "alpha"):
                bad = bad + [1.5]
        cases(owner, name, bad, lambda v, c=cls, n=name: c(**{n: v}))
    opt = cls(**defaults)
    w, g = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    state = opt.init(w)
    cases(f"{owner}.init", "w", NOT_POINTS_ANY_D, lambda v, o=opt: o.init(v))
    cases(f"{owner}.step", "w", NOT_POINTS_ANY_D, lambda v, o=opt, s=state: o.step(v, g, s))
    cases(f"{owner}.step", "g", NOT_POINTS_ANY_D + [np.ones((3, 2)), np.zeros(3)], lambda v, o=opt, s=state: o.step(w, v, s))
    other = (gd.Adam() if cls is gd.SGD else gd.SGD()).init(w)
    cases(f"{owner}.step", "state", [None, (), other, opt.init(np.ones((3, 2))), state._replace(step=-1),
                                     state._replace(step=True), tuple(state)],
          lambda v, o=opt: o.step(w, g, v))
    cases(f"{owner}.step", "lr", NOT_A_FLOAT + [-1.0], lambda v, o=opt, s=state: o.step(w, g, s, v))
    # maximize is keyword only on every optimizer, as in torch.
    cases(owner, "maximize", BOOLS_BAD, lambda v, c=cls: c(maximize=v))
cases("Adadelta", "rho", [1.5], lambda v: gd.Adadelta(rho=v))
cases("Adadelta", "eps", [0.0], lambda v: gd.Adadelta(eps=v))  # with eps = 0 the weights never move
_nadam_state = gd.NAdam().init(np.zeros(2))
cases("NAdam.step", "state", [_nadam_state._replace(mu_product=v) for v in (NAN, 1.5, -0.1, "0.5", None, True, np.ones(2))],
      lambda v: gd.NAdam().step(np.zeros(2), np.ones(2), v))

# ---------------------------------------------------------------------------- schedules

FACTORIES = {
    S.constant: dict(lr=0.1),
    S.step_decay: dict(lr=0.1, step_size=3, gamma=0.5),
    S.multistep: dict(lr=0.1, milestones=[2, 5], gamma=0.5),
    S.exponential: dict(lr=0.1, gamma=0.9),
    S.cosine: dict(lr=0.1, t_max=10, eta_min=0.0),
    S.cosine_restarts: dict(lr=0.1, t_0=5, t_mult=2, eta_min=0.0),
    S.cyclic: dict(base_lr=0.01, max_lr=0.1, step_size_up=5, step_size_down=3, mode="triangular", gamma=1.0),
    S.one_cycle: dict(max_lr=0.1, total_steps=20, pct_start=0.3, anneal_strategy="cos", div_factor=25.0,
                      final_div_factor=1e4),
    S.warmup: dict(schedule=S.constant(0.1), warmup_steps=5, start_factor=0.5),
    S.swa_cyclic: dict(lr_max=0.1, lr_min=0.01, cycle_length=5),
}
INT_PARAMS = {"step_size", "t_max", "t_0", "t_mult", "step_size_up", "step_size_down", "total_steps", "warmup_steps",
              "cycle_length"}
OPTION_PARAMS = {"mode": ["exp", None, 1, "TRIANGULAR"], "anneal_strategy": ["cosine", None, 0]}
T_BAD = [2.5, "3", True, -1, [1.5], np.array([True]), 10**30, S.T_MAX + 1, np.array([1 + 0j]), None, [[1], [2, 3]],
         np.array([0, -5]), object()]

for factory, defaults in FACTORIES.items():
    owner = factory.__name__
    for name, value in defaults.items():
        if name in INT_PARAMS:
            bad = NOT_AN_INT + [0, -3] + ([] if name == "step_size_down" else [None])
        elif name in OPTION_PARAMS:
            bad = OPTION_PARAMS[name]
        elif name == "milestones":
            bad = [3, [0, 2], [2, 2], [3, 1], [1.5], [True], None, "ab", [1j]]
        elif name == "schedule":
            bad = [None, 0.1, lambda t: 0.1, "cosine"]
        else:
            bad = NOT_A_FLOAT + [None, -0.5]
        cases(owner, name, bad, lambda v, f=factory, d=defaults, n=name: f(**{**d, n: v}))
    schedule = factory(**defaults)
    cases(owner, "t", T_BAD + ([20] if owner == "one_cycle" else []), lambda v, s=schedule: s(v))
cases("step_decay", "gamma", [0.0, 1.5], lambda v: S.step_decay(0.1, 2, v))
cases("cosine", "eta_min", [0.2], lambda v: S.cosine(0.1, 10, v))
cases("cyclic", "max_lr", [0.001], lambda v: S.cyclic(0.01, v))
cases("one_cycle", "pct_start", [0.05, 1.5], lambda v: S.one_cycle(0.1, 20, v))
cases("swa_cyclic", "lr_min", [0.2], lambda v: S.swa_cyclic(0.1, v, 5))

# Issue 11: factor schedules, sequences, chains, three phases and cycled momenta.
MORE_FACTORIES = {
    S.lambda_lr: dict(lr=0.1, factor=lambda t: 1.0),
    S.multiplicative: dict(lr=0.1, factor=lambda t: 0.9),
    S.linear: dict(lr=0.1, start_factor=0.5, end_factor=1.0, total_iters=5),
    S.polynomial: dict(lr=0.1, total_iters=5, power=1.0),
    S.constant_factor: dict(lr=0.1, factor=0.5, total_iters=5),
    S.sequential: dict(schedules=[S.constant(0.1), S.cosine(0.1, 10)], milestones=[5]),
    S.chain: dict(schedules=[S.constant(0.1), S.exponential(0.1, 0.9)]),
    S.cyclic_momentum: dict(base_momentum=0.8, max_momentum=0.9, step_size_up=5, step_size_down=3, mode="triangular",
                            gamma=1.0),
    S.one_cycle_momentum: dict(total_steps=20, pct_start=0.3, anneal_strategy="cos", base_momentum=0.85,
                               max_momentum=0.95, three_phase=False),
}
NOT_A_BOOL = [1, 0, "True", None, np.array([True]), 1.0]
NOT_SCHEDULES = [None, 0.1, S.constant(0.1), "cosine", [], [lambda t: 0.1], [S.constant(0.1), 3], object()]
for factory, defaults in MORE_FACTORIES.items():
    owner = factory.__name__
    for name, value in defaults.items():
        if name in INT_PARAMS | {"total_iters"}:
            bad = NOT_AN_INT + [0, -3] + ([] if name == "step_size_down" else [None])
        elif name in OPTION_PARAMS:
            bad = OPTION_PARAMS[name]
        elif name == "three_phase":
            bad = NOT_A_BOOL
        elif name == "milestones":
            bad = [3, [0], [1.5], [True], None, "ab", [1j], [], [2, 5]]
        elif name == "schedules":
            bad = NOT_SCHEDULES + ([[S.cosine(0.1, 10)], [S.constant(0.1), S.constant(0.2)],
                                    [S.one_cycle(0.1, 10)], [S.lambda_lr(0.1, lambda t: 1.0)]] if owner == "chain" else [])
        elif name == "factor" and owner != "constant_factor":
            bad = [None, 0.5, "x", S.constant(0.1), object()]
        else:
            bad = NOT_A_FLOAT + [None, -0.5] + ([1.5] if name in ("factor", "start_factor", "end_factor") else [])
        cases(owner, name, bad, lambda v, f=factory, d=defaults, n=name: f(**{**d, n: v}))
    schedule = factory(**defaults)
    cases(owner, "t", T_BAD + {"one_cycle_momentum": [20], "multiplicative": [10**7 + 1]}.get(owner, []),
          lambda v, s=schedule: s(v))
for make in (S.lambda_lr, S.multiplicative):
    cases(make.__name__, "factor", [lambda t: -1.0, lambda t: "x", lambda t: 1 / 0, lambda t: NAN, lambda t: True,
                                    lambda t: 1j, lambda t: [1.0]],
          lambda f, m=make: m(0.1, f)(np.arange(3)))
cases("one_cycle", "three_phase", NOT_A_BOOL, lambda v: S.one_cycle(0.1, 20, three_phase=v))
cases("sequential", "schedules", [[S.one_cycle(0.1, 3), S.constant(0.1)]], lambda v: S.sequential(v, [5]))
cases("cyclic_momentum", "max_momentum", [0.7, 1.0], lambda v: S.cyclic_momentum(0.8, v))
cases("one_cycle_momentum", "pct_start", [0.05, 1.5], lambda v: S.one_cycle_momentum(20, v))

# ---------------------------------------------------------------------------- controller

CONTROLLER = {
    "factor": NOT_A_FLOAT + [None, 1.0, -0.1], "patience": NOT_AN_INT + [-1], "threshold": NOT_A_FLOAT + [None, -1e-4],
    "threshold_mode": ["relative", None, 1], "cooldown": NOT_AN_INT + [None, -1], "min_lr": NOT_A_FLOAT + [None, -1.0],
    "eps": NOT_A_FLOAT + [None, -1.0], "stop_patience": NOT_AN_INT + [0], "min_delta": NOT_A_FLOAT + [None, -0.1],
    "stop_lr": NOT_A_FLOAT + [0.0, -1.0], "mode": ["minimum", None, 1, "MIN"],
}
for name, bad in CONTROLLER.items():
    cases("PlateauController", name, bad, lambda v, n=name: gd.PlateauController(**{n: v}))
cases("PlateauController.step", "loss", ["1.0", True, 1 + 0j, None, [1.0], np.array([1.0, 2.0]), object()],
      lambda v: gd.PlateauController().step(v, 0.1))
cases("PlateauController.step", "lr", NOT_A_FLOAT + [None, -1.0], lambda v: gd.PlateauController().step(1.0, v))

# ---------------------------------------------------------------------------- descend


class Spy:
    """A homework objective: loss and gradient, nothing else."""

    n_samples = None

    def loss(self, w):
        return 0.5 * np.sum(np.asarray(w, dtype=float) ** 2, axis=-1)

    def grad(self, w):
        return np.asarray(w, dtype=float)


def _objective(grad=None, loss=None, n_samples=None):
    cls = type("Custom", (), {
        "n_samples": n_samples,
        "loss": lambda self, w, batch=None: Spy().loss(w) if loss is None else loss(w),
        "grad": lambda self, w, batch=None: Spy().grad(w) if grad is None else grad(w),
    })
    return cls()


DESCEND = dict(objective=BOWL, optimizer=gd.SGD(lr=0.1), start=(1.0, 1.0), steps=10)


def descend_with(**kwargs):
    return gd.descend(**{**DESCEND, **kwargs})


cases("descend", "objective", [None, 3, "bowl", object(), gd.SGD()], lambda v: descend_with(objective=v))
cases("descend", "objective", [lambda w: np.zeros(3), lambda w: np.asarray(w) + 1j, lambda w: "g", lambda w: np.asarray(w) > 0,
                               lambda w: [[1.0, 2.0]]],
      lambda g: descend_with(objective=_objective(grad=g)))
cases("descend", "objective", [lambda w: np.zeros(2), lambda w: 1j, lambda w: "x"],
      lambda f: descend_with(objective=_objective(loss=f), controller=gd.PlateauController()))
cases("Custom", "n_samples", [0, -1, 2.5, "3", True], lambda v: descend_with(objective=_objective(n_samples=v)))
cases("descend", "optimizer", [None, 3, "sgd", gd.PlateauController(), object()], lambda v: descend_with(optimizer=v))
cases("descend", "start", NOT_POINTS + [np.zeros((0, 2)), np.zeros((2, 2, 2))], lambda v: descend_with(start=v))
cases("descend", "steps", NOT_AN_INT + [None, -1, 10**9, 10**30], lambda v: descend_with(steps=v))
cases("descend", "steps", [3000], lambda v: descend_with(start=np.zeros((10_000, 2)), steps=v))
cases("descend", "schedule", [3.0, "cosine", lambda t: -1.0, lambda t: NAN, lambda t: INF, lambda t: 1j, lambda t: "x",
                              lambda t: [0.1, 0.2], lambda t: 1 / 0, lambda t: np.zeros(3), lambda t: True,
                              S.one_cycle(0.1, 5)],
      lambda v: descend_with(schedule=v))
cases("descend", "controller", [3, "x", object(), gd.SGD()], lambda v: descend_with(controller=v))
cases("descend", "controller", [gd.PlateauController()], lambda v: descend_with(controller=v, start=np.zeros((3, 2))))


def _controller_returning(value):
    return type("Returns", (), {"reason": None, "reset": lambda self: None, "step": lambda self, loss, lr: value})()


cases("descend", "controller", [(-1.0, False), ("0.1", False), 0.1, (NAN, False), (INF, False), (0.1,), (1j, False), None],
      lambda v: descend_with(controller=_controller_returning(v)))
cases("descend", "monitor", [BOWL], lambda v: descend_with(monitor=v))
cases("descend", "monitor", [3, object(), "bowl"], lambda v: descend_with(monitor=v, controller=gd.PlateauController()))
cases("descend", "batch_size", [1, 5], lambda v: descend_with(batch_size=v))
cases("descend", "batch_size", NOT_AN_INT + [0, 21, 10**9], lambda v: descend_with(objective=LIN, batch_size=v))
cases("descend", "seed", NOT_AN_INT + [None, -1], lambda v: descend_with(seed=v))
cases("descend", "tol", NOT_A_FLOAT + [-1.0], lambda v: descend_with(tol=v))
cases("descend", "noise", NOT_A_FLOAT + [None, -1.0], lambda v: descend_with(noise=v))
cases("descend", "max_norm", NOT_A_FLOAT + [None, 0.0, -1.0], lambda v: descend_with(max_norm=v))
cases("descend", "record_every", NOT_AN_INT + [None, 0, -1], lambda v: descend_with(record_every=v))
cases("descend", "momentum_schedule", [3.0, "cyclic", lambda t: -0.1, lambda t: NAN, lambda t: 1j, lambda t: 1 / 0,
                                       S.one_cycle_momentum(5)],
      lambda v: descend_with(momentum_schedule=v))
cases("descend", "momentum_schedule", [lambda t: 1.0, lambda t: 0.5 if t else 1.5],
      lambda v: descend_with(optimizer=gd.Adam(), momentum_schedule=v))
cases("descend", "momentum_schedule", [lambda t: 0.9], lambda v: descend_with(optimizer=gd.RMSprop(), momentum_schedule=v))
cases("descend", "momentum_schedule", [lambda t: 0.0], lambda v: descend_with(optimizer=gd.SGD(momentum=0.9, nesterov=True),
                                                                           momentum_schedule=v))

# ---------------------------------------------------------------------------- critical points and basins

cases("classify", "surface", [None, 3, Spy()], lambda v: gd.classify(v, (0.0, 0.0)))
cases("classify", "w", NOT_POINTS, lambda v: gd.classify(BOWL, v))
cases("classify", "tol", NOT_A_FLOAT + [None, -1.0], lambda v: gd.classify(BOWL, (0.0, 0.0), tol=v))
cases("critical_point", "objective", [None, 3, Spy()], lambda v: gd.critical_point(v, (1.0, 1.0)))
cases("critical_point", "guess", NOT_POINTS, lambda v: gd.critical_point(BOWL, v))
cases("critical_point", "steps", NOT_AN_INT + [None, -1, 10_001, 10**9], lambda v: gd.critical_point(BOWL, (1.0, 1.0), steps=v))
cases("critical_point", "tol", NOT_A_FLOAT + [None, -1.0], lambda v: gd.critical_point(BOWL, (1.0, 1.0), tol=v))
BASINS = dict(surface=HIMMELBLAU, optimizer=gd.SGD(lr=0.01), resolution=4, steps=5)
cases("basins", "surface", [None, 3, Spy(), LIN], lambda v: gd.basins(**{**BASINS, "surface": v}))
cases("basins", "optimizer", [None, 3, "sgd"], lambda v: gd.basins(**{**BASINS, "optimizer": v}))
cases("basins", "resolution", NOT_AN_INT + [None, 0, 1, 401, 10**6], lambda v: gd.basins(**{**BASINS, "resolution": v}))
cases("basins", "steps", NOT_AN_INT + [None, 0, 10**9], lambda v: gd.basins(**{**BASINS, "steps": v}))
cases("basins", "bounds", NOT_BOUNDS[1:] + [((-1e308, 1e308), (-1e308, 1e308))], lambda v: gd.basins(**BASINS, bounds=v))
cases("basins", "radius", NOT_A_FLOAT + [0.0, -1.0], lambda v: gd.basins(**BASINS, radius=v))
cases("basins", "tol", NOT_A_FLOAT + [-1.0], lambda v: gd.basins(**BASINS, tol=v))
cases("basins", "bounds", [None], lambda v: gd.basins(type("M", (Spy,), {"minima": np.zeros((1, 2))})(),
                                                     gd.SGD(lr=0.1), resolution=3, steps=3, bounds=v))

# ---------------------------------------------------------------------------- weight averaging

SWA = dict(objective=LIN, optimizer=gd.SGD(), start=(0.0, 0.0), cycles=2, cycle_length=5)


def swa_with(**kwargs):
    return gd.swa(**{**SWA, **kwargs})


cases("swa", "objective", [None, 3, object()], lambda v: swa_with(objective=v))
cases("swa", "optimizer", [None, 3], lambda v: swa_with(optimizer=v))
cases("swa", "start", NOT_POINTS + [np.zeros((2, 2, 2))], lambda v: swa_with(start=v))
cases("swa", "cycles", NOT_AN_INT + [None, 0, 10**9], lambda v: swa_with(cycles=v))
cases("swa", "cycle_length", NOT_AN_INT + [None, 0], lambda v: swa_with(cycle_length=v))
cases("swa", "lr_max", NOT_A_FLOAT + [None, -1.0], lambda v: swa_with(lr_max=v))
cases("swa", "lr_min", NOT_A_FLOAT + [None, -1.0, 1.0], lambda v: swa_with(lr_min=v))
cases("swa", "batch_size", [2.5, "3", True, 0, 10**6], lambda v: swa_with(batch_size=v))
cases("swa", "batch_size", [1], lambda v: swa_with(objective=BOWL, batch_size=v))
cases("swa", "seed", NOT_AN_INT + [None, -1], lambda v: swa_with(seed=v))
cases("swa", "test", [3, object(), "test"], lambda v: swa_with(test=v))
cases("swa", "test", [None], lambda v: swa_with(objective=BOWL, batch_size=None, test=v))


# ---------------------------------------------------------------------------- data sets, networks, landscapes

for make in (gd.datasets.moons, gd.datasets.circles, gd.datasets.spirals, gd.datasets.blobs):
    cases(make.__name__, "n_samples", NOT_AN_INT + [None, -1, 0, 10**12], lambda v, f=make: f(n_samples=v))
    cases(make.__name__, "noise", NOT_A_FLOAT + [None, -0.1, 1e308], lambda v, f=make: f(noise=v))
    cases(make.__name__, "seed", NOT_AN_INT + [None, -1], lambda v, f=make: f(seed=v))
_X, _Y = gd.datasets.moons(40, seed=0)
cases("MLP", "X", [None, "x", np.zeros(3), _X + 1j, _X > 0, np.full_like(_X, NAN)], lambda v: gd.nn.MLP(v, _Y))
cases("MLP", "y", [None, np.zeros(40), np.full(40, 2.5), np.zeros(39, dtype=int), np.ones(40, dtype=bool), np.full(40, -1)],
      lambda v: gd.nn.MLP(_X, v))
cases("MLP", "hidden", [None, (0,), (2.5,), "16", (10**9,)], lambda v: gd.nn.MLP(_X, _Y, hidden=v))
cases("MLP", "activation", ["sigmoidz", None, 3], lambda v: gd.nn.MLP(_X, _Y, activation=v))
_NET = gd.nn.MLP(_X, _Y, hidden=(4,))
_W0 = _NET.init(0)
for _method in ("loss", "grad", "unflatten", "predict"):
    cases("MLP", "w", [None, "x", np.zeros(3), _W0 + 1j, _W0 > 0],
          lambda v, m=_method: getattr(_NET, m)(v))
cases("MLP.init", "seed", NOT_AN_INT + [None, -1], _NET.init)
cases("directions", "w", [None, 3, np.zeros(3), _W0 + 1j], lambda v: gd.landscape.directions(_NET, v))
cases("directions", "normalize", ["x", "layer", 3], lambda v: gd.landscape.directions(_NET, _W0, normalize=v))
_D1, _D2 = gd.landscape.directions(_NET, _W0, seed=0), gd.landscape.directions(_NET, _W0, seed=1)
cases("plane", "span", NOT_A_FLOAT + [None, 0.0, -1.0, 1e308], lambda v: gd.landscape.plane(_NET, _W0, _D1, _D2, span=v, resolution=3))
cases("plane", "resolution", NOT_AN_INT + [None, 1, 401], lambda v: gd.landscape.plane(_NET, _W0, _D1, _D2, resolution=v))
cases("plane", "d1", [None, np.zeros(3), _D1 + 1j], lambda v: gd.landscape.plane(_NET, _W0, v, _D2, resolution=3))
cases("line", "alphas", [None, "x", [1j]], lambda v: gd.landscape.line(_NET, _W0, 2 * _W0, v))
cases("sharpness", "radius", NOT_A_FLOAT + [None, -1.0], lambda v: gd.landscape.sharpness(_NET, _W0, radius=v))
cases("sharpness", "n_directions", NOT_AN_INT + [None, 0, -1], lambda v: gd.landscape.sharpness(_NET, _W0, n_directions=v))
cases("pca", "traj", [None, 3, "traj"], gd.landscape.pca)


# ---------------------------------------------------------------------------- charts (issue 11, bugs 9, 10)

try:
    import altair as alt

    from gdcore import charts
except ImportError:  # the core installs without Altair; the chart cases need it
    charts = None

if charts is not None:
    _TRAJ = gd.descend(BOWL, gd.SGD(lr=0.1), (1.0, 1.0), 5)
    _NO_BOUNDS = Spy()
    NAMED_BAD = [_TRAJ.points, None, [1, 2], "GD", {"a": np.zeros(3)}, {"a": np.zeros((2, 3))}, {"a": [[1j, 0]]},
                 {"a": [[True, False]]}, {"a": "xy"}]
    SERIES_BAD = [_TRAJ.losses, None, "loss", {"a": np.zeros((3, 3))}, {"a": [1j]}, {"a": [True]}, {"a": "ab"}]
    SIZES_BAD = NOT_AN_INT + [0, -1, 10**6]
    cases("surface", "objective", [None, 3, "bowl", object()], lambda v: charts.surface(v, bounds=((0, 1), (0, 1))))
    cases("surface", "objective", [lambda w: np.zeros(3), lambda w: 1j * np.zeros(np.shape(w)[:-1]), lambda w: "x"],
          lambda f: charts.surface(type("L", (), {"loss": lambda self, w: f(w)})(), bounds=((0, 1), (0, 1))))
    cases("surface", "bounds", [None], lambda v: charts.surface(_NO_BOUNDS, bounds=v))
    cases("surface", "bounds", NOT_BOUNDS[1:], lambda v: charts.surface(BOWL, bounds=v))
    cases("surface", "resolution", SIZES_BAD + [1, 401], lambda v: charts.surface(BOWL, resolution=v))
    cases("surface", "levels", NOT_AN_INT + [-1, 101], lambda v: charts.surface(BOWL, resolution=4, levels=v))
    cases("surface", "log", ["yes", 1, 0.0], lambda v: charts.surface(BOWL, resolution=4, log=v))
    cases("surface", "width", SIZES_BAD, lambda v: charts.surface(BOWL, resolution=4, width=v))
    cases("surface", "height", SIZES_BAD, lambda v: charts.surface(BOWL, resolution=4, height=v))
    cases("surface", "title", [3, ["a"]], lambda v: charts.surface(BOWL, resolution=4, title=v))
    cases("landscape", "objective", [None, 3], lambda v: charts.landscape(v, bounds=((0, 1), (0, 1))))
    cases("landscape", "bounds", [None], lambda v: charts.landscape(_NO_BOUNDS, bounds=v))
    cases("landscape", "named_paths", NAMED_BAD[:1] + NAMED_BAD[2:], lambda v: charts.landscape(BOWL, v, resolution=4))
    cases("landscape", "critical", NAMED_BAD[2:], lambda v: charts.landscape(BOWL, resolution=4, critical=v))
    cases("landscape", "resolution", SIZES_BAD, lambda v: charts.landscape(BOWL, resolution=v))
    cases("landscape", "stride", [0, 2.5, "2"], lambda v: charts.landscape(BOWL, resolution=4, stride=v))
    cases("paths", "named_points", NAMED_BAD, charts.paths)
    cases("paths", "bounds", NOT_BOUNDS[1:], lambda v: charts.paths({"a": _TRAJ.points}, bounds=v))
    cases("paths", "stride", [0, -1, 2.5, True], lambda v: charts.paths({"a": _TRAJ.points}, stride=v))
    cases("paths", "colors", ["#d62728", (), [3], None], lambda v: charts.paths({"a": _TRAJ.points}, colors=v))
    cases("markers", "named_points", NAMED_BAD, charts.markers)
    cases("markers", "labels", [3, "x"], lambda v: charts.markers({"minimum": np.zeros((1, 2))}, labels=v))
    cases("dots", "named_points", NAMED_BAD, charts.dots)
    cases("labelled_points", "named_points", NAMED_BAD, charts.labelled_points)
    cases("labelled_points", "labels", [3, "x", [1]], lambda v: charts.labelled_points({"a": np.ones((1, 2))}, labels=v))
    cases("arrow", "point", NOT_ONE_POINT, lambda v: charts.arrow(v, (1.0, 0.0)))
    cases("arrow", "direction", NOT_ONE_POINT, lambda v: charts.arrow((0.0, 0.0), v))
    cases("arrows", "named", [None, (0, 1), {"a": (0, 1)}, {"a": ((0, 0), (1j, 0))}, {"a": ((0, 0),)}], charts.arrows)
    cases("curves", "series", SERIES_BAD, lambda v: charts.curves(v, "loss"))
    cases("curves", "field", [None, 3], lambda v: charts.curves({"a": [1.0]}, v))
    cases("curves", "x_values", [3, {"a": [0, 1]}, {"b": [0]}, {"a": [1j]}], lambda v: charts.curves({"a": [1.0]}, "loss", x_values=v))
    cases("curves", "log", ["yes", 1], lambda v: charts.curves({"a": [1.0]}, "loss", log=v))
    cases("curves", "x_domain", [(1, 0), (0, NAN), (0,), "ab"], lambda v: charts.curves({"a": [1.0]}, "loss", x_domain=v))
    cases("loss_curve", "series", SERIES_BAD, charts.loss_curve)
    cases("lr_curve", "series", SERIES_BAD, charts.lr_curve)
    cases("stopping_curve", "losses", ["ab", [1j], np.zeros((2, 2)), None], charts.stopping_curve)
    cases("stopping_curve", "stop", [-1, 2.5, "3"], lambda v: charts.stopping_curve([1.0, 0.5], stop=v))
    cases("stopping_curve", "best_step", [-1, 2.5, "3"], lambda v: charts.stopping_curve([1.0, 0.5], best_step=v))
    cases("stopping_curve", "windows", [[(1, "a")], [3], "ab"], lambda v: charts.stopping_curve([1.0, 0.5], windows=v))
    cases("stopping_curve", "reductions", [[1j], "a"], lambda v: charts.stopping_curve([1.0, 0.5], reductions=v))
    cases("basin_map", "basins", [None, 3, _TRAJ], charts.basin_map)
    cases("xy_lines", "lines", [None, {"a": [1, 2]}, {"a": ([1, 2], [1])}, {"a": ([1j], [1])}], charts.xy_lines)
    cases("xy_lines", "points", [3, {"a": ([1], [1, 2])}], lambda v: charts.xy_lines({"a": ([1], [1])}, points=v))
    cases("grouped", "table", [None, {"a": 1}, {"a": {"b": "x"}}, {"a": {"b": 1j}}], lambda v: charts.grouped(v, "share"))
    cases("grouped", "mark", ["line", None], lambda v: charts.grouped({"a": {"b": 1.0}}, "share", mark=v))
    cases("intervals", "xs", [[1j], "ab"], lambda v: charts.intervals(v, [0.0], [1.0], ["a"]))
    cases("intervals", "labels", [["a", "b"], "a", 3], lambda v: charts.intervals([0.0], [0.0], [1.0], v))
    cases("faint_path", "points", [np.zeros((3, 3)), [[1j, 0]], "ab"], charts.faint_path)
    cases("hatch", "mask", [np.zeros((1, 2)), np.ones((2, 2), dtype=bool), "ab"], lambda v: charts.hatch([0, 1], [0], v))
    cases("vertical_rules", "xs", ["a", [1j], np.zeros((2, 2))], charts.vertical_rules)
    cases("band", "x0", ["a", NAN, None], lambda v: charts.band(v, 1.0))
    cases("band", "opacity", [2.0, -1.0], lambda v: charts.band(0.0, 1.0, opacity=v))
    cases("grid", "loss", [None, 3], lambda v: charts.grid(v, ((0, 1), (0, 1))))
    cases("grid", "bounds", NOT_BOUNDS, lambda v: charts.grid(BOWL.loss, v))
    cases("grid", "resolution", SIZES_BAD + [1], lambda v: charts.grid(BOWL.loss, ((0, 1), (0, 1)), v))
    cases("grid", "loss", [lambda w: np.zeros(2), lambda w: np.zeros(np.shape(w)[:-1]) + 1j], lambda f: charts.grid(f, ((0, 1), (0, 1)), 3))
    cases("grid_map", "z", [np.zeros((3, 3)), np.zeros(4), [[1j, 0], [0, 0]]], lambda v: charts.grid_map([0, 1], [0, 1], v))
    cases("grid_map", "xs", [[1, 0], [0, NAN], "ab"], lambda v: charts.grid_map(v, [0, 1], np.zeros((2, 2))))
    cases("image", "rgba", [np.zeros((2, 2)), np.zeros((2, 2, 4)), "ab"], lambda v: charts.image(v, ((0, 1), (0, 1))))
    cases("image", "bounds", NOT_BOUNDS, lambda v: charts.image(charts.ramp(np.zeros((2, 2))), v))
    cases("ramp", "t", [[1j], "ab", np.array([True])], charts.ramp)
    cases("ramp", "colors", [("#000000",), ("red", "blue"), "#000000", ()], lambda v: charts.ramp([0.5], v))
    cases("contour_levels", "z", ["ab", [1j]], charts.contour_levels)
    cases("contour_levels", "levels", [-1, 2.5], lambda v: charts.contour_levels(np.eye(2), v))
    cases("contour_lines", "z", [np.zeros((3, 3)), np.zeros(4)], lambda v: charts.contour_lines([0, 1], [0, 1], v, [0.5]))
    cases("contour_lines", "levels", ["ab", [1j]], lambda v: charts.contour_lines([0, 1], [0, 1], np.eye(2), v))
    cases("plane_size", "bounds", NOT_BOUNDS, charts.plane_size)
    cases("plane_size", "width", [0, -1, "a"], lambda v: charts.plane_size(((0, 1), (0, 1)), v))
    cases("minimum_names", "losses", ["ab", [1j], None], charts.minimum_names)
    cases("plain", "value", ["x", None, True, 1j, [1.0]], charts.plain)
    cases("plain", "digits", [0, 2.5, 16], lambda v: charts.plain(1.0, v))
    cases("thin", "n", [-1, 2.5, "3"], lambda v: charts.thin(v, 3))
    cases("thin", "budget", [0, 2.5], lambda v: charts.thin(5, v))
    cases("keep_aspect", "ratio", [0.0, -1.0, NAN, "1"], lambda v: charts.keep_aspect(charts.band(0, 1), v))
    cases("replay", "objective", [None, 3], lambda v: charts.replay(v, _TRAJ.points, bounds=((0, 1), (0, 1))))
    cases("replay", "points", [np.zeros((3, 3)), "ab", [[1j, 0]]], lambda v: charts.replay(BOWL, v, resolution=4))
    cases("replay", "bounds", [None], lambda v: charts.replay(_NO_BOUNDS, _TRAJ.points, bounds=v))
    cases("layer", "charts", [3, "a", np.zeros(2), alt.Chart().mark_point() | alt.Chart().mark_point()],
          lambda v: charts.layer(alt.Chart().mark_point(), v))
    cases("LayerChart", "layer", [3, "ab", [None], [alt.Chart().mark_point() & alt.Chart().mark_point()]],
          lambda v: charts.LayerChart(layer=v))
    cases("replay_run", "points", [np.zeros((3, 3)), "ab", [[1j, 0]]], lambda v: charts.replay_run(v, bounds=((0, 1), (0, 1))))
    cases("replay_run", "bounds", [None, *NOT_BOUNDS], lambda v: charts.replay_run(_TRAJ.points, bounds=v))
    cases("replay_run", "start", [-1, 2.5, "3"], lambda v: charts.replay_run(_TRAJ.points, bounds=((0, 1), (0, 1)), start=v))
    cases("levels", "named", [None, {"a": "x"}, {"a": 1j}, [1.0]], charts.levels)
    cases("class_map", "probs", [np.zeros((2, 2)), np.full((2, 2, 2), 0.7), [[[1j, 0]]]], lambda v: charts.class_map(v, ((0, 1), (0, 1))))
    cases("class_map", "y", [np.array([2]), np.array([0.5]), None], lambda v: charts.class_map(
        np.full((2, 2, 2), 0.5), ((0, 1), (0, 1)), np.zeros((1, 2)), v))
    cases("save", "path", ["chart.pdf", "chart"], lambda v: charts.save(charts.band(0, 1), v))


# ---------------------------------------------------------------------------- the checks

MESSAGE = re.compile(r"^The '(?P<name>\w+)' parameter of (?P<owner>.+?) must be (?P<expected>.+)\. "
                     r"Got (?P<got>.+) instead\.$", re.DOTALL)


class _Hang(Exception):
    pass


def _alarm(*_):
    raise _Hang


@pytest.mark.parametrize("call, name, owner", CASES)
def test_bad_input_fails_at_once_naming_the_parameter(call, name, owner):
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(10)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no RuntimeWarning, ComplexWarning, DeprecationWarning, ...
            with pytest.raises(ParameterError) as info:
                call()
    except _Hang:
        pytest.fail("the call did not return within 10 s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    message = str(info.value)
    match = MESSAGE.match(message)
    assert match, message
    assert (match["name"], match["owner"]) == (name, owner), message
    assert len(message) < 600, message  # a huge array is described, not printed
    # Both except clauses a student might write catch it.
    assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)


def test_the_suite_covers_every_schedule_and_descends_momentum_schedule():
    cases_of = {(owner, name) for name, owner in ((case.values[1], case.values[2]) for case in CASES)}
    owners = {owner for owner, _ in cases_of}
    assert set(S.__all__) - {"Schedule"} <= owners, sorted(set(S.__all__) - {"Schedule"} - owners)
    assert ("descend", "momentum_schedule") in cases_of and ("one_cycle", "three_phase") in cases_of


def test_the_suite_covers_every_public_callable():
    owners = {owner for *_, owner in (case.values for case in CASES)}
    public = {"descend", "classify", "basins", "critical_point", "swa", "PlateauController", "PlateauController.step",
              "surfaces.get", "Quadratic", "Surface", "Sampled", "LinearRegression", "LogisticRegression"}
    public |= {cls.__name__ for cls in OPTIMIZERS} | {f"{cls.__name__}.{m}" for cls in OPTIMIZERS for m in ("init", "step")}
    public |= {f.__name__ for f in FACTORIES}
    public |= {f"Surface('himmelblau').{m}" for m in ("loss", "grad", "hessian", "max_stable_lr_at")}
    public |= {"Sampled.shifted", "Sampled.max_stable_lr_at"}
    public |= {f"{o}.per_sample_grad" for o in ("LinearRegression", "LogisticRegression", "Sampled")}
    if charts is not None:
        # Every chart builder but the three that take only a chart, Altair axis options or nothing to check.
        public |= set(charts.__all__) - {"log_axis", "axis_titles"} - {n for n in charts.__all__ if n.isupper()}
    assert public <= owners, sorted(public - owners)
    assert len(CASES) > 1000


# ---------------------------------------------------------------------------- the other side: unusual, valid input


def _read_only(value):
    array = np.array(value, dtype=np.float64)
    array.flags.writeable = False
    return array


def test_read_only_inputs_are_accepted_and_never_changed():
    w = _read_only([1.0, -2.0])
    starts = _read_only([[1.0, -2.0], [0.5, 0.5]])
    bounds = _read_only([[-5.0, 5.0], [-5.0, 5.0]])
    before = [a.copy() for a in (w, starts, bounds)]
    for cls, defaults in OPTIMIZERS.items():
        opt = cls(**defaults)
        state = opt.init(w)
        state = state._replace(**{k: _read_only(v) for k, v in state._asdict().items() if isinstance(v, np.ndarray)})
        w2, state2 = opt.step(w, _read_only([0.5, 0.25]), state)
        w3, _ = opt.step(w2, _read_only([0.5, 0.25]), state2)
        assert np.all(np.isfinite(w3))
    traj = gd.descend(HIMMELBLAU, gd.Adam(lr=0.1), starts, 5)
    assert traj.points.shape == (6, 2, 2)
    index = np.arange(3)
    index.flags.writeable = False
    assert np.isfinite(LIN.grad(w, index)).all() and np.isfinite(SAMPLED.loss(starts, index)).all()
    t = np.arange(5)
    t.flags.writeable = False
    assert S.step_decay(0.1, 2)(t).shape == (5,)
    assert gd.classify(HIMMELBLAU, starts).shape == (2,)
    assert gd.critical_point(HIMMELBLAU, starts).shape == (2, 2)
    assert gd.basins(HIMMELBLAU, gd.SGD(lr=0.01), resolution=3, steps=3, bounds=bounds).labels.shape == (3, 3)
    assert gd.surfaces.Quadratic(eigenvalues=_read_only([1.0, 2.0]), center=w, bounds=bounds).center == (1.0, -2.0)
    assert gd.objectives.Sampled(BOWL, shift=w).shift == (1.0, -2.0)
    assert gd.swa(LIN, gd.SGD(), w, cycles=2, cycle_length=3).average.shape == (2,)
    for array, copy in zip((w, starts, bounds), before):
        np.testing.assert_array_equal(array, copy)


def test_ints_lists_numpy_scalars_and_float32_give_the_numbers_float64_gives():
    reference = gd.descend(BOWL, gd.SGD(lr=0.25), np.array([2.0, 4.0]), 3)
    for start in ([2, 4], (2.0, 4.0), np.array([2, 4], dtype=np.int8), np.array([2, 4], dtype=np.float32),
                  np.array([2, 4], dtype=np.uint16)):
        traj = gd.descend(BOWL, gd.SGD(lr=np.float32(0.25)), start, np.int64(3))
        np.testing.assert_array_equal(traj.points, reference.points)
    # SGD on the bowl with lr 1/4 shrinks w by 3/4 per step, exactly on these numbers.
    np.testing.assert_array_equal(reference.points[:, 0], 2.0 * 0.75 ** np.arange(4))
    assert gd.PlateauController(patience=np.int64(2), factor=np.float32(0.5)).patience == 2
    assert S.cosine(np.float64(0.1), np.int32(10))(np.uint8(5)) == pytest.approx(0.05)


def test_a_diverging_run_is_data_not_an_error():
    # Non-finite values that arise inside a run (not given by the caller) are outcomes.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = gd.descend(gd.surfaces.get("rosenbrock"), gd.SGD(lr=1.0), np.array([[2.0, 2.0], [1.0, 1.0]]), 50)
        assert traj.status.tolist() == ["diverged", "max_steps"]
        assert np.all(np.isfinite(traj.points)) and np.all(np.isfinite(traj.losses))
        assert gd.PlateauController().step(INF, 0.1) == (0.1, False)
        assert BOWL.loss([INF, 0.0]) == INF
