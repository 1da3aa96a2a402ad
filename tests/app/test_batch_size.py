import re

import numpy as np

import gdcore as gd

from tests.app.harness import exercise, fresh, problems

PAGE = "pages/batch_size.py"


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def data():
    obj = gd.objectives.linear_regression(n_samples=1024, noise=1.0, seed=0)
    return obj, np.stack([obj.x, np.ones_like(obj.x)], axis=-1)


def test_the_noise_floor_falls_with_the_batch_size():
    at = fresh(PAGE)
    assert problems(at) == []
    text = at.success[0].value
    floors = [float(v) for v in re.findall(r"\*\*([0-9.e+-]+)\*\*", text)]
    assert len(floors) == 5  # B = 1, 16, 32, 128 and the full batch
    assert floors[0] > max(floors[1:4]) and floors[4] < min(floors[:4]) / 100


def test_the_per_sample_variance_is_the_one_derived_by_hand():
    obj, phi = data()
    for where, w in (("start", np.array([0.0, 1.5])), ("minimum", np.linalg.lstsq(phi, obj.y, rcond=None)[0])):
        at = fresh(PAGE, {"where": where})
        assert problems(at) == []
        g = 2 * (phi @ w - obj.y)[:, None] * phi  # per-sample gradients of (w0 x + w1 - y)^2
        sigma2 = ((g - g.mean(0)) ** 2).sum(-1).mean()
        text = " ".join(m.value for m in at.markdown)
        assert f"σ² = {sigma2:.3g}" in text, where
    assert "the full gradient is zero there" in text


def test_the_cost_table_lists_every_batch_size():
    at = fresh(PAGE)
    table = at.dataframe[0].value
    assert table["updates per epoch"].tolist() == [1024, 64, 32, 8, 1]
    assert (table["time per update (µs)"] > 0).all()
    np.testing.assert_allclose(table["samples per second"] * table["time per update (µs)"] / 1e6, [1, 16, 32, 128, 1024])
    np.testing.assert_allclose(table["time per epoch (ms)"] * 1e3, table["time per update (µs)"] * table["updates per epoch"])


def test_above_the_stability_bound_even_the_full_batch_diverges():
    obj, phi = data()
    bound = 2 / np.linalg.eigvalsh(2 * phi.T @ phi / len(phi))[-1]
    at = fresh(PAGE, {"lr": "0.5"})
    assert problems(at) == []
    assert 0.3 < bound < 0.5
    assert "Even the full batch diverges" in at.error[0].value
    assert f"2/λ_max = {bound:.3g}" in at.error[0].value


def test_a_large_step_unsettles_only_the_smallest_batches():
    at = fresh(PAGE, {"lr": "0.3"})
    assert problems(at) == []
    assert not at.error
    warning = at.warning[0].value
    assert warning.startswith("**Not settling:** B = 1 (SGD)") and "B = 128" not in warning


def test_a_link_reproduces_the_view():
    at = fresh(PAGE, {"lr": "0.02", "steps": "400", "seed": "5", "where": "minimum"})
    assert problems(at) == []
    assert at.select_slider(key="batch.lr").value == 0.02
    assert at.slider(key="batch.steps").value == 400
    assert at.slider(key="batch.seed").value == 5
    assert at.radio(key="batch.where").value == "minimum"
