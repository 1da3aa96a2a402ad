"""The batch-size page: every widget and preset, the variance against the hand-derived σ², the outcome in
words for each regime, the measured cost drawn and said, and links that reproduce a view."""

import numpy as np

from lessons import batch_size as lesson
from tests.app.harness import exercise, fresh, problems

PAGE = "app_pages/batch_size.py"


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def data():
    obj = lesson.objective()
    return obj, np.stack([obj.x, np.ones_like(obj.x)], axis=-1)


def test_the_noise_floor_falls_with_the_batch_size():
    at = fresh(PAGE)
    assert problems(at) == []
    assert "the larger the batch, the lower it ends" in at.success[0].value
    # One chart per ui.show: paths, two loss charts, variance, two cost charts.
    assert len(at.get("vega_lite_chart")) == 6


def test_the_per_sample_variance_is_the_one_derived_by_hand():
    obj, phi = data()
    for where, w in (("start", np.array([0.0, 1.5])), ("minimum", np.linalg.lstsq(phi, obj.y, rcond=None)[0])):
        at = fresh(PAGE, {"where": where})
        assert problems(at) == []
        g = 2 * (phi @ w - obj.y)[:, None] * phi  # per-sample gradients of (w0 x + w1 - y)^2
        sigma2 = ((g - g.mean(0)) ** 2).sum(-1).mean()
        text = " ".join(m.value for m in at.markdown)
        assert f"σ² = {lesson.num(sigma2)}" in text, where
    assert "the full gradient is zero there" in text


def test_the_cost_is_measured_drawn_and_said_to_be_measured():
    at = fresh(PAGE)
    text = " ".join(m.value for m in at.markdown)
    assert "Measured on the machine that runs this app" in text and "µs" in text


def test_above_the_stability_bound_even_the_full_batch_diverges():
    _, phi = data()
    bound = 2 / np.linalg.eigvalsh(2 * phi.T @ phi / len(phi))[-1]
    at = fresh(PAGE, {"lr": "0.5"})
    assert problems(at) == []
    assert 0.3 < bound < 0.5
    assert "Even the full batch diverges" in at.error[0].value
    assert f"2/λ_max = {lesson.num(bound)}" in at.error[0].value


def test_a_large_step_unsettles_only_the_smallest_batches():
    at = fresh(PAGE, {"lr": "0.3"})
    assert problems(at) == []
    assert not at.error
    warning = at.warning[0].value
    assert warning.startswith("**Not settling:** B = 1 (SGD)") and "B = 128" not in warning


def test_each_preset_button_sets_its_values_and_names_itself():
    for i, (name, values) in enumerate(lesson.PRESETS.items()):
        at = fresh(PAGE)
        at.button(key=f"batch.preset.{i}").click().run()
        assert problems(at) == [], name
        assert at.select_slider(key="batch.lr").value == values["lr"]
        assert at.slider(key="batch.steps").value == values["steps"]
        assert at.slider(key="batch.seed").value == values["seed"]
        assert any(f"Preset **{name}**" in c.value for c in at.caption), name


def test_a_link_reproduces_the_view():
    at = fresh(PAGE, {"lr": "0.02", "steps": "400", "seed": "5", "where": "minimum"})
    assert problems(at) == []
    assert at.select_slider(key="batch.lr").value == 0.02
    assert at.slider(key="batch.steps").value == 400
    assert at.slider(key="batch.seed").value == 5
    assert at.radio(key="batch.where").value == "minimum"
