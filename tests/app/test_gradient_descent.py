import numpy as np

from tests.app.harness import exercise, fresh, problems

PAGE = "pages/gradient_descent.py"


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def test_presets_show_what_they_promise():
    outcomes = {}
    for i, name in enumerate(["Too small", "Good", "Too large: bounces", "Too large: diverges"]):
        at = fresh(PAGE)
        at.button(key=f"gd.preset.{i}").click().run()
        assert problems(at) == []
        outcomes[name] = at
    assert outcomes["Too large: diverges"].error, "a divergent run must be explained in words"
    assert "Diverged" in outcomes["Too large: diverges"].error[0].value
    for name in ("Too small", "Good", "Too large: bounces"):
        assert not outcomes[name].error, name
    # The bound is shown beside the slider, and the preset's lr sits at the promised multiple of it.
    caption = " ".join(c.value for c in outcomes["Too large: bounces"].caption)
    assert "0.9" in caption


def test_a_link_reproduces_the_view():
    at = fresh(PAGE, {"surface": "rosenbrock", "lr": "0.001", "x0": "-1.5", "y0": "2", "steps": "300"})
    assert problems(at) == []
    assert at.selectbox(key="gd.surface").value == "rosenbrock"
    assert np.isclose(at.select_slider(key="gd.lr").value, 0.001)
    assert at.slider(key="gd.x0").value == -1.5
    assert at.slider(key="gd.steps").value == 300
    assert at.query_params["lr"] == ["0.001"] or at.query_params["lr"] == "0.001"


def test_a_broken_link_falls_back_to_defaults():
    at = fresh(PAGE, {"surface": "no-such-surface", "lr": "banana", "steps": "1e9"})
    assert problems(at) == []
    assert at.slider(key="gd.steps").value == 500
