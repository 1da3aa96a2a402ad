import pytest

from lessons import loss_surfaces as lesson
from tests.app.harness import exercise, fresh, problems

PAGE = "app_pages/loss_surfaces.py"


def shown(at):
    """Every text the page printed, by Streamlit element."""
    return {kind: [m.value for m in getattr(at, kind)] for kind in ("success", "info", "warning", "markdown")}


def assert_tells(at, surface, y):
    assert problems(at) == []
    texts = shown(at)
    for line in lesson.story(lesson.facts(surface, y)):
        assert line.text in texts[line.tone], line


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def test_the_default_view_tells_the_story_of_the_bowl():
    at = fresh(PAGE)
    assert_tells(at, lesson.DEFAULTS["surface"], lesson.DEFAULTS["y"])
    assert at.success[0].value.startswith("**Convex on this window.**")
    # The map (with the cut drawn on it) and the cross-section.
    assert len(at.get("vega_lite_chart")) == 2


@pytest.mark.parametrize("index,name", list(enumerate(lesson.PRESETS)))
def test_each_preset_sets_its_values_and_tells_its_story(index, name):
    at = fresh(PAGE)
    at.button(key=f"surfaces.preset.{index}").click().run()
    preset = lesson.PRESETS[name]
    assert at.selectbox(key="surfaces.surface").value == preset["surface"]
    assert at.slider(key="surfaces.y").value == preset["y"]
    assert_tells(at, preset["surface"], preset["y"])


def test_choosing_a_surface_moves_the_cut_and_says_so():
    at = fresh(PAGE, {"y": "-2.5"})
    assert at.slider(key="surfaces.y").value == -2.5
    at.selectbox(key="surfaces.surface").set_value("himmelblau").run()
    assert problems(at) == []
    assert at.slider(key="surfaces.y").value == lesson.cut_default("himmelblau") == 2.0
    assert any("moves the cut" in c.value for c in at.caption)


def test_convexity_is_called_by_its_name():
    bowl = fresh(PAGE, {"surface": "bowl"})
    assert problems(bowl) == [] and "Convex" in bowl.success[0].value
    himmelblau = fresh(PAGE, {"surface": "himmelblau"})
    assert problems(himmelblau) == [] and "Not convex" in himmelblau.warning[0].value


def test_the_table_lists_every_critical_point_with_its_hessian_verdict():
    at = fresh(PAGE, {"surface": "monkey_saddle", "y": "0"})
    assert problems(at) == []
    frame = at.dataframe[0].value
    f = lesson.facts("monkey_saddle", 0.0)
    assert list(frame["point"]) == [c.name for c in f.critical]
    assert list(frame["the Hessian says"]) == ["minimum"] * 3 + ["cannot tell"]
