"""What the Loss surfaces page says, checked against hand-derived values of each surface."""

import math
import re

import numpy as np
import pytest

import gdcore as gd
from lessons import loss_surfaces as lesson
from lessons import text

ALL = list(gd.surfaces.catalog())
THETA = math.pi / 6  # the ravine's tilt


def eig2(a, b, c):
    """Eigenvalues of [[a, b], [b, c]], by the quadratic formula."""
    mean, r = (a + c) / 2, math.hypot((a - c) / 2, b)
    return mean - r, mean + r


def by_name(f, name):
    return next(c for c in f.critical if c.name == name)


# --- the defaults and every preset ------------------------------------------------------------------


def test_the_default_is_the_convex_bowl_and_says_so():
    f = lesson.facts(lesson.DEFAULTS["surface"], lesson.DEFAULTS["y"])
    assert f.name == "bowl" and f.convex and f.down_share == 0.0
    # L = (w1² + w2²)/2 has Hessian I: both curvatures 1 everywhere.
    assert by_name(f, "global minimum").eigenvalues == pytest.approx((1.0, 1.0), abs=1e-12)
    first = lesson.story(f)[0]
    assert first.tone == "success" and first.text.startswith("**Convex on this window.**")
    assert "3,600 points" in first.text and "the one minimum" in first.text


def test_preset_convex_bowl_cut_through_the_minimum():
    p = lesson.PRESETS["Convex bowl"]
    f = lesson.facts(p["surface"], p["y"])
    assert f.convex and len(f.dips) == 1
    # Along w2 = c the bowl is (w1² + c²)/2: lowest at w1 = 0 with loss c²/2.
    assert f.dips[0].w1 == pytest.approx(0.0, abs=1e-9)
    assert f.dips[0].loss == pytest.approx(p["y"] ** 2 / 2, abs=1e-12)
    assert f.dips[0].match.name == "global minimum"


def test_preset_narrow_ravine_is_convex_with_curvatures_1_and_25():
    p = lesson.PRESETS["Narrow ravine"]
    f = lesson.facts(p["surface"], p["y"])
    assert f.convex
    lo, hi = by_name(f, "global minimum").eigenvalues
    assert (lo, hi) == pytest.approx((1.0, 25.0), rel=1e-12)
    assert "25 times more than the flattest" in lesson.story(f)[1].text
    # L = (u² + 25 v²)/2, u = w1 cos θ + c sin θ, v = c cos θ - w1 sin θ: dL/dw1 = 0 at
    # w1 = 24 c sin θ cos θ / (cos² θ + 25 sin² θ), which is 6√3/7 c for θ = 30°.
    c = p["y"]
    w1 = 24 * c * math.sin(THETA) * math.cos(THETA) / (math.cos(THETA) ** 2 + 25 * math.sin(THETA) ** 2)
    assert w1 == pytest.approx(6 * math.sqrt(3) / 7 * c)
    u, v = w1 * math.cos(THETA) + c * math.sin(THETA), c * math.cos(THETA) - w1 * math.sin(THETA)
    (dip,) = f.dips
    assert dip.w1 == pytest.approx(w1, abs=1e-7)
    assert dip.loss == pytest.approx((u * u + 25 * v * v) / 2, rel=1e-9)
    # The cut's lowest point is not the valley floor: across the line the loss still slopes.
    assert dip.match is None and dip.slope_across == pytest.approx(u * math.sin(THETA) + 25 * v * math.cos(THETA), rel=1e-6)
    assert "no critical point" in lesson.story(f)[-1].text


def test_preset_four_minima_himmelblau():
    p = lesson.PRESETS["Four minima"]
    f = lesson.facts(p["surface"], p["y"])
    assert not f.convex
    assert [f.count(k) for k in ("minimum", "saddle", "maximum")] == [4, 4, 1]
    # Hessian [[12x² + 4y - 42, 4(x + y)], [4(x + y), 12y² + 4x - 26]]; at (3, 2): [[74, 20], [20, 34]].
    assert by_name(f, "global minimum A").eigenvalues == pytest.approx(eig2(74, 20, 34), rel=1e-12)
    assert eig2(74, 20, 34) == pytest.approx((54 - 20 * math.sqrt(2), 54 + 20 * math.sqrt(2)))
    for c in f.critical:
        x, y = c.point
        assert c.eigenvalues == pytest.approx(eig2(12 * x * x + 4 * y - 42, 4 * (x + y), 12 * y * y + 4 * x - 26), rel=1e-9, abs=1e-9)
        assert c.grad_norm < 1e-8
        assert c.kind == c.listed
    text = lesson.story(f)[0]
    assert text.tone == "warning" and "4 minima, all equally deep, 4 saddle points, 1 peak" in text.text
    # Along w2 = 2: (w1² - 9)² + (w1 - 3)², so one dip is the minimum (3, 2) with loss 0.
    assert [round(d.w1, 6) for d in f.dips if d.match is not None] == [3.0]
    assert min(d.loss for d in f.dips) == pytest.approx(0.0, abs=1e-12)


def test_preset_saddle_point_the_cut_makes_a_saddle_look_like_a_minimum():
    p = lesson.PRESETS["A saddle point"]
    f = lesson.facts(p["surface"], p["y"])
    # Hessian diag(1, 3y² - 1): (-1, 1) at the origin, (1, 2) at (0, ±1).
    assert by_name(f, "saddle point").eigenvalues == pytest.approx((-1.0, 1.0))
    assert by_name(f, "saddle point").kind == "saddle"
    for name in ("global minimum A", "global minimum B"):
        assert by_name(f, name).eigenvalues == pytest.approx((1.0, 2.0))
    # It curves downward exactly where |w2| < 1/√3: on the 60 x 60 grid, that share of rows.
    ys = np.linspace(-1.5, 1.5, lesson.RESOLUTION)
    assert f.down_share == pytest.approx(np.mean(np.abs(ys) < 1 / math.sqrt(3)))
    assert abs(f.down_share - 2 / (3 * math.sqrt(3))) < 2 / lesson.RESOLUTION
    (dip,) = f.dips
    assert dip.w1 == pytest.approx(0.0, abs=1e-9) and dip.match.kind == "saddle"
    assert "is the saddle point" in lesson.story(f)[-1].text


# --- every surface --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_every_critical_point_kind_comes_from_its_eigenvalues(name):
    f = lesson.facts(name)
    for c in f.critical:
        lo, hi = c.eigenvalues
        assert lo <= hi
        expected = "degenerate" if min(abs(lo), abs(hi)) <= 1e-8 * max(1, abs(lo), abs(hi)) else (
            "minimum" if lo > 0 else "maximum" if hi < 0 else "saddle")
        assert c.kind == expected
        assert c.grad_norm < 1e-6 * max(1.0, abs(hi))


@pytest.mark.parametrize("name", ALL)
def test_convex_means_no_negative_curvature_on_the_grid(name):
    f = lesson.facts(name)
    assert f.convex == (name in ("bowl", "ravine"))
    down, up = lesson.percentages(f.down_share)
    assert float(down.rstrip(" %")) + float(up.rstrip(" %")) == pytest.approx(100.0)
    tone = lesson.story(f)[0].tone
    assert tone == ("success" if f.convex else "warning")


def test_closed_form_shares_and_curvatures():
    # Plateau 1 - exp(-r²/2): radial curvature (1 - r²) e^{-r²/2} < 0 outside the unit disc.
    assert abs(lesson.facts("plateau").down_share - (1 - math.pi / 144)) < 0.02
    # Rastrigin at the origin: 2 + 40π² along both axes.
    assert by_name(lesson.facts("rastrigin"), "global minimum").eigenvalues == pytest.approx((2 + 40 * math.pi**2,) * 2)
    # The monkey saddle's Hessian is zero at the origin: the test cannot decide.
    monkey = by_name(lesson.facts("monkey_saddle"), "saddle point")
    assert monkey.kind == "degenerate" and monkey.eigenvalues == pytest.approx((0.0, 0.0), abs=1e-12)
    # Rosenbrock at (1, 1): [[802, -400], [-400, 200]].
    assert by_name(lesson.facts("rosenbrock"), "global minimum").eigenvalues == pytest.approx(eig2(802, -400, 200))


def test_one_minimum_is_not_called_a_choice_of_ends():
    text = lesson.story(lesson.facts("plateau"))[0].text
    assert "single minimum" in text and "depends on where it starts" not in text


# --- formulas ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_formulas_are_in_the_weights_and_short(name):
    lines = lesson.latex_lines(lesson.in_weights(gd.surfaces.get(name).formula))
    joined = " ".join(lines)
    assert not re.search(r"(?<![\\a-zA-Z])[xy](?![a-zA-Z])", joined), joined
    assert all(text._visible_length(line) <= 34 for line in lines), lines
    # Nothing is lost: the symbols of the lines are those of the formula.
    strip = lambda s: re.sub(r"\\quad|,\\ |\s|,", "", s)  # noqa: E731
    assert strip("".join(lines)) == strip(lesson.in_weights(gd.surfaces.get(name).formula))
