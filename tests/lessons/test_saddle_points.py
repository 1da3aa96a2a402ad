"""Saddle points: each preset's lesson, asserted from the numbers of its run."""

import dataclasses
import math

import pytest

import gdcore as gd
from lessons import saddle_points as lesson
from tests.app.harness import fresh, problems

PAGE = "app_pages/saddle_points.py"


def strict(values):
    v = {**lesson.DEFAULTS, **values}
    return lesson.facts(lesson.run(v["lr"], v["x0"], v["y0"], v["steps"], v["tol"], v["noise"], v["seed"]))


@pytest.fixture(scope="module")
def preset_facts():
    return {name: strict(values) for name, values in lesson.PRESETS.items()}


def test_the_presets_include_the_defaults_and_use_the_sliders_options():
    assert lesson.PRESETS["False convergence"] == lesson.DEFAULTS
    for name, v in lesson.PRESETS.items():
        assert v["lr"] in lesson.LRS and v["noise"] in lesson.NOISES and v["tol"] in lesson.TOLS, name


def test_the_saddle_is_a_saddle_with_curvatures_plus_and_minus_one(preset_facts):
    f = preset_facts["False convergence"]
    # ½x² + ¼y⁴ − ½y² has the Hessian diag(1, 3y² − 1): diag(1, −1) at the origin.
    assert f.eigenvalues == pytest.approx((-1.0, 1.0)) and f.saddle_kind == "saddle"
    assert f.saddle_loss == 0 and f.minimum_loss == pytest.approx(-0.25)


def test_defaults_plain_gd_converges_falsely_at_the_step_the_closed_form_predicts(preset_facts):
    f = preset_facts["False convergence"]
    # On the ridge x_t = 1.4 (1 − η)^t and ‖∇L‖ = |x_t|: below tol at the first t with 1.4 · 0.9^t < 1e-3.
    step = math.ceil(math.log(1e-3 / 1.4) / math.log(0.9))
    assert f.ridge_step == step == f.plain.steps_done
    assert f.plain.status == "converged" and f.plain.falsely_converged and f.plain.kind == "saddle"
    assert f.plain.decay == pytest.approx(1 - f.lr, rel=1e-6)  # the straight line on the log axis
    assert f.plain.end_loss - f.minimum_loss == pytest.approx(0.25, abs=1e-3)
    # The noisy run leaves the saddle and settles in a minimum.
    assert f.noisy.left_at is not None and f.noisy.reached and f.noisy.status == "converged"
    assert f.together_until > 5  # the two paths coincide at first, which is why both are styled apart
    tones = [tone for tone, _ in lesson.story(f)]
    assert tones[:2] == ["warning", "success"]


def test_off_the_ridge_plain_gd_escapes_by_itself(preset_facts):
    f = preset_facts["Off the ridge"]
    assert f.noisy is None and f.ridge_step is None
    assert f.plain.reached and f.plain.nearest == (0.0, 1.0)
    # Along w₂ the offset grows by 1 + η|λ| = 1.1 per step while x shrinks by 0.9: it leaves the saddle
    # (loss 0.01 below it) before ‖∇L‖ can fall below tol, which on the ridge takes 69 steps.
    assert f.plain.left_at < strict({}).ridge_step
    tone, text = lesson.plain_line(f)
    assert tone == "success" and "1.1 per step" in text
    assert lesson.noisy_line(f) == ("caption", "Raise the noise σ to add a perturbed run from the same start.")


def test_too_much_noise_escapes_but_never_settles(preset_facts):
    f = preset_facts["Too much noise"]
    assert f.plain.falsely_converged
    n = f.noisy
    assert n.left_at is not None and n.left_at < f.plain.steps_done  # out before plain GD even stops
    assert not n.reached and n.distance > lesson.SETTLED and n.status == "max_steps"
    assert lesson.noisy_line(f)[0] == "info" and "never settles" in lesson.noisy_line(f)[1]


def test_a_tiny_step_is_still_creeping_toward_the_saddle():
    f = strict({"lr": 0.01})
    assert f.plain.status == "max_steps" and not f.plain.reached
    # x_t = 1.4 · 0.99^t: after 300 steps the gradient is still about 1.4 · 0.99^300.
    assert f.plain.end_grad == pytest.approx(1.4 * 0.99**300, rel=1e-6)
    tone, text = lesson.plain_line(f)
    assert tone == "info" and "still creeping" in text and "into the saddle" in text


def test_the_monkey_saddle_is_degenerate_and_its_gradient_fades_like_a_power():
    f = lesson.facts(lesson.run_monkey(lesson.DEFAULTS["steps"], lesson.DEFAULTS["tol"], lesson.DEFAULTS["noise"], 0))
    assert f.eigenvalues == pytest.approx((0.0, 0.0)) and f.saddle_kind == "degenerate"
    # On the ridge y = 0: L = x³ + ¾x⁴, x_{t+1} ≈ x_t − 3η x_t², so x_t ~ 1/(3ηt) and ‖∇L‖ ~ 3x² ~ t⁻².
    assert 1.5 < f.plain.fade_power < 2.2
    assert f.plain.falsely_converged and math.hypot(*f.plain.end) < lesson.SETTLED
    assert f.noisy.reached
    lines = lesson.monkey_story(f)
    assert ("warning" in [t for t, _ in lines]) and "a degenerate saddle, not a minimum" in lines[1][1]


def test_the_plateau_fools_the_rule_far_out_and_is_crossed_from_the_default_start():
    # At r = 5.5 the gradient has length 5.5 exp(-5.5² / 2) = 1.5e-6 < tol = 1e-3.
    far = lesson.facts(lesson.run_plateau(300, 1e-3, 5.5))
    assert far.plain.start_grad == pytest.approx(5.5 * math.exp(-5.5**2 / 2), rel=1e-9)
    assert far.plain.status == "converged" and far.plain.steps_done == 0
    assert lesson.plateau_story(far, 5.5)[1][0] == "warning"
    near = lesson.facts(lesson.run_plateau(300, 1e-3, lesson.DEFAULTS["r"]))
    assert near.plain.crawl > 100 and near.plain.end_loss < 0.01
    tone, text = lesson.plateau_story(near, lesson.DEFAULTS["r"])[1]
    assert tone == "success" and "crossed the plateau" in text


def test_the_words_follow_the_numbers(preset_facts):
    f = preset_facts["False convergence"]
    escaped = dataclasses.replace(f, noisy=dataclasses.replace(f.noisy, left_at=None, status="converged", reached=False))
    assert lesson.noisy_line(escaped)[0] == "warning" and "converged falsely" in lesson.noisy_line(escaped)[1]
    gone = dataclasses.replace(f, plain=dataclasses.replace(f.plain, status="diverged", reached=False))
    assert lesson.plain_line(gone)[0] == "error"


def shown(at):
    return {kind: [e.value for e in getattr(at, kind)] for kind in ("success", "info", "warning", "error", "markdown", "caption")}


@pytest.mark.parametrize("preset", ["False convergence", "Too much noise"])
def test_the_page_shows_the_story_of_its_run(preset):
    values = lesson.PRESETS[preset]
    at = fresh(PAGE, {k: str(v) for k, v in values.items()})
    assert problems(at) == []
    on_page = shown(at)
    for tone, text in lesson.story(strict(values)):
        assert text in on_page[tone], (tone, text)


def test_a_preset_button_sets_the_strict_saddle_and_the_page_tells_its_story():
    at = fresh(PAGE)
    at.button(key="saddle.preset.1").click().run()
    assert problems(at) == []
    assert at.slider(key="saddle.y0").value == 0.01 and at.select_slider(key="saddle.noise").value == 0.0
    for tone, text in lesson.story(strict(lesson.PRESETS["Off the ridge"])):
        assert text in shown(at)[tone]
