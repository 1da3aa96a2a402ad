"""The flat-vs-sharp page: every widget and preset, the generalisation gap against a second-order Taylor
estimate built here from the surface's analytic Hessian, the batch-size outcome in words, and links."""

import numpy as np
import pytest

import gdcore as gd
from lessons import flat_sharp as lesson
from tests.app.harness import exercise, fresh, problems

PAGE = "app_pages/flat_sharp.py"
SURFACE = gd.surfaces.get("flat_sharp")
OFFSETS = np.random.default_rng(0).standard_normal((32, 2)) * 0.25


def page_table(at):
    """The table in the page's expander of numbers, drawn once a student opens it."""
    assert not at.dataframe  # drawn only when opened
    at.session_state["fs.numbers"] = True
    at.run()
    assert problems(at) == []
    frame = at.dataframe[0].value
    assert list(frame["minimum"]) == ["flat minimum", "sharp minimum"]
    return frame


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


@pytest.mark.parametrize("shift", [0.05, 0.1])
def test_small_shift_gap_is_half_d_h_d(shift):
    at = fresh(PAGE, {"shift": str(shift)})
    assert problems(at) == []
    frame = page_table(at)
    m = frame[["w₁", "w₂"]].to_numpy()
    u = (m[1] - m[0]) / np.linalg.norm(m[1] - m[0])
    hessians = SURFACE.hessian(m[:, None, :] - OFFSETS[None]).mean(axis=1)
    taylor = 0.5 * shift**2 * np.einsum("i,kij,j->k", u, hessians, u)
    gaps = frame["gap (test − train)"].to_numpy()
    np.testing.assert_allclose(gaps, taylor, rtol=0.1 if shift == 0.1 else 0.04)
    assert gaps[1] > 3 * gaps[0] > 0
    train = SURFACE.loss(m[:, None, :] - OFFSETS[None]).mean(axis=1)
    test = SURFACE.loss(m[:, None, :] - shift * u - OFFSETS[None]).mean(axis=1)
    np.testing.assert_allclose(frame["train loss"], train, rtol=1e-10)
    np.testing.assert_allclose(gaps, test - train, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("shift", ["0.2", "0.5"])
def test_the_sharp_minimum_pays_more_for_any_shift(shift):
    at = fresh(PAGE, {"shift": shift})
    gaps = page_table(at)["gap (test − train)"].to_numpy()
    assert gaps[1] > gaps[0] > 0
    assert "the flat minimum's loss rises by only" in at.success[0].value


def test_no_shift_no_gap():
    at = fresh(PAGE, {"shift": "0"})
    assert problems(at) == []
    assert np.allclose(page_table(at)["gap (test − train)"], 0.0)
    assert "neither minimum has a gap" in at.info[0].value


def test_each_preset_button_sets_its_values_and_names_itself():
    for i, (name, values) in enumerate(lesson.PRESETS.items()):
        at = fresh(PAGE)
        at.button(key=f"fs.preset.{i}").click().run()
        assert problems(at) == [], name
        assert at.select_slider(key="fs.shift").value == pytest.approx(values["shift"])
        assert at.radio(key="fs.starts").value == values["starts"]
        assert at.select_slider(key="fs.lr").value == pytest.approx(values["lr"])
        assert at.select_slider(key="fs.small").value == values["small"]
        assert at.select_slider(key="fs.large").value == values["large"]
        assert any(f"Preset **{name}**" in c.value for c in at.caption), name


def test_small_batches_leave_the_sharp_minimum_large_ones_stay():
    at = fresh(PAGE, {"starts": "in the sharp minimum", "lr": "0.3", "small": "1", "large": "8"})
    assert problems(at) == []
    message = at.success[-1].value
    assert "With batch size 1, **no run** stayed in the sharp minimum; with batch size 8, **all 200 runs**" in message


def test_a_small_learning_rate_keeps_both_in_the_sharp_minimum_and_says_why():
    at = fresh(PAGE, {"starts": "in the sharp minimum", "lr": "0.05"})
    assert problems(at) == []
    assert any("about equally often: all 200 runs with batch size 1, all 200 runs with all 32 samples" in m.value
               for m in at.info)


def test_a_link_reproduces_the_view():
    at = fresh(PAGE, {"shift": "0.35", "starts": "in the sharp minimum", "lr": "0.15", "small": "2", "large": "16"})
    assert problems(at) == []
    assert at.select_slider(key="fs.shift").value == pytest.approx(0.35)
    assert at.radio(key="fs.starts").value == "in the sharp minimum"
    assert at.select_slider(key="fs.lr").value == pytest.approx(0.15)
    assert at.select_slider(key="fs.small").value == 2
    assert at.select_slider(key="fs.large").value == 16
