import math

from tests.app.harness import exercise, fresh, problems

PAGE = "app_pages/saddle_points.py"


def texts(at, kind):
    return " ".join(m.value for m in getattr(at, kind))


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def test_every_widget_extreme_draws_with_the_plateau_shown():
    assert exercise(PAGE, {"case": "plateau"}) == []


def test_plain_gd_falsely_converges_at_the_saddle_and_noise_escapes():
    at = fresh(PAGE)
    assert problems(at) == []
    # From (1.4, 0) with lr 0.1, x_t = 1.4 * 0.9^t and |grad| = x_t: below tol = 1e-3 at the first t
    # with 1.4 * 0.9^t < 1e-3.
    step = math.ceil(math.log(1e-3 / 1.4) / math.log(0.9))
    warning = at.warning[0].value
    assert f"converged at step {step}**" in warning
    assert "saddle, not a minimum" in warning
    assert "ended at the minimum" in texts(at, "success")


def test_without_noise_only_the_false_convergence_is_shown():
    at = fresh(PAGE, {"noise": "0"})
    assert problems(at) == []
    assert "saddle, not a minimum" in at.warning[0].value
    assert "noise σ" not in texts(at, "success")
    assert any("Raise the noise" in c.value for c in at.caption)


def test_with_noise_the_run_ends_at_a_minimum_for_other_seeds_too():
    for seed in ("3", "7"):
        at = fresh(PAGE, {"noise": "0.05", "seed": seed})
        assert problems(at) == []
        assert "ended at the minimum" in texts(at, "success"), seed


def test_monkey_saddle_is_called_degenerate():
    at = fresh(PAGE, {"case": "monkey"})
    assert "says **degenerate**" in texts(at, "markdown")
    assert "a degenerate saddle, not a minimum" in texts(at, "warning")


def test_far_out_on_the_plateau_the_stop_rule_fires_at_once():
    # At r = 5.5 the gradient has length 5.5 exp(-5.5^2 / 2) = 1.5e-6 < tol = 1e-3.
    assert 5.5 * math.exp(-5.5**2 / 2) < 1e-3
    at = fresh(PAGE, {"case": "plateau", "r": "5.5"})
    assert problems(at) == []
    warning = texts(at, "warning")
    assert "converged at step 0**" in warning and "no critical point here" in warning


def test_the_plateau_is_crossed_slowly_from_the_default_start():
    at = fresh(PAGE, {"case": "plateau"})
    assert problems(at) == []
    assert "It crossed the plateau" in texts(at, "success")


def test_a_tiny_step_is_still_creeping_toward_the_saddle():
    at = fresh(PAGE, {"lr": "0.01"})
    assert problems(at) == []
    assert "still creeping" in texts(at, "info")


def test_loss_and_gradient_are_two_charts_side_by_side_not_a_concatenation():
    import json

    at = fresh(PAGE)
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert not any("hconcat" in s or "vconcat" in s or "concat" in s for s in specs)
    titles = [json.dumps(s.get("title", "")) for s in specs]
    assert any("Loss" in t for t in titles) and any("Gradient norm" in t for t in titles)
