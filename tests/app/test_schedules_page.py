import re

import pytest

from lessons import schedules as lesson
from lessons.loss_surfaces import latex_lines
from tests.app.harness import cases, exercise, fresh, problems

PAGE = "app_pages/schedules.py"


def texts(at, tone):
    return [m.value for m in getattr(at, tone)]


def assert_tells(at, values):
    """The page prints story(facts(values)), each sentence in its own tone."""
    assert problems(at) == []
    for line in lesson.story(lesson.facts(**values)):
        assert line.text in texts(at, line.tone), line


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


@pytest.mark.parametrize("query", [{"a": "step_decay", "b": "cyclic"}, {"a": "cosine", "b": "one_cycle"}])
def test_the_widgets_of_every_other_schedule_draw_at_their_extremes(query):
    # The default run shows only the widgets of its two schedules; these show the others'.
    # Only each schedule's own parameters are exercised here: the rest is covered above.
    failures, seen = [], []
    for label, action in cases(fresh(PAGE, query)):
        if not re.search(r"sched\.[ab]_(?!lr)", label):
            continue
        seen.append(label)
        case = fresh(PAGE, query)
        action(case)
        case.run()
        failures += [f"{label}: {p}" for p in problems(case)]
    assert seen and failures == []


@pytest.mark.parametrize("kind", list(lesson.KINDS))
def test_each_schedule_shows_its_formula_in_short_lines(kind):
    at = fresh(PAGE, {"a": kind})
    assert problems(at) == []
    shown = [latex.value.strip("$\n") for latex in at.latex]
    values = {**lesson.DEFAULTS, "a": kind}
    formula = lesson.build(*lesson.spec(values, "a")[:2], values["steps"], lesson.spec(values, "a")[2]).formula
    assert all(line in shown for line in latex_lines(formula))


def test_the_default_view_tells_the_story_of_its_runs():
    at = fresh(PAGE)
    assert_tells(at, lesson.DEFAULTS)
    # The learning rates, both paths on the surface, and the losses.
    assert len(at.get("vega_lite_chart")) == 3
    assert any("at update 75 its η rose to 0.5" in t for t in texts(at, "info"))


@pytest.mark.parametrize("index,name", list(enumerate(lesson.PRESETS)))
def test_each_preset_sets_its_values_and_tells_its_story(index, name):
    at = fresh(PAGE, {"surface": "himmelblau", "a": "one_cycle"})
    at.button(key=f"sched.preset.{index}").click().run()
    values = lesson.PRESETS[name]
    assert at.selectbox(key="sched.surface").value == values["surface"]
    assert at.selectbox(key="sched.a").value == values["a"] and at.selectbox(key="sched.b").value == values["b"]
    assert at.select_slider(key="sched.a_lr").value == values["a_lr"]
    assert at.select_slider(key="sched.b_lr").value == values["b_lr"]
    assert_tells(at, values)
    assert any(f"Preset **{name}**" in c for c in texts(at, "caption"))
    # Once a widget moves, the preset's caption goes: it would no longer describe the view.
    at.slider(key="sched.steps").set_value(values["steps"] + 50).run()
    assert not any("Preset **" in c for c in texts(at, "caption"))


def test_choosing_a_surface_resets_the_start_and_the_learning_rates():
    at = fresh(PAGE)
    at.selectbox(key="sched.surface").set_value("himmelblau").run()
    assert problems(at) == []
    d = lesson.SURFACE_DEFAULTS["himmelblau"]
    assert at.slider(key="sched.x0").value == d["x0"] and at.slider(key="sched.y0").value == d["y0"]
    assert at.select_slider(key="sched.a_lr").value == d["a_lr"] == at.select_slider(key="sched.b_lr").value
    assert any("resets the start and both peak learning rates" in c for c in texts(at, "caption"))


def test_a_divergent_run_is_explained_and_still_drawn():
    at = fresh(PAGE, {"surface": "ravine", "a": "constant", "a_lr": "3"})
    assert problems(at) == []
    assert any("Run A (constant) diverged" in e for e in texts(at, "error"))


def test_a_link_reproduces_the_view():
    query = {"surface": "six_hump_camel", "x0": "-1.4", "y0": "1", "steps": "300", "a": "cosine", "a_lr": "0.05",
             "a_tmax": "300", "b": "cyclic", "b_lr": "0.18", "b_floor": "0.025", "b_up": "75"}
    at = fresh(PAGE, query)
    assert at.selectbox(key="sched.a").value == "cosine" and at.selectbox(key="sched.b").value == "cyclic"
    assert at.slider(key="sched.b_up").value == 75
    assert_tells(at, lesson.PRESETS["Cyclical"])


def test_a_cosine_shorter_than_the_run_says_it_climbs_back():
    at = fresh(PAGE, {"a": "cosine", "a_tmax": "100", "steps": "300"})
    assert problems(at) == []
    assert any("climbs back up" in c for c in texts(at, "caption"))
    assert not any("climbs back up" in c for c in texts(fresh(PAGE, {"a": "cosine", "a_tmax": "300", "steps": "300"}), "caption"))
