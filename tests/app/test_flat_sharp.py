"""The flat-vs-sharp page: every widget, the generalisation gap against a second-order Taylor estimate
built here from the surface's analytic Hessian, and the batch-size outcome in words."""

import numpy as np
import pytest

import gdcore as gd
from tests.app.harness import exercise, fresh, problems

PAGE = "pages/flat_sharp.py"
# The page's train loss: the flat_sharp surface seen through 32 samples, each moved by an offset of spread 0.25.
SURFACE = gd.surfaces.get("flat_sharp")
OFFSETS = np.random.default_rng(0).standard_normal((32, 2)) * 0.25


def page_table(at):
    frame = at.dataframe[0].value
    assert list(frame["minimum"]) == ["flat minimum", "sharp minimum"]
    return frame


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def test_the_table_holds_the_train_losss_two_minima():
    at = fresh(PAGE)
    frame = page_table(at)
    m = frame[["w₁", "w₂"]].to_numpy()
    # The train loss's gradient is the mean of the surface's gradient at w - o_i: zero at a minimum.
    grads = SURFACE.grad(m[:, None, :] - OFFSETS[None]).mean(axis=1)
    assert np.abs(grads).max() < 1e-8
    hessians = SURFACE.hessian(m[:, None, :] - OFFSETS[None]).mean(axis=1)
    eig = np.linalg.eigvalsh(hessians)
    assert (eig > 0).all(), "both are minima"
    assert eig[1, 1] > 4 * eig[0, 1], "the right one is much sharper"
    # Each sits near the surface's own minimum of the same kind.
    assert np.linalg.norm(m - SURFACE.minima, axis=1).max() < 0.2


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
    # The third-order remainder is small next to the second-order term for d << the sharp valley's width.
    np.testing.assert_allclose(gaps, taylor, rtol=0.1 if shift == 0.1 else 0.04)
    assert gaps[1] > 3 * gaps[0] > 0
    # The loss itself: the test loss is the train loss moved by d along u, computed here from the surface.
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


def test_small_batches_leave_the_sharp_minimum_large_ones_stay():
    at = fresh(PAGE, {"starts": "in the sharp minimum", "lr": "0.3", "small": "1", "large": "8"})
    assert problems(at) == []
    message = at.success[-1].value
    assert "With batch size 1, 0% of the runs ended in the sharp minimum; with batch size 8, 100%" in message


def test_a_small_learning_rate_keeps_both_in_the_sharp_minimum_and_says_why():
    at = fresh(PAGE, {"starts": "in the sharp minimum", "lr": "0.05"})
    assert problems(at) == []
    assert any("about equally often (100% and 100%)" in m.value for m in at.info)


def test_a_link_reproduces_the_view():
    at = fresh(PAGE, {"shift": "0.35", "starts": "in the sharp minimum", "lr": "0.15", "small": "2", "large": "16"})
    assert problems(at) == []
    assert at.select_slider(key="fs.shift").value == pytest.approx(0.35)
    assert at.radio(key="fs.starts").value == "in the sharp minimum"
    assert at.select_slider(key="fs.lr").value == pytest.approx(0.15)
    assert at.select_slider(key="fs.small").value == 2
    assert at.select_slider(key="fs.large").value == 16
