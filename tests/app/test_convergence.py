import pytest

from lessons import convergence as lesson
from tests.app.harness import exercise, fresh, problems

PAGE = "app_pages/convergence.py"
KEYS = ("lr", "noise", "patience", "min_delta", "factor", "stop_lr", "steps", "seed")


def texts(at, tone):
    return [m.value for m in getattr(at, tone)]


def assert_tells(at, values):
    """The page prints story(facts(values)), each sentence in its own tone."""
    assert problems(at) == []
    f = lesson.facts(**values)
    for line in lesson.story(f) + [lesson.paths_caption(f)]:
        assert line.text in texts(at, line.tone), line
    assert lesson.rate_caption(f) in texts(at, "caption")


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def test_the_default_view_tells_the_story_of_its_run():
    at = fresh(PAGE)
    assert_tells(at, lesson.DEFAULTS)
    # Two loss curves, the two planes and the learning rates.
    assert len(at.get("vega_lite_chart")) == 5
    assert at.warning[0].value.startswith("**A stopped at step 22.**")


@pytest.mark.parametrize("index,name", list(enumerate(lesson.PRESETS)))
def test_each_preset_sets_its_values_and_tells_its_story(index, name):
    at = fresh(PAGE, {"lr": "2", "noise": "1"})
    at.button(key=f"conv.preset.{index}").click().run()
    values = lesson.PRESETS[name]
    for key in KEYS:
        widget = at.select_slider(key=f"conv.{key}") if key in ("lr", "min_delta", "stop_lr") else at.slider(key=f"conv.{key}")
        assert widget.value == values[key], key
    assert_tells(at, values)


def test_b_stops_at_once_when_eta_starts_below_the_threshold():
    at = fresh(PAGE, {"lr": "0.05", "stop_lr": "0.1"})
    assert problems(at) == []
    assert any("B stopped at once" in w for w in texts(at, "warning"))


def test_a_link_reproduces_the_view():
    query = {"lr": "0.7", "noise": "0.3", "patience": "7", "min_delta": "0.01", "factor": "0.3",
             "stop_lr": "0.001", "steps": "400", "seed": "4"}
    at = fresh(PAGE, query)
    assert_tells(at, {"lr": 0.7, "noise": 0.3, "patience": 7, "min_delta": 0.01, "factor": 0.3, "stop_lr": 0.001,
                      "steps": 400, "seed": 4})
    assert at.select_slider(key="conv.lr").value == 0.7
    assert at.slider(key="conv.patience").value == 7
    assert not at.code  # drawn when its expander opens (the first code block loads the browser's highlighter)
    at.session_state["conv.code"] = True  # a student opens the expander
    at.run()
    code = at.code[0].value
    assert "stop_patience=7" in code and "patience=6" in code and "noise=0.3, seed=4" in code
