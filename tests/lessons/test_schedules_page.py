"""What the Learning-rate schedules page says, checked against the runs and closed forms of the schedules."""

import math

import numpy as np
import pytest

import gdcore as gd
from lessons import schedules as lesson

CASES = {"defaults": lesson.DEFAULTS, **lesson.PRESETS}


def runs_and_facts(values):
    a, b = lesson.spec(values, "a"), lesson.spec(values, "b")
    runs = lesson.run(values["surface"], values["x0"], values["y0"], values["steps"], a, b)
    return runs, lesson.facts(**values, runs=runs)


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    values = CASES[request.param]
    return request.param, values, *runs_and_facts(values)


def test_what_the_page_calls_a_stay_is_near_its_minimum(case):
    _, values, runs, f = case
    surface = gd.surfaces.get(values["surface"])
    (xa, xb), (ya, yb) = surface.bounds
    tol = lesson.TOL * min(xb - xa, yb - ya)
    for r, traj in zip((f.a, f.b), runs):
        for stay in r.stays:
            d = np.linalg.norm(traj.points[stay.first:stay.last + 1] - surface.minima[stay.minimum], axis=-1)
            assert stay.last - stay.first + 1 >= lesson.MIN_STAY and np.all(d < tol)
        if r.end is not None:
            assert r.stays[-1].last == len(traj.points) - 1
            assert np.linalg.norm(traj.points[-1] - surface.minima[r.end]) < tol


def test_every_exit_starts_when_eta_first_exceeds_the_bound(case):
    _, _, runs, f = case
    for r, traj in zip((f.a, f.b), runs):
        for e in r.exits:
            bound = f.minimum(e.minimum).bound
            assert e.rise is not None
            assert traj.lrs[e.rise] > bound >= traj.lrs[e.arrived:e.rise].max(initial=0.0)
            assert e.to != e.minimum and e.to_step > e.left


def test_which_run_ends_lower_follows_the_final_losses(case):
    _, _, runs, f = case
    la, lb = (float(t.losses[-1]) for t in runs)
    assert (f.a.final_loss, f.b.final_loss) == pytest.approx((la, lb))
    if abs(la - lb) < 0.01 * max(1.0, abs(la), abs(lb)):
        assert f.lower is None
    else:
        assert f.lower == ("A" if la < lb else "B")


def test_the_bound_of_each_minimum_is_two_over_its_largest_curvature(case):
    _, values, _, f = case
    surface = gd.surfaces.get(values["surface"])
    for m in f.minima:
        w, h = np.array(m.point), 1e-5
        H = np.array([(surface.grad(w + h * e) - surface.grad(w - h * e)) / (2 * h) for e in np.eye(2)])
        assert m.bound == pytest.approx(2 / np.linalg.eigvalsh((H + H.T) / 2)[-1], rel=1e-5)


def test_defaults_are_the_warm_restarts_preset():
    assert lesson.DEFAULTS == lesson.PRESETS[lesson.DEFAULT_PRESET] == lesson.PRESETS["Warm restarts"]


def test_warm_restarts_the_restart_throws_b_out_of_the_narrow_minimum_into_the_wide_one():
    v = lesson.PRESETS["Warm restarts"]
    (ta, tb), f = runs_and_facts(v)
    narrow, wide = sorted(f.minima, key=lambda m: m.bound)
    assert narrow.bound < v["a_lr"] == v["b_lr"] < wide.bound
    # A decays: 0.5 · 0.97^t drops below the narrow bound at the least t with 0.97^t < bound / 0.5.
    t_below = math.ceil(math.log(narrow.bound / v["a_lr"]) / math.log(v["a_gamma"]))
    assert f.a.below_at == t_below and ta.lrs[-1] == pytest.approx(0.5 * 0.97 ** (v["steps"] - 1))
    assert f.a.end == narrow.index and not f.a.exits
    # B restarts at t = T0 = 75: its lr is back at the peak 0.5, four times the narrow bound.
    (exit,) = f.b.exits
    assert exit.minimum == narrow.index and exit.rise == v["b_t0"] == 75
    assert exit.rise_lr == pytest.approx(v["b_lr"]) and tb.lrs[74] < narrow.bound
    assert exit.to == f.b.end == wide.index
    # Later restarts (t = 150, 225) peak at 0.5 too, below the wide minimum's bound: B stays.
    assert tb.lrs[150] == tb.lrs[225] == pytest.approx(0.5) and f.b.unstable is None
    lines = lesson.story(f)
    thrown = next(line for line in lines if "thrown out" in line.text)
    assert thrown.tone == "info" and "at update 75 its η rose to 0.5" in thrown.text
    end = lines[-1]
    assert end.tone == "success" and "end in different minima" in end.text and "narrower one" in end.text


def test_cyclical_the_rising_rate_throws_b_into_the_deepest_minimum():
    v = lesson.PRESETS["Cyclical"]
    (ta, tb), f = runs_and_facts(v)
    local = f.minimum(f.a.end)
    assert local.name.startswith("local") and ta.lrs.max() < local.bound  # A's cosine never exceeds it
    # Triangle from base = 0.025 · 0.18 up to 0.18 over 75 updates: above the bound from the least t with
    # base + (0.18 - base) t / 75 > bound.
    base, peak, up = v["b_floor"] * v["b_lr"], v["b_lr"], v["b_up"]
    t_rise = math.floor((local.bound - base) / (peak - base) * up) + 1
    (exit,) = f.b.exits
    assert exit.minimum == f.a.end and exit.rise == t_rise == 36
    deepest = min(m.loss for m in f.minima)
    assert f.minimum(f.b.end).loss == pytest.approx(deepest) and f.lower == "B"
    # The second cycle lifts η above the global minimum's bound again (updates 200-250), but B stays.
    first, last = f.b.unstable
    assert tb.lrs[first] > f.minimum(f.b.end).bound and (first, last) == (200, 250)
    assert "**Run B ends lower**" in lesson.story(f)[-1].text


def test_annealing_the_constant_rate_never_settles_and_the_cosine_does():
    v = lesson.PRESETS["Annealing"]
    (ta, tb), f = runs_and_facts(v)
    deep = f.minima[0]
    assert np.all(ta.lrs == v["a_lr"]) and v["a_lr"] > deep.bound
    assert f.a.end is None and f.a.below_at is None
    # The cosine 0.6 (1 + cos(π t / 300)) falls below the bound at the least t past 300/π · arccos(bound/0.6 - 1).
    t_below = math.floor(v["b_tmax"] / math.pi * math.acos(deep.bound / (v["b_lr"] / 2) - 1)) + 1
    assert f.b.below_at == t_below == 90
    assert f.b.end == deep.index and f.b.stays[-1].first > t_below and f.lower == "B"
    a_line = lesson.story(f)[0]
    assert a_line.tone == "warning" and "A constant rate never gets lower" in a_line.text
    assert "Let the schedule decay" not in a_line.text  # the contradiction issue 8 names


def test_a_run_that_diverges_is_told_and_the_other_still_compared():
    v = {**lesson.DEFAULTS, "surface": "ravine", **lesson.SURFACE_DEFAULTS["ravine"], "a": "constant", "a_lr": 3.0}
    _, f = runs_and_facts(v)
    assert f.a.diverged and not f.b.diverged and f.lower == "B"
    lines = lesson.story(f)
    assert lines[0].tone == "error" and "diverged" in lines[0].text
    assert "Only run B stays finite" in lines[-1].text


def test_every_surface_starts_inside_its_window():
    for name, d in lesson.SURFACE_DEFAULTS.items():
        (xa, xb), (ya, yb) = gd.surfaces.get(name).bounds
        assert xa <= d["x0"] <= xb and ya <= d["y0"] <= yb
        assert d["a_lr"] in lesson.LRS and d["b_lr"] in lesson.LRS
