"""The gradient-descent page's lessons, asserted from its runs (defaults, every preset, every surface)."""

import doctest
import re

import numpy as np
import pytest

import gdcore as gd
from lessons import gradient_descent as lesson

RAVINE = gd.surfaces.get("ravine")


def facts_of(values):
    return lesson.facts(**values)


def closed_form_loss(lr, start, t):
    """Gradient descent on a quadratic, by hand: each eigen-component is multiplied by (1 - lr*lambda)^t."""
    vectors = np.linalg.eigh(RAVINE.hessian(np.zeros(2)))[1]
    lams = np.linalg.eigvalsh(RAVINE.hessian(np.zeros(2)))
    u = vectors.T @ (np.asarray(start) - RAVINE.minima[0])
    return float(0.5 * np.sum(lams * ((1 - lr * lams) ** t * u) ** 2))


def test_module_doctests():
    assert doctest.testmod(lesson).failed == 0


def test_rates_are_the_closed_forms_on_the_ravine():
    lo, hi = sorted(RAVINE.eigenvalues)
    bound, fastest = lesson.rates("ravine")
    assert bound == pytest.approx(2 / hi)
    assert fastest == pytest.approx(2 / (lo + hi))
    # The fastest rate is just under the bound, not half of it.
    assert 0.9 < fastest / bound < 1


def test_the_run_matches_the_closed_form():
    d = lesson.DEFAULTS
    f = facts_of(d)
    assert f.loss_end == pytest.approx(closed_form_loss(d["lr"], (d["x0"], d["y0"]), d["steps"]), rel=1e-9)


def test_the_default_looks_like_gradient_descent_usually_does():
    f = facts_of(lesson.DEFAULTS)
    assert f.verdict == "reached" and f.target == "the minimum"
    # Not the L-shaped special case eta = 1/lambda_max, which wipes out the steep direction in one step.
    assert abs(f.lr * f.lam_max - 1) > 0.2
    # It overshoots the valley floor a little, then follows the floor in.
    assert 1 <= f.reversals <= 5
    assert f.last_step < 0.01 * f.first_step
    told = lesson.story(f)
    assert told.tone == "success"
    assert f"at step {f.reached_at}" in told.text and lesson.number(f.loss_end) in told.text


def test_presets_go_from_the_smallest_rate_to_the_largest():
    lrs = [p["lr"] for p in lesson.PRESETS.values()]
    assert lrs == sorted(lrs) and len(set(lrs)) == len(lrs)
    assert "Diverges" in lesson.PRESETS  # the browser test clicks it


def test_too_small_crawls_and_says_how_far_it_got():
    f = facts_of(lesson.PRESETS["Too small"])
    assert f.verdict == "crawling"
    assert f.covered < 0.5
    told = lesson.story(f)
    assert told.tone == "info"
    covered = re.search(r"covered only (\d+) % of the way", told.text).group(1)
    to_go = re.search(r"(\d+) % still to go", told.text).group(1)
    assert int(covered) + int(to_go) == 100
    assert int(covered) == round(100 * f.covered)
    # The loss does fall: the story gives both ends instead of claiming it barely moved.
    assert f.loss_end < f.loss_start
    assert lesson.number(f.loss_start) in told.text and lesson.number(f.loss_end) in told.text


def test_smooth_never_overshoots_and_is_not_there_yet():
    f = facts_of(lesson.PRESETS["Smooth"])
    # eta * lambda_max < 1: the steep component shrinks without changing sign.
    assert f.lr * f.lam_max < 1
    assert f.reversals == 0
    assert f.verdict == "on_its_way" and 0.5 < f.covered < 1


def test_fastest_is_the_closed_form_optimum_and_ends_lowest():
    ends = {name: facts_of(p).loss_end for name, p in lesson.PRESETS.items()}
    f = facts_of(lesson.PRESETS["Fastest"])
    assert f.lr == pytest.approx(f.fastest, rel=0.03)
    assert f.verdict == "reached"
    assert ends["Fastest"] == min(ends.values())
    # It bounces across the valley on the way, and still wins.
    assert f.reversals > 10
    assert ends["Fastest"] < ends["Smooth"] / 1000


def test_bounces_crosses_the_valley_on_almost_every_step_and_ends_far_above_fastest():
    f = facts_of(lesson.PRESETS["Bounces"])
    fastest = facts_of(lesson.PRESETS["Fastest"])
    assert f.lr < f.bound  # it does not diverge: it is just under the bound
    assert f.verdict == "bouncing"
    assert f.reversals >= 0.9 * f.steps_done
    assert f.loss_end > 1000 * fastest.loss_end
    told = lesson.story(f)
    assert told.tone == "warning"
    factor = abs(1 - f.lr * f.lam_max)  # per step, the steep component's closed-form factor
    assert f"each bounce is {factor:.2f} of the last" in told.text


def test_diverges_diverges_and_says_why():
    f = facts_of(lesson.PRESETS["Diverges"])
    assert f.lr > f.bound and f.status == "diverged" and f.verdict == "diverged"
    told = lesson.story(f)
    assert told.tone == "error" and told.text.startswith("**Diverged** after")
    assert f"|1 − ηλ_max| = {abs(1 - f.lr * f.lam_max):.2f}" in told.text


@pytest.mark.parametrize("name", list(gd.surfaces.catalog()))
def test_every_surface_has_settings_that_fit_it(name):
    values = {"surface": name, **lesson.SURFACE_DEFAULTS[name]}
    f = facts_of(values)
    assert f.status != "diverged"
    # Below the bound of the minimum it heads for, and it gets somewhere.
    assert f.lr < f.target_bound
    assert f.verdict in ("reached", "on_its_way"), (name, f.verdict)
    assert f.loss_end < f.loss_start
    surface = gd.surfaces.get(name)
    (xa, xb), (ya, yb) = surface.bounds
    assert xa < values["x0"] < xb and ya < values["y0"] < yb
    end = lesson.run(name, values["lr"], values["x0"], values["y0"], values["steps"]).points[-1]
    shown = lesson.shown_critical_points(name, end)
    marked = sum(len(v) for v in shown.values()) if shown else len(surface.minima) + len(surface.saddles) + len(surface.maxima)
    assert marked <= 12  # no carpet of markers (Rastrigin has over 300 critical points)


def test_a_bounded_run_above_the_bound_is_not_called_a_blow_up():
    # Rastrigin stays on the chart at 1.25x its bound: the story says it keeps jumping, not that it diverges.
    values = {"surface": "rastrigin", **lesson.SURFACE_DEFAULTS["rastrigin"]}
    values.update(lr=lesson.nearest_lr(1.25 * lesson.rates("rastrigin")[0]), steps=500)
    f = facts_of(values)
    assert f.status != "diverged"
    assert f.verdict == "bouncing"
    told = lesson.story(f)
    assert "leaves the chart" not in told.text and "Diverged" not in told.text


def test_a_slow_blow_up_is_named_before_it_overflows():
    values = {**lesson.PRESETS["Bounces"], "lr": lesson.nearest_lr(1.05 * RAVINE.max_stable_lr)}
    f = facts_of(values)
    assert f.status != "diverged" and f.verdict == "growing"
    assert f.loss_end > 1e6 * f.loss_start
    assert lesson.story(f).text.startswith("**Blowing up.**")


def test_a_run_stuck_on_a_saddle_says_so():
    f = facts_of({"surface": "saddle", "lr": 0.316, "x0": -1.3, "y0": 0.0, "steps": 60})
    assert f.verdict == "stuck" and f.target_kind == "saddle"
    assert lesson.story(f).text.startswith("**Stopped at the saddle point at (0, 0), not a minimum.**")


def test_the_plateau_story_says_the_steps_first_grew():
    f = facts_of({"surface": "plateau", **lesson.SURFACE_DEFAULTS["plateau"]})
    assert f.longest_step > 100 * f.first_step
    assert "The steps grew from" in lesson.story(f).text


def test_the_arrow_is_the_real_next_step():
    d = lesson.DEFAULTS
    traj = lesson.run(d["surface"], d["lr"], d["x0"], d["y0"], d["steps"])
    for t in (0, 5, d["steps"] - 1):
        step = lesson.next_step(d["surface"], d["lr"], traj.points[t])
        assert np.allclose(traj.points[t] + step, traj.points[t + 1])
