import re

import pytest

import gdcore as gd

from tests.app.harness import cases, exercise, fresh, problems

PAGE = "pages/schedules.py"
PRESETS = ["Warm restarts", "Cyclical", "Annealing"]


def messages(at, kind):
    return " ".join(m.value for m in getattr(at, kind))


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


@pytest.mark.parametrize("kind", ["constant", "step_decay", "exponential", "cosine", "cosine_restarts", "cyclic", "one_cycle"])
def test_each_schedule_shows_its_formula(kind):
    at = fresh(PAGE, {"a": kind})
    assert problems(at) == []
    shown = [latex.value.strip("$\n") for latex in at.latex]
    schedule = {
        "constant": gd.schedules.constant(0.5),
        "step_decay": gd.schedules.step_decay(0.5, 50),
        "exponential": gd.schedules.exponential(0.5, 0.97),
        "cosine": gd.schedules.cosine(0.5, 300),
        "cosine_restarts": gd.schedules.cosine_restarts(0.5, 75),
        "cyclic": gd.schedules.cyclic(0.01, 0.5, 75),
        "one_cycle": gd.schedules.one_cycle(0.5, 300),
    }[kind]
    assert schedule.formula in shown


def test_the_default_view_shows_a_warm_restart_throwing_the_run_out():
    at = fresh(PAGE)
    assert problems(at) == []
    warning = messages(at, "warning")
    assert "Run B was thrown out of a minimum" in warning
    # The first restart (step 75 = T0) raises the lr above the narrow minimum's bound.
    assert re.search(r"at step 75 its lr rose to 0\.5, above that minimum's bound 0\.124", warning), warning
    success = messages(at, "success")
    assert "The two schedules end in different minima" in success
    assert "A ends in the minimum at (1.49, -0.50)" in success
    assert "B ends in the minimum at (-1.36, 0.45)" in success


@pytest.mark.parametrize("index,name", list(enumerate(PRESETS)))
def test_presets_show_what_they_promise(index, name):
    at = fresh(PAGE)
    at.button(key=f"sched.preset.{index}").click().run()
    assert problems(at) == []
    assert f"Preset **{name}**" in messages(at, "caption")
    success, warning, info = messages(at, "success"), messages(at, "warning"), messages(at, "info")
    if name == "Cyclical":
        assert at.selectbox(key="sched.b").value == "cyclic"
        assert at.select_slider(key="sched.b_lr").value == 0.18
        # A stays in the shallow minimum; B's rising lr throws it out into the deepest one.
        assert "A ends in the minimum at (-1.70, 0.80)" in success
        assert "B ends in the minimum at (0.09, -0.71)" in success and "Run B found the lower loss" in success
        assert "Run B was thrown out of a minimum" in warning
    elif name == "Annealing":
        assert at.select_slider(key="sched.a_lr").value == 1.2
        assert "Run A is not resting in a minimum" in info and "keeps jumping across it" in info
        assert "Run B ends in the minimum at (1.43, -0.95)" in success
    else:
        assert at.selectbox(key="sched.b").value == "cosine_restarts"
        assert "Run B was thrown out of a minimum" in warning


def test_choosing_a_surface_resets_the_start_and_the_learning_rates():
    at = fresh(PAGE)
    at.selectbox(key="sched.surface").set_value("himmelblau").run()
    assert problems(at) == []
    assert at.slider(key="sched.x0").value == -0.5 and at.slider(key="sched.y0").value == 0.0
    assert at.select_slider(key="sched.a_lr").value == 0.02 == at.select_slider(key="sched.b_lr").value
    assert not at.error


def test_a_divergent_run_is_explained_and_still_drawn():
    at = fresh(PAGE, {"surface": "ravine", "a": "constant", "a_lr": "3"})
    assert problems(at) == []
    assert "Run A diverged" in messages(at, "error")


def test_a_link_reproduces_the_view():
    query = {"surface": "six_hump_camel", "x0": "-1.4", "y0": "1", "steps": "300", "a": "cosine", "a_lr": "0.05",
             "a_tmax": "300", "b": "cyclic", "b_lr": "0.18", "b_floor": "0.025", "b_up": "75"}
    at = fresh(PAGE, query)
    assert problems(at) == []
    assert at.selectbox(key="sched.a").value == "cosine" and at.selectbox(key="sched.b").value == "cyclic"
    assert at.slider(key="sched.b_up").value == 75
    assert "B ends in the minimum at (0.09, -0.71)" in messages(at, "success")


def test_a_cosine_shorter_than_the_run_says_it_climbs_back():
    at = fresh(PAGE, {"a": "cosine", "a_tmax": "100", "steps": "300"})
    assert problems(at) == []
    assert "climbs back up" in messages(at, "caption")
    assert "climbs back up" not in messages(fresh(PAGE, {"a": "cosine", "a_tmax": "300", "steps": "300"}), "caption")
