"""ui.show: the spec a page sends, its table names, its lean tables, and stacking an overlay."""

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import gdcore as gd
from gdcore import charts
from ui.show import arrow_table, cached, cached_chart, spec, stack, unchecked


def _tables(drawn):
    return {name: pa.ipc.open_stream(data).read_all() for name, data in drawn.get("datasets", {}).items()}


def _canonical(drawn):
    """The spec with its tables inlined as rows, in order of first use: names no longer matter."""
    tables, order = _tables(drawn), {}

    def walk(node):
        if isinstance(node, dict):
            out = {k: walk(v) for k, v in node.items() if k != "datasets"}
            data = out.get("data")
            if isinstance(data, dict) and data.get("name") in tables:
                order.setdefault(data["name"], len(order))
                out["data"] = {"values": tables[data["name"]].to_pylist()}
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(drawn)


def test_stacking_a_run_on_a_cached_landscape_draws_what_one_landscape_with_the_run_draws():
    surface = gd.surfaces.get("himmelblau")
    points = gd.descend(surface, gd.SGD(lr=0.01), (0.0, 0.0), steps=40).points
    whole = spec(charts.landscape(surface, {"GD": points}, title="t", width=320))
    stacked = stack(spec(charts.landscape(surface, title="t", width=320)),
                    spec(charts.paths({"GD": points}, bounds=surface.bounds)))
    assert _canonical(stacked) == _canonical(whole)


def test_tables_are_named_by_their_place_so_new_data_keeps_the_spec():
    surface = gd.surfaces.get("bowl")
    a, b = (spec(charts.paths({"GD": gd.descend(surface, gd.SGD(lr=lr), (1.0, 1.0), steps=20).points}))
            for lr in (0.1, 0.2))
    assert a["datasets"] != b["datasets"]
    assert json.dumps({k: v for k, v in a.items() if k != "datasets"}) == json.dumps(
        {k: v for k, v in b.items() if k != "datasets"})
    assert sorted(a["datasets"]) == [f"data-{i}" for i in range(len(a["datasets"]))]


def test_layers_that_share_a_frame_share_a_table_and_equal_frames_keep_a_name_each():
    # vertical_rules layers its rule and its label over one frame: one table. Two runs' rules that
    # are both empty are equal frames: merged, they would renumber the tables whenever they met.
    marked = spec(charts.layer(charts.vertical_rules([3.0], label="A"), charts.vertical_rules([5.0], label="B")))
    empty = spec(charts.layer(charts.vertical_rules([], label="A"), charts.vertical_rules([], label="B")))
    assert sorted(marked["datasets"]) == sorted(empty["datasets"]) == ["data-0", "data-1"]
    assert json.dumps({k: v for k, v in marked.items() if k != "datasets"}) == json.dumps(
        {k: v for k, v in empty.items() if k != "datasets"})
    assert _tables(empty)["data-0"].to_pylist() == _tables(empty)["data-1"].to_pylist()


def test_lean_tables_keep_what_is_drawn():
    frame = pd.DataFrame({"x": [0.1, -2.5, 3.0], "loss": [1e-62, 0.5, 2.0], "step": [0, 1, 70_000],
                          "path": ["a", "a", "b"]}, index=[5, 6, 7])
    table = pa.ipc.open_stream(arrow_table(frame)).read_all()
    assert table.column_names == ["x", "loss", "step", "path"]  # no index column
    assert table.schema.metadata is None
    assert table.schema.field("x").type == pa.float32()
    # A loss of 1e-62 (a log axis) is below single precision: the column stays double and exact.
    assert table.schema.field("loss").type == pa.float64() and table.column("loss").to_pylist() == [1e-62, 0.5, 2.0]
    assert table.schema.field("step").type == pa.int32() and table.column("step").to_pylist() == [0, 1, 70_000]
    assert table.column("path").to_pylist() == ["a", "a", "b"]
    assert np.allclose(table.column("x").to_numpy(), [0.1, -2.5, 3.0], rtol=1e-7)


def test_stack_refuses_a_base_that_is_not_layered():
    with pytest.raises(TypeError, match="layered"):
        stack(spec(charts.paths({"GD": np.zeros((2, 2))}).layer[0]), {})


def test_a_replay_stacked_flat_on_its_landscape_is_the_replay_with_its_slider_on_top():
    surface = gd.surfaces.get("himmelblau")
    points = gd.descend(surface, gd.SGD(lr=0.01), (0.0, 0.0), steps=30).points
    captions = [f"t = {t}" for t in range(30)]
    whole = spec(charts.replay(surface, points, title="t", width=400, captions=captions))
    stacked = stack(spec(charts.landscape(surface, title="t", width=400)),
                    spec(charts.replay_run(points, bounds=surface.bounds, captions=captions)), flat=True)
    assert [p["name"] for p in stacked["params"]] == ["t"]
    assert _canonical(stacked) == _canonical(whole)


def test_stacking_with_top_level_properties_draws_what_resolve_scale_and_configure_legend_draw():
    surface = gd.surfaces.get("himmelblau")
    points = gd.descend(surface, gd.SGD(lr=0.01), (0.0, 0.0), steps=40).points
    base = charts.surface(surface, title="t", width=320)
    marks = charts.labelled_points({"start": points[:1], "end": points[-1:]})
    whole = spec(charts.layer(*base.layer, marks, title="t", width=320, height=base.height)
                 .resolve_scale(color="independent").configure_legend(columns=2))
    stacked = stack(spec(base), spec(marks), resolve={"scale": {"color": "independent"}},
                    config={"legend": {"columns": 2}})
    assert _canonical(stacked) == _canonical(whole)


def test_a_spec_leaves_the_chart_it_was_made_from_as_it_was():
    # Layers are shared, not copied (charts.LayerChart): naming the tables must not change them.
    path = charts.paths({"GD": np.array([[0.0, 0.0], [1.0, 1.0]])})
    chart = charts.layer(path, charts.markers({"minimum": np.zeros((1, 2))}))
    first = spec(chart)
    assert spec(chart) == first and spec(path)["datasets"]


def test_unchecked_builds_switch_altair_checks_off_and_put_them_back_as_they_were():
    from altair.utils import schemapi

    assert schemapi.DEBUG_MODE
    with unchecked():
        assert not schemapi.DEBUG_MODE
        with unchecked():  # two sessions building at once
            pass
        assert not schemapi.DEBUG_MODE  # the first is still building
    assert schemapi.DEBUG_MODE
    schemapi.disable_debug_mode()  # a notebook that switched them off keeps them off
    try:
        with unchecked():
            pass
        assert not schemapi.DEBUG_MODE
    finally:
        schemapi.enable_debug_mode()


def test_charts_layer_makes_the_chart_alt_layer_makes():
    import altair as alt

    surface = gd.surfaces.get("himmelblau")
    points = gd.descend(surface, gd.SGD(lr=0.01), (0.0, 0.0), steps=40).points
    parts = (charts.surface(surface, resolution=20), charts.paths({"GD": points}, bounds=surface.bounds),
             charts.markers({"minimum": surface.minima[:1]}))
    ours = spec(charts.layer(*parts, title="t").resolve_scale(color="independent"))
    altairs = spec(alt.layer(*parts, title="t").resolve_scale(color="independent"))
    assert _canonical(ours) == _canonical(altairs)
    with pytest.raises(ValueError, match="inconsistent"):
        charts.layer(parts[1].properties(width=100), parts[2].properties(width=200))


_PAGE = '''
calls = []


def square(x):
    calls.append(x)
    return x * x
'''


def _page_run():
    """The module a page's rerun makes: the same source compiled into fresh globals, as Streamlit reruns a page."""
    namespace = {"__name__": "__main__"}
    exec(compile(_PAGE, "app_pages/cached_probe.py", "exec"), namespace)
    return namespace


def test_cached_makes_one_wrapper_per_function_and_its_cache_serves_every_rerun():
    first, second = _page_run(), _page_run()
    assert first["square"] is not second["square"]
    wrapped = cached(max_entries=4)(first["square"])
    assert cached(max_entries=4)(second["square"]) is wrapped
    assert wrapped(3) == 9 and wrapped(3) == 9
    assert first["calls"] == [3]
    wrapped.clear()


def test_cached_keeps_apart_what_differs_in_code_or_bound():
    namespace = _page_run()
    other = {"__name__": "__main__"}
    exec(compile(_PAGE.replace("x * x", "x + x"), "app_pages/cached_probe.py", "exec"), other)
    square, doubled = cached(max_entries=4)(namespace["square"]), cached(max_entries=4)(other["square"])
    assert doubled is not square
    assert (square(3), doubled(3)) == (9, 6)
    assert cached(max_entries=8)(namespace["square"]) is not square
    square.clear(), doubled.clear()


def test_cached_chart_keeps_one_wrapper_per_builder():
    def build(n):
        return charts.curves({"loss": np.arange(1.0, n + 1.0)}, "loss")

    made = [cached_chart(max_entries=2)(build) for _ in range(2)]
    assert made[0] is made[1]
    assert made[0](3) == made[1](3)
    made[0].clear()
