"""Chart builders: their geometry against closed forms, and every spec valid Vega-Lite."""

import base64
import json
import re
import struct
import zlib

import altair as alt
import numpy as np
import pytest

import gdcore as gd
from gdcore import charts

SQUARE = ((-2.0, 2.0), (-2.0, 2.0))


def valid(chart):
    """The spec passes Altair's validation against the Vega-Lite schema (to_dict raises otherwise),
    with Altair's default 5,000-row limit in force, as in a plain notebook."""
    return chart.to_dict(validate=True)


def test_grid_evaluates_the_loss_on_the_axes():
    xs, ys, z = charts.grid(lambda w: w[..., 0] + 10 * w[..., 1], ((0, 1), (0, 2)), resolution=3)
    np.testing.assert_array_equal(xs, [0, 0.5, 1])
    np.testing.assert_array_equal(ys, [0, 1, 2])
    np.testing.assert_array_equal(z, np.add.outer(10 * ys, xs))


def test_overflow_in_the_grid_is_nan_not_a_warning():
    _, _, z = charts.grid(lambda w: np.exp(1000 * w[..., 0]), ((0, 1), (0, 1)), resolution=3)
    assert np.isnan(z[:, -1]).all() and np.isfinite(z[:, 0]).all()


@pytest.mark.parametrize("radius", [0.5, 1.0, 1.5])
def test_contour_lines_of_a_paraboloid_are_circles(radius):
    xs = ys = np.linspace(-2, 2, 81)
    z = np.add.outer(ys**2, xs**2)
    lines = charts.contour_lines(xs, ys, z, [radius**2])
    np.testing.assert_allclose(np.hypot(lines.x, lines.y), radius, atol=2e-3)


def test_contour_levels_spread_linearly_or_geometrically_above_the_floor():
    z = np.linspace(1.0, 101.0, 11)
    np.testing.assert_allclose(charts.contour_levels(z, levels=4), [21, 41, 61, 81])
    log_levels = charts.contour_levels(z, levels=4, log=True) - 1.0
    np.testing.assert_allclose(log_levels[1:] / log_levels[:-1], 10.0)


def test_wide_ranges_get_the_compressed_colour_scale():
    def wide(name):
        s = gd.surfaces.get(name)
        return charts._wide_range(charts.grid(s.loss, s.bounds)[2])

    assert wide("rosenbrock")
    assert not wide("bowl")


def test_the_weight_plane_keeps_one_unit_the_same_length_on_both_axes():
    assert charts.plane_size(((-2, 2), (-1, 3)), width=400) == (400, 400)
    assert charts.plane_size(((-2, 2), (-1.1, 1.1)), width=400) == (400, 220)
    width, height = charts.plane_size(((0, 1), (0, 4)), width=400, max_height=480)
    assert height == 480 and width == 120


def test_paths_are_ordered_lines_with_their_start_and_end():
    path = np.array([[0.0, 0.0], [1.0, 0.5], [1.5, 1.5]])
    spec = valid(charts.paths({"GD": path}, bounds=SQUARE))
    line = spec["layer"][0]
    assert line["encoding"]["order"]["field"] == "step"
    values = spec["datasets"][line["data"]["name"]] if "datasets" in spec else None
    assert values is not None and [(v["x"], v["y"]) for v in values] == [tuple(p) for p in path]


def test_every_builder_gives_valid_vega_lite():
    s = gd.surfaces.get("himmelblau")
    traj = gd.descend(s, gd.SGD(lr=0.01), np.array([[0.0, 0.0], [-4.0, 4.0]]), 50)
    b = gd.basins(s, gd.SGD(lr=0.01), resolution=10, steps=50)
    built = [
        charts.landscape(s, {"a": traj.points[:, 0], "b": traj.points[:, 1]}, title="t"),
        charts.landscape(gd.surfaces.get("rosenbrock")) + charts.arrow((0, 0), (1, 1)),
        charts.basin_map(b),
        charts.loss_curve({"a": traj.losses[:, 0]}) | charts.lr_curve({"a": traj.lrs}),
        charts.curves({"x": np.arange(5.0)}, "x", x_values={"x": np.arange(5.0)}) + charts.vertical_rules([1, 2], label="cut") + charts.band(0, 1),
        charts.dots({"d": np.zeros((3, 2))}),
        charts.xy_lines({"1/B": (np.arange(1.0, 5), 1 / np.arange(1.0, 5))}, points={"m": (np.arange(1.0, 5), np.ones(4))}, log_x=True, log_y=True, dashed=("1/B",)),
        charts.labelled_points({"snapshot": np.ones((2, 2))}),
        charts.grouped({"flat": {"B=1": 0.9, "B=32": 0.7}, "sharp": {"B=1": 0.1, "B=32": 0.3}}, "share", percent=True),
        charts.intervals([0.0, 1.0], [0.0, 0.1], [0.2, 0.5], ["gap 0.2", "gap 0.4"]),
        charts.stopping_curve(np.r_[3.0, 2.0, 2.5, 2.5, 2.5], windows=[(2, 4)], reductions=[3], stop=4, best_step=1),
        charts.faint_path(traj.points[:, 0]),
    ]
    for chart in built:
        assert valid(chart)


def decode_png(url):
    """The RGBA pixels of a data-URL PNG written by charts.image (8-bit RGBA, filter 0), top row first."""
    data = base64.b64decode(url.split(",", 1)[1])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", None, None
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 6)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    rows = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, 1 + 4 * width)
    assert (rows[:, 0] == 0).all()
    return rows[:, 1:].reshape(height, width, 4)


def image_layer(spec):
    """(pixels with row 0 at the bottom, the layer) of the first image mark in a layered spec."""
    for layer in spec["layer"]:
        if layer.get("mark", {}).get("type") == "image":
            row = spec["datasets"][layer["data"]["name"]][0]
            return decode_png(row["url"])[::-1], row
    raise AssertionError("no image layer")


def test_the_ramp_interpolates_linearly_between_evenly_spaced_colours():
    colours = ("#000000", "#ff0000", "#ffffff")
    out = charts.ramp(np.array([0.0, 0.25, 0.5, 0.75, 1.0, -1.0, 2.0]), colours)
    np.testing.assert_array_equal(out[:, :3], [[0, 0, 0], [128, 0, 0], [255, 0, 0], [255, 128, 128], [255, 255, 255], [0, 0, 0], [255, 255, 255]])


def test_the_heatmap_is_one_image_of_the_loss_at_each_cell_centre():
    bowl = gd.surfaces.Quadratic(eigenvalues=(1.0, 4.0))
    spec = valid(charts.surface(bowl, bounds=SQUARE, resolution=8))
    pixels, row = image_layer(spec)
    assert (row["x"], row["x2"], row["y"], row["y2"]) == (-2.0, 2.0, -2.0, 2.0)
    centres = -2.0 + 0.5 * (np.arange(8) + 0.5)
    gx, gy = np.meshgrid(centres, centres)
    z = 0.5 * (gx**2 + 4 * gy**2)  # the Quadratic's closed form
    np.testing.assert_array_equal(pixels, charts.ramp((z - z.min()) / (z.max() - z.min())))
    # The colour bar spans the same range with the same colours.
    bar = next(layer for layer in spec["layer"] if "color" in layer.get("encoding", {}))
    scale = bar["encoding"]["color"]["scale"]
    np.testing.assert_allclose(scale["domain"], [z.min(), z.max()])
    assert scale["range"] == list(charts.HEATMAP_COLORS) and scale["interpolate"] == "rgb"


def test_a_landscape_weighs_tens_of_kilobytes_not_hundreds():
    s = gd.surfaces.get("himmelblau")
    spec = charts.landscape(s, resolution=100).to_json()
    assert len(spec) < 100_000, len(spec)


def test_minima_get_names_a_student_reads():
    assert charts.minimum_names([0.0, 0.3]) == ["global minimum", "local minimum"]
    assert charts.minimum_names([0.0, 0.0, 0.0, 0.0]) == [f"global minimum {c}" for c in "ABCD"]


def test_the_basin_map_colours_each_start_by_the_minimum_it_reached():
    s = gd.surfaces.get("himmelblau")
    b = gd.basins(s, gd.SGD(lr=0.01), resolution=12, steps=300)
    spec = valid(charts.basin_map(b))
    pixels, _ = image_layer(spec)
    palette = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in charts.BASIN_COLORS + ("#d9d9d9",)])
    expected = palette[np.where(b.labels < 0, len(charts.BASIN_COLORS), b.labels)]
    np.testing.assert_array_equal(pixels[..., :3], expected)
    legend = next(layer for layer in spec["layer"] if "color" in layer.get("encoding", {}))
    assert all(name.startswith("global minimum") for name in legend["encoding"]["color"]["scale"]["domain"])


def test_a_basin_map_with_more_minima_than_colours_colours_by_the_loss_reached():
    s = gd.surfaces.get("rastrigin")
    b = gd.basins(s, gd.SGD(lr=0.002), resolution=12, steps=200)
    spec = valid(charts.basin_map(b))
    pixels, _ = image_layer(spec)
    reached = np.where(b.labels >= 0, b.minimum_losses[np.maximum(b.labels, 0)], np.nan)
    lo, hi = np.nanmin(reached), np.nanmax(reached)
    expected = charts.ramp((reached - lo) / (hi - lo), charts.VIRIDIS)
    expected[np.isnan(reached)] = [217, 217, 217, 255]
    np.testing.assert_array_equal(pixels, expected)


def test_every_builder_fits_a_notebook_at_any_size():
    """Long runs and fine grids stay under Altair's row limit and a landscape under 100 kB."""
    s = gd.surfaces.get("rastrigin")
    long = np.cumsum(np.random.default_rng(0).normal(size=(100_000, 2)) * 0.01, axis=0)
    losses = np.abs(np.random.default_rng(1).normal(size=100_000)) + 1e-3
    b = gd.basins(s, gd.SGD(lr=0.002), resolution=100, steps=20)
    built = {
        "landscape": charts.landscape(s, {"a": long, "b": long[::-1]}, resolution=100),
        "basin map": charts.basin_map(b),
        "curves": charts.loss_curve({"a": losses, "b": losses * 2, "c": losses * 3}),
        "stopping": charts.stopping_curve(losses),
        "xy": charts.xy_lines({"a": (np.arange(1.0, 100_001), losses)}, points={"b": (np.arange(1.0, 100_001), losses)}),
        "dots": charts.dots({"d": long}),
        "faint": charts.faint_path(long),
    }
    for name, chart in built.items():
        spec = valid(chart)
        assert all(len(rows) <= 5000 for rows in spec.get("datasets", {}).values()), name
    # What a notebook embeds: the spec as JSON (json.dumps' default separators, as Altair's renderers).
    assert len(json.dumps(built["landscape"].to_dict())) < 100_000
    assert len(json.dumps(built["basin map"].to_dict())) < 100_000


def test_thinning_keeps_both_ends_and_evenly_spaced_points():
    keep = charts.thin(100_001, 1001)
    assert keep[0] == 0 and keep[-1] == 100_000 and len(keep) == 1001
    np.testing.assert_array_equal(np.diff(keep), 100)


def test_save_writes_png_and_svg_offline(tmp_path):
    s = gd.surfaces.Quadratic(eigenvalues=(1.0, 4.0))
    chart = charts.landscape(s, bounds=SQUARE, width=200, height=200)
    png = charts.save(chart, tmp_path / "run.png", scale=2)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert 400 <= width <= 700 and 400 <= height <= 700, (width, height)  # 200 px plot x scale 2, plus axes
    svg = charts.save(chart, tmp_path / "run.svg").read_text()
    assert "<svg" in svg and "data:image/png;base64," in svg
    assert json.loads(charts.save(chart, tmp_path / "run.json").read_text())["layer"]
    with pytest.raises(gd.ParameterError, match="'path' parameter of save"):
        charts.save(chart, tmp_path / "run.jpeg")


def test_the_replay_scrubs_every_update_with_its_real_step_and_caption():
    ravine = gd.surfaces.Quadratic(eigenvalues=(1.0, 25.0), angle=np.pi / 6)
    traj = gd.descend(ravine, gd.SGD(lr=0.07), (-2.4, 1.8), 30)
    captions = [f"t = {t}" for t in range(30)]
    spec = valid(charts.replay(ravine, traj.points, captions=captions, start=7))
    t = next(p for p in spec["params"] if p["name"] == "t")
    assert (t["bind"]["input"], t["bind"]["min"], t["bind"]["max"], t["value"]) == ("range", 0, 29, 7)
    rows = [row for data in spec["datasets"].values() for row in data]
    shaft = next(r for r in rows if r.get("part") == "shaft" and r["step"] == 7)
    # The arrow of update 7 is the step w_7 -> w_8 = -lr * grad L(w_7), to scale.
    np.testing.assert_allclose([shaft["x"], shaft["y"]], traj.points[7], atol=1e-4)
    np.testing.assert_allclose([shaft["x2"] - shaft["x"], shaft["y2"] - shaft["y"]], -0.07 * ravine.grad(traj.points[7]), atol=2e-4)
    assert [r["caption"] for r in rows if "caption" in r] == captions
    # Each layer that depends on t filters on it.
    filters = [f["filter"] for layer in spec["layer"] for f in layer.get("transform", [])]
    assert "datum.step <= t" in filters and "datum.step == t" in filters


def _markers(spec):
    """(shape, hollow) -> [(path, diameter)] of the markers a paths chart draws (size-0 placeholders left out).

    The marker layers share one table and take their rows by a filter on its kind and ring columns.
    """
    out = {}
    for part in spec["layer"][1:]:
        kind, ring = re.fullmatch(r"datum\.kind == '(\w+)' && datum\.ring == (\d)", part["transform"][0]["filter"]).groups()
        rows = [r for r in spec["datasets"][part["data"]["name"]] if r["kind"] == kind and r["ring"] == int(ring)]
        key = (part["mark"]["shape"], not part["mark"]["filled"])
        out[key] = [(r["path"], float(np.sqrt(r["s"]))) for r in rows if r["s"] > 0]
    return out


def test_markers_that_meet_nest_as_rings_and_markers_apart_stay_filled():
    start = np.zeros((1, 2))
    # Three runs from one start; a and c end on one spot, b ends elsewhere.
    named = {"a": np.vstack([start, [[1.0, 1.0]]]), "b": np.vstack([start, [[2.0, 0.0]]]), "c": np.vstack([start, [[1.0, 1.0]]])}
    m = _markers(charts.paths(named, bounds=((-1, 3), (-1, 3))).to_dict())
    # Starts: a and b are rings around c's dot, each earlier one 6 px wider; the dot is about 10.5 px.
    assert m[("circle", True)] == [("a", pytest.approx(22.5)), ("b", pytest.approx(16.5))]
    assert m[("circle", False)] == [("c", pytest.approx(10.5))]
    # Ends: a's square is a ring round c's; b's, alone, stays filled.
    assert m[("square", True)] == [("a", pytest.approx(16.5))]
    assert m[("square", False)] == [("b", pytest.approx(10.5)), ("c", pytest.approx(10.5))]


def test_runs_apart_keep_filled_markers_and_no_table_is_empty():
    named = {"a": np.array([[0.0, 0.0], [1.0, 0.0]]), "b": np.array([[0.0, 2.0], [1.0, 2.0]])}
    spec = charts.paths(named, bounds=((-1, 3), (-1, 3))).to_dict()
    m = _markers(spec)
    assert m[("circle", True)] == [] and m[("square", True)] == []
    assert [p for p, _ in m[("circle", False)]] == ["a", "b"] and [p for p, _ in m[("square", False)]] == ["a", "b"]
    assert all(len(spec["datasets"][part["data"]["name"]]) for part in spec["layer"])
