"""Weight averaging: each preset's lesson, asserted from the numbers of its runs.

The losses are recomputed here from their definition (the flat-vs-sharp surface
seen through 64 offsets drawn from numpy's generator), not read back from the
lesson, and the claim "the average beats the saved points" is counted over
every seed of the page's slider, not only at one.
"""

import numpy as np
import pytest

import gdcore as gd
from lessons import weight_averaging as lesson
from tests.app.harness import fresh, problems

PAGE = "app_pages/weight_averaging.py"
SURFACE = gd.surfaces.get("flat_sharp")


def offsets(seed):
    """The page's samples: offsets o_i ~ N(0, 0.25² I), 64 of them, from default_rng(seed)."""
    return 0.25 * np.random.default_rng(seed).standard_normal((64, 2))


def by_hand(w, seed):
    """L(w) = mean_i f(w - o_i) for the train set (seed 0) or the test set (seed 1)."""
    w = np.asarray(w, dtype=float)
    return SURFACE.loss(w[..., None, :] - offsets(seed)).mean(axis=-1)


def outcome(values):
    v = {**lesson.DEFAULTS, **values}
    res = lesson.run(v["lr"], v["low"], v["cycles"], v["length"], v["batch"], v["seed"])
    return res, lesson.facts(res, v["lr"], v["low"], v["cycles"], v["length"], v["batch"])


@pytest.fixture(scope="module")
def presets():
    return {name: outcome(values) for name, values in lesson.PRESETS.items()}


def test_presets_are_widget_values_and_the_first_is_the_default():
    assert list(lesson.PRESETS.values())[0] == lesson.DEFAULTS
    for name, v in lesson.PRESETS.items():
        assert set(v) == set(lesson.DEFAULTS), name
        assert v["lr"] in lesson.LRS and v["low"] in lesson.LOWS and v["batch"] in lesson.BATCHES, name
        assert 1 <= v["cycles"] <= 10 and 10 <= v["length"] <= 100 and v["length"] % 10 == 0, name
        assert name in lesson.PRESET_NOTES


def test_the_losses_and_the_average_follow_their_definitions(presets):
    res, f = presets["Noisy steps, averaged"]
    snaps = res.snapshots[:, 0]
    np.testing.assert_allclose(f.average, snaps.mean(axis=0), rtol=1e-12)
    # The saved points are the weights after each cycle of c updates.
    np.testing.assert_array_equal(res.snapshot_steps, 40 * np.arange(1, 7))
    np.testing.assert_allclose(snaps, res.trajectory.points[res.snapshot_steps, 0], rtol=0, atol=0)
    # The lowest points: the gradient of the sum over offsets vanishes there.
    m, mt = lesson.lowest(lesson.train()), lesson.lowest(lesson.test_set())
    for point, seed in ((m, 0), (mt, 1)):
        g = SURFACE.grad(point - offsets(seed)).mean(axis=0)
        assert np.abs(g).max() < 1e-9
    np.testing.assert_allclose(f.test, by_hand(snaps, 1) - by_hand(mt, 1), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(f.average_test, by_hand(np.mean(snaps, axis=0), 1) - by_hand(mt, 1), rtol=1e-9)
    np.testing.assert_allclose(f.train, by_hand(snaps, 0) - by_hand(m, 0), rtol=1e-9, atol=1e-12)
    # The test loss's lowest point is a fresh sample's, a little away from the train loss's.
    assert 0.01 < np.linalg.norm(mt - m) < 0.2
    # The stability bound 2/λ_max of the valley, from the Hessian averaged over the offsets by hand.
    h = SURFACE.hessian(m - offsets(0)).mean(axis=0)
    assert f.bound == pytest.approx(2 / np.linalg.eigvalsh(h)[-1], rel=1e-9)


def test_default_the_average_beats_every_saved_point_on_the_test_loss(presets):
    res, f = presets["Noisy steps, averaged"]
    assert f.verdict == "all"
    assert f.average_test < min(f.test)
    # Noise cancels: the average is several times closer to the test floor than the typical saved point.
    assert f.mean_test > 4 * f.average_test
    # The saved points really are scattered (single-sample noise), yet all on the valley floor.
    assert 0.05 < f.spread < lesson.OFF_FLOOR and f.off_floor == ()
    assert f.lr < f.bound and f.lr_min < f.bound
    s = lesson.story(f)
    assert s.tone == "success"
    assert charts_plain(f.average_test) in s.headline and "every one of the 6 saved points" in s.headline
    # Over the 20 runs of the same settings: the mean always, the last saved point in most runs.
    assert (f.runs, f.beat_mean) == (20, 20)
    assert f.beat_last >= 16
    assert f"**{f.beat_all}**" in s.runs and f"**{f.beat_mean} of 20**" in s.runs


def charts_plain(x):
    from gdcore import charts

    return charts.plain(x)


def test_over_every_seed_of_the_slider_the_average_beats_the_mean_always_and_the_last_mostly():
    """420 runs (21 seeds x 20 sample orders) at the default settings."""
    mean = last = every = total = 0
    verdicts = []
    for seed in range(21):
        res, f = outcome({"seed": seed})
        verdicts.append(f.verdict)
        total += f.runs
        mean, last, every = mean + f.beat_mean, last + f.beat_last, every + f.beat_all
        # Recounted here from the raw losses of all 20 runs.
        t, a = res.test_losses, res.average_test_loss
        assert (f.beat_mean, f.beat_last, f.beat_all) == (
            int((a < t.mean(0)).sum()), int((a < t[-1]).sum()), int((a < t.min(0)).sum()))
    assert total == 420
    assert mean == total  # Jensen near the floor: the average of points in a bowl beats their mean loss
    assert last >= 0.8 * total  # what SGD alone would keep loses to the average in most runs
    # Beating *every* saved point is close to a coin toss in a plane: the page says so in words.
    assert 0.3 * total < every < 0.7 * total
    assert set(verdicts) == {"all", "most"}


def test_a_lucky_saved_point_is_named_and_the_box_is_not_a_success(presets):
    _, f = presets["A lucky saved point"]
    assert f.verdict == "most"
    assert f.average_test < f.mean_test
    better = [k for k, t in enumerate(f.test) if t <= f.average_test]
    assert f.better == tuple(better) and 0 < len(better) < f.cycles
    s = lesson.story(f)
    assert s.tone == "info"
    assert lesson.listing(better) in s.headline and "on average" in s.headline


def test_without_noise_every_saved_point_is_the_train_minimum(presets):
    res, f = presets["No noise (full batch)"]
    assert f.verdict == "same" and f.spread < lesson.SAME
    m = lesson.lowest(lesson.train())
    assert np.linalg.norm(res.snapshots[:, 0] - m, axis=-1).max() < 1e-3
    # Twenty runs without noise are one run.
    assert np.ptp(res.snapshots, axis=1).max() < 1e-12
    s = lesson.story(f)
    assert s.tone == "info" and "same point" in s.headline and "train loss's own lowest point" in s.headline
    assert s.runs == ""


def test_too_hot_a_rate_throws_a_saved_point_off_the_floor(presets):
    res, f = presets["Too hot"]
    assert f.lr > f.bound  # 4 > 2/λ_max ≈ 2.04
    assert f.verdict == "left" and f.off_floor
    m = lesson.lowest(lesson.train())
    far = np.linalg.norm(res.snapshots[:, 0] - m, axis=-1)
    assert tuple(np.flatnonzero(far > lesson.OFF_FLOOR)) == f.off_floor
    s = lesson.story(f)
    assert s.tone == "warning" and "left the valley" in s.headline
    assert f"above the valley's stability bound 2/λ_max = {charts_plain(f.bound)}" in s.headline


def test_one_cycle_is_one_point():
    _, f = outcome({"cycles": 1})
    assert f.verdict == "one" and f.spread == 0
    assert lesson.story(f).tone == "info"


@pytest.mark.parametrize("preset", [None, "A lucky saved point"])
def test_the_page_prints_the_story_of_its_run(preset):
    at = fresh(PAGE)
    if preset:
        at.button(key=f"swa.preset.{list(lesson.PRESETS).index(preset)}").click().run()
    assert problems(at) == []
    _, f = outcome(lesson.PRESETS[preset] if preset else {})
    s = lesson.story(f)
    shown = [m.value for m in getattr(at, s.tone)]
    assert shown == [s.headline]
    assert s.runs in [m.value for m in at.markdown]
