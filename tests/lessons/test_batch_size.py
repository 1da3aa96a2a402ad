"""Batch size: each preset's lesson, asserted from the numbers of its runs and from closed forms.

Nothing here depends on a clock: the timings are only checked to be finite and
positive, and the words about them to quote them.
"""

import math

import numpy as np
import pytest

from lessons import batch_size as lesson
from tests.app.harness import fresh, problems

PAGE = "app_pages/batch_size.py"


def data():
    obj = lesson.objective()
    return obj, np.stack([obj.x, np.ones_like(obj.x)], axis=-1)


def facts_of(values):
    v = {**lesson.DEFAULTS, **values}
    return lesson.facts(lesson.run(v["lr"], v["steps"], v["seed"]), v["lr"], v["steps"])


@pytest.fixture(scope="module")
def presets():
    return {name: facts_of(values) for name, values in lesson.PRESETS.items()}


def test_presets_set_the_run_widgets_and_the_first_is_the_default():
    assert list(lesson.PRESETS.values())[0] == {k: lesson.DEFAULTS[k] for k in ("lr", "steps", "seed")}
    for name, v in lesson.PRESETS.items():
        assert v["lr"] in lesson.LRS and 10 <= v["steps"] <= 1000 and name in lesson.PRESET_NOTES


def test_the_stability_bound_is_two_over_the_largest_eigenvalue_of_the_hessian():
    _, phi = data()
    assert lesson.stability_bound() == pytest.approx(2 / np.linalg.eigvalsh(2 * phi.T @ phi / len(phi))[-1], rel=1e-12)


def test_an_epoch_is_n_over_b_updates_and_n_samples():
    assert [lesson.updates_per_epoch(b) for b in lesson.SIZES] == [1024, 64, 32, 8, 1]
    for b in lesson.SIZES:
        epoch = lesson.updates_per_epoch(b)
        assert lesson.samples_processed(b, epoch)[-1] == lesson.N
        assert lesson.samples_processed(b, 3 * epoch)[-1] == 3 * lesson.N
    # B = 3 does not divide 1024: each epoch ends with a batch of one.
    assert np.diff(lesson.samples_processed(3, 342)).tolist()[-2:] == [3, 1]


def test_default_the_larger_the_batch_the_lower_the_noise_floor(presets):
    f = presets["Noise floors"]
    floors = np.array(f.floors)
    assert np.all(np.diff(floors) < 0), floors
    assert floors[0] > 10 * floors[1] and floors[-1] < 1e-2 * floors[3]
    # The full batch is plain gradient descent on a quadratic: e_t = (I − ηH)^t e_0, L − L* = e_tᵀ (H/2) e_t.
    obj, phi = data()
    h = 2 * phi.T @ phi / len(phi)
    e = np.linalg.matrix_power(np.eye(2) - f.lr * h, f.steps) @ (np.array(lesson.START) - obj.minimizer)
    assert f.floors[-1] == pytest.approx(0.5 * e @ h @ e, rel=1e-6)
    e0 = np.array(lesson.START) - obj.minimizer
    assert f.starts == pytest.approx(0.5 * e0 @ h @ e0, rel=1e-9)
    s = lesson.story(f)
    assert s.tone == "success" and "the larger the batch, the lower it ends" in s.headline
    for v in f.floors:
        assert f"**{lesson.num(v)}**" in s.headline
    # Per sample, B = 1 is ahead of B = 128 at first.
    samples, early = f.early
    assert samples == f.steps and early[0] < early[3]
    assert "it is the other way round at first" in s.progress


def test_longer_runs_bring_the_full_batch_to_the_minimum_and_not_the_small_ones(presets):
    f = presets["Longer runs"]
    assert f.floors[-1] < lesson.ZERO and min(f.floors[:-1]) > 1e-5
    assert f.falling and lesson.story(f).tone == "success"


def test_a_rate_too_large_for_single_samples_unsettles_only_b_1(presets):
    f = presets["Too large for single samples"]
    assert f.lr < f.bound  # below the full loss's bound: the full batch converges
    assert f.diverged == (0,) * 5 and f.wild == (0,)
    assert f.floors[0] > f.starts > max(f.floors[1:])
    s = lesson.story(f)
    assert s.tone == "warning" and s.headline.startswith("**Not settling:** B = 1 (SGD)") and "B = 128" not in s.headline
    assert "B = 1 does not win here" in s.progress


def test_above_the_bound_every_batch_size_diverges(presets):
    f = presets["Above the stability bound"]
    assert f.lr > f.bound and f.diverged == (lesson.RUNS,) * 5
    s = lesson.story(f)
    assert s.tone == "error" and "Every batch size diverged" in s.headline and s.progress == ""
    assert f"2/λ_max = {lesson.num(f.bound)}" in s.headline


@pytest.mark.parametrize("where", lesson.WHERE)
def test_the_variance_falls_as_one_over_b_without_replacement(where):
    obj, phi = data()
    w = np.array(lesson.START) if where == "start" else np.linalg.lstsq(phi, obj.y, rcond=None)[0]
    g = 2 * (phi @ w - obj.y)[:, None] * phi  # per-sample gradients of (w0 x + w1 - y)^2
    sigma2 = ((g - g.mean(0)) ** 2).sum(-1).mean()
    nf = lesson.noise_facts(where, lesson.variance(where))
    assert nf.sigma2 == pytest.approx(sigma2, rel=1e-9)
    b = np.array(lesson.VARIANCE_SIZES)
    np.testing.assert_allclose(nf.exact, sigma2 * (1024 - b) / (b * 1023), rtol=1e-12)
    assert lesson.exact_variance(sigma2, 1024) == 0
    assert nf.variance_error < 0.3  # 256 random batches per size: each within 30% of the exact value
    m = np.array(nf.measured)
    assert 3 < m[0] / m[2] < 5.5  # four times the batch, about a quarter of the variance
    assert np.all(np.diff(m) < 0)
    text = lesson.noise(nf)
    assert f"σ² = {lesson.num(sigma2)}" in text and f"{nf.variance_error:.0%}" in text
    if where == "minimum":
        assert nf.full_norm < 1e-9 and "the full gradient is zero there" in text


def test_timings_are_finite_positive_and_quoted():
    timing = lesson.costs(repeats=2, updates=5)
    assert set(timing) == set(lesson.SIZES)
    for fastest, median in timing.values():
        assert math.isfinite(fastest) and 0 < fastest <= median
    text = lesson.cost_story(timing)
    assert "Measured on the machine that runs this app" in text
    assert f"{lesson.num(timing[lesson.N][0] * 1e6)} µs" in text
    # Made-up numbers: the words follow them, whatever they are.
    fake = {1: (1e-5, 1e-5), 16: (1e-5, 1e-5), 32: (1e-5, 1e-5), 128: (1e-5, 1e-5), 1024: (1e-2, 1e-2)}
    assert "the work per sample dominates" in lesson.cost_story(fake)


@pytest.mark.parametrize("preset", [None, "Too large for single samples"])
def test_the_page_prints_the_story_of_its_run(preset):
    at = fresh(PAGE)
    if preset:
        at.button(key=f"batch.preset.{list(lesson.PRESETS).index(preset)}").click().run()
    assert problems(at) == []
    s = lesson.story(facts_of(lesson.PRESETS[preset] if preset else {}))
    assert [m.value for m in getattr(at, s.tone)] == [s.headline]
    assert s.progress in [m.value for m in at.markdown]
