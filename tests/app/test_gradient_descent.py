import json

import numpy as np

from lessons import gradient_descent as lesson
from tests.app.harness import exercise, fresh, problems

PAGE = "app_pages/gradient_descent.py"


def shown(at, tone):
    return [e.value for e in getattr(at, tone)]


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def test_the_default_view_shows_its_story():
    at = fresh(PAGE)
    assert problems(at) == []
    told = lesson.story(lesson.facts(**lesson.DEFAULTS))
    assert shown(at, told.tone) == [told.text]
    captions = " ".join(c.value for c in at.caption)
    assert lesson.rate_caption("ravine", lesson.DEFAULTS["lr"]) in captions


def test_each_preset_shows_the_story_of_its_own_run():
    for i, (name, values) in enumerate(lesson.PRESETS.items()):
        at = fresh(PAGE)
        at.button(key=f"gd.preset.{i}").click().run()
        assert problems(at) == [], name
        told = lesson.story(lesson.facts(**values))
        assert shown(at, told.tone) == [told.text], name
        assert at.select_slider(key="gd.lr").value == values["lr"]
        assert f"Preset **{name}**" in " ".join(c.value for c in at.caption)
    assert "Diverged" in at.error[0].value  # the last preset, Diverges


def test_switching_the_surface_resets_its_settings_and_says_so():
    at = fresh(PAGE)
    at.select_slider(key="gd.lr").set_value(0.1).run()
    at.selectbox(key="gd.surface").select("monkey_saddle").run()
    assert problems(at) == []
    own = lesson.SURFACE_DEFAULTS["monkey_saddle"]
    assert at.select_slider(key="gd.lr").value == own["lr"]
    assert (at.slider(key="gd.x0").value, at.slider(key="gd.y0").value) == (own["x0"], own["y0"])
    assert at.slider(key="gd.steps").value == own["steps"]
    assert any("Choosing a surface resets η, the start and the steps" in c.value for c in at.caption)


def replay_spec(at):
    """The plane chart's spec: the one with the replay parameter t bound to a range input."""
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if any(p.get("name") == "t" for p in spec.get("params", [])):
            return spec
    raise AssertionError("no replay chart")


def test_the_replay_runs_in_the_browser_over_every_update_of_the_run():
    at = fresh(PAGE)
    at.slider(key="gd.steps").set_value(150).run()
    spec = replay_spec(at)
    t = next(p for p in spec["params"] if p["name"] == "t")
    traj = lesson.run(lesson.DEFAULT_SURFACE, at.select_slider(key="gd.lr").value, at.slider(key="gd.x0").value,
                      at.slider(key="gd.y0").value, 150)
    last = len(traj.points) - 2  # the last update that has a next step
    assert t["bind"]["input"] == "range" and t["bind"]["max"] == last and t["value"] == last
    # The captions and arrows the chart carries are checked on charts.replay itself (tests/test_charts.py).


def test_a_link_reproduces_the_view():
    at = fresh(PAGE, {"surface": "rosenbrock", "lr": "0.001", "x0": "-1.5", "y0": "2", "steps": "300"})
    assert problems(at) == []
    assert at.selectbox(key="gd.surface").value == "rosenbrock"
    assert np.isclose(at.select_slider(key="gd.lr").value, 0.001)
    assert at.slider(key="gd.x0").value == -1.5
    assert at.slider(key="gd.steps").value == 300
    assert at.query_params["lr"] == ["0.001"] or at.query_params["lr"] == "0.001"
    told = lesson.story(lesson.facts("rosenbrock", 0.001, -1.5, 2.0, 300))
    assert shown(at, told.tone) == [told.text]


def test_a_broken_link_falls_back_to_defaults():
    at = fresh(PAGE, {"surface": "no-such-surface", "lr": "banana", "steps": "1e9"})
    assert problems(at) == []
    assert at.slider(key="gd.steps").value == 500
