"""What one slider move sends and redraws, on every page: sizes that do not depend on timing.

A student's first move is the page's first slider (outside the expanders), one step, to a
value not seen before. Streamlit sends again only the charts whose bytes changed; this
test adds those up (spec and Arrow tables, as on the wire) and holds them to 100 kB.
A chart whose spec is unchanged and only its data differ is updated in place by the
browser instead of built again; every slider on every page is held to that (the runs move,
the axes and legends stay), but for the few in ``REBUILDS``, each with its reason.
"""

import json

import pytest

from tests.app.harness import chart_places, first_slider, fresh, step
from tests.app.test_chart_sizes import chart_bytes
from ui.course import LESSONS

LIMIT = 100_000
# Sliders whose move changes what a chart's axes, legend or in-chart controls say: there a move
# rebuilds those charts. Every other slider, on every page, only swaps data (the test below).
REBUILDS = {
    ("gradient-descent", "gd.steps"): "the replay slider in the chart ends at the last step",
    ("local-minima", "minima.resolution"): "the hatching of the starts that jump comes and goes with the grid",
    ("sgd", "sgd.sample"): "each sample's own loss has its own colour range",
    ("flat-vs-sharp", "fs.large"): "the titles and the legend name the batch sizes",
    ("weight-averaging", "swa.cycles"): "one bar per saved point",
    ("network-landscape", "net.width"): "each trained network has its own loss range and slice extent",
    ("network-landscape", "net.seed"): "each trained network has its own loss range and slice extent",
}


def charts(at):
    return [(c.proto.spec, chart_bytes(c), c.proto.SerializeToString(deterministic=True)) for c in at.get("vega_lite_chart")]


def _shape(spec_text):
    return json.dumps(json.loads(spec_text), sort_keys=True)


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.url_path for lesson in LESSONS])
def test_a_first_move_sends_at_most_100_kB_of_charts(lesson):
    at = fresh(lesson.file)
    before = charts(at)
    after = charts(step(at, first_slider(at)))
    assert not at.exception
    sent = [size for _, size, wire in after if wire not in {w for _, _, w in before}]
    assert sent, f"{lesson.url_path}: the move changed no chart"
    assert sum(sent) <= LIMIT, f"{lesson.url_path}: a move sends {sum(sent)} bytes of charts ({sent})"


def _sliders(at):
    return [w for w in list(at.slider) + list(at.select_slider) if w.key]


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.url_path for lesson in LESSONS])
def test_a_slider_move_swaps_the_charts_data_and_keeps_their_specs(lesson):
    """A spec that names the slider's value (a title, a legend entry) changes with every move, and the
    browser then builds that chart again: in Chromium that was half of Local minima's move (370-490 ms,
    235-275 ms once its title and legend stopped naming η). Each slider, one step from the page's defaults."""
    keys = [w.key for w in _sliders(fresh(lesson.file))]
    assert keys or lesson.url_path == "home"
    for key in keys:
        at = fresh(lesson.file)
        before = [_shape(c.proto.spec) for c in at.get("vega_lite_chart")]
        widget = next(w for w in _sliders(at) if w.key == key)
        if step(at, widget) is False:
            continue
        assert not at.exception, (key, at.exception)
        after = [_shape(c.proto.spec) for c in at.get("vega_lite_chart")]
        changed = [i for i in range(max(len(before), len(after)))
                   if i >= len(before) or i >= len(after) or after[i] != before[i]]
        if (lesson.url_path, key) in REBUILDS:
            assert changed, f"{lesson.url_path}: {key} no longer rebuilds a chart: take it out of REBUILDS"
            continue
        assert not changed, f"{lesson.url_path}: moving {key} changed the spec of charts {changed}, not only their data"


def _start(lesson, preset=None):
    """The page at its defaults, or after a click of the preset button keyed ``preset``."""
    at = fresh(lesson.file)
    if preset is not None:
        at.button(key=preset).click().run()
    return at


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.url_path for lesson in LESSONS])
def test_a_slider_move_keeps_every_chart_in_its_place(lesson):
    """A caption or a line of verdict that comes and goes before a chart moves that chart down or up
    the page, and the browser builds it again instead of swapping its data. From the defaults every
    slider moves one step; from each preset the first slider does (any move ends the preset, and its
    caption with it)."""
    page = fresh(lesson.file)
    moves = [(None, w.key) for w in _sliders(page)]
    moves += [(b.key, first_slider(page).key) for b in page.button if ".preset." in (b.key or "")]
    assert moves
    for preset, key in moves:
        at = _start(lesson, preset)
        assert not at.exception, (preset, at.exception)
        before = chart_places(at)
        if step(at, next(w for w in _sliders(at) if w.key == key)) is False:
            continue
        assert not at.exception, (preset, key, at.exception)
        assert chart_places(at) == before, (f"{lesson.url_path}: from {preset or 'the defaults'}, moving {key} "
                                            f"moved charts {before} to {chart_places(at)}")


def _choices(at):
    """(widget kind, key, option) for every other option of each select box and radio, and each toggle flipped."""
    for w in at.selectbox:
        yield from (("selectbox", w.key, i) for i in range(len(w.options)) if w.options[i] != w.format_func(w.value))
    for w in at.radio:
        yield from (("radio", w.key, option) for option in w.options if option != w.value)
    for w in at.toggle:
        yield "toggle", w.key, not w.value


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.url_path for lesson in LESSONS])
def test_a_choice_keeps_every_chart_in_its_place(lesson):
    """As for sliders: a choice that leaves the page's charts as many as they were leaves them where
    they were. (A choice may change how many there are, as Saddle points' kind of saddle does; the
    browser then builds the page's charts again, and rightly.)"""
    for kind, key, option in _choices(fresh(lesson.file)):
        at = fresh(lesson.file)
        before = chart_places(at)
        widget = getattr(at, kind)(key=key)
        (widget.select_index(option) if kind == "selectbox" else widget.set_value(option)).run()
        assert not at.exception, (key, option, at.exception)
        after = chart_places(at)
        if len(after) == len(before):
            assert after == before, f"{lesson.url_path}: choosing {key}={option} moved charts {before} to {after}"
