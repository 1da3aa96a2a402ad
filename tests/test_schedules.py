"""gdcore.schedules against torch's numbers, closed forms and hand-derived values."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest

from gdcore import schedules as S
from gdcore._checks import ParameterError
from gdcore.schedules import (
    constant,
    cosine,
    cosine_restarts,
    cyclic,
    exponential,
    multistep,
    one_cycle,
    step_decay,
    swa_cyclic,
    warmup,
)

REFERENCE = json.loads((Path(__file__).parent / "reference" / "schedules.json").read_text())
CASES = REFERENCE["cases"]


def build(name, kwargs):
    kwargs = dict(kwargs)
    if name == "warmup":
        inner = kwargs["schedule"]
        kwargs["schedule"] = build(inner["name"], inner["kwargs"])
    return getattr(S, name)(**kwargs)


def case_id(case):
    inner = case["kwargs"].get("schedule")
    return case["name"] + (f"[{inner['name']}]" if inner else "")


# ------------------------------------------------------------------ torch references


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_matches_torch(case):
    s = build(case["name"], case["kwargs"])
    expected = np.array(case["lrs"])
    got = s(np.arange(len(expected)))
    assert got.dtype == np.float64 and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=0)
    for t in (0, 1, len(expected) // 2, len(expected) - 1):
        value = s(t)
        assert type(value) is float
        assert value == pytest.approx(expected[t], rel=1e-9, abs=0)


def test_reference_covers_every_schedule_and_mode():
    names = {c["name"] for c in CASES}
    assert names == {"constant", "step_decay", "multistep", "exponential", "cosine",
                     "cosine_restarts", "cyclic", "one_cycle", "warmup"}
    modes = {c["kwargs"].get("mode", "triangular") for c in CASES if c["name"] == "cyclic"}
    assert modes == {"triangular", "triangular2", "exp_range"}
    strategies = {c["kwargs"].get("anneal_strategy", "cos") for c in CASES if c["name"] == "one_cycle"}
    assert strategies == {"cos", "linear"}
    assert any(c["kwargs"].get("t_mult", 1) == 2 for c in CASES if c["name"] == "cosine_restarts")
    inner = {c["kwargs"]["schedule"]["name"] for c in CASES if c["name"] == "warmup"}
    assert {"cyclic", "one_cycle", "cosine_restarts", "exponential"} <= inner
    assert max(len(c["lrs"]) for c in CASES) >= 300


# ------------------------------------------------------------ closed forms and anchors


def test_cyclic_anchor():
    # CyclicLR(base 0.1, max 1.0, up = down = 2): up in two steps, down in two.
    s = cyclic(0.1, 1.0, step_size_up=2)
    np.testing.assert_allclose(s(np.arange(9)), [0.1, 0.55, 1.0, 0.55, 0.1, 0.55, 1.0, 0.55, 0.1], rtol=1e-12)


def test_cyclic_modes_closed_form():
    t = np.arange(60)
    up, down, lo, hi = 4, 6, 0.01, 0.21
    p = t % 10
    h = np.where(p <= up, p / up, (10 - p) / down)
    np.testing.assert_allclose(cyclic(lo, hi, up, down)(t), lo + (hi - lo) * h, rtol=1e-12)
    np.testing.assert_allclose(cyclic(lo, hi, up, down, mode="triangular2")(t),
                               lo + (hi - lo) * h / 2.0 ** (t // 10), rtol=1e-12)
    np.testing.assert_allclose(cyclic(lo, hi, up, down, mode="exp_range", gamma=0.97)(t),
                               lo + (hi - lo) * h * 0.97**t, rtol=1e-12)
    # triangular2 peaks: max, then half the height, then a quarter.
    s = cyclic(0.0, 1.0, step_size_up=3, mode="triangular2")
    assert s([3, 9, 15]).tolist() == [1.0, 0.5, 0.25]


def test_step_decay_multistep_exponential_closed_forms():
    t = np.arange(100)
    np.testing.assert_allclose(step_decay(0.3, 7, 0.5)(t), 0.3 * 0.5 ** (t // 7), rtol=1e-12)
    count = (t >= 10).astype(int) + (t >= 25).astype(int) + (t >= 60).astype(int)
    np.testing.assert_allclose(multistep(0.3, [10, 25, 60], 0.2)(t), 0.3 * 0.2**count, rtol=1e-12)
    np.testing.assert_allclose(exponential(0.3, 0.95)(t), 0.3 * 0.95**t, rtol=1e-12)
    assert multistep(0.3, [])(t).tolist() == [0.3] * 100
    assert step_decay(1.0, 3)([2, 3, 6]).tolist() == pytest.approx([1.0, 0.1, 0.01], rel=1e-15)


def test_constant():
    assert constant(0.25)(np.arange(5)).tolist() == [0.25] * 5
    assert constant(0.25)(10**9) == 0.25


def test_cosine_closed_form_and_period():
    lr, lo, T = 0.4, 0.05, 25
    t = np.arange(200)
    expected = lo + 0.5 * (lr - lo) * (1 + np.cos(np.pi * t / T))
    np.testing.assert_allclose(cosine(lr, T, lo)(t), expected, rtol=1e-12)
    s = cosine(lr, T, lo)
    assert s(T) == pytest.approx(lo, rel=1e-15)
    assert s(2 * T) == pytest.approx(lr, rel=1e-15)  # back at the top after 2 t_max
    assert s(T + 3) == pytest.approx(s(T - 3), rel=1e-12)         # mirror image beyond t_max


def test_cosine_restarts_cycle_boundaries():
    # t_0 = 10, t_mult = 2: cycles start at 0, 10, 30, 70, 150, ... = 10 (2^k - 1).
    s = cosine_restarts(0.2, 10, t_mult=2, eta_min=0.02)
    starts = [10 * (2**k - 1) for k in range(12)]
    np.testing.assert_allclose(s(starts), 0.2, rtol=1e-15)
    # One update before each restart: T_cur = T_i - 1 of a cycle of length T_i = 10 * 2^k.
    lengths = np.array([10 * 2**k for k in range(12)])
    before = np.array(starts[1:] + [10 * (2**12 - 1)]) - 1
    expected = 0.02 + 0.5 * 0.18 * (1 + np.cos(np.pi * (lengths - 1) / lengths))
    np.testing.assert_allclose(s(before), expected, rtol=1e-12)
    # t_mult = 1 is plain periodic cosine of period t_0.
    t = np.arange(50)
    np.testing.assert_allclose(cosine_restarts(1.0, 8)(t), 0.5 * (1 + np.cos(np.pi * (t % 8) / 8)), rtol=1e-12)


def test_one_cycle_phases():
    s = one_cycle(2.0, total_steps=101, pct_start=0.5, div_factor=4.0, final_div_factor=5.0)
    # Rise over t in [0, 49.5], fall over (49.5, 100]; starts at 2/4, ends at 2/20.
    assert s(0) == 0.5
    assert s(100) == pytest.approx(0.1, rel=1e-15)
    t = np.arange(101)
    end_up = 0.5 * 101 - 1
    rise = 2.0 + (0.5 - 2.0) / 2 * (1 + np.cos(np.pi * t / end_up))
    fall = 0.1 + (2.0 - 0.1) / 2 * (1 + np.cos(np.pi * (t - end_up) / (100 - end_up)))
    np.testing.assert_allclose(s(t), np.where(t <= end_up, rise, fall), rtol=1e-12)
    lin = one_cycle(2.0, 101, 0.5, "linear", 4.0, 5.0)
    expected = np.where(t <= end_up, 0.5 + 1.5 * t / end_up, 2.0 - 1.9 * (t - end_up) / (100 - end_up))
    np.testing.assert_allclose(lin(t), expected, rtol=1e-12)


def test_warmup_closed_form():
    inner = cosine(0.3, 40, 0.03)
    s = warmup(inner, warmup_steps=8, start_factor=0.25)
    t = np.arange(60)
    expected = np.where(t < 8, 0.3 * (0.25 + 0.75 * t / 8), inner(np.maximum(t - 8, 0)))
    np.testing.assert_allclose(s(t), expected, rtol=1e-12)
    assert warmup(constant(0.2), 4, start_factor=0.0)(range(6)).tolist() == pytest.approx([0, 0.05, 0.1, 0.15, 0.2, 0.2])


def test_swa_cyclic_follows_izmailov():
    # Izmailov et al. 2018, eq. (2), with the 1-based iteration i = t + 1.
    a1, a2, c = 0.05, 0.005, 7
    s = swa_cyclic(a1, a2, c)
    for t in range(40):
        i = t + 1
        tau = (math.fmod(i - 1, c) + 1) / c
        assert s(t) == pytest.approx((1 - tau) * a1 + tau * a2, rel=1e-12)
    ends = np.arange(c - 1, 40, c)
    np.testing.assert_allclose(s(ends), a2, rtol=1e-12)  # each cycle ends at lr_min
    assert swa_cyclic(1.0, 0.2, 1)(np.arange(3)).tolist() == pytest.approx([0.2, 0.2, 0.2])


# ---------------------------------------------------------------------- call shapes


def test_call_shapes_and_types():
    s = cosine(0.1, 10)
    assert type(s(3)) is float and type(s(np.int32(3))) is float and type(s(np.array(3))) is float
    grid = np.arange(12).reshape(3, 4)
    out = s(grid)
    assert out.shape == (3, 4) and out.dtype == np.float64
    np.testing.assert_allclose(out.ravel(), s(np.arange(12)), rtol=0)
    assert s([1, 2]).shape == (2,)
    assert s(np.array([], dtype=int)).shape == (0,)
    assert s([]).shape == (0,)
    assert s(np.arange(5, dtype=np.uint8)).dtype == np.float64


@pytest.mark.parametrize("bad", [-1, 1.0, 2.5, True, "3", [0, -2], np.array([0.0, 1.0]), None])
def test_bad_t_fails_with_our_message(bad):
    with pytest.raises(ParameterError, match=r"The 't' parameter of cosine must be an int >= 0"):
        cosine(0.1, 10)(bad)


def test_one_cycle_ends_at_total_steps():
    s = one_cycle(0.1, total_steps=20)
    assert s(19) > 0
    with pytest.raises(ParameterError, match=r"'t' parameter of one_cycle .*\[0, 19\]. Got 20"):
        s(20)
    with pytest.raises(ParameterError, match="one_cycle"):
        s(np.arange(25))
    w = warmup(s, warmup_steps=5)
    assert w(24) == pytest.approx(s(19))
    with pytest.raises(ParameterError, match=r"'t' parameter of warmup .*\[0, 24\]"):
        w(25)


# ----------------------------------------------------------------- objects and checks


ALL = [
    constant(0.1),
    step_decay(0.1, 30),
    multistep(0.1, [30, 80]),
    exponential(0.1, 0.99),
    cosine(0.1, 100, 0.001),
    cosine_restarts(0.1, 10, 2),
    cyclic(0.01, 0.1, 20, 10, "exp_range", 0.99),
    one_cycle(0.1, 300, anneal_strategy="linear"),
    warmup(cosine(0.1, 100), 10),
    swa_cyclic(0.05, 0.005, 50),
]


@pytest.mark.parametrize("s", ALL, ids=lambda s: s.name)
def test_schedule_objects(s):
    assert isinstance(s, S.Schedule)
    assert eval(repr(s), vars(S)) == s  # the repr is the factory call
    assert repr(s).startswith(s.name + "(")
    assert isinstance(s.formula, str) and s.formula.startswith(r"\eta_t =")
    assert s.formula.count("{") == s.formula.count("}")
    assert s.formula.count(r"\begin{cases}") == s.formula.count(r"\end{cases}")
    field = dataclasses.fields(s)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(s, field, 1.0)
    hash(s)


def test_parameters_are_normalised():
    s = cosine(1, 10, 0)
    assert type(s.lr) is float and type(s.eta_min) is float
    assert multistep(1, np.array([3, 5])).milestones == (3, 5)


BAD = [
    (constant, dict(lr=-0.1), "lr"),
    (constant, dict(lr=float("nan")), "lr"),
    (step_decay, dict(lr=0.1, step_size=0), "step_size"),
    (step_decay, dict(lr=0.1, step_size=2.0), "step_size"),
    (step_decay, dict(lr=0.1, step_size=2, gamma=1.5), "gamma"),
    (step_decay, dict(lr=0.1, step_size=2, gamma=0.0), "gamma"),
    (multistep, dict(lr=0.1, milestones=[5, 5]), "milestones"),
    (multistep, dict(lr=0.1, milestones=[0, 5]), "milestones"),
    (multistep, dict(lr=0.1, milestones=[8, 5]), "milestones"),
    (multistep, dict(lr=0.1, milestones=5), "milestones"),
    (multistep, dict(lr=0.1, milestones=[1.5]), "milestones"),
    (exponential, dict(lr="0.1", gamma=0.9), "lr"),
    (exponential, dict(lr=0.1, gamma=-0.9), "gamma"),
    (cosine, dict(lr=0.1, t_max=0), "t_max"),
    (cosine, dict(lr=0.1, t_max=10, eta_min=0.2), "eta_min"),
    (cosine_restarts, dict(lr=0.1, t_0=0), "t_0"),
    (cosine_restarts, dict(lr=0.1, t_0=5, t_mult=0), "t_mult"),
    (cosine_restarts, dict(lr=0.1, t_0=5, t_mult=1.5), "t_mult"),
    (cosine_restarts, dict(lr=0.1, t_0=5, eta_min=-1.0), "eta_min"),
    (cyclic, dict(base_lr=0.1, max_lr=0.05), "max_lr"),
    (cyclic, dict(base_lr=-0.1, max_lr=0.05), "base_lr"),
    (cyclic, dict(base_lr=0.01, max_lr=0.1, step_size_up=0), "step_size_up"),
    (cyclic, dict(base_lr=0.01, max_lr=0.1, step_size_down=0), "step_size_down"),
    (cyclic, dict(base_lr=0.01, max_lr=0.1, mode="triangle"), "mode"),
    (cyclic, dict(base_lr=0.01, max_lr=0.1, mode="exp_range", gamma=2.0), "gamma"),
    (one_cycle, dict(max_lr=-1.0, total_steps=10), "max_lr"),
    (one_cycle, dict(max_lr=0.1, total_steps=0), "total_steps"),
    (one_cycle, dict(max_lr=0.1, total_steps=10, pct_start=1.5), "pct_start"),
    (one_cycle, dict(max_lr=0.1, total_steps=10, pct_start=0.1), "pct_start"),
    (one_cycle, dict(max_lr=0.1, total_steps=10, anneal_strategy="cosine"), "anneal_strategy"),
    (one_cycle, dict(max_lr=0.1, total_steps=10, div_factor=0.0), "div_factor"),
    (one_cycle, dict(max_lr=0.1, total_steps=10, final_div_factor=-1.0), "final_div_factor"),
    (warmup, dict(schedule=lambda t: 0.1, warmup_steps=5), "schedule"),
    (warmup, dict(schedule=constant(0.1), warmup_steps=0), "warmup_steps"),
    (warmup, dict(schedule=constant(0.1), warmup_steps=5, start_factor=1.5), "start_factor"),
    (swa_cyclic, dict(lr_max=0.05, lr_min=0.1, cycle_length=10), "lr_min"),
    (swa_cyclic, dict(lr_max=-0.05, lr_min=0.0, cycle_length=10), "lr_max"),
    (swa_cyclic, dict(lr_max=0.05, lr_min=0.01, cycle_length=0), "cycle_length"),
]


@pytest.mark.parametrize("factory, kwargs, name", BAD, ids=[f"{f.__name__}-{n}" for f, _, n in BAD])
def test_bad_parameters_name_themselves(factory, kwargs, name):
    with pytest.raises(ParameterError, match=rf"^The '{name}' parameter of {factory.__name__} must be "):
        factory(**kwargs)


# ----------------------------------------------------------------- regressions (issue 11, bugs 8, 13)

#: One of each schedule (and mode), with parameters that make every branch and power count.
EVERY = [
    step_decay(0.1, step_size=3, gamma=0.1), multistep(0.1, [2, 5, 9], gamma=0.3), exponential(0.7, 0.93),
    cosine(0.3, 37, 0.01), cosine_restarts(0.3, 5, 2, 0.01), cosine_restarts(0.3, 7),
    cyclic(0.01, 0.3, 7, 5), cyclic(0.01, 0.3, 7, 5, "triangular2"), cyclic(0.01, 0.3, 7, 5, "exp_range", 0.97),
    one_cycle(0.3, 200), one_cycle(0.3, 200, anneal_strategy="linear"), warmup(exponential(0.3, 0.9), 7),
    swa_cyclic(0.3, 0.01, 7), constant(0.1),
]


@pytest.mark.parametrize("s", EVERY, ids=[repr(s) for s in EVERY])
def test_a_scalar_call_and_an_array_call_give_the_same_bits(s):
    t = np.arange(200)
    together = s(t)
    one_by_one = np.array([s(int(k)) for k in t])
    assert together.tobytes() == one_by_one.tobytes()
    assert s(t[::-1]).tobytes() == together[::-1].tobytes()  # order and size do not matter either
    assert s([150])[0] == s(150)


def test_powers_are_torchs_closed_form_to_the_last_bit():
    # torch StepLR._get_closed_form_lr: base_lr * gamma ** (last_epoch // step_size), in Python.
    assert step_decay(0.1, 100, 0.1)(200) == 0.1 * 0.1**2 == 0.0010000000000000002
    assert step_decay(0.1, 100, 0.1)([200])[0] == 0.0010000000000000002
    # ExponentialLR: base_lr * gamma ** last_epoch; MultiStepLR: base_lr * gamma ** bisect_right(...).
    t = np.arange(3000)
    assert exponential(0.1, 0.9999)(t).tolist() == [0.1 * 0.9999**k for k in range(3000)]
    milestones = [10, 50, 90]
    expected = [0.1 * 0.5 ** sum(m <= k for m in milestones) for k in range(100)]
    assert multistep(0.1, milestones, 0.5)(np.arange(100)).tolist() == expected


def test_huge_int_parameters_mean_never_and_do_not_overflow():
    t = np.array([0, 5, 10**6, S.T_MAX])
    # floor(t / 10^30) = 0 for every t <= 2^53: no decay ever.
    np.testing.assert_array_equal(step_decay(0.1, step_size=10**30)(t), 0.1)
    np.testing.assert_array_equal(multistep(0.1, [3, 10**30])(t), [0.1, 0.1 * 0.1, 0.1 * 0.1, 0.1 * 0.1])
    np.testing.assert_array_equal(swa_cyclic(1.0, 0.0, 10**30)(t), 1.0 - (t + 1) / 1e30)
    np.testing.assert_array_equal(warmup(constant(1.0), 10**30, start_factor=0.5)(t), 0.5 + 0.5 * (t / 1e30))
    # cos(pi t / 1e30): 1 to the last bit for these t; the lr is the top of the cosine.
    np.testing.assert_array_equal(cosine(0.3, 10**30)(t), 0.3)
    np.testing.assert_array_equal(cosine_restarts(0.3, 10**30)(t), 0.3)
    # T_0 = 2, then a second cycle of 2 * 10^30 updates: t = 2 restarts at the top.
    np.testing.assert_allclose(cosine_restarts(1.0, 2, 10**30)(np.array([0, 1, 2, 3])), [1.0, 0.5, 1.0, 1.0], rtol=1e-15)
    np.testing.assert_array_equal(cyclic(0.1, 1.0, 10**30, 10**30)(t), 0.1 + 0.9 * (t / 1e30))


def test_t_beyond_2_to_the_53_is_refused():
    with pytest.raises(ParameterError, match=r"^The 't' parameter of cosine must be an int or array of ints in the range \[0, 9007199254740992\]"):
        cosine(0.1, 10)(S.T_MAX + 1)
    with pytest.raises(ParameterError, match="'t' parameter of cosine"):
        cosine(0.1, 10)(10**30)  # a Python int no int64 holds
    with pytest.raises(ParameterError, match="'t' parameter of cosine"):
        cosine(0.1, 10)(np.array([1 + 0j]))


def test_a_huge_lr_warns_nowhere():
    import warnings

    t = np.arange(21)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = cosine(1e308, 10)(t)
        for s in (cosine_restarts(1e308, 10, 2), cyclic(0.0, 1e308, 3), one_cycle(1e308, 21), swa_cyclic(1e308, 0.0, 5),
                  warmup(cosine(1e308, 10), 3)):
            assert np.all(np.isfinite(s(t)))
    expected = [1e308 * ((1 + math.cos(math.pi * k / 10)) / 2) for k in range(21)]
    np.testing.assert_allclose(got, expected, rtol=1e-15)


# ------------------------------------------------- issue 11: factors, sequences, chains, momentum

MORE = json.loads((Path(__file__).parent / "reference" / "more_schedules.json").read_text())


def build_more(spec):
    """A gdcore schedule from a recorded spec: a factor is a lambda's source, schedules are specs."""
    kwargs = dict(spec["kwargs"])
    if isinstance(kwargs.get("factor"), str):
        kwargs["factor"] = eval(kwargs["factor"], {"math": math})
    if "schedules" in kwargs:
        kwargs["schedules"] = [build_more(s) for s in kwargs["schedules"]]
    return getattr(S, spec["name"])(**kwargs)


def more_id(case):
    inner = case["kwargs"].get("schedules")
    return case["name"] + (f"[{'+'.join(s['name'] for s in inner)}]" if inner else "")


@pytest.mark.parametrize("case", MORE["lrs"] + MORE["momenta"], ids=more_id)
def test_more_schedules_match_torch(case):
    s = build_more(case)
    expected = np.array(case["lrs"] if "lrs" in case else case["momenta"])
    got = s(np.arange(len(expected)))
    assert got.dtype == np.float64 and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=0)
    for t in (0, 1, len(expected) // 2, len(expected) - 1):
        value = s(t)
        assert type(value) is float and value == pytest.approx(expected[t], rel=1e-9, abs=0)
    assert s(np.arange(len(expected))[::-1]).tobytes() == got[::-1].tobytes()  # scalar, array, order: same bits


def test_more_reference_covers_every_new_schedule():
    names = {c["name"] for c in MORE["lrs"]} | {c["name"] for c in MORE["momenta"]}
    assert names == {"lambda_lr", "multiplicative", "linear", "polynomial", "constant_factor", "one_cycle",
                     "sequential", "chain", "cyclic_momentum", "one_cycle_momentum"}
    assert all(c["kwargs"]["three_phase"] for c in MORE["lrs"] if c["name"] == "one_cycle")
    inner = {s["name"] for c in MORE["lrs"] if c["name"] in ("sequential", "chain") for s in c["kwargs"]["schedules"]}
    assert {"cyclic", "one_cycle", "cosine_restarts", "multiplicative", "chain", "polynomial"} <= inner
    assert {c["optimizer"] for c in MORE["momenta"]} == {"SGD", "Adam", "AdamW"}
    modes = {c["kwargs"].get("mode", "triangular") for c in MORE["momenta"] if c["name"] == "cyclic_momentum"}
    assert modes == {"triangular", "triangular2", "exp_range"}


def test_three_phase_one_cycle_closed_form():
    s = one_cycle(2.0, total_steps=101, pct_start=0.25, anneal_strategy="linear", div_factor=4.0,
                  final_div_factor=5.0, three_phase=True)
    t = np.arange(101)
    t1, t2 = 0.25 * 101 - 1, 2 * 0.25 * 101 - 2
    expected = np.select([t <= t1, t <= t2],
                         [0.5 + 1.5 * t / t1, 2.0 - 1.5 * (t - t1) / (t2 - t1)],
                         0.5 - 0.4 * (t - t2) / (100 - t2))
    np.testing.assert_allclose(s(t), expected, rtol=1e-12)
    assert s(0) == 0.5 and s(100) == pytest.approx(0.1, rel=1e-15)
    assert one_cycle(1.0, 10)(np.arange(10)).tolist() == one_cycle(1.0, 10, three_phase=False)(np.arange(10)).tolist()


def test_momentum_moves_against_the_lr():
    lr, mu = cyclic(0.01, 0.1, step_size_up=5), S.cyclic_momentum(0.8, 0.9, step_size_up=5)
    t = np.arange(30)
    # Where the lr is a fraction x of the way up, the momentum is the same fraction of the way down.
    np.testing.assert_allclose((lr(t) - 0.01) / 0.09, (0.9 - mu(t)) / 0.1, rtol=1e-12, atol=1e-15)
    one, one_mu = one_cycle(0.1, 50, anneal_strategy="linear"), S.one_cycle_momentum(50, anneal_strategy="linear")
    assert one_mu(0) == 0.95 and one_mu(int(np.argmax(one(np.arange(50))))) == pytest.approx(0.85)
    assert one_mu(49) == pytest.approx(0.95)
    three = S.one_cycle_momentum(100, three_phase=True)
    np.testing.assert_array_equal(three(np.arange(59, 100)), 0.95)  # back at max_momentum after 2pN - 2 = 58


def test_factor_schedules_closed_forms():
    t = np.arange(40)
    np.testing.assert_allclose(S.lambda_lr(0.3, lambda k: 0.9**k)(t), 0.3 * 0.9**t, rtol=1e-12)
    np.testing.assert_allclose(S.multiplicative(0.3, lambda k: 0.9)(t), 0.3 * 0.9**t, rtol=1e-12)
    np.testing.assert_allclose(S.multiplicative(1.0, lambda k: k + 1.0)(np.arange(8)),
                               [math.factorial(k + 1) for k in range(8)], rtol=1e-15)  # factor(0) is never used
    np.testing.assert_allclose(S.linear(0.5, 0.2, 0.8, 10)(t), 0.5 * (0.2 + 0.6 * np.minimum(t, 10) / 10), rtol=1e-12)
    np.testing.assert_allclose(S.polynomial(0.5, 20, 1.7)(t), 0.5 * (1 - np.minimum(t, 20) / 20) ** 1.7, rtol=1e-12)
    np.testing.assert_array_equal(S.constant_factor(0.5, 0.2, 7)(t), np.where(t < 7, 0.1, 0.5))
    # warmup is a sequence of a linear warm-up and the schedule.
    inner = cosine(0.3, 40)
    np.testing.assert_allclose(S.sequential([S.linear(0.3, 0.25, 1.0, 8), inner], [8])(t),
                               warmup(inner, 8, start_factor=0.25)(t), rtol=1e-12)
    # A chain multiplies the factors.
    c = S.chain([S.constant_factor(0.2, 0.5, 5), exponential(0.2, 0.9), step_decay(0.2, 10, 0.5)])
    np.testing.assert_allclose(c(t), 0.2 * np.where(t < 5, 0.5, 1.0) * 0.9**t * 0.5 ** (t // 10), rtol=1e-12)
    assert S.chain([constant(0.0), exponential(0.0, 0.5)])(t).tolist() == [0.0] * 40


def test_a_factor_is_called_once_per_distinct_step():
    calls = []
    s = S.lambda_lr(1.0, lambda k: calls.append(k) or 0.5)
    assert s([3, 3, 1, 3]).tolist() == [0.5] * 4 and sorted(calls) == [1, 3]
    assert all(type(k) is int for k in calls)


def test_sequential_and_chain_end_where_their_schedules_end():
    s = S.sequential([constant(0.1), one_cycle(0.1, 20)], [5])
    assert s(24) > 0
    with pytest.raises(ParameterError, match=r"'t' parameter of sequential .*\[0, 24\]"):
        s(25)
    with pytest.raises(ParameterError, match=r"^The 'schedules' parameter of sequential must be schedules each "
                                             r"defined until the next milestone"):
        S.sequential([one_cycle(0.1, 20), constant(0.1)], [21])
    assert S.sequential([one_cycle(0.1, 20), constant(0.1)], [20])(20) == 0.1
    with pytest.raises(ParameterError, match=r"'t' parameter of multiplicative .*\[0, 10000000\]"):
        S.multiplicative(0.1, lambda k: 0.9)(10**7 + 1)


NEW = [
    S.linear(0.1, 0.5, 1.0, 10), S.polynomial(0.1, 50, 2.0), S.constant_factor(0.1, 0.5, 10),
    S.sequential([S.linear(0.1), cosine(0.1, 100)], [5]), S.chain([exponential(0.1, 0.9), S.linear(0.1)]),
    S.cyclic_momentum(0.85, 0.95, 10, 5, "triangular2"), S.one_cycle_momentum(100, three_phase=True),
    one_cycle(0.1, 100, three_phase=True),
]


@pytest.mark.parametrize("s", NEW, ids=lambda s: s.name)
def test_new_schedule_objects(s):
    assert isinstance(s, S.Schedule)
    assert eval(repr(s), vars(S)) == s
    symbol = r"\mu_t =" if "momentum" in s.name else r"\eta_t ="
    assert s.formula.startswith(symbol) and s.formula.count("{") == s.formula.count("}")
    assert s.formula.count(r"\begin{cases}") == s.formula.count(r"\end{cases}")
    hash(s)
    t = np.arange(100)
    assert s(t).tobytes() == np.array([s(int(k)) for k in t]).tobytes()


MORE_BAD = [
    (S.lambda_lr, dict(lr=0.1, factor=0.5), "factor"),
    (S.lambda_lr, dict(lr=-0.1, factor=lambda t: 1.0), "lr"),
    (S.multiplicative, dict(lr=0.1, factor=constant(0.1)), "factor"),
    (S.linear, dict(lr=0.1, start_factor=0.0), "start_factor"),
    (S.linear, dict(lr=0.1, end_factor=1.5), "end_factor"),
    (S.linear, dict(lr=0.1, total_iters=0), "total_iters"),
    (S.polynomial, dict(lr=0.1, power=-1.0), "power"),
    (S.polynomial, dict(lr=0.1, total_iters=0), "total_iters"),
    (S.constant_factor, dict(lr=0.1, factor=1.5), "factor"),
    (S.constant_factor, dict(lr=0.1, total_iters=0), "total_iters"),
    (S.sequential, dict(schedules=[], milestones=[]), "schedules"),
    (S.sequential, dict(schedules=[constant(0.1), lambda t: 0.1], milestones=[3]), "schedules"),
    (S.sequential, dict(schedules=[constant(0.1), constant(0.2)], milestones=[]), "milestones"),
    (S.sequential, dict(schedules=[constant(0.1), constant(0.2)], milestones=[0]), "milestones"),
    (S.chain, dict(schedules=[cosine(0.1, 10)]), "schedules"),
    (S.chain, dict(schedules=[S.lambda_lr(0.1, lambda t: 1.0)]), "schedules"),
    (S.chain, dict(schedules=[constant(0.1), exponential(0.2, 0.9)]), "schedules"),
    (S.chain, dict(schedules=constant(0.1)), "schedules"),
    (S.cyclic_momentum, dict(base_momentum=0.95, max_momentum=0.9), "max_momentum"),
    (S.cyclic_momentum, dict(base_momentum=0.8, max_momentum=1.0), "max_momentum"),
    (S.cyclic_momentum, dict(base_momentum=-0.1), "base_momentum"),
    (S.cyclic_momentum, dict(mode="exp"), "mode"),
    (S.one_cycle_momentum, dict(total_steps=0), "total_steps"),
    (S.one_cycle_momentum, dict(total_steps=10, pct_start=0.1), "pct_start"),
    (S.one_cycle_momentum, dict(total_steps=10, three_phase=1), "three_phase"),
    (one_cycle, dict(max_lr=0.1, total_steps=10, three_phase="yes"), "three_phase"),
]


@pytest.mark.parametrize("factory, kwargs, name", MORE_BAD, ids=[f"{f.__name__}-{n}" for f, _, n in MORE_BAD])
def test_more_bad_parameters_name_themselves(factory, kwargs, name):
    with pytest.raises(ParameterError, match=rf"^The '{name}' parameter of {factory.__name__} must be "):
        factory(**kwargs)


# multiplicative never calls factor(0): its first call is at t=1.
@pytest.mark.parametrize("factor, shown", [(lambda t: -1.0, "-1.0 at t=[01]"), (lambda t: float("nan"), "nan at t=[01]"),
                                           (lambda t: "x", "'x' at t=[01]"), (lambda t: 1 / (t - 2) ** 2, "ZeroDivisionError.* at t=2"),
                                           (lambda t: True, "True at t=[01]"), (lambda t: 1j, "1j at t=[01]")])
def test_a_bad_factor_is_named_with_the_step(factor, shown):
    for make in (S.lambda_lr, S.multiplicative):
        s = make(0.1, factor)
        with pytest.raises(ParameterError, match=rf"^The 'factor' parameter of {make.__name__} must be .*{shown}"):
            s(np.arange(5))
