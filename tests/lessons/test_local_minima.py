"""Local minima: each preset's lesson, asserted from the numbers of its run."""

import dataclasses
import math
import re

import numpy as np
import pytest

import gdcore as gd
from lessons import local_minima as lesson
from tests.app.harness import fresh, problems

PAGE = "app_pages/local_minima.py"


def facts_of(values):
    v = {**lesson.DEFAULTS, **values}
    return lesson.facts(lesson.run(v["surface"], v["lr_scale"], v["steps"], v["resolution"], v["x0"], v["y0"]))


@pytest.fixture(scope="module")
def preset_facts():
    return {name: facts_of(values) for name, values in lesson.PRESETS.items()}


def himmelblau_bounds(minima):
    """2 / lambda_max of Himmelblau's Hessian, written out by hand."""
    x, y = np.asarray(minima, dtype=float).T
    h = np.stack([np.stack([12 * x**2 + 4 * y - 42, 4 * (x + y)], -1), np.stack([4 * (x + y), 12 * y**2 + 4 * x - 26], -1)], -2)
    return 2 / np.linalg.eigvalsh(h)[:, -1]


def six_hump_bounds(minima):
    """2 / lambda_max of the six-hump camel's Hessian, by hand: [[8 - 25.2x² + 10x⁴, 1], [1, -8 + 48y²]]."""
    x, y = np.asarray(minima, dtype=float).T
    h = np.stack([np.stack([8 - 25.2 * x**2 + 10 * x**4, np.ones_like(x)], -1), np.stack([np.ones_like(x), -8 + 48 * y**2], -1)], -2)
    return 2 / np.linalg.eigvalsh(h)[:, -1]


def test_the_presets_include_the_defaults_and_each_surface_has_its_own_settings():
    assert lesson.PRESETS["The start decides"] == lesson.DEFAULTS
    assert set(lesson.SURFACE_DEFAULTS) == set(lesson.SURFACES)
    for name, values in lesson.PRESETS.items():
        assert values["lr_scale"] in lesson.SCALES and values["resolution"] in lesson.RESOLUTIONS, name
        (xa, xb), (ya, yb) = gd.surfaces.get(values["surface"]).bounds
        assert xa <= values["x0"] <= xb and ya <= values["y0"] <= yb, name


def test_shares_are_a_partition_and_the_printed_percentages_add_to_100(preset_facts):
    for name, f in preset_facts.items():
        assert math.isclose(sum(f.shares), 1.0) and math.isclose(sum(f.careful_shares), 1.0), name
        tone, text = lesson.map_line(f)
        printed = [int(p) for p in re.findall(r"\*\*(\d+)%\*\*", text)]
        assert sum(printed) == 100, (name, text)


def test_defaults_the_start_decides_and_a_careful_step_changes_nothing(preset_facts):
    f = preset_facts["The start decides"]
    # The shallow well of local_global sits near (-1.35, 1.08), the deep one near (1.43, -0.95).
    assert f.names == ("global minimum", "local minimum")
    np.testing.assert_allclose(f.minima[f.ends_in], (-1.351, 1.082), atol=2e-3)
    assert f.ends_in == f.careful_ends_in == 1 and not f.is_global[f.ends_in]
    assert f.end_loss - min(f.losses) > 1.0  # stuck a full unit above the best loss
    # Two basins of real size: the start, not the depth, decides.
    assert f.shares[0] > 0.4 and f.shares[1] > 0.3 and f.none_share == 0
    assert f.jumped < 0.01 and f.too_sharp == ()
    tone, text = lesson.run_line(f)
    assert tone == "info" and "local minimum" in text and "stuck" in text
    assert lesson.change_line(f)[0] == "info"


def test_large_steps_jump_ridges_although_every_minimum_is_stable(preset_facts):
    f = preset_facts["Large steps jump ridges"]
    s = gd.surfaces.get("six_hump_camel")
    by_hand = six_hump_bounds(s.minima)
    np.testing.assert_allclose(f.bounds, by_hand, rtol=1e-6)
    assert f.lr < by_hand.min()  # every minimum can hold this step
    assert f.too_sharp == () and f.lost == 0
    assert f.jumped >= 0.05  # a visible share of the map changed basin
    # The chosen start ends in a local minimum at the careful step and in a global one at this step.
    assert not f.is_global[f.careful_ends_in] and f.is_global[f.ends_in]
    tone, text = lesson.change_line(f)
    assert tone == "warning" and f"**{lesson.percent(f.jumped)} of the starts**" in text and "ridge" in text


def test_too_large_for_sharp_minima_empties_their_basins(preset_facts):
    f = preset_facts["Too large for sharp minima"]
    minima = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]  # published
    np.testing.assert_allclose(f.minima, minima, atol=1e-5)
    bounds = himmelblau_bounds(minima)
    np.testing.assert_allclose(f.lr, 0.9 * bounds[0], rtol=1e-6)
    sharp = [k for k, b in enumerate(bounds) if b < f.lr]
    assert sharp == [2, 3] and list(f.too_sharp) == sharp
    for k, bound in enumerate(bounds):
        assert f.careful_shares[k] > 0.2  # a careful step reaches every basin
        if bound < f.lr:
            assert f.shares[k] == 0, k
        else:
            assert f.shares[k] > 0.2, k
    assert f.jumped > 0.1 and f.lost > 0.3
    assert f.careful_ends_in in sharp and f.ends_in not in sharp and f.ends_in >= 0
    assert "could not stay" in lesson.run_line(f)[1]


def test_many_local_minima_almost_every_start_ends_in_one(preset_facts):
    f = preset_facts["Many local minima"]
    # Rastrigin's Hessian at the origin is diag(2 + 40π²): the bound is 2 / (2 + 40π²).
    assert math.isclose(f.bound, 2 / (2 + 40 * math.pi**2), rel_tol=1e-9)
    assert len(f.names) == 121 and sum(f.is_global) == 1
    assert f.global_share < 0.05 and sum(f.shares[1:-1]) > 0.9
    assert not f.is_global[f.ends_in] and f.end_loss > 10
    assert "one of the 120 local minima" in lesson.map_line(f)[1]


def test_the_words_follow_the_numbers(preset_facts):
    f = preset_facts["Large steps jump ridges"]
    calm = dataclasses.replace(f, jumped=0.0)
    assert "jump basins" not in lesson.change_line(calm)[1] and lesson.change_line(calm)[0] == "info"
    stuck = dataclasses.replace(f, ends_in=-1, nearest=0, bounds=(f.lr / 2,) + f.bounds[1:])
    tone, text = lesson.run_line(stuck)
    assert tone == "warning" and "keeps bouncing" in text
    gone = dataclasses.replace(f, status="diverged")
    assert lesson.run_line(gone)[0] == "error"


def shown(at):
    return {kind: [e.value for e in getattr(at, kind)] for kind in ("success", "info", "warning", "error", "markdown")}


@pytest.mark.parametrize("query", [{}, {k: str(v) for k, v in lesson.PRESETS["Too large for sharp minima"].items()}])
def test_the_page_shows_the_story_of_its_run(query):
    at = fresh(PAGE, query)
    assert problems(at) == []
    f = facts_of({k: type(lesson.DEFAULTS[k])(v) for k, v in query.items()})
    on_page = shown(at)
    for tone, text in lesson.story(f):
        assert text in on_page[tone], (tone, text)


def test_a_preset_button_sets_every_value_and_the_page_tells_its_story():
    at = fresh(PAGE)
    at.button(key="minima.preset.1").click().run()
    assert problems(at) == []
    values = lesson.PRESETS["Large steps jump ridges"]
    assert at.selectbox(key="minima.surface").value == values["surface"]
    assert at.select_slider(key="minima.lr_scale").value == values["lr_scale"]
    assert at.slider(key="minima.x0").value == values["x0"]
    for tone, text in lesson.story(facts_of(values)):
        assert text in shown(at)[tone]
