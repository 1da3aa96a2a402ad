"""What the Convergence page says, checked against the losses of the runs themselves."""

import math

import numpy as np
import pytest

import gdcore as gd
from lessons import convergence as lesson

CASES = {"defaults": lesson.DEFAULTS, **lesson.PRESETS}


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    values = CASES[request.param]
    runs = lesson.run(**values)
    return request.param, values, runs, lesson.facts(**values, runs=runs)


def early_stop(losses, patience, delta):
    """Early stopping by hand: the step of the patience-th update in a row not below (reference - δ)."""
    ref, wait = math.inf, 0
    for t, loss in enumerate(losses[1:], start=1):
        if loss < ref - delta:
            ref, wait = loss, 0
        else:
            wait += 1
            if wait == patience:
                return t
    return None


def plateau_cuts(losses, patience, delta):
    """Reduce on plateau by hand: the steps at the end of each run of `patience` updates without improvement."""
    ref, bad, cuts = math.inf, 0, []
    for t, loss in enumerate(losses[1:], start=1):
        if loss < ref - delta:
            ref, bad = loss, 0
        else:
            bad += 1
            if bad == patience:
                cuts.append(t)
                bad = 0
    return cuts


def test_the_deep_minimums_bound_is_two_over_the_largest_curvature():
    # The Hessian by central differences of the gradient, independent of surface.hessian.
    surface = gd.surfaces.get(lesson.SURFACE)
    w, h = surface.minima[0], 1e-5
    H = np.array([(surface.grad(w + h * e) - surface.grad(w - h * e)) / (2 * h) for e in np.eye(2)])
    f = lesson.facts(**lesson.DEFAULTS)
    assert f.bound == pytest.approx(2 / np.linalg.eigvalsh((H + H.T) / 2)[-1], rel=1e-6)
    assert f.min_loss == pytest.approx(float(surface.loss(w)))


def test_a_stops_where_early_stopping_by_hand_stops(case):
    _, v, (a, _, _), f = case
    assert f.a.status == "early_stopped"
    assert f.a.stop == early_stop(a.losses, v["patience"], v["min_delta"]) == a.steps_done
    # The claim: the last improvement by more than δ, then N updates in a row without one.
    assert f.a.stop == f.a.last_gain + v["patience"]
    ref = a.losses[f.a.last_gain]
    assert np.all(a.losses[f.a.last_gain + 1:f.a.stop + 1] >= ref - v["min_delta"])
    assert f.a.best_loss == a.losses.min() and f.a.best_step == int(np.argmin(a.losses))


def test_b_cuts_where_reduce_on_plateau_by_hand_cuts(case):
    _, v, (_, b, _), f = case
    lr, rho, stop_lr = v["lr"], v["factor"], v["stop_lr"]
    assert f.b.status == "lr_below"
    assert list(f.b.cuts) == plateau_cuts(b.losses, v["patience"], v["min_delta"])
    # Stops once η ρ^k < η_stop: k is the closed form, and η ρ^(k-1) was still at or above it.
    k = len(f.b.cuts)
    assert k == f.b.k_closed == math.ceil(math.log(stop_lr / lr) / math.log(rho) - 1e-12) >= 1
    assert lr * rho**k < stop_lr <= lr * rho ** (k - 1)
    assert f.b.final_lr == pytest.approx(lr * rho**k)
    assert f.b.stop == f.b.cuts[-1] == b.steps_done
    # The lr of each update is η ρ^(cuts before it).
    t = np.arange(len(b.lrs))
    assert np.allclose(b.lrs, lr * rho ** np.searchsorted(np.array(f.b.cuts), t, side="right"))


def test_both_runs_agree_until_a_stops(case):
    _, _, (a, b, _), f = case
    # Same start, same noise, same rule: B's first cut comes exactly when A stops.
    assert f.b.cuts[0] == f.a.stop == f.b.shared
    assert np.array_equal(a.points, b.points[: f.a.stop + 1])


def test_defaults_are_the_first_preset():
    assert lesson.DEFAULTS == lesson.PRESETS["η too large"]


def test_eta_too_large_early_stopping_keeps_a_poor_best_and_cutting_eta_reaches_the_bottom():
    f = lesson.facts(**lesson.PRESETS["η too large"])
    assert f.lr > f.bound and f.noise == 0
    assert f.a.gap > 0.2            # A hovers far above the bottom: its best is 0.238 above it
    assert f.b.gap < 1e-9           # one cut (η ρ = 0.6 < bound) and B settles on the minimum
    assert f.lr * f.factor < f.bound
    assert f.b.settled <= f.b.cuts[0] + f.patience
    a, b, verdict = lesson.story(f)[:3]
    assert a.tone == "warning" and f"A stopped at step {f.a.stop}" in a.text and "above the bound" in a.text
    assert b.tone == "success" and f"B cut η {len(f.b.cuts)} times" in b.text
    assert verdict.tone == "success" and "Cutting η paid off" in verdict.text


def test_noisy_gradient_cutting_eta_also_cuts_the_noise():
    f = lesson.facts(**lesson.PRESETS["Noisy gradient"])
    assert f.lr < f.bound and f.noise > 0
    assert f.a.gap > 5e-3 > 1e-3 > f.b.gap
    assert f.b.distance < f.a.distance / 5
    a, b, verdict = lesson.story(f)[:3]
    assert a.tone == "warning" and "noise" in a.text
    assert verdict.tone == "success" and "Cutting η paid off" in verdict.text


def test_an_eta_that_fits_makes_the_cuts_pure_cost():
    v = lesson.PRESETS["η that fits"]
    f = lesson.facts(**v)
    assert f.lr < f.bound and f.noise == 0
    assert f.a.gap < 1e-9 and f.b.gap < 1e-9 and f.a.best_step == f.b.best_step
    # No improvement after A stops: every later cut waits exactly N updates.
    assert f.b.stop == f.a.stop + (f.b.k_closed - 1) * f.patience
    a, b, verdict = lesson.story(f)[:3]
    assert a.tone == "success" and b.tone == "success"
    assert verdict.tone == "info" and f"B ran {f.b.stop - f.a.stop} updates longer" in verdict.text
    late = lesson.story(f)[3]
    assert f"{len(f.late_cuts)} later cuts" in late.text and f.late_cuts == f.b.cuts


def test_a_run_that_keeps_improving_is_told_so():
    v = {**lesson.DEFAULTS, "lr": 0.05, "min_delta": 0.0, "steps": 50}
    f = lesson.facts(**v)
    assert f.a.status == f.b.status == "max_steps" and f.b.cuts == ()
    a, b = lesson.story(f)[:2]
    assert a.tone == "info" and "A used all 50 updates" in a.text
    assert b.tone == "info" and "without a single cut" in b.text


def test_b_stops_at_once_below_the_threshold():
    f = lesson.facts(**{**lesson.DEFAULTS, "lr": 0.05, "stop_lr": 0.1})
    assert f.b.stop == 1 and f.b.cuts == () and f.b.k_closed == 0
    assert lesson.story(f)[1].tone == "warning" and "B stopped at once" in lesson.story(f)[1].text


def test_the_rate_caption_follows_the_bound_and_the_noise():
    big = lesson.facts(**lesson.PRESETS["η too large"])
    noisy = lesson.facts(**lesson.PRESETS["Noisy gradient"])
    fits = lesson.facts(**lesson.PRESETS["η that fits"])
    assert "overshoots" in lesson.rate_caption(big) and f"{big.ratio:.2f}×" in lesson.rate_caption(big)
    assert "noise" in lesson.rate_caption(noisy)
    assert "can settle" in lesson.rate_caption(fits)
