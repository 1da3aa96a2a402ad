"""The weight-averaging page: every widget, the table against the definition of the average and the
least-squares line, and a message in words for each outcome."""

import numpy as np
import pytest

import gdcore as gd
from tests.app.harness import exercise, fresh, problems

PAGE = "pages/weight_averaging.py"


def page_table(at):
    frame = at.dataframe[0].value
    rows = list(frame["weights"])
    assert rows[-2:] == ["SWA average", "train minimum (exact)"]
    return frame


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def test_the_average_is_the_mean_of_the_saved_weights_and_beats_them_on_average():
    at = fresh(PAGE)
    assert problems(at) == []
    frame = page_table(at)
    weights = frame[["slope w₁", "intercept w₂"]].to_numpy()
    snapshots, average, exact = weights[:-2], weights[-2], weights[-1]
    assert len(snapshots) == at.slider(key="swa.cycles").value == 5
    np.testing.assert_allclose(average, snapshots.mean(axis=0), rtol=1e-12)
    # The exact row is the least-squares line of the page's data (64 points, noise 1, seed 0), solved here.
    data = gd.objectives.linear_regression(n_samples=64, noise=1.0, seed=0)
    design = np.stack([data.x, np.ones_like(data.x)], axis=1)
    np.testing.assert_allclose(exact, np.linalg.lstsq(design, data.y, rcond=None)[0], rtol=1e-10)
    # Train loss is the mean squared error on those points.
    mse = np.mean((weights[:, :1] * data.x + weights[:, 1:] - data.y) ** 2, axis=1)
    np.testing.assert_allclose(frame["train loss"], mse, rtol=1e-12)
    test = frame["test loss"].to_numpy()
    assert test[-2] < test[:-2].mean()
    assert "below the snapshots' mean" in at.success[0].value


def test_the_saw_tooth_is_drawn_and_the_lowest_rate_is_stated():
    at = fresh(PAGE, {"lr": "0.4"})
    assert problems(at) == []
    assert any("η_min = η_max / 10 = 0.04" in c.value for c in at.caption)


def test_one_cycle_says_the_average_is_the_single_snapshot():
    at = fresh(PAGE, {"cycles": "1"})
    assert problems(at) == []
    assert "average is just that point" in at.info[0].value


def test_full_batch_cycles_end_in_the_same_point_and_the_page_says_so():
    at = fresh(PAGE, {"lr": "0.2", "cycles": "4", "length": "100", "batch": "64"})
    assert problems(at) == []
    assert "practically the same point" in at.info[0].value
    weights = page_table(at)[["slope w₁", "intercept w₂"]].to_numpy()
    snapshots, exact = weights[:-2], weights[-1]
    # Without noise every cycle ends at the least-squares line itself.
    assert np.linalg.norm(snapshots - snapshots.mean(axis=0), axis=1).max() < 1e-3
    assert np.linalg.norm(snapshots - exact, axis=1).max() < 2e-3


def test_too_large_a_rate_for_single_samples_is_called_unstable():
    at = fresh(PAGE, {"lr": "0.5", "batch": "1"})
    assert problems(at) == []
    assert "Unstable" in at.warning[0].value


def test_a_link_reproduces_the_view():
    at = fresh(PAGE, {"lr": "0.1", "cycles": "7", "length": "40", "batch": "8", "seed": "3"})
    assert problems(at) == []
    assert at.select_slider(key="swa.lr").value == pytest.approx(0.1)
    assert at.slider(key="swa.cycles").value == 7
    assert at.slider(key="swa.length").value == 40
    assert at.select_slider(key="swa.batch").value == 8
    assert at.slider(key="swa.seed").value == 3
    assert len(page_table(at)) == 7 + 2
