"""The weight-averaging page: every widget and preset, the table against the definition of the average,
a message in words for each outcome, and links that reproduce a view."""

import numpy as np
import pytest

from lessons import weight_averaging as lesson
from tests.app.harness import exercise, fresh, problems

PAGE = "app_pages/weight_averaging.py"


def page_table(at):
    """The table in the page's expander of numbers, drawn once a student opens it."""
    assert not at.dataframe  # drawn only when opened
    at.session_state["swa.numbers"] = True
    at.run()
    assert problems(at) == []
    frame = at.dataframe[0].value
    assert list(frame["weights"])[-1] == "average"
    return frame


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def test_the_average_is_the_mean_of_the_saved_weights_and_beats_them_on_the_test_loss():
    at = fresh(PAGE)
    assert problems(at) == []
    frame = page_table(at)
    weights = frame[["w₁", "w₂"]].to_numpy()
    snapshots, average = weights[:-1], weights[-1]
    assert len(snapshots) == at.slider(key="swa.cycles").value == 6
    np.testing.assert_allclose(average, snapshots.mean(axis=0), rtol=1e-12)
    test = frame["test loss − lowest"].to_numpy()
    assert (test >= 0).all() and test[-1] < test[:-1].min()
    assert "every one of the 6 saved points" in at.success[0].value


def test_each_preset_button_sets_its_values_and_names_itself():
    for i, (name, values) in enumerate(lesson.PRESETS.items()):
        at = fresh(PAGE)
        at.button(key=f"swa.preset.{i}").click().run()
        assert problems(at) == [], name
        for key, value in values.items():
            widget = at.select_slider(key=f"swa.{key}") if key in ("lr", "low", "batch") else at.slider(key=f"swa.{key}")
            assert widget.value == pytest.approx(value), (name, key)
        assert any(f"Preset **{name}**" in c.value for c in at.caption), name


def test_the_lowest_rate_is_stated():
    at = fresh(PAGE, {"lr": "2", "low": "0.25"})
    assert problems(at) == []
    assert any("η falls from 2 to η_min = 0.5 in each cycle." in c.value for c in at.caption)


def test_one_cycle_says_the_average_is_the_single_saved_point():
    at = fresh(PAGE, {"cycles": "1"})
    assert problems(at) == []
    assert "the average is that point" in at.info[0].value


def test_full_batch_cycles_end_in_the_same_point_and_the_page_says_so():
    at = fresh(PAGE, {"batch": "64"})
    assert problems(at) == []
    assert "same point" in at.info[0].value
    weights = page_table(at)[["w₁", "w₂"]].to_numpy()
    assert np.linalg.norm(weights - weights.mean(axis=0), axis=1).max() < 1e-6


def test_too_hot_a_rate_is_a_warning_that_names_the_saved_point():
    at = fresh(PAGE, {"lr": "4", "seed": "0"})
    assert problems(at) == []
    assert "left the valley" in at.warning[0].value and not at.success


def test_a_link_reproduces_the_view():
    at = fresh(PAGE, {"lr": "1", "low": "0.25", "cycles": "7", "length": "50", "batch": "8", "seed": "3"})
    assert problems(at) == []
    assert at.select_slider(key="swa.lr").value == pytest.approx(1.0)
    assert at.select_slider(key="swa.low").value == pytest.approx(0.25)
    assert at.slider(key="swa.cycles").value == 7
    assert at.slider(key="swa.length").value == 50
    assert at.select_slider(key="swa.batch").value == 8
    assert at.slider(key="swa.seed").value == 3
    assert len(page_table(at)) == 7 + 1
