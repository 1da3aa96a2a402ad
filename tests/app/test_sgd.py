import re

import numpy as np

import gdcore as gd

from tests.app.harness import exercise, fresh, problems

PAGE = "app_pages/sgd.py"


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def coordinates(text):
    x, y = re.search(r"at \((-?[0-9.]+), (-?[0-9.]+)\)", text).groups()
    return float(x), float(y)


def full_loss_saddle():
    """The saddle of mean_i f(w - o_i) for f = x^2/2 + y^4/4 - y^2/2, found here by bisection.

    The loss separates: x* = mean(o_x), and y* is the root of G'(y) = mean((y - o_y)^3 - (y - o_y))
    between the two minima, where G curves down.
    """
    o = gd.objectives.Sampled(gd.surfaces.get("saddle"), n_samples=64, spread=0.3, seed=0).offsets
    lo, hi = o[:, 1].mean() - 0.5, o[:, 1].mean() + 0.5  # G' > 0 at lo, < 0 at hi: the hump between the wells
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if np.mean((mid - o[:, 1]) ** 3 - (mid - o[:, 1])) > 0:
            lo = mid
        else:
            hi = mid
    return np.array([o[:, 0].mean(), lo])


def test_batch_gd_stops_at_the_saddle_and_sgd_escapes():
    at = fresh(PAGE)
    assert problems(at) == []
    stuck = at.warning[0].value
    assert stuck.startswith("**Batch gradient descent** stopped at the saddle")
    np.testing.assert_allclose(coordinates(stuck), full_loss_saddle(), atol=0.006)
    escaped = at.success[0].value
    assert escaped.startswith("**SGD** got away from the saddle") and "minimum" in escaped
    assert abs(abs(coordinates(escaped)[1]) - 1) < 0.25  # one of the two wells at w2 = +-1
    escapes = re.fullmatch(r"(\d+) of 32 SGD runs ended away from the saddle", at.progress[0].text)
    assert int(escapes.group(1)) >= 29  # not luck: nearly every sample order escapes


def test_with_a_tiny_step_sgd_is_still_at_the_saddle_and_says_so():
    at = fresh(PAGE, {"lr": "0.01"})
    assert problems(at) == []
    assert any(w.value.startswith("**SGD** ended near the saddle") and "has not escaped" in w.value for w in at.warning)
    assert at.progress[0].text.startswith("0 of 32")


def test_in_the_shallow_scenario_batch_gd_settles_and_sgd_reaches_the_deep_minimum():
    at = fresh(PAGE, {"scenario": "shallow"})
    assert problems(at) == []
    assert at.radio(key="sgd.scenario").value == "shallow"
    assert "stopped at the shallow minimum" in at.warning[0].value
    assert "ended near the deep minimum" in at.success[0].value
    x, y = coordinates(at.success[0].value)
    assert x > 0.5 and y < -0.3  # the deep well of local_global sits at (1.43, -0.95), moved by the offsets


def test_too_large_a_step_is_called_divergence():
    at = fresh(PAGE, {"lr": "2"})
    assert problems(at) == []
    assert any(e.value.startswith("**SGD diverged**") for e in at.error)
    assert "every one diverged" in " ".join(m.value for m in at.markdown)


def test_switching_scenario_restores_its_learning_rate():
    at = fresh(PAGE)
    at.select_slider(key="sgd.lr").set_value(0.01).run()
    at.radio(key="sgd.scenario").set_value("shallow").run()
    assert problems(at) == []
    assert at.select_slider(key="sgd.lr").value == 0.5


def test_a_link_reproduces_the_view():
    at = fresh(PAGE, {"scenario": "saddle", "lr": "0.2", "steps": "500", "seed": "7", "sample": "12"})
    assert problems(at) == []
    assert at.select_slider(key="sgd.lr").value == 0.2
    assert at.slider(key="sgd.steps").value == 500
    assert at.slider(key="sgd.seed").value == 7
    assert at.slider(key="sgd.sample").value == 12
    assert at.query_params["seed"] in (["7"], "7")


def test_the_sample_map_draws_both_gradient_steps_and_states_their_angle():
    import json

    from lessons import sgd as lesson

    at = fresh(PAGE, {"sample": "21"})
    assert problems(at) == []
    specs = " ".join(json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in at.get("vega_lite_chart"))
    assert "−∇L (full loss)" in specs and "−∇ℓᵢ (sample i)" in specs
    angle = lesson.sample("saddle", 21).angle
    # The chart says "sample i"; the words under it say which sample i is.
    assert any(f"**{angle:.0f}°**" in m.value and "sample 21's" in m.value for m in at.markdown)
    assert any("resets η" in c.value for c in at.caption)
