"""The Beyond-SGD page's lessons, asserted from its runs (defaults and every preset)."""

import doctest

import numpy as np
import pytest

import gdcore as gd
from lessons import beyond_sgd as lesson


def facts_of(values):
    return lesson.facts(**values)


def closed_form_gaps(surface, lr, momentum, steps):
    """SGD and heavy-ball momentum on a quadratic, by hand, one eigen-direction at a time.

    With x the eigen-component: SGD multiplies it by (1 - lr*lam) per step; momentum (PyTorch's
    v = mu v + g, w -= lr v) is the linear map (x, v) -> (x - lr (mu v + lam x), mu v + lam x).
    """
    s = lesson.SURFACES[surface]
    lams, vectors = np.linalg.eigh(s.hessian(np.zeros(2)))
    u = vectors.T @ (np.asarray(lesson.STARTS[surface]) - s.minima[0])
    sgd = 0.5 * np.sum(lams * ((1 - lr * lams) ** steps * u) ** 2)
    heavy = 0.0
    for lam, x0 in zip(lams, u):
        step = np.array([[1 - lr * lam, -lr * momentum], [lam, momentum]])
        x, _ = np.linalg.matrix_power(step, steps) @ np.array([x0, 0.0])
        heavy += 0.5 * lam * x * x
    return float(sgd), float(heavy)


def test_module_doctests():
    assert doctest.testmod(lesson).failed == 0


@pytest.mark.parametrize("surface", ["ravine_aligned", "ravine_tilted"])
def test_sgd_and_momentum_match_the_closed_forms(surface):
    p = lesson.SURFACE_DEFAULTS[surface]
    f = facts_of({"surface": surface, **p})
    sgd, heavy = closed_form_gaps(surface, p["lr"], p["momentum"], p["steps"])
    assert f.gaps["SGD"] == pytest.approx(sgd, rel=1e-8)
    assert f.gaps["momentum"] == pytest.approx(heavy, rel=1e-6)


def test_the_two_ravines_are_one_valley_turned():
    aligned, tilted = lesson.SURFACES["ravine_aligned"], lesson.SURFACES["ravine_tilted"]
    assert aligned.eigenvalues == tilted.eigenvalues
    assert lesson.tilt("ravine_aligned") == pytest.approx(0, abs=1e-9)
    assert lesson.tilt("ravine_tilted") == pytest.approx(30)
    # Same start relative to the valley: the same loss there.
    assert aligned.loss(lesson.STARTS["ravine_aligned"]) == pytest.approx(tilted.loss(lesson.STARTS["ravine_tilted"]))
    assert lesson.SURFACE_DEFAULTS["ravine_aligned"] == lesson.SURFACE_DEFAULTS["ravine_tilted"]


def test_every_preset_uses_its_surface_settings_except_what_it_changes():
    for name, p in lesson.PRESETS.items():
        own = lesson.SURFACE_DEFAULTS[p["surface"]]
        changed = {k for k in own if own[k] != p[k]}
        assert changed <= {"momentum"}, name


@pytest.mark.parametrize("name", list(lesson.PRESETS))
def test_plain_sgd_zig_zags_in_every_preset(name):
    f = facts_of(lesson.PRESETS[name])
    assert f.status["SGD"] != "diverged"
    assert f.turns["SGD"] >= 5
    assert f.lr < f.bound  # below its stability bound: it zig-zags, it does not blow up


def test_along_an_axis_all_three_beat_sgd_and_scaling_is_why_rmsprop_wins():
    f = facts_of(lesson.DEFAULTS)
    assert f.surface == "ravine_aligned" and f.aligned
    assert all(f.beats(n) for n in ("momentum", "RMSprop", "Adam"))
    # The same RMSprop on the same valley tilted by 30 degrees ends far higher.
    assert f.twin_gaps["RMSprop"] > 1e6 * f.gaps["RMSprop"]
    assert f.scaling_gain > 1e6
    told = lesson.story(f)
    assert told.tone == "success" and told.headline.startswith("**All three beat plain SGD**")
    assert told.scaling.startswith("**Per-coordinate scaling helps here.**")
    assert lesson.number(f.twin_gaps["RMSprop"]) in told.scaling


def test_tilted_scaling_cannot_help_rmsprop_yet_momentum_and_adam_win():
    f = facts_of(lesson.PRESETS["Tilted ravine"])
    assert not f.aligned
    assert f.comparison("RMSprop") == "matches"  # within a factor 2 of plain SGD
    assert f.beats("momentum") and f.beats("Adam")
    told = lesson.story(f)
    assert told.tone == "info"
    assert told.headline.startswith("**momentum and Adam beat plain SGD; RMSprop does not.**")
    assert told.scaling.startswith("**Per-coordinate scaling cannot single out the steep direction here.**")
    assert "Adam still beats SGD" in told.scaling


def test_sgd_and_momentum_do_not_see_the_tilt():
    f = facts_of(lesson.PRESETS["Tilted ravine"])
    for name in ("SGD", "momentum"):
        assert f.gaps[name] == pytest.approx(f.twin_gaps[name], rel=1e-9)
    assert f.rotation_blind


def test_rosenbrock_all_three_beat_sgd_and_the_valley_bends():
    f = facts_of(lesson.PRESETS["Rosenbrock"])
    assert not any(s == "diverged" for s in f.status.values())
    assert all(f.beats(n) for n in ("momentum", "RMSprop", "Adam"))
    assert abs(f.tilt - f.tilt_start) > 3  # the steep direction turns along the valley
    told = lesson.story(f)
    assert told.tone == "success" and told.scaling.startswith("**Rosenbrock's valley bends**")


def test_too_much_momentum_loses_to_plain_sgd():
    f = facts_of(lesson.PRESETS["Too much μ"])
    assert f.momentum == 0.99
    assert f.comparison("momentum") == "loses to"
    told = lesson.story(f)
    assert "momentum does not" in told.headline
    assert any("With μ = 0.99" in line for line in told.lines)


def test_rmsprop_first_step_is_ten_times_eta_per_coordinate():
    # s starts at 0: the first step divides g by sqrt(1 - alpha) |g| = 0.1 |g|, so each coordinate moves 10 eta.
    f = facts_of(lesson.DEFAULTS)
    alpha = gd.RMSprop().alpha
    assert f.first_steps["RMSprop"] == pytest.approx(np.sqrt(2) * f.lr_adaptive / np.sqrt(1 - alpha), rel=1e-6)


def test_a_diverged_optimizer_is_named_and_never_counted_as_winning():
    f = facts_of({**lesson.DEFAULTS, "lr_adaptive": 1.0, "lr": 0.0251})
    assert f.status["SGD"] == "diverged"
    told = lesson.story(f)
    assert told.headline.startswith("**Plain SGD diverged**")
    assert any(line.startswith("- **SGD** diverged after") for line in told.lines)
