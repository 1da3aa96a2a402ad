import re

import numpy as np

import gdcore as gd

from tests.app.harness import exercise, fresh, problems

PAGE = "pages/gradient_descent.py"


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def test_presets_show_what_they_promise():
    outcomes = {}
    for i, name in enumerate(["Too small", "Good", "Bounces", "Diverges"]):
        at = fresh(PAGE)
        at.button(key=f"gd.preset.{i}").click().run()
        assert problems(at) == []
        outcomes[name] = at
    assert outcomes["Diverges"].error, "a divergent run must be explained in words"
    assert "Diverged" in outcomes["Diverges"].error[0].value
    for name in ("Too small", "Good", "Bounces"):
        assert not outcomes[name].error, name
    # The bound 2/lambda_max of the ravine is shown beside the slider, and each preset's lr
    # sits on the promised side of it.
    bound = 2 / max(gd.surfaces.get("ravine").eigenvalues)
    ranges = {"Too small": (0, 0.05), "Good": (0.3, 0.7), "Bounces": (0.75, 1.0), "Diverges": (1.0, 2.0)}
    for name, (lo, hi) in ranges.items():
        caption = " ".join(c.value for c in outcomes[name].caption)
        assert f"2/λ_max = **{bound:.4g}**" in caption
        multiple = float(re.search(r"η is \*\*([0-9.]+)×\*\*", caption).group(1))
        assert lo < multiple < hi, (name, multiple)


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
