"""The network-landscape page's lessons, asserted from its runs (defaults and every preset)."""

import doctest

import numpy as np
import pytest

import gdcore as gd
from lessons import network_landscape as lesson

VIEWS = {"defaults": lesson.DEFAULTS, **lesson.PRESETS}


@pytest.fixture(scope="module")
def runs():
    return {name: lesson.run(**values) for name, values in VIEWS.items()}


def test_module_doctests():
    assert doctest.testmod(lesson).failed == 0


@pytest.mark.parametrize("view", list(VIEWS))
def test_the_flatter_solution_is_the_mini_batch_one_and_it_generalises_better(runs, view):
    r = runs[view]
    f = lesson.facts(r)
    small, large = r.trajectories["mini-batch"].final, r.trajectories["full batch"].final
    # Recomputed here, not read from facts: the full batch fits the train set better ...
    assert r.net.loss(large) < r.net.loss(small)
    # ... yet its loss rises more a short way off, and its test loss is higher.
    rise = {name: max(r.net.loss(w + lesson.RADIUS * gd.landscape.directions(r.net, w, seed=r.seed + k)) - r.net.loss(w)
                      for k in range(64)) for name, w in (("mini-batch", small), ("full batch", large))}
    assert rise["mini-batch"] < rise["full batch"]
    assert r.test.loss(small) < r.test.loss(large)
    assert (f.flatter, f.better_test, f.lower_train) == ("mini-batch", "mini-batch", "full batch")
    assert f.sharpness == pytest.approx(rise, rel=1e-12)
    told = lesson.story(f)
    assert told["tone"] == "success" and "**mini-batch** solution is the flatter one" in told["verdict"]


@pytest.mark.parametrize("view", list(VIEWS))
def test_the_numbers_the_page_states(runs, view):
    r = runs[view]
    f = lesson.facts(r)
    w = VIEWS[view]["width"]
    assert f.n_weights == (2 * w + w) + (w * w + w) + (w * r.net.n_classes + r.net.n_classes)  # by hand
    told = lesson.story(f)
    assert f"**{f.n_weights:,} weights**" in told["size"]
    # The slice is centred on the solution: its middle cell is the solution's own loss.
    centre = lesson.RESOLUTION // 2
    assert r.slice.losses[centre, centre] == pytest.approx(r.net.loss(r.trajectories["mini-batch"].final), rel=1e-12)
    lowest = np.unravel_index(np.argmin(r.slice.losses), r.slice.losses.shape)
    assert f.slice_centre_lowest == (max(abs(lowest[0] - centre), abs(lowest[1] - centre)) <= 1)
    assert ("is a bowl" in told["slice"]) == f.slice_centre_lowest
    # The PCA plane: explained shares are a fraction of the variance, the first the larger.
    assert 0 < r.path_pca.explained[1] <= r.path_pca.explained[0] <= 1
    assert f"{100 * f.pca_explained:.0f} %" in told["pca"]
    # The line's ends are the two solutions.
    assert r.line[lesson.START] == pytest.approx(r.net.loss(r.trajectories["mini-batch"].final), rel=1e-12)
    assert r.line[lesson.END] == pytest.approx(r.net.loss(r.trajectories["full batch"].final), rel=1e-12)
    ridge = f.barrier > 0.1 * max(f.line_ends)
    assert ("a ridge separates them" in told["line"]) == ridge


def test_a_story_whose_numbers_disagree_says_so():
    f = lesson.facts(lesson.run(**lesson.DEFAULTS))
    flipped = lesson.Facts(**{**f.__dict__, "better_test": "full batch"})
    told = lesson.story(flipped)
    assert told["tone"] == "info" and "is not the one with the lower test loss" in told["verdict"]
