"""Stochastic gradient descent: each preset's lesson, asserted from the numbers of its run."""

import dataclasses

import numpy as np
import pytest

import gdcore as gd
from lessons import sgd as lesson
from tests.app.harness import fresh, problems

PAGE = "app_pages/sgd.py"


def facts_of(values):
    v = {**lesson.DEFAULTS, **values}
    return lesson.facts(lesson.run(v["scenario"], v["lr"], v["steps"], v["seed"]), v["sample"])


@pytest.fixture(scope="module")
def preset_facts():
    return {name: facts_of(values) for name, values in lesson.PRESETS.items()}


def offsets(key):
    s = lesson.SCENARIOS[key]
    return gd.objectives.Sampled(gd.surfaces.get(s.surface), n_samples=64, spread=s.spread, seed=0).offsets


def full_loss_saddle():
    """The saddle of mean_i f(w - o_i) for f = x²/2 + y⁴/4 - y²/2, found here by bisection.

    The loss separates: x* = mean(o_x), and y* is the root of G'(y) = mean((y - o_y)³ - (y - o_y))
    between the two minima, where G curves down.
    """
    o = offsets("saddle")
    lo, hi = o[:, 1].mean() - 0.5, o[:, 1].mean() + 0.5
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if np.mean((mid - o[:, 1]) ** 3 - (mid - o[:, 1])) > 0:
            lo = mid
        else:
            hi = mid
    return np.array([o[:, 0].mean(), lo])


def test_the_presets_include_the_defaults_and_use_the_sliders_options():
    assert lesson.PRESETS["Escape a saddle"] == lesson.DEFAULTS
    for name, v in lesson.PRESETS.items():
        assert v["lr"] in lesson.LRS and v["scenario"] in lesson.SCENARIOS, name
        assert 1 <= v["sample"] <= lesson.N_SAMPLES


def test_defaults_batch_gd_stops_at_the_saddle_and_sgd_escapes(preset_facts):
    f = preset_facts["Escape a saddle"]
    np.testing.assert_allclose(f.points[f.trap], full_loss_saddle(), atol=1e-9)
    assert f.kinds[f.trap] == "saddle"
    b = f.batch
    assert b.near == f.trap and b.end_grad < lesson.SETTLED and b.distance < 1e-3
    s = f.sgd
    assert s.status != "diverged" and s.near != f.trap and f.kinds[s.near] == "minimum"
    assert abs(abs(s.end[1]) - 1) < 0.25  # one of the two wells at w₂ = ±1, moved by the offsets
    assert s.jitter > 0.01 and f.sample_grad_at_end > 0.1  # it keeps moving: single-sample gradients are not zero
    assert f.escaped >= 29 and f.diverged == 0  # not luck: nearly every sample order escapes
    assert [t for t, _ in lesson.story(f)][:2] == ["warning", "success"]


def test_the_sample_and_the_full_gradient_agree_roughly_and_the_angle_is_computed(preset_facts):
    f = preset_facts["Escape a saddle"]
    s = f.sample
    o = offsets("saddle")
    w0 = np.asarray(s.start)
    # ∇f(w) = (x, y³ − y) for f = x²/2 + y⁴/4 − y²/2, written out here.
    v = w0 - o
    every = np.stack([v[:, 0], v[:, 1] ** 3 - v[:, 1]], axis=-1)
    full = every.mean(axis=0)
    np.testing.assert_allclose(s.full, full, atol=1e-12)
    own = every[s.index - 1]
    cos = own @ full / (np.linalg.norm(own) * np.linalg.norm(full))
    assert s.angle == pytest.approx(np.degrees(np.arccos(cos)), abs=1e-9)
    assert 5 < s.angle < 45  # roughly, not exactly, the full gradient's way
    assert abs(full[1]) < 1e-12 and abs(s.own[1]) > 0.05  # the full gradient has no w₂ part; the sample's has
    assert s.against == 0 and "never exactly" in lesson.sample_line(f)[1]
    assert f"**{s.angle:.0f}°**" in lesson.sample_line(f)[1]


def test_a_shallow_minimum_holds_batch_gd_and_sgd_hops_out(preset_facts):
    f = preset_facts["Leave a shallow minimum"]
    assert f.kinds[f.trap] == "minimum" and f.losses[f.trap] > min(f.losses) + 0.3  # shallow, not the deepest
    assert f.batch.near == f.trap and f.batch.end_grad < lesson.SETTLED
    deep = int(np.argmin(f.losses))
    assert f.sgd.near == deep
    x, y = f.sgd.end
    assert x > 0.5 and y < -0.3  # the deep well of local_global sits at (1.43, -0.95), moved by the offsets
    assert f.escaped >= 25
    # Some single-sample gradients point uphill on the full loss here: the page must say so.
    assert f.sample.angles[2] > 90 or f.sample.against == 0
    assert "a deeper minimum lies elsewhere" in lesson.batch_line(f)[1]


def test_too_small_a_step_creeps_towards_the_saddle_and_escapes_nowhere(preset_facts):
    f = preset_facts["Too small a step"]
    b = f.batch
    assert b.status == "max_steps" and b.end_grad > lesson.SETTLED and not b.bouncing and b.approaching
    # On the line w₂ = w₂*, batch GD shrinks x − x* by (1 − η) per update: after 300, 1.2 · 0.99^300 is left.
    assert b.end[0] - f.points[f.trap][0] == pytest.approx(-1.2 * 0.99**300, rel=1e-3)
    tone, text = lesson.batch_line(f)
    assert tone == "info" and "still on its way" in text and "bouncing" not in text
    assert f.sgd.near == f.trap and f.escaped == 0
    assert lesson.sgd_line(f)[0] == "warning"


def test_a_large_step_bounces_or_diverges_and_is_called_so():
    f = facts_of({"lr": 2.0})
    assert f.sgd.status == "diverged" and f.diverged == lesson.ORDERS
    assert f.batch.bouncing and f.lr >= f.batch.bound
    assert lesson.batch_line(f)[0] == "info" and "keeps bouncing" in lesson.batch_line(f)[1]
    assert lesson.sgd_line(f)[0] == "error" and "every one diverged" in lesson.orders_line(f)[1]


def test_the_words_follow_the_numbers(preset_facts):
    f = preset_facts["Escape a saddle"]
    stuck = dataclasses.replace(f, sgd=dataclasses.replace(f.sgd, near=f.trap))
    assert lesson.sgd_line(stuck)[0] == "warning"
    moving = dataclasses.replace(f, batch=dataclasses.replace(f.batch, end_grad=0.5, bouncing=False))
    assert "still on its way" in lesson.batch_line(moving)[1]


@pytest.mark.parametrize("preset", list(lesson.PRESETS))
def test_the_verdicts_on_the_runs_do_not_depend_on_the_sample_shown(preset):
    """The page draws the runs' verdicts once and reruns only the sample section when the sample moves."""
    values = lesson.PRESETS[preset]
    first, last = (lesson.story(facts_of({**values, "sample": i})) for i in (1, lesson.N_SAMPLES))
    assert first[:3] == last[:3]
    assert first[3] != last[3]  # the sample's own line does follow it
    # What the page draws: the default sample's facts turned to another sample say what facts of it say.
    turned = lesson.showing(facts_of({**values, "sample": 1}), lesson.N_SAMPLES)
    assert turned == facts_of({**values, "sample": lesson.N_SAMPLES})


def test_moving_the_sample_changes_its_words_and_keeps_the_verdicts():
    at = fresh(PAGE)
    at.slider(key="sgd.sample").set_value(lesson.N_SAMPLES).run()
    assert problems(at) == []
    on_page = shown(at)
    for tone, text in lesson.story(facts_of({"sample": lesson.N_SAMPLES})):
        assert text in on_page[tone], (tone, text)


def shown(at):
    return {kind: [e.value for e in getattr(at, kind)] for kind in ("success", "info", "warning", "error", "markdown")}


@pytest.mark.parametrize("preset", ["Escape a saddle", "Leave a shallow minimum"])
def test_the_page_shows_the_story_of_its_run(preset):
    values = lesson.PRESETS[preset]
    at = fresh(PAGE, {k: str(v) for k, v in values.items()})
    assert problems(at) == []
    on_page = shown(at)
    for tone, text in lesson.story(facts_of(values)):
        assert text in on_page[tone], (tone, text)


def test_a_preset_button_sets_every_value_and_the_page_tells_its_story():
    at = fresh(PAGE)
    at.button(key="sgd.preset.2").click().run()
    assert problems(at) == []
    assert at.select_slider(key="sgd.lr").value == 0.01
    for tone, text in lesson.story(facts_of(lesson.PRESETS["Too small a step"])):
        assert text in shown(at)[tone]
