"""Flat vs sharp minima: each preset's lesson, asserted from the numbers of its runs.

The gaps are recomputed here from the surface and the 32 offsets (numpy's
generator, seed 0), and compared with the second-order Taylor estimate built
from the surface's analytic Hessian; the shares are recounted from the runs'
end points.
"""

import numpy as np
import pytest

import gdcore as gd
from lessons import flat_sharp as lesson
from tests.app.harness import fresh, problems

PAGE = "app_pages/flat_sharp.py"
SURFACE = gd.surfaces.get("flat_sharp")
OFFSETS = 0.25 * np.random.default_rng(0).standard_normal((32, 2))


def mean_loss(w, shift=np.zeros(2)):
    """L(w) = mean_i f(w - shift - o_i)."""
    return SURFACE.loss(np.asarray(w)[..., None, :] - shift - OFFSETS).mean(axis=-1)


def facts_of(values):
    v = {**lesson.DEFAULTS, **values}
    g, small, large = lesson.run(v["shift"], v["starts"], v["lr"], v["small"], v["large"])
    return g, small, large, lesson.facts(g, small, large, v["lr"], v["starts"], v["small"], v["large"])


@pytest.fixture(scope="module")
def presets():
    return {name: facts_of(values) for name, values in lesson.PRESETS.items()}


def test_presets_are_widget_values_and_the_first_is_the_default():
    assert list(lesson.PRESETS.values())[0] == lesson.DEFAULTS
    for name, v in lesson.PRESETS.items():
        assert set(v) == set(lesson.DEFAULTS) and name in lesson.PRESET_NOTES
        assert v["shift"] in lesson.SHIFTS and v["lr"] in lesson.LRS and v["starts"] in lesson.STARTS
        assert v["small"] in lesson.SMALL and v["large"] in lesson.LARGE


def test_the_two_minima_are_a_wide_and_a_narrow_one():
    m, loss, hessian = lesson.minima()
    assert np.abs(SURFACE.grad(m[:, None, :] - OFFSETS).mean(axis=1)).max() < 1e-8
    eig = np.linalg.eigvalsh(SURFACE.hessian(m[:, None, :] - OFFSETS).mean(axis=1))
    assert (eig > 0).all() and eig[1, 1] > 4 * eig[0, 1]
    np.testing.assert_allclose(lesson.bounds(), 2 / eig[:, -1], rtol=1e-9)
    np.testing.assert_allclose(loss, mean_loss(m), rtol=1e-12)


@pytest.mark.parametrize("shift, rtol", [(0.05, 0.04), (0.1, 0.1)])
def test_a_small_shift_costs_half_d_squared_times_the_curvature(shift, rtol):
    g = lesson.gaps(shift)
    m = g.minima
    u = (m[1] - m[0]) / np.linalg.norm(m[1] - m[0])
    hessians = SURFACE.hessian(m[:, None, :] - OFFSETS).mean(axis=1)
    taylor = 0.5 * shift**2 * np.einsum("i,kij,j->k", u, hessians, u)
    np.testing.assert_allclose(g.gap, mean_loss(m, shift * u) - mean_loss(m), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(g.gap, taylor, rtol=rtol)
    np.testing.assert_allclose(g.estimate, taylor, rtol=1e-9)


def test_percentages_add_to_100_and_never_hide_a_run():
    for counts in ([199, 0, 1], [148, 52, 0], [200, 0, 0], [1, 1, 198], [67, 67, 66], [100, 99, 1]):
        p = lesson.percentages(counts)
        assert sum(p) == 100, counts
        for c, q in zip(counts, p):
            assert (q == 0) == (c == 0) and (q == 100) == (c == sum(counts)), (counts, p)
            assert abs(q - 100 * c / sum(counts)) < 1.01


def test_default_the_sharp_minimum_pays_five_times_more_and_small_batches_avoid_it(presets):
    g, small, large, f = presets["Flat minima generalise"]
    assert f.gap[1] > 4 * f.gap[0] > 0
    s = lesson.story(f)
    assert s.gap[0] == "success" and f"**{lesson.num(f.gap[0])}**" in s.gap[1] and f"{f.ratio:.0f} times" in s.gap[1]
    # Recount the ends by hand: within RADIUS of a minimum, nearest one.
    m = g.minima
    for (final, status), counts in ((small, f.small_counts), (large, f.large_counts)):
        d = np.linalg.norm(final[:, None] - m[None], axis=-1)
        by_hand = [int(np.sum((d.min(1) <= 0.5) & (d.argmin(1) == k))) for k in (0, 1)]
        assert list(counts[:2]) == by_hand and sum(counts) == lesson.RUNS
    assert f.small_counts[1] <= 2  # single-sample steps: (almost) no run ends in the sharp minimum
    assert f.large_counts[1] >= 0.2 * lesson.RUNS  # full batch: a quarter of the random starts stay there
    assert s.batch[0] == "success"
    assert lesson.runs_text(f.small_counts[1]) in s.batch[1] and lesson.runs_text(f.large_counts[1]) in s.batch[1]
    # The stray run is counted and said, and the map's labels count exactly what is drawn.
    assert f.small_counts[2] >= 1 and "“Neither”" in s.batch_note
    assert lesson.map_label(f.small_counts[0]) != f"all {lesson.RUNS} runs"


def test_noise_empties_the_sharp_minimum_batches_of_8_keep_every_run(presets):
    _, _, _, f = presets["Start in the sharp one"]
    assert f.lr < f.bounds[1]  # full-batch GD could stay: it is the noise that throws the runs out
    assert f.small_counts == (lesson.RUNS, 0, 0) and f.large_counts == (0, lesson.RUNS, 0)
    tone, text = lesson.story(f).batch
    assert tone == "success" and "**no run** stayed in the sharp minimum" in text and "**all 200 runs**" in text


def test_small_steps_keep_every_run_in_the_sharp_minimum_and_it_is_not_a_success(presets):
    _, _, _, f = presets["Small steps stay put"]
    assert f.small_counts[1] == f.large_counts[1] == lesson.RUNS
    tone, text = lesson.story(f).batch
    assert tone == "info" and "about equally often" in text and "η = 0.05" in text


def test_no_shift_no_gap(presets):
    _, _, _, f = presets["No shift, no gap"]
    assert f.gap == (0.0, 0.0)
    s = lesson.story(f)
    assert s.gap[0] == "info" and s.gap_note == ""


def test_a_large_shift_overshoots_the_estimate_and_says_so():
    _, _, _, f = facts_of({"shift": 0.5})
    assert f.gap[1] > f.gap[0] > 0
    assert f.estimate[1] > 1.5 * f.gap[1]  # the sharp valley's walls level off
    assert "is off by up to" in lesson.story(f).gap_note


@pytest.mark.parametrize("preset", [None, "Start in the sharp one"])
def test_the_page_prints_the_story_of_its_run(preset):
    at = fresh(PAGE)
    if preset:
        at.button(key=f"fs.preset.{list(lesson.PRESETS).index(preset)}").click().run()
    assert problems(at) == []
    _, _, _, f = facts_of(lesson.PRESETS[preset] if preset else {})
    s = lesson.story(f)
    boxes = [m.value for kind in ("success", "info", "warning", "error") for m in getattr(at, kind)]
    assert sorted(boxes) == sorted([s.gap[1], s.batch[1]])
    assert getattr(at, s.gap[0])[0].value == s.gap[1]
    assert s.batch[1] in [m.value for m in getattr(at, s.batch[0])]
