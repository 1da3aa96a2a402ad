r"""Altair charts of surfaces, paths and curves, for the app and for notebooks.

Every builder returns an Altair chart, so charts combine with ``+`` (layers)
and ``|`` (side by side). The surface is a heatmap with contour lines traced
by contourpy; paths are ordered lines over it, start and end marked.

>>> import gdcore as gd
>>> from gdcore import charts
>>> bowl = gd.surfaces.Quadratic(eigenvalues=(1.0, 4.0))
>>> traj = gd.descend(bowl, gd.SGD(lr=0.2), (2.0, 1.0), steps=20)
>>> chart = charts.surface(bowl, bounds=((-3, 3), (-2, 2))) + charts.paths({"GD": traj.points})
>>> type(chart).__name__
'LayerChart'

This module is the only one in gdcore that imports Altair, contourpy and
pandas at import time; ``import gdcore`` stays numpy-only.
"""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Mapping

import altair as alt
import contourpy
import numpy as np
import pandas as pd

from ._checks import _Text, check_bounds, check_int, check_option, check_points, check_real, describe, fail, real_array

__all__ = [
    "PATH_COLORS", "HEATMAP_COLORS", "VIRIDIS", "BASIN_COLORS", "CLASS_COLORS", "WIDTH", "HEIGHT", "PLAIN",
    "log_axis", "plain", "grid", "ramp", "image", "contour_levels", "contour_lines", "plane_size", "axis_titles",
    "surface", "grid_map", "paths", "thin", "keep_aspect", "markers", "arrow", "curves", "loss_curve", "lr_curve",
    "vertical_rules", "band", "landscape", "minimum_names", "basin_map", "dots", "xy_lines", "labelled_points",
    "grouped", "intervals", "stopping_curve", "faint_path", "hatch", "arrows", "save", "replay", "replay_run", "levels",
    "class_map", "layer", "LayerChart",
]


# --- layers ------------------------------------------------------------------------------------------

# What Vega-Lite allows only on the outermost of a set of layers: layer() lifts it there.
_LAYER_PROPS = ("height", "width", "view")


def _is_set(value):
    return value is not alt.Undefined


class LayerChart(alt.LayerChart):
    """Altair's ``LayerChart``, made without copying its layers: what :func:`layer` returns.

    ``alt.LayerChart`` deep-copies every layer twice each time one is made, and Altair makes
    one again for each ``.properties()``, ``.resolve_scale()`` and ``.to_dict()``: measured, the
    copies were 55-65 % of the time to build and convert a landscape (187 -> 68 ms) or a
    stopping curve (87 -> 41 ms). They guard the caller's layers when Altair lifts the
    layers' parameters to the top; layers without parameters have nothing to lift, so this
    class only lifts sizes (as Altair does, raising on two different ones) on shallow
    copies, and leaves each layer's data in the layer. Layers with parameters (a replay's
    slider) go through Altair's own constructor, copies and all.

    >>> line, dots = alt.Chart().mark_line(), alt.Chart().mark_point()
    >>> chart = LayerChart(layer=[line.properties(width=200), dots])
    >>> chart.width, chart.layer[0].width is alt.Undefined, chart.layer[1] is dots
    (200, True, True)
    """

    def __init__(self, data=alt.Undefined, layer=(), **kwargs):
        layer = _check_layers(layer, "layer", "LayerChart")
        if any(_is_set(getattr(c, "params", alt.Undefined)) for c in layer):
            super().__init__(data=data, layer=layer, **kwargs)
            return
        alt.TopLevelLayerSpec.__init__(self, data=data, layer=layer, **kwargs)
        for prop in _LAYER_PROPS:
            values = [getattr(c, prop, alt.Undefined) for c in layer]
            values = [v for v in values if _is_set(v)]
            if not values:
                continue
            if _is_set(self[prop]):
                values.append(self[prop])
            if any(v != values[0] for v in values[1:]):
                raise ValueError(f"There are inconsistent values {values} for {prop}")
            self[prop] = values[-1]
            self.layer = [_without(c, prop) for c in self.layer]


def _check_layers(charts, name, owner):
    if isinstance(charts, (str, bytes)) or not hasattr(charts, "__iter__"):
        fail(name, owner, "a sequence of Altair charts to layer", describe(charts))
    charts = list(charts)
    for chart in charts:
        if not isinstance(chart, (alt.Chart, alt.LayerChart)):
            fail(name, owner, "Altair charts to layer (alt.Chart or a layered chart)", describe(chart))
    return charts


def _without(chart, prop):
    if not _is_set(getattr(chart, prop, alt.Undefined)):
        return chart
    chart = chart.copy(deep=False)
    chart[prop] = alt.Undefined
    return chart


def layer(*charts, **properties):
    """``alt.layer(*charts, **properties)`` in about a third of the time (see :class:`LayerChart`).

    The same chart as ``alt.layer`` draws; every builder here layers with it, and pages
    that layer gdcore charts should too.

    >>> chart = layer(alt.Chart().mark_point(), alt.Chart().mark_rule(), width=300)
    >>> type(chart).__name__, chart.width, len(chart.layer)
    ('LayerChart', 300, 2)
    """
    return LayerChart(layer=_check_layers(charts, "charts", "layer"), **properties)


# --- argument checks: every builder names a bad argument, as the rest of gdcore does -------------


def _check_loss(objective, name, owner):
    if not callable(getattr(objective, "loss", None)):
        fail(name, owner, "a surface or objective with a loss(w) method", describe(objective))


def _check_window(bounds, objective, owner):
    """The plot window: ``bounds``, else ``objective.bounds``; a missing one is named, not an AttributeError."""
    if bounds is None:
        bounds = getattr(objective, "bounds", None)
        if bounds is None:
            fail("bounds", owner, "((xmin, xmax), (ymin, ymax)) when the objective has no bounds of its own", None)
    return check_bounds(bounds, "bounds", owner)


def _check_named(named, name, owner, *, optional=False):
    """``{name: points}`` as float arrays of shape (k, 2); non-finite points stay (charts leave them out)."""
    if named is None and optional:
        return None
    expected = "a mapping of names to points of shape (k, 2), e.g. {'GD': traj.points}"
    if not isinstance(named, Mapping):
        fail(name, owner, expected, describe(named))
    out = {}
    for key, value in named.items():
        arr = real_array(value, name, owner, expected)
        if arr.size and (arr.ndim == 0 or arr.shape[-1] != 2):
            fail(name, owner, expected, _Text(f"{{{key!r}: an array of shape {arr.shape}}}"))
        out[key] = arr.reshape(-1, 2)
    return out


def _is_pair(value):
    """A pair such as (x, y) or (point, direction): a tuple, list or array of length 2."""
    return isinstance(value, (tuple, list, np.ndarray)) and len(value) == 2


def _check_path(points, name, owner):
    """Points as a float array of shape (k, 2) (non-finite points stay: charts leave them out)."""
    expected = "an array of points of shape (k, 2)"
    arr = real_array(points, name, owner, expected)
    if arr.size and (arr.ndim != 2 or arr.shape[-1] != 2):
        fail(name, owner, expected, _Text(f"an array of shape {arr.shape}"))
    return arr.reshape(-1, 2)


def _check_values(value, name, owner, *, ndim=1):
    """Numbers as a float array of ``ndim`` dimensions (NaN allowed: charts leave them out)."""
    expected = f"a {ndim}-D array of real numbers"
    arr = real_array(value, name, owner, expected)
    if arr.ndim != ndim:
        fail(name, owner, expected, _Text(f"an array of shape {arr.shape}"))
    return arr


def _check_series(series, name, owner, *, optional=False):
    """``{name: values}`` as 1-D float arrays."""
    if series is None and optional:
        return None
    expected = "a mapping of names to 1-D arrays of real numbers"
    if not isinstance(series, Mapping):
        fail(name, owner, expected, describe(series))
    out = {}
    for key, value in series.items():
        arr = real_array(value, name, owner, expected)
        # (n,), (n, 1) and (1, n) are one series; (T, B), B runs side by side, is not.
        if arr.ndim != 1 and arr.size != max(arr.shape, default=1):
            fail(name, owner, expected, _Text(f"{{{key!r}: an array of shape {arr.shape}}}"))
        out[key] = arr.reshape(-1)
    return out


def _check_size(value, name, owner, *, allow_none=False, low=1, high=10_000):
    return check_int(value, name, owner, low=low, high=high, allow_none=allow_none)


def _check_flag(value, name, owner):
    """True, False or None (None: the builder chooses)."""
    if value is not None and not isinstance(value, (bool, np.bool_)):
        fail(name, owner, "True, False or None", value)
    return value


def _check_text(value, name, owner, *, allow_none=True):
    # A title may also be Altair's own TitleParams (a title with a subtitle).
    if not (isinstance(value, (str, alt.TitleParams)) or (value is None and allow_none)):
        fail(name, owner, "a str" + (" or None" if allow_none else ""), value)
    return value


def _check_colors(colors, name, owner, *, hex_only=False):
    """A non-empty sequence of colours (``"#rrggbb"`` when ``hex_only``: rasters mix them in numpy)."""
    expected = "a non-empty sequence of colours like '#d62728'"
    if isinstance(colors, str) or not isinstance(colors, (tuple, list)) or not colors:
        fail(name, owner, expected, describe(colors))
    for c in colors:
        ok = isinstance(c, str) and (not hex_only or (len(c) == 7 and c[0] == "#"
                                                       and all(ch in "0123456789abcdefABCDEF" for ch in c[1:])))
        if not ok:
            fail(name, owner, expected + (" (hex '#rrggbb')" if hex_only else ""), describe(colors))
    return colors

#: Colours of named paths, in order: readable on the light heatmap and for colour-blind eyes.
PATH_COLORS = ("#d62728", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")
#: The heatmap's colour ramp, low loss to high: the raster and its colour bar share it.
HEATMAP_COLORS = ("#f4f9f7", "#dcefe9", "#bfe2dc", "#9dd0cf", "#7bbbc3", "#5fa1b5", "#4a85a4", "#3a6790", "#2d4b78")
#: Viridis at nine stops, for maps coloured by a value where hue must separate neighbours.
VIRIDIS = ("#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725")
WIDTH, HEIGHT = 420, 380
#: d3 format of axis and colour-bar numbers: plain decimals ("200", "0.001"), never "2e+2".
PLAIN = "~r"
_SUPERSCRIPTS = dict(zip("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
#: Vega label expression for a log axis: powers of ten, plain from 0.0001 to 10000, else 10ⁿ.
LOG_LABELS = (
    # Only powers of ten are labelled: Vega's ticks in between (5, 0.6, 0.07) read as noise.
    "abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) > 1e-6 ? '' : "
    "datum.value >= 0.0001 && datum.value < 100000 ? format(datum.value, '~r') : "
    + "".join(f"replace(" for _ in _SUPERSCRIPTS)
    + "'10' + format(round(log(datum.value) / LN10), 'd')"
    + "".join(f", regexp('{d}', 'g'), '{s}')" for d, s in _SUPERSCRIPTS.items())
)


def log_axis(values=None, **kwargs):
    """An Altair axis for a log scale with labels a student reads (0.01, 1, 100, 10⁻⁸).

    Only powers of ten are labelled, unless the positive ``values`` drawn on it span no
    power of ten: then every tick gets a plain number.

    >>> log_axis([2.0, 9.0]).format, log_axis([0.05, 3.0]).labelExpr[:3]
    ('~r', 'abs')
    """
    if values is not None:
        v = np.asarray(values, dtype=np.float64)
        v = v[np.isfinite(v) & (v > 0)]
        if len(v) and np.floor(np.log10(v.max())) < np.ceil(np.log10(v.min())):
            return alt.Axis(format=PLAIN, **kwargs)
    # Exponents are superscripts: one size up so that they stay legible.
    return alt.Axis(labelExpr=LOG_LABELS, labelFontSize=12, **kwargs)


def plain(value, digits=3):
    """A number as a student reads it: 3 significant digits, no exponent for ordinary sizes.

    >>> [plain(v) for v in (1234.6, 0.012345, 7.89e-31, 2e-7, 250000.0, -0.0)]
    ['1,235', '0.0123', '0', '2×10⁻⁷', '250,000', '0']
    """
    if isinstance(value, (bool, np.bool_)) or not (isinstance(value, (int, float, np.integer, np.floating))
                                                    or (isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf")):
        fail("value", "plain", "a real number", describe(value))
    digits = check_int(digits, "digits", "plain", low=1, high=15)
    value = float(value)
    if not np.isfinite(value):
        return str(value)
    if abs(value) < 1e-12:
        return "0"
    if abs(value) >= 10 ** digits:
        return f"{value:,.0f}"
    if abs(value) >= 1e-4:
        text = f"{value:.{digits}g}"
        return text if "e" not in text else f"{value:,.{max(0, digits - 1 - int(np.floor(np.log10(abs(value)))))}f}"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    power = "10" + "".join(_SUPERSCRIPTS[c] for c in str(int(exponent)))
    return power if mantissa == "1" else f"{mantissa}×{power}"


#: More known critical points than this and a landscape marks only the global minimum.
MARKER_LIMIT = 40
#: Most contour vertices one surface sends: an egg-crate like Rastrigin has thousands of rings.
CONTOUR_VERTICES = 1200

_MARKER_STYLE = {
    "minimum": {"shape": "diamond", "color": "#111111"},
    "global minimum": {"shape": "diamond", "color": "#111111"},
    "saddle": {"shape": "cross", "color": "#7b3294"},
    "maximum": {"shape": "triangle-up", "color": "#b35806"},
    "degenerate": {"shape": "square", "color": "#555555"},
}


def grid(loss, bounds, resolution=70):
    """Evaluate ``loss`` on a ``resolution`` x ``resolution`` grid over ``bounds``.

    Returns ``xs``, ``ys`` (the axes) and ``z`` of shape ``(len(ys), len(xs))``,
    with overflow set to NaN rather than warned about.

    >>> xs, ys, z = grid(lambda w: (w ** 2).sum(-1), ((-1, 1), (-1, 1)), resolution=3)
    >>> z.tolist()
    [[2.0, 1.0, 2.0], [1.0, 0.0, 1.0], [2.0, 1.0, 2.0]]
    """
    if not callable(loss):
        fail("loss", "grid", "a callable loss(w) of points of shape (..., 2)", describe(loss))
    (x0, x1), (y0, y1) = check_bounds(bounds, "bounds", "grid")
    resolution = _check_size(resolution, "resolution", "grid", low=2, high=400)
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    return xs, ys, _evaluate(loss, xs, ys, ("loss", "grid"))


def _wide_range(z) -> bool:
    """True when a linear colour scale would hide the valley: most cells sit near the floor."""
    lo, low_quarter, hi = np.nanpercentile(z, [0, 25, 100])
    return hi - lo > 0 and (hi - lo) > 20 * (low_quarter - lo)


def _png(rgba) -> bytes:
    """Encode an ``(h, w, 4)`` uint8 array (first row at the top) as a PNG, with zlib only."""
    h, w, _ = rgba.shape
    raw = b"".join(b"\x00" + rgba[row].tobytes() for row in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _rgb(hex_colors):
    return np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in hex_colors], dtype=np.float64)


def ramp(t, colors=HEATMAP_COLORS):
    """Colours for ``t`` in [0, 1], piecewise linear in RGB between evenly spaced ``colors``.

    This is how Vega interpolates a continuous scale whose range is a list of
    colours with ``interpolate="rgb"``, so a raster coloured here matches the
    colour bar Vega draws from the same list. NaN maps to transparent.

    >>> ramp(np.array([0.0, 1.0, np.nan]), ("#000000", "#ffffff")).tolist()
    [[0, 0, 0, 255], [255, 255, 255, 255], [0, 0, 0, 0]]
    """
    t = real_array(t, "t", "ramp", "an array of real numbers in [0, 1] (NaN: transparent)")
    if len(_check_colors(colors, "colors", "ramp", hex_only=True)) < 2:
        fail("colors", "ramp", "at least two colours like '#d62728'", describe(colors))
    stops = _rgb(colors)
    pos = np.clip(np.nan_to_num(t, nan=0.0), 0.0, 1.0) * (len(stops) - 1)
    i = np.minimum(pos.astype(np.int64), len(stops) - 2)
    f = (pos - i)[..., None]
    rgb = stops[i] * (1 - f) + stops[i + 1] * f
    alpha = np.where(np.isnan(t), 0.0, 255.0)[..., None]
    return np.rint(np.concatenate([rgb, alpha], axis=-1)).astype(np.uint8)


def image(rgba, bounds, *, opacity=1.0):
    """An ``(h, w, 4)`` RGBA array drawn as one image spanning ``bounds`` (row 0 at the bottom, as ``y``).

    One raster layer instead of a rectangle per cell: tens of kB instead of
    hundreds, no seams between cells, and no row limit. Axes, contours and
    paths layered on top stay vector.

    >>> chart = image(ramp(np.zeros((2, 3))), ((0, 3), (0, 2)))
    >>> chart.to_dict()["mark"]["type"]
    'image'
    """
    (x0, x1), (y0, y1) = check_bounds(bounds, "bounds", "image")
    rgba = np.asarray(rgba)
    if rgba.dtype != np.uint8 or rgba.ndim != 3 or rgba.shape[-1] != 4 or not rgba.size:
        fail("rgba", "image", "a uint8 array of shape (h, w, 4), as ramp() returns", describe(rgba))
    opacity = check_real(opacity, "opacity", "image", low=0, high=1)
    url = "data:image/png;base64," + base64.b64encode(_png(np.ascontiguousarray(rgba[::-1]))).decode()
    x, y = _scales(bounds)
    data = pd.DataFrame({"x": [x0], "x2": [x1], "y": [y0], "y2": [y1], "url": [url]})
    return alt.Chart(data).mark_image(aspect=False, opacity=opacity).encode(x=x, x2=alt.X2("x2:Q"), y=y, y2=alt.Y2("y2:Q"), url=alt.Url("url:N"))


def _colour_bar(domain, title, *, exponent=1.0, bounds, colors=HEATMAP_COLORS):
    """An invisible layer whose only job is the colour bar of :func:`ramp` over ``domain``."""
    (x0, _), (y0, _) = bounds
    data = pd.DataFrame({"x": [x0, x0], "y": [y0, y0], "v": [float(domain[0]), float(domain[1])]})
    scale = alt.Scale(domain=list(domain), range=list(colors), interpolate="rgb", nice=False, zero=False,
                      **({"type": "pow", "exponent": exponent} if exponent != 1.0 else {}))
    return alt.Chart(data).mark_point(size=0, opacity=0).encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"),
        color=alt.Color("v:Q", scale=scale, title=title, legend=alt.Legend(format=PLAIN, tickCount=4, gradientLength=160)),
    )


def _cell_axes(bounds, resolution):
    """Cell centres of a ``resolution`` x ``resolution`` raster that exactly covers ``bounds``."""
    (x0, x1), (y0, y1) = bounds
    dx, dy = (x1 - x0) / resolution, (y1 - y0) / resolution
    return x0 + dx * (np.arange(resolution) + 0.5), y0 + dy * (np.arange(resolution) + 0.5)


def contour_levels(z, levels=12, log=False):
    """Contour levels spread evenly in value, or in log of height above the floor.

    >>> contour_levels(np.array([[0.0, 1.0], [2.0, 3.0]]), levels=2).tolist()
    [1.0, 2.0]
    """
    z = real_array(z, "z", "contour_levels", "an array of real numbers (NaN: no value)")
    levels = check_int(levels, "levels", "contour_levels", low=0, high=1000)
    _check_flag(log, "log", "contour_levels")
    finite = z[np.isfinite(z)]  # nanmin of no number warns; an empty or flat map has no levels
    if not finite.size or finite.max() <= finite.min():
        return np.array([])
    lo, hi = finite.min(), finite.max()
    if log:
        span = hi - lo
        heights = np.geomspace(span * 1e-4, span, levels + 1)[:-1]
        return lo + heights
    return np.linspace(lo, hi, levels + 2)[1:-1]


def contour_lines(xs, ys, z, levels):
    """Contour lines as a long table: ``x, y, level, line, order``.

    >>> xs = ys = np.linspace(-1, 1, 41)
    >>> z = np.add.outer(ys ** 2, xs ** 2)
    >>> lines = contour_lines(xs, ys, z, [0.25])
    >>> bool(np.allclose(np.hypot(lines.x, lines.y), 0.5, atol=1e-2))
    True
    """
    xs, ys = _check_values(xs, "xs", "contour_lines"), _check_values(ys, "ys", "contour_lines")
    z = _check_values(z, "z", "contour_lines", ndim=2)
    if z.shape != (len(ys), len(xs)) or min(z.shape) < 2:
        fail("z", "contour_lines", "an array of shape (len(ys), len(xs)), both >= 2", _Text(f"shape {z.shape}"))
    levels = _check_values(np.atleast_1d(real_array(levels, "levels", "contour_lines", "a 1-D array of levels")),
                           "levels", "contour_lines")
    gen = contourpy.contour_generator(xs, ys, np.ma.masked_invalid(z))
    frames, line_id = [], 0
    for level in levels:
        for segment in gen.lines(level):
            frames.append(
                pd.DataFrame(
                    {
                        "x": segment[:, 0],
                        "y": segment[:, 1],
                        "level": level,
                        "line": line_id,
                        "order": np.arange(len(segment)),
                    }
                )
            )
            line_id += 1
    if not frames:
        return pd.DataFrame({"x": [], "y": [], "level": [], "line": [], "order": []})
    return pd.concat(frames, ignore_index=True)


def plane_size(bounds, width=WIDTH, max_height=480):
    """Width and height that keep one unit of w1 as long as one unit of w2 (circles stay round).

    >>> plane_size(((0, 2), (0, 1)), width=400)
    (400, 200)
    """
    (x0, x1), (y0, y1) = check_bounds(bounds, "bounds", "plane_size")
    width = check_real(width, "width", "plane_size", low=0, closed="neither")
    max_height = check_real(max_height, "max_height", "plane_size", low=0, closed="neither")
    height = width * (y1 - y0) / (x1 - x0)
    if height > max_height:
        width, height = width * max_height / height, max_height
    return int(round(width)), int(round(height))


def axis_titles(chart, x_title, y_title):
    """Name a plane's axes (default w₁, w₂), e.g. α and β on a slice, x₁ and x₂ in input space.

    Every layer that encodes a field on x and y gets the names: Vega-Lite joins the differing
    names of a shared axis ("α, w₁"), so a path or a marker layered over a renamed plane
    would otherwise add its own w₁ to the axis.

    >>> import gdcore as gd
    >>> spec = axis_titles(surface(gd.surfaces.get("bowl"), resolution=4), "α", "β").to_dict()
    >>> {(l["encoding"]["x"]["title"], l["encoding"]["y"]["title"]) for l in spec["layer"] if "field" in l["encoding"]["x"]}
    {('α', 'β')}
    """
    layers = [chart]
    while layers:
        layer = layers.pop(0)
        sub = getattr(layer, "layer", alt.Undefined)
        if sub is not alt.Undefined and sub:
            layers = list(sub) + layers
            continue
        encoding = getattr(layer, "encoding", alt.Undefined)
        if encoding is alt.Undefined:
            continue
        for channel, title in (("x", x_title), ("y", y_title)):
            enc = getattr(encoding, channel, alt.Undefined)
            # A position channel, not a pixel offset (XValue) or a datum: those have no axis of their own.
            if isinstance(enc, (alt.X, alt.Y)):
                enc.title = title
    return chart


def _scales(bounds):
    (x0, x1), (y0, y1) = bounds
    x = alt.X("x:Q", title="w₁", scale=alt.Scale(domain=[x0, x1], nice=False, zero=False))
    y = alt.Y("y:Q", title="w₂", scale=alt.Scale(domain=[y0, y1], nice=False, zero=False))
    return x, y


def surface(
    objective,
    *,
    bounds=None,
    resolution=70,
    levels=12,
    log=None,
    title=None,
    width=WIDTH,
    height=None,
):
    """Heatmap of the loss over the weight plane, with contour lines.

    ``objective`` is a surface or any object with ``loss(w)``; ``bounds``
    defaults to ``objective.bounds``. ``log=None`` picks a logarithmic colour
    scale when the loss spans orders of magnitude (Rosenbrock's valley is
    invisible on a linear one).

    Every argument is checked (a ParameterError names a bad one); an
    objective without ``bounds`` needs them given.

    >>> import gdcore as gd
    >>> [layer["mark"]["type"] for layer in surface(gd.surfaces.get("bowl"), resolution=8).to_dict()["layer"]]
    ['image', 'point', 'line']
    """
    _check_loss(objective, "objective", "surface")
    bounds = _check_window(bounds, objective, "surface")
    resolution = _check_size(resolution, "resolution", "surface", low=2, high=400)
    levels = _check_size(levels, "levels", "surface", low=0, high=100)
    _check_flag(log, "log", "surface")
    _check_text(title, "title", "surface")
    width = _check_size(width, "width", "surface")
    height = _check_size(height, "height", "surface", allow_none=True)
    xs, ys = _cell_axes(bounds, resolution)
    return grid_map(xs, ys, _evaluate(objective.loss, xs, ys), levels=levels, log=log, title=title, width=width, height=height,
                    bounds=bounds)


def grid_map(xs, ys, z, *, levels=12, log=None, title=None, width=WIDTH, height=None, color_title="loss", bounds=None):
    """A heatmap with contour lines of values already computed: ``z[i, j]`` at ``(xs[j], ys[i])``.

    The grid points are the centres of the raster's cells (evenly spaced ``xs`` and ``ys``),
    e.g. a :class:`gdcore.landscape.Slice` (``alphas``, ``betas``, ``losses``); :func:`surface`
    draws through it, passing its window as ``bounds`` (default: the cells' outer edges).
    Non-finite values are left transparent.

    >>> chart = grid_map(np.arange(3.0), np.arange(2.0), np.arange(6.0).reshape(2, 3))
    >>> [layer["mark"]["type"] for layer in chart.to_dict()["layer"]]
    ['image', 'point', 'line']
    """
    owner = "grid_map"
    xs, ys = _check_values(xs, "xs", owner), _check_values(ys, "ys", owner)
    for name, axis in (("xs", xs), ("ys", ys)):
        if not (np.all(np.isfinite(axis)) and np.all(np.diff(axis) > 0)):
            fail(name, owner, "an increasing 1-D array of finite numbers (evenly spaced cell centres)", describe(axis))
    z = _check_values(z, "z", owner, ndim=2)
    if min(len(xs), len(ys)) < 2 or z.shape != (len(ys), len(xs)):
        fail("z", owner, f"an array of shape (len(ys), len(xs)) = {(len(ys), len(xs))}, both >= 2", _Text(f"shape {z.shape}"))
    levels = _check_size(levels, "levels", owner, low=0, high=100)
    _check_flag(log, "log", owner)
    _check_text(title, "title", owner)
    _check_text(color_title, "color_title", owner, allow_none=False)
    width = _check_size(width, "width", owner)
    height = _check_size(height, "height", owner, allow_none=True)
    bounds = None if bounds is None else check_bounds(bounds, "bounds", owner)
    with np.errstate(invalid="ignore"):
        z = np.where(np.isfinite(z), z, np.nan)
    hx = (xs[-1] - xs[0]) / (2 * (len(xs) - 1)) if len(xs) > 1 else 0.5
    hy = (ys[-1] - ys[0]) / (2 * (len(ys) - 1)) if len(ys) > 1 else 0.5
    if bounds is None:  # the cells' outer edges
        bounds = ((float(xs[0] - hx), float(xs[-1] + hx)), (float(ys[0] - hy), float(ys[-1] + hy)))
    if log is None:
        log = _wide_range(z) if np.isfinite(z).any() else False
    lo, hi = (float(np.nanmin(z)), float(np.nanmax(z))) if np.isfinite(z).any() else (0.0, 1.0)
    span = hi - lo if hi > lo else 1.0
    if log:
        # Colour by the height above the lowest cell on a cube-root scale: the valley floor
        # gets shades of its own instead of one pale band beside steep walls.
        t, bar = np.cbrt((z - lo) / span), _colour_bar((0.0, span), f"{color_title} − min", exponent=1 / 3, bounds=bounds)
    else:
        t, bar = (z - lo) / span, _colour_bar((lo, lo + span), color_title, bounds=bounds)
    heat = image(ramp(t), bounds, opacity=0.92)
    x, y = _scales(bounds)
    lines = contour_lines(xs, ys, z, contour_levels(z, levels, log))
    # A thousandth of the window is under a pixel of a plot 1,000 px wide.
    lines = _thin_contours(lines, CONTOUR_VERTICES).round({"x": _decimals(bounds) - 1, "y": _decimals(bounds) - 1})
    contour = (
        alt.Chart(lines)
        .mark_line(strokeWidth=0.8, color="#36454f", opacity=0.55, clip=True)
        .encode(x=x, y=y, detail=alt.Detail("line:N"), order=alt.Order("line:Q"))
    )
    width, height = plane_size(bounds, width) if height is None else (width, height)
    props = {"width": width, "height": height}
    if title:
        props["title"] = title
    return layer(heat, bar, contour).properties(**props)


def _thin_contours(lines, budget):
    """At most ``budget`` contour vertices: every k-th of each line (its last kept), the shortest lines
    dropped if that is not enough. Finer than a pixel either way.

    Only ``x, y, line`` are kept: ordering by the line id keeps each line's rows in the order given
    (Vega's sort breaks ties by insertion order), so no per-row order field is sent.
    """
    if not len(lines):
        return lines[["x", "y", "line"]]
    ids = lines["line"].to_numpy().astype(np.int64)
    lengths = np.bincount(ids)
    stride = 1
    while (np.ceil(lengths / stride) + 1).sum() > budget and stride < lengths.max():
        stride += 1
    cost = np.ceil(lengths / stride) + 1
    kept_lines = np.zeros(len(lengths), dtype=bool)
    longest_first = np.argsort(-lengths, kind="stable")
    kept_lines[longest_first[np.cumsum(cost[longest_first]) <= budget]] = True
    order = lines["order"].to_numpy()
    last = np.r_[ids[1:] != ids[:-1], True]
    keep = kept_lines[ids] & ((order % stride == 0) | last)
    return lines.loc[keep, ["x", "y", "line"]]


def _evaluate(loss, xs, ys, who=("objective", "surface")):
    """``loss`` on the grid ``xs`` x ``ys``, shape ``(len(ys), len(xs))``; overflow becomes NaN silently.

    ``who`` is the (parameter, builder) a loss giving complex values or a wrong shape is blamed on.
    """
    w = np.stack(np.meshgrid(xs, ys), axis=-1)
    expected = "a loss giving one real number per point, shape (..., 2) -> (...)"
    with np.errstate(all="ignore"):
        z = real_array(loss(w), *who, expected)
    if z.shape != w.shape[:-1]:
        fail(*who, expected, _Text(f"a loss of shape {z.shape} for points of shape {w.shape}"))
    return np.where(np.isfinite(z), z, np.nan)


def _decimals(bounds):
    """Decimals that keep four significant digits of the window's span."""
    (x0, x1), (y0, y1) = bounds
    span = max(x1 - x0, y1 - y0, 1e-12)
    return int(max(0, 4 - np.floor(np.log10(span))))


#: A solid stroke. Not ``(1, 0)``: a dash pattern, even one with no gaps, makes the canvas
#: cut the line into 1-pixel dashes, and that took a sixth of the time Vega spent on a move
#: of Batch size's charts.
SOLID = ()
#: Dash patterns and widths of paths in order, so that two runs on the same track stay
#: visible: the first is drawn widest and solid, later ones narrower and dashed on top.
PATH_DASHES = (SOLID, (7, 3), (2, 2), (9, 3, 2, 3), (4, 4), (1, 3), (12, 3), (5, 2, 1, 2))
PATH_WIDTHS = (4.0, 2.6, 2.2, 2.0, 1.8, 1.8, 1.6, 1.6)
#: Most points drawn of one path: a longer one is thinned for display (its end always kept).
PATH_POINTS = 250


def paths(named_points: Mapping[str, np.ndarray], *, bounds=None, stride=1, colors=PATH_COLORS):
    """Paths in the weight plane: ordered lines, a circle at the start, a square at the end.

    ``named_points`` maps a legend name to a path of shape ``(T+1, 2)``.
    Paths are clipped to the plot, so a diverging run still draws; points that
    are not finite are left out. ``stride`` thins long paths (the last point is
    always kept), and a path of more than ``PATH_POINTS`` points is thinned to
    about that many. Each path has its own dash and width (``PATH_DASHES``,
    ``PATH_WIDTHS``) as well as its colour, and the legend shows them.

    >>> spec = paths({"a": np.zeros((3, 2)), "b": np.ones((3, 2))}).to_dict()
    >>> spec["layer"][0]["encoding"]["strokeDash"]["scale"]["range"]
    [[], [7, 3]]

    A bare array is not a mapping: ``paths(traj.points)`` fails saying so;
    write ``paths({"GD": traj.points})``.
    """
    named_points = _check_named(named_points, "named_points", "paths")
    bounds = None if bounds is None else check_bounds(bounds, "bounds", "paths")
    stride = _check_size(stride, "stride", "paths", high=None)
    _check_colors(colors, "colors", "paths")
    frames = []
    for name, pts in named_points.items():
        finite = np.flatnonzero(np.isfinite(pts).all(axis=-1))
        step = max(1, int(stride), -(-len(finite) // PATH_POINTS))
        keep = finite[np.unique(np.r_[np.arange(0, len(finite), step), len(finite) - 1])] if len(finite) else finite
        frames.append(pd.DataFrame({"path": name, "step": keep, "x": pts[keep, 0], "y": pts[keep, 1]}))
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {"path": [], "step": [], "x": [], "y": []}
    )
    # The window the paths are drawn in: it sets the digits kept and when two markers meet.
    window = bounds or (((data.x.min(), data.x.max()), (data.y.min(), data.y.max())) if len(data) else ((0.0, 1.0), (0.0, 1.0)))
    if len(data):
        # Five significant digits of the window: finer than a pixel, half the bytes.
        data = data.round({"x": _decimals(window) + 1, "y": _decimals(window) + 1})
    names = list(named_points)
    n = max(1, len(names))
    legend = alt.Legend(orient="bottom", symbolType="stroke", symbolStrokeWidth=2.5, labelLimit=200,
                        columns=1 if len(names) > 2 else 2) if len(names) > 1 else None
    # Stroke, not color: a landscape keeps its colour scales independent (heatmap, markers), and a
    # stroke legend shares its scope with the dash legend, so the two merge into one.
    color = alt.Stroke("path:N", scale=alt.Scale(domain=names, range=list(colors[:n])), title="path", legend=legend)
    dash = alt.StrokeDash("path:N", scale=alt.Scale(domain=names, range=[list(d) for d in _cycle(PATH_DASHES, n)]),
                          title="path", legend=legend)
    # A width per row, unscaled: a width scale on the legend's field makes Vega-Lite warn
    # (unsorted discrete field, conflicting legends).
    data["w"] = data["path"].map(dict(zip(names, _cycle(PATH_WIDTHS, n))))
    width = alt.StrokeWidth("w:Q", scale=None)
    if bounds is not None:
        x, y = _scales(bounds)
    else:
        x, y = alt.X("x:Q", title="w₁"), alt.Y("y:Q", title="w₂")
    line = alt.Chart(data).mark_line(clip=True, opacity=0.9, point=alt.OverlayMarkDef(size=12, clip=True, opacity=0.9)).encode(
        x=x, y=y, stroke=color, strokeDash=dash, strokeWidth=width, order=alt.Order("step:Q"), detail=alt.Detail("path:N"),
        tooltip=[alt.Tooltip("path:N"), alt.Tooltip("step:Q"), alt.Tooltip("x:Q", format=".4f"), alt.Tooltip("y:Q", format=".4f")],
    )
    # Each path's first and last kept point, by position (a pandas groupby took 2-4 ms of a move).
    lengths = np.array([len(f) for f in frames], dtype=np.int64)
    last = np.cumsum(lengths) - 1
    first, shown = last - lengths + 1, lengths > 0
    xs, ys = data["x"].to_numpy(), data["y"].to_numpy()
    ends = pd.DataFrame({"path": [name for name, k in zip(named_points, lengths) if k],
                         "x0": xs[first[shown]], "y0": ys[first[shown]], "x1": xs[last[shown]], "y1": ys[last[shown]]})
    # The markers take their path's colour from the data: a second legend of the same paths
    # would not merge with the line's (colour + dash) one.
    ends["c"] = ends["path"].map(dict(zip(names, colors[:n])))
    # Runs often share a start ("one run per batch size, same start") and may share an end (two
    # optimizers in one minimum). Where markers meet, the last run's stays the filled marker it is
    # alone, and each earlier run's is a ring of its colour one size up: they nest like a target,
    # and every run stays in sight, as its dash does along a shared track.
    color_of_row, size_of_row = alt.Color("c:N", scale=None), alt.Size("s:Q", scale=None)
    (bx0, bx1), (by0, by1) = window
    span = max(bx1 - bx0, by1 - by0, 1e-12)
    # One table for the four marker layers (starts and ends, rings and filled), each taking its rows
    # by a filter: four tables cost a move 4-9 kB of table headers on the wire.
    parts = []
    for kind, (cx, cy) in (("start", ("x0", "y0")), ("end", ("x1", "y1"))):
        at = ends[["path", "c"]].assign(x=ends[cx], y=ends[cy], kind=kind)
        level = _nest_levels(at[["x", "y"]].to_numpy(), MARKERS_MEET * span)
        at = at.assign(s=(10.5 + 6.0 * level) ** 2, ring=(level > 0).astype(np.int8))
        for ring in (1, 0):
            if len(at) and not (at["ring"] == ring).any():
                # Every layer keeps a row (Vega would take an infinite extent from none): one of size 0.
                parts.append(at.iloc[:1].assign(s=0.0, ring=ring))
        parts.append(at)
    table = pd.concat(parts, ignore_index=True) if parts else ends[["path", "c"]].assign(x=[], y=[], kind=[], s=[], ring=[])
    markers = []
    for kind, shape in (("start", "circle"), ("end", "square")):
        for ring in (1, 0):
            mark = dict(filled=False, strokeWidth=2.5) if ring else dict(filled=True, stroke="white", strokeWidth=1.5)
            # Colour, not stroke, for the rings too: an unfilled point takes its colour as its stroke, and
            # a stroke channel here would split the paths' one legend (colour + dash) in two.
            markers.append(alt.Chart(table).mark_point(shape=shape, clip=True, **mark).encode(
                x=alt.X("x:Q"), y=alt.Y("y:Q"), color=color_of_row, size=size_of_row)
                .transform_filter(f"datum.kind == '{kind}' && datum.ring == {ring}"))
    return layer(line, *markers)


#: Two markers meet when their centres are closer than this share of the window's span: about
#: a marker's width on a plane some 700 px wide.
MARKERS_MEET = 0.015


def _nest_levels(points, tol):
    """For each marker, how many later ones sit on it (within ``tol`` on both axes): its ring's place from the inside.

    >>> _nest_levels(np.array([[0.0, 0.0], [0.0, 0.001], [1.0, 1.0], [0.0, 0.0]]), 0.01).tolist()
    [2, 1, 0, 0]
    """
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    near = (np.abs(points[:, None, :] - points[None, :, :]) < tol).all(axis=-1)
    return np.triu(near, k=1).sum(axis=1)


#: The longest legend name that still shares a row with others in :func:`xy_lines`.
LEGEND_NAME_CHARS = 24
#: Most rows any one chart sends for its curves: under Altair's 5,000-row limit in a notebook.
CURVE_ROWS = 4000


def thin(n, budget):
    """Indices of at most ``budget`` of ``n`` evenly spaced items, the first and the last kept.

    Charts draw long runs from these; the data returned by gdcore keeps every point.

    >>> thin(10, 4).tolist()
    [0, 3, 6, 9]
    >>> thin(3, 10).tolist()
    [0, 1, 2]
    """
    n, budget = check_int(n, "n", "thin", low=0), check_int(budget, "budget", "thin", low=1)
    if n <= budget:
        return np.arange(n)
    return np.unique(np.rint(np.linspace(0, n - 1, max(2, int(budget)))).astype(np.int64))


#: The tallest a weight plane grows when it follows a wide column.
MAX_PLANE_HEIGHT = 520


def keep_aspect(chart, ratio, max_height=MAX_PLANE_HEIGHT):
    """Set the plot's height to ``ratio`` times its declared width, at most ``max_height``.

    The height is fixed when the chart is built. A height that Vega recomputed from the
    width of the column (tried: a parameter named ``height`` with ``width * ratio``)
    kept a weight plane square on a phone, but made Vega's layout run again and again
    ("Dataflow already running") on some pages, so a fixed height it is.

    >>> keep_aspect(alt.Chart().mark_point().properties(width=400, height=100), 0.5).height
    200
    """
    ratio = check_real(ratio, "ratio", "keep_aspect", low=0, closed="neither")
    max_height = check_int(max_height, "max_height", "keep_aspect", low=1)
    width = chart.width if isinstance(chart.width, (int, float)) else WIDTH
    chart.height = int(min(round(width * ratio), max_height))
    return chart


def _cycle(values, n):
    return tuple(values[i % len(values)] for i in range(n))


def markers(named_points: Mapping[str, np.ndarray], *, labels: Mapping[str, str] | None = None, legend=True):
    """Known critical points: ``{"minimum": (k, 2), "saddle": (m, 2), ...}`` as shaped markers.

    ``labels`` optionally maps a kind to its legend text.

    >>> import gdcore as gd
    >>> s = gd.surfaces.get("himmelblau")
    >>> markers({"minimum": s.minima, "saddle": s.saddles}).to_dict()["mark"]["type"]
    'point'
    """
    named_points = _check_named(named_points, "named_points", "markers")
    if labels is not None and not isinstance(labels, Mapping):
        fail("labels", "markers", "a mapping of kinds to legend texts, or None", describe(labels))
    frames = []
    for kind, pts in named_points.items():
        pts = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
        if len(pts):
            frames.append(pd.DataFrame({"kind": (labels or {}).get(kind, kind), "x": pts[:, 0], "y": pts[:, 1]}))
    if not frames:
        return alt.Chart(pd.DataFrame({"x": [], "y": []})).mark_point().encode(x=alt.X("x:Q"), y=alt.Y("y:Q"))
    data = pd.concat(frames, ignore_index=True)
    kinds = [(labels or {}).get(k, k) for k in named_points if len(np.asarray(named_points[k]).reshape(-1, 2))]
    style = [_MARKER_STYLE.get(k, _MARKER_STYLE["degenerate"]) for k in named_points if len(np.asarray(named_points[k]).reshape(-1, 2))]
    return (
        alt.Chart(data)
        .mark_point(size=130, filled=True, opacity=0.95, clip=True)
        .encode(
            x=alt.X("x:Q"),
            y=alt.Y("y:Q"),
            # Shape and fill share field and title, so Vega-Lite merges them into one legend.
            # One entry a row: beside a path legend, a row of three would run past a phone's edge.
            shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=[s["shape"] for s in style]), title="critical point",
                            legend=alt.Legend(orient="bottom", columns=1) if legend else None),
            fill=alt.Fill("kind:N", scale=alt.Scale(domain=kinds, range=[s["color"] for s in style]), title="critical point",
                          legend=alt.Legend(orient="bottom", columns=1) if legend else None),
            tooltip=[alt.Tooltip("kind:N"), alt.Tooltip("x:Q", format=".4f"), alt.Tooltip("y:Q", format=".4f")],
        )
    )


def arrow(point, direction, *, color="#111111", label="−∇L"):
    """An arrow from ``point`` along ``direction`` (e.g. minus the gradient, scaled).

    A shaft and a head, layered:

    >>> import gdcore as gd
    >>> s = gd.surfaces.get("bowl")
    >>> type(arrow((1.0, 1.0), -0.1 * s.grad([1.0, 1.0]))).__name__
    'LayerChart'
    """
    p = check_points(point, "point", "arrow", batched=False)
    q = p + check_points(direction, "direction", "arrow", batched=False)
    # Vega measures a point's angle clockwise from up, in screen space; y grows upward here.
    angle = float(np.degrees(np.arctan2(q[0] - p[0], q[1] - p[1])))
    shaft = pd.DataFrame({"x": [p[0], q[0]], "y": [p[1], q[1]], "order": [0, 1]})
    head = pd.DataFrame({"x": [q[0]], "y": [q[1]], "angle": [angle], "label": [label]})
    line = alt.Chart(shaft).mark_line(color=color, strokeWidth=2.5, clip=True).encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), order=alt.Order("order:Q"))
    tip = alt.Chart(head).mark_point(shape="triangle-up", filled=True, size=140, color=color, clip=True).encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"), angle=alt.Angle("angle:Q", scale=None)
    )
    text = alt.Chart(head).mark_text(align="left", dx=8, dy=-8, fontSize=13, color=color, clip=True).encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"), text=alt.Text("label:N")
    )
    return layer(line, tip, text)


def curves(series: Mapping[str, np.ndarray], field, *, title=None, x_title="step", log=None, width=WIDTH, height=220,
           colors=PATH_COLORS, x_values=None, x_domain=None):
    """Named series against their index (or ``x_values[name]``), one line each.

    ``field`` names the quantity (a column name); ``title`` labels the y axis.
    ``log=None`` picks a log axis when positive values span more than two decades.
    ``x_domain=(lo, hi)`` fixes the x axis exactly (e.g. to a map's window above it).

    >>> chart = curves({"a": [3.0, 2.0, 1.0]}, "loss", x_values={"a": [0, 10, 20]})
    >>> chart.data["x"].tolist()
    [0.0, 10.0, 20.0]
    """
    owner = "curves"
    series = _check_series(series, "series", owner)
    _check_text(field, "field", owner, allow_none=False)
    x_values = _check_series(x_values, "x_values", owner, optional=True)
    if x_values is not None:
        for name, values in series.items():
            if name not in x_values or len(x_values[name]) != len(values):
                fail("x_values", owner, "a mapping giving every series its x values, one per value",
                     _Text(f"{len(x_values.get(name, []))} x values for {name!r}, which has {len(values)}"))
    _check_flag(log, "log", owner)
    _check_colors(colors, "colors", owner)
    width, height = _check_size(width, "width", owner), _check_size(height, "height", owner)
    if x_domain is not None:
        domain = real_array(x_domain, "x_domain", owner, "a pair (lo, hi) of finite floats with lo < hi, or None")
        if domain.shape != (2,) or not np.all(np.isfinite(domain)) or not domain[0] < domain[1]:
            fail("x_domain", owner, "a pair (lo, hi) of finite floats with lo < hi, or None", x_domain)
    frames = []
    budget = CURVE_ROWS // max(1, len(series))
    for name, values in series.items():
        xs = np.arange(len(values)) if x_values is None else x_values[name]
        keep = thin(len(values), budget)
        frames.append(pd.DataFrame({"series": name, "x": xs[keep], field: values[keep]}))
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"series": [], "x": [], field: []})
    data = data[np.isfinite(data[field])].copy()
    if log is None:
        vals = data[field].to_numpy()
        log = bool(len(vals)) and vals.min() > 0 and vals.max() / vals.min() > 100
    y_scale = alt.Scale(type="log") if log else alt.Scale(zero=False)
    names = list(series)
    n = max(1, len(names))
    # Two columns: a row of four labels would run past a phone's edge.
    legend = alt.Legend(orient="bottom", symbolType="stroke", symbolStrokeWidth=2.5, labelLimit=260,
                        columns=min(len(names), 2)) if len(names) > 1 else None
    color = alt.Color("series:N", scale=alt.Scale(domain=names, range=list(colors[:n])), title=None, legend=legend)
    # Series on the same values (two lr schedules that agree for a while) must not hide each other.
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=names, range=[list(d) for d in _cycle(PATH_DASHES, n)]),
                          title=None, legend=legend)
    data["w"] = data["series"].map(dict(zip(names, [w * 0.75 for w in _cycle(PATH_WIDTHS, n)])))
    stroke = alt.StrokeWidth("w:Q", scale=None)
    return (
        alt.Chart(data)
        .mark_line(clip=True)
        .encode(
            x=alt.X("x:Q", title=x_title, axis=alt.Axis(format=PLAIN),
                    scale=alt.Scale(domain=list(x_domain), nice=False, zero=False) if x_domain is not None else alt.Scale()),
            y=alt.Y(f"{field}:Q", title=(title or field) + (" (log scale)" if log else ""), scale=y_scale,
                    axis=log_axis(data[field]) if log else alt.Axis(format=PLAIN)),
            color=color,
            strokeDash=dash,
            strokeWidth=stroke,
            tooltip=[alt.Tooltip("series:N"), alt.Tooltip("x:Q", title=x_title), alt.Tooltip(f"{field}:Q", format=".4g")],
        )
        .properties(width=width, height=height)
    )


def loss_curve(series: Mapping[str, np.ndarray], *, x_title="step", log=None, width=WIDTH, height=240, colors=PATH_COLORS,
               x_values=None, x_domain=None):
    """Loss against step for one or more named runs; log axis when it spans decades.

    >>> import gdcore as gd
    >>> traj = gd.descend(gd.surfaces.get("bowl"), gd.SGD(lr=0.1), (1.0, 1.0), steps=20)
    >>> type(loss_curve({"SGD": traj.losses})).__name__
    'Chart'
    """
    series = _check_series(series, "series", "loss_curve")
    return curves(series, "loss", x_title=x_title, log=log, width=width, height=height, colors=colors, x_values=x_values,
                  x_domain=x_domain)


def lr_curve(series: Mapping[str, np.ndarray], *, x_title="update", log=False, width=WIDTH, height=200, colors=PATH_COLORS):
    """Learning rate against update number for one or more named schedules.

    >>> import numpy as np
    >>> import gdcore as gd
    >>> lrs = gd.schedules.cosine(0.1, t_max=10)(np.arange(10))
    >>> lr_curve({"cosine": lrs}).to_dict()["mark"]["type"]
    'line'
    """
    series = _check_series(series, "series", "lr_curve")
    return curves(series, "lr", x_title=x_title, log=log, width=width, height=height, colors=colors)


def vertical_rules(xs, *, color="#555555", dash=(4, 3), label=None):
    """Vertical lines at the given x positions (e.g. lr reductions, the stop).

    No positions draw nothing but keep the chart's shape: one invisible rule at 0 (an
    empty table would give Vega an infinite extent), so a chart whose rules come and go
    from run to run keeps the same spec and is updated, not rebuilt.

    >>> vertical_rules([10, 30]).to_dict()["mark"]["type"]
    'rule'
    >>> vertical_rules([]).to_dict()["datasets"].popitem()[1]
    [{'x': 0.0, 'label': '', 'o': 0.0}]
    """
    xs = [float(v) for v in _check_values(xs, "xs", "vertical_rules")]
    _check_text(label, "label", "vertical_rules")
    data = pd.DataFrame({"x": xs or [0.0], "label": (label or "") if xs else "", "o": 1.0 if xs else 0.0})
    rule = alt.Chart(data).mark_rule(color=color, strokeDash=list(dash), strokeWidth=1.5).encode(
        x=alt.X("x:Q"), opacity=alt.Opacity("o:Q", scale=None))
    if label:
        rule = layer(rule, alt.Chart(data).mark_text(align="left", dx=4, dy=-4, color=color, fontSize=11).encode(
            x=alt.X("x:Q"), y=alt.YValue(10), text=alt.Text("label:N")
        ))
    return rule


def band(x0, x1, *, color="#f2b134", opacity=0.2):
    """A shaded vertical band from ``x0`` to ``x1`` (e.g. the patience window).

    >>> band(5, 15).to_dict()["mark"]
    {'type': 'rect', 'color': '#f2b134', 'opacity': 0.2}
    """
    x0, x1 = check_real(x0, "x0", "band"), check_real(x1, "x1", "band")
    opacity = check_real(opacity, "opacity", "band", low=0, high=1)
    data = pd.DataFrame({"x": [x0], "x2": [x1]})
    return alt.Chart(data).mark_rect(color=color, opacity=opacity).encode(x=alt.X("x:Q"), x2=alt.X2("x2:Q"))


def landscape(objective, named_paths=None, *, bounds=None, critical=None, resolution=70, title=None, width=WIDTH, height=None, stride=1):
    """The usual view: surface, critical points and paths in one chart.

    ``critical`` maps a kind ("minimum", "saddle", ...) to points; by default
    the objective's own ``minima`` and ``saddles`` when it has them.
    Every argument is checked; an objective without ``bounds`` needs them given.

    >>> import gdcore as gd
    >>> s = gd.surfaces.get("himmelblau")
    >>> traj = gd.descend(s, gd.SGD(lr=0.01), (0.0, 0.0), steps=50)
    >>> len(landscape(s, {"GD": traj.points}, resolution=20).to_dict()["layer"])  # surface, markers, path
    3
    """
    _check_loss(objective, "objective", "landscape")
    bounds = _check_window(bounds, objective, "landscape")
    named_paths = _check_named(named_paths, "named_paths", "landscape", optional=True)
    critical = _check_named(critical, "critical", "landscape", optional=True)
    resolution = _check_size(resolution, "resolution", "landscape", low=2, high=400)
    _check_text(title, "title", "landscape")
    width = _check_size(width, "width", "landscape")
    height = _check_size(height, "height", "landscape", allow_none=True)
    stride = _check_size(stride, "stride", "landscape", high=None)
    width, height = plane_size(bounds, width) if height is None else (width, height)
    chart = surface(objective, bounds=bounds, resolution=resolution, width=width, height=height)
    if critical is None:
        critical = {}
        for kind, attr in (("minimum", "minima"), ("saddle", "saddles"), ("maximum", "maxima")):
            pts = getattr(objective, attr, None)
            if pts is not None and len(pts):
                critical[kind] = pts
        if sum(len(p) for p in critical.values()) > MARKER_LIMIT:
            # An egg-crate (Rastrigin: 441 critical points) would be carpeted: the global minimum only.
            critical = {"global minimum": critical["minimum"][:1]} if "minimum" in critical else {}
    layers = [chart]
    if critical:
        layers.append(markers(critical))
    if named_paths:
        layers.append(paths(named_paths, bounds=bounds, stride=stride))
    props = {"width": width, "height": height}
    if title:
        props["title"] = title
    chart = layer(*layers).resolve_scale(color="independent", shape="independent", fill="independent")
    names = getattr(objective, "axis_titles", None)
    if names:
        axis_titles(chart, *names)
    return keep_aspect(chart.properties(**props), height / width)


BASIN_COLORS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")


def minimum_names(losses, *, rtol=1e-9):
    """Names a student reads for minima listed lowest first: "global minimum", "local minimum A", ...

    Minima as low as the lowest are global (lettered when there are several, as on
    Himmelblau's four); the others are local, lettered in the order given.

    >>> minimum_names([0.0, 1.5, 2.0])
    ['global minimum', 'local minimum A', 'local minimum B']
    >>> minimum_names([0.0, 0.0])
    ['global minimum A', 'global minimum B']
    """
    losses = _check_values(np.ravel(real_array(losses, "losses", "minimum_names", "a 1-D array of real numbers")),
                           "losses", "minimum_names")
    rtol = check_real(rtol, "rtol", "minimum_names", low=0)
    if not len(losses):
        return []
    lowest = float(np.min(losses))
    is_global = np.abs(losses - lowest) <= rtol * max(1.0, abs(lowest))
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def name(kind, k, count):
        return f"{kind} minimum" if count == 1 else f"{kind} minimum {letters[k] if k < 26 else k + 1}"

    n_global, n_local = int(is_global.sum()), int((~is_global).sum())
    names, g, loc = [], 0, 0
    for flag in is_global:
        if flag:
            names.append(name("global", g, n_global))
            g += 1
        else:
            names.append(name("local", loc, n_local))
            loc += 1
    return names


def _swatches(names, colors, title, *, bounds):
    """An invisible layer whose only job is a legend of coloured squares."""
    (x0, _), (y0, _) = bounds
    data = pd.DataFrame({"x": x0, "y": y0, "name": list(names)})
    return alt.Chart(data).mark_point(size=0, opacity=0, shape="square", filled=True).encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"),
        color=alt.Color("name:N", scale=alt.Scale(domain=list(names), range=list(colors)), title=title,
                        legend=alt.Legend(orient="bottom", columns=2, symbolType="square", symbolSize=150,
                                          symbolOpacity=1, labelLimit=260)),
    )


def basin_map(basins, *, width=WIDTH, height=HEIGHT, title=None):
    """Every start coloured by the minimum its run reached (grey: none), minima marked.

    ``basins`` is the result of :func:`gdcore.critical.basins`. With a few
    minima each basin gets its own colour and the legend names each minimum
    (:func:`minimum_names`) with its loss, so a student sees which basin is the
    deep one. With more minima than colours (Rastrigin has 121) a start is
    coloured by the loss of the minimum it reaches instead: repeated colours would
    make different basins look alike. The map is one raster image.

    >>> import gdcore as gd
    >>> b = gd.basins(gd.surfaces.get("himmelblau"), gd.SGD(lr=0.01), resolution=10, steps=200)
    >>> type(basin_map(b)).__name__
    'LayerChart'
    """
    if not all(hasattr(basins, a) for a in ("xs", "ys", "labels", "minima", "minimum_losses")):
        fail("basins", "basin_map", "the result of gdcore.basins(...)", type(basins).__name__)
    _check_text(title, "title", "basin_map")
    width, height = _check_size(width, "width", "basin_map"), _check_size(height, "height", "basin_map")
    xs, ys, labels = basins.xs, basins.ys, basins.labels
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    bounds = ((xs[0] - dx / 2, xs[-1] + dx / 2), (ys[0] - dy / 2, ys[-1] + dy / 2))
    none = "none reached"
    if len(basins.minima) <= len(BASIN_COLORS):
        names = [f"{n} (loss {plain(loss)})" for n, loss in zip(minimum_names(basins.minimum_losses), basins.minimum_losses)]
        palette = _rgb(list(BASIN_COLORS[: len(names)]) + ["#d9d9d9"])
        index = np.where(labels < 0, len(names), labels)
        rgba = np.concatenate([palette[index], np.full(index.shape + (1,), 255.0)], axis=-1).astype(np.uint8)
        used = sorted(set(np.unique(index).tolist()))
        legend = _swatches([(names + [none])[k] for k in used], [(list(BASIN_COLORS) + ["#d9d9d9"])[k] if k < len(names) else "#d9d9d9" for k in used],
                           "ends in", bounds=bounds)
        shown = basins.minima
    else:
        reached = np.where(labels >= 0, basins.minimum_losses[np.maximum(labels, 0)], np.nan)
        lo, hi = float(np.nanmin(reached)) if np.isfinite(reached).any() else 0.0, float(np.nanmax(reached)) if np.isfinite(reached).any() else 1.0
        span = hi - lo if hi > lo else 1.0
        rgba = ramp((reached - lo) / span, VIRIDIS)
        rgba[np.isnan(reached)] = [217, 217, 217, 255]
        legend = _colour_bar((lo, lo + span), "loss at the end", bounds=bounds, colors=VIRIDIS)
        shown = basins.minima[:1]
    props = {"width": width, "height": height}
    if title:
        props["title"] = title
    # The minima's diamonds need no legend of their own: "ends in" names them.
    layers = [image(rgba, bounds), legend, markers({"minimum": shown}, labels={"minimum": "minimum"}, legend=False)]
    return keep_aspect(layer(*layers).resolve_scale(color="independent").properties(**props), height / width)


def dots(named_points: Mapping[str, np.ndarray], *, colors=("#e8702a", "#6a3d9a", "#33a02c"), size=24, opacity=0.8, title=None):
    """Many small points, one colour per name: e.g. where each data sample's own loss is minimal.

    ``named_points`` maps a legend name to points of shape ``(k, 2)``; points
    outside the plot are clipped. Layer it over :func:`landscape` with
    ``.resolve_scale(color="independent")`` so it keeps its own colours.

    >>> type(dots({"sample minima": np.zeros((3, 2))})).__name__
    'Chart'
    """
    named_points = _check_named(named_points, "named_points", "dots")
    _check_colors(colors, "colors", "dots")
    budget = CURVE_ROWS // max(1, len(named_points))
    frames = [
        pd.DataFrame({"set": name, "x": pts[thin(len(pts), budget), 0], "y": pts[thin(len(pts), budget), 1]})
        for name, pts in ((n, np.asarray(p, dtype=np.float64).reshape(-1, 2)) for n, p in named_points.items())
    ]
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"set": [], "x": [], "y": []})
    names = list(named_points)
    color = alt.Color(
        "set:N",
        scale=alt.Scale(domain=names, range=list(colors[: max(1, len(names))])),
        title=title,
        legend=alt.Legend(orient="bottom"),
    )
    return (
        alt.Chart(data)
        .mark_point(shape="circle", filled=True, size=size, opacity=opacity, stroke="white", strokeWidth=0.6, clip=True)
        .encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), color=color, tooltip=[alt.Tooltip("set:N"), alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("y:Q", format=".3f")])
    )


def xy_lines(
    lines: Mapping[str, tuple],
    *,
    points: Mapping[str, tuple] | None = None,
    x_title="x",
    y_title="y",
    log_x=False,
    log_y=False,
    dashed=(),
    title=None,
    width=WIDTH,
    height=240,
    colors=PATH_COLORS,
):
    """Named curves ``lines[name] = (x, y)`` and measured ``points[name] = (x, y)`` on one pair of axes.

    For relations rather than time series, e.g. the variance of a mini-batch
    gradient against the batch size on log-log axes, or the loss against the
    number of samples processed. Names in ``dashed`` draw dashed; on a log axis
    values <= 0 are left out.

    >>> chart = xy_lines({"1/B": ([1, 2, 4], [1, 0.5, 0.25])}, points={"measured": ([1, 2], [1.1, 0.4])}, log_x=True, log_y=True)
    >>> type(chart).__name__
    'LayerChart'
    """
    owner = "xy_lines"
    for name, named in (("lines", lines), ("points", points)):
        if named is None and name == "points":
            continue
        expected = "a mapping of names to (x, y) pairs of 1-D arrays of one length"
        if not isinstance(named, Mapping) or not all(_is_pair(v) for v in named.values()):
            fail(name, owner, expected, describe(named))
        for key, (x, y) in named.items():
            x, y = _check_values(x, name, owner), _check_values(y, name, owner)
            if len(x) != len(y):
                fail(name, owner, expected, _Text(f"{{{key!r}: {len(x)} x values and {len(y)} y values}}"))
    _check_flag(log_x, "log_x", owner)
    _check_flag(log_y, "log_y", owner)
    points = points or {}

    def frame(named):
        budget = CURVE_ROWS // max(1, len(lines) + len(points))
        frames = []
        for name, (x, y) in named.items():
            x, y = np.asarray(x, dtype=np.float64).reshape(-1), np.asarray(y, dtype=np.float64).reshape(-1)
            keep = thin(len(x), budget)
            frames.append(pd.DataFrame({"series": name, "x": x[keep], "y": y[keep]}))
        data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"series": [], "x": [], "y": []})
        keep = np.isfinite(data.x) & np.isfinite(data.y)
        if log_x:
            keep &= data.x > 0
        if log_y:
            keep &= data.y > 0
        return data[keep]

    names = list(lines) + [n for n in points if n not in lines]
    # Long names one to a row: three of them side by side ran past a phone's screen, and the
    # legend lost the last.
    columns = 1 if max(map(len, names), default=0) > LEGEND_NAME_CHARS else min(len(names), 3)
    color = alt.Color(
        "series:N",
        scale=alt.Scale(domain=names, range=list(colors[: max(1, len(names))])),
        title=None,
        legend=alt.Legend(orient="bottom", columns=columns, labelLimit=300, symbolType="circle"),
    )
    x = alt.X("x:Q", title=x_title, scale=alt.Scale(type="log") if log_x else alt.Scale(zero=False),
              axis=log_axis([v for _, (xv, _) in {**lines, **points}.items() for v in np.ravel(xv)]) if log_x else alt.Axis(format=PLAIN))
    y = alt.Y("y:Q", title=y_title + (" (log scale)" if log_y else ""), scale=alt.Scale(type="log") if log_y else alt.Scale(zero=False),
              axis=log_axis([v for _, (_, yv) in {**lines, **points}.items() for v in np.ravel(yv)]) if log_y else alt.Axis(format=PLAIN))
    tooltip = [alt.Tooltip("series:N"), alt.Tooltip("x:Q", title=x_title, format=".4g"), alt.Tooltip("y:Q", title=y_title, format=".4g")]
    # The same title and legend as the colour, so that the two merge (one switched off would conflict).
    dash = alt.StrokeDash(
        "series:N",
        scale=alt.Scale(domain=names, range=[[6, 4] if n in dashed else list(SOLID) for n in names]),
        title=None,
        legend=alt.Legend(orient="bottom", columns=columns, labelLimit=300, symbolType="circle"),
    )
    layers = [
        alt.Chart(frame(lines)).mark_line(strokeWidth=2, clip=True).encode(x=x, y=y, color=color, strokeDash=dash, order=alt.Order("x:Q"), tooltip=tooltip)
    ]
    if points:
        layers.append(
            alt.Chart(frame(points)).mark_point(filled=True, size=60, opacity=0.9, clip=True).encode(x=x, y=y, color=color, tooltip=tooltip)
        )
    props = {"width": width, "height": height}
    if title:
        props["title"] = title
    return layer(*layers).properties(**props)


def labelled_points(named_points: Mapping[str, np.ndarray], *, shapes=None, colors=None, labels=None, size=150, title=None):
    """A few special points in the weight plane, one shape and colour per name, each optionally labelled.

    E.g. the snapshots of stochastic weight averaging and their average, or the
    minima of a train and a test loss. ``named_points`` maps a legend name to
    points of shape ``(k, 2)``; ``shapes`` and ``colors`` map names to Vega
    shapes and colours; ``labels[name]`` is a list of ``k`` short texts drawn
    beside the points. Non-finite points are left out.

    >>> chart = labelled_points({"snapshot": np.ones((2, 2)), "average": np.zeros(2)}, labels={"snapshot": ["1", "2"]})
    >>> type(chart).__name__
    'LayerChart'
    """
    named_points = _check_named(named_points, "named_points", "labelled_points")
    for key, value in (("shapes", shapes), ("colors", colors), ("labels", labels)):
        if value is not None and not isinstance(value, Mapping):
            fail(key, "labelled_points", "a mapping of names, or None", describe(value))
    frames = []
    for name, pts in named_points.items():
        text = list((labels or {}).get(name, [""] * len(pts)))
        frames.append(pd.DataFrame({"kind": name, "x": pts[:, 0], "y": pts[:, 1], "label": text}))
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"kind": [], "x": [], "y": [], "label": []})
    data = data[np.isfinite(data.x) & np.isfinite(data.y)]
    names = list(named_points)
    default_shapes = ("circle", "diamond", "square", "triangle-up", "cross", "triangle-down")
    shape_range = [(shapes or {}).get(n, default_shapes[i % len(default_shapes)]) for i, n in enumerate(names)]
    color_range = [(colors or {}).get(n, PATH_COLORS[i % len(PATH_COLORS)]) for i, n in enumerate(names)]
    legend = alt.Legend(orient="bottom", title=title, symbolSize=120, symbolStrokeWidth=0)
    points = (
        alt.Chart(data)
        .mark_point(size=size, filled=True, opacity=0.95, stroke="white", strokeWidth=1.2, clip=True)
        .encode(
            x=alt.X("x:Q"),
            y=alt.Y("y:Q"),
            # Fill, not color: a plot over a heatmap keeps its colour scales independent, and a fill
            # legend shares its scope with the shape legend, so the two merge into one.
            shape=alt.Shape("kind:N", scale=alt.Scale(domain=names, range=shape_range), legend=legend),
            fill=alt.Fill("kind:N", scale=alt.Scale(domain=names, range=color_range), legend=legend),
            tooltip=[alt.Tooltip("kind:N"), alt.Tooltip("label:N"), alt.Tooltip("x:Q", format=".4f"), alt.Tooltip("y:Q", format=".4f")],
        )
    )
    # The labels take their point's colour from the data: a second legend on "kind" would conflict.
    data["c"] = data["kind"].map(dict(zip(names, color_range)))
    text = (
        alt.Chart(data[data.label != ""])
        .mark_text(align="left", dx=7, dy=-7, fontSize=12, fontWeight="bold", clip=True)
        .encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), text=alt.Text("label:N"), color=alt.Color("c:N", scale=None))
    )
    return layer(points, text)


def grouped(table: Mapping[str, Mapping[str, float]], field, *, mark="bar", percent=False, title=None, x_title=None,
            reference: Mapping[str, float] | None = None, width=WIDTH, height=220, colors=PATH_COLORS):
    """Values by category (x) and series (colour): grouped bars, or dots for values far from zero.

    ``table[category][series]`` is one value, e.g. the share of runs that ended
    in each minimum for each batch size, or the train and test loss of each
    snapshot. ``mark="bar"`` draws bars from zero side by side; ``mark="point"``
    draws dots on an axis fitted to the values (losses). ``percent`` formats
    the axis as 0-100 %. ``reference[series]`` draws a dashed horizontal line
    in that series' colour, e.g. the loss of the average of the snapshots.

    >>> chart = grouped({"flat": {"batch 1": 0.9, "batch 32": 0.7}, "sharp": {"batch 1": 0.1, "batch 32": 0.3}}, "share", percent=True)
    >>> type(chart).__name__
    'LayerChart'
    """
    expected = "a mapping {category: {series: number}}"
    if not isinstance(table, Mapping) or not all(isinstance(v, Mapping) for v in table.values()):
        fail("table", "grouped", expected, describe(table))
    for by_series in table.values():
        for v in by_series.values():
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
                fail("table", "grouped", expected, describe(table))
    _check_text(field, "field", "grouped", allow_none=False)
    check_option(mark, "mark", "grouped", ("bar", "point"))
    rows = [(cat, series, float(v)) for cat, by_series in table.items() for series, v in by_series.items()]
    data = pd.DataFrame(rows, columns=["category", "series", field])
    data = data[np.isfinite(data[field])]
    categories = list(table)
    names = list(dict.fromkeys(s for by_series in table.values() for s in by_series))
    color = alt.Color("series:N", scale=alt.Scale(domain=names, range=list(colors[: max(1, len(names))])), title=None,
                      legend=alt.Legend(orient="bottom"))
    axis = alt.Axis(format="%") if percent else alt.Axis()
    scale = alt.Scale(domain=[0, 1]) if percent else alt.Scale(zero=mark == "bar")
    x = alt.X("category:N", sort=categories, title=x_title, axis=alt.Axis(labelAngle=0, labelLimit=160))
    y = alt.Y(f"{field}:Q", title=title or field, scale=scale, axis=axis)
    tooltip = [alt.Tooltip("category:N"), alt.Tooltip("series:N"), alt.Tooltip(f"{field}:Q", format=".1%" if percent else ".4g")]
    base = alt.Chart(data).encode(x=x, y=y, color=color, tooltip=tooltip)
    if mark == "bar":
        layers = [base.mark_bar().encode(xOffset=alt.XOffset("series:N", sort=names))]
        text = base.mark_text(dy=-6, fontSize=11).encode(
            xOffset=alt.XOffset("series:N", sort=names),
            text=alt.Text(f"{field}:Q", format=".0%" if percent else ".3g"),
        )
        layers.append(text)
    else:
        layers = [base.mark_point(filled=True, size=110, opacity=0.9).encode(xOffset=alt.XOffset("series:N", sort=names))]
    if reference:
        lines = pd.DataFrame({"series": list(reference), field: [float(v) for v in reference.values()]})
        lines = lines[np.isfinite(lines[field])]
        layers.insert(0, alt.Chart(lines).mark_rule(strokeDash=[5, 4], strokeWidth=1.5, opacity=0.8).encode(
            y=alt.Y(f"{field}:Q"), color=color, tooltip=[alt.Tooltip("series:N"), alt.Tooltip(f"{field}:Q", format=".4g")]))
    return layer(*layers).properties(width=width, height=height)


def intervals(xs, lows, highs, labels, *, color="#d62728"):
    """Vertical segments from ``lows[i]`` to ``highs[i]`` at ``xs[i]``, each with a text label.

    E.g. the generalisation gap (test loss minus train loss) at each minimum,
    drawn over a chart of both losses.

    >>> type(intervals([0.0, 1.0], [0.0, 0.0], [1.0, 2.0], ["a", "b"])).__name__
    'LayerChart'
    """
    xs, lows, highs = (_check_values(v, n, "intervals") for v, n in ((xs, "xs"), (lows, "lows"), (highs, "highs")))
    if isinstance(labels, str) or not hasattr(labels, "__len__") or not len(xs) == len(lows) == len(highs) == len(labels):
        fail("labels", "intervals", f"a sequence of {len(xs)} texts, one per x (and as many lows and highs)", describe(labels))
    data = pd.DataFrame({
        "x": xs,
        "low": lows,
        "high": highs,
        "label": [str(label) for label in labels],
    })
    data["top"] = np.maximum(data.low, data.high)
    rule = alt.Chart(data).mark_rule(color=color, strokeWidth=3).encode(x=alt.X("x:Q"), y=alt.Y("low:Q"), y2=alt.Y2("high:Q"))
    ends = alt.Chart(data).mark_tick(color=color, thickness=2, size=12, orient="horizontal").encode(x=alt.X("x:Q"), y=alt.Y("low:Q"))
    tops = alt.Chart(data).mark_tick(color=color, thickness=2, size=12, orient="horizontal").encode(x=alt.X("x:Q"), y=alt.Y("high:Q"))
    text = alt.Chart(data).mark_text(align="left", dx=8, dy=-4, fontSize=12, fontWeight="bold", color=color).encode(
        x=alt.X("x:Q"), y=alt.Y("top:Q"), text=alt.Text("label:N")
    )
    return layer(rule, ends, tops, text)


def stopping_curve(losses, *, windows=(), reductions=(), stop=None, best_step=None, title=None, log=None,
                   width=WIDTH, height=220, color=PATH_COLORS[0]):
    """Loss against step with its best-so-far, as a reduce-on-plateau or early-stopping rule sees it.

    ``windows`` are ``(first, last)`` step pairs shaded in the background (the
    updates without improvement that made a rule act); ``reductions`` are the
    steps after which the lr was cut (dashed rules, "η×ρ"); ``stop`` is the step
    the run stopped at (a solid rule); ``best_step`` is marked with a point.

    >>> chart = stopping_curve([4.0, 2.0, 2.5, 2.2], windows=[(1, 3)], stop=3, best_step=1)
    >>> type(chart).__name__
    'LayerChart'
    """
    owner = "stopping_curve"
    losses = _check_values(losses, "losses", owner)
    reductions = _check_values(reductions, "reductions", owner) if len(np.atleast_1d(reductions)) else ()
    try:
        windows = [(check_real(a, "windows", owner), check_real(b, "windows", owner)) for a, b in windows]
    except (TypeError, ValueError):  # not pairs at all
        fail("windows", owner, "a sequence of (first, last) step pairs", describe(windows))
    for name, value in (("stop", stop), ("best_step", best_step)):
        check_int(value, name, owner, low=0, allow_none=True)
    _check_flag(log, "log", owner)
    steps = np.arange(len(losses))
    best = np.fmin.accumulate(losses)
    keep = thin(len(losses), CURVE_ROWS // 2)
    data = pd.DataFrame({"step": steps[keep], "loss": losses[keep], "best": best[keep]})
    data = data[np.isfinite(data.loss)]
    if log is None:
        vals = data.loss.to_numpy()
        log = bool(len(vals)) and vals.min() > 0 and vals.max() / vals.min() > 100
    y = alt.Y("loss:Q", title="loss" + (" (log scale)" if log else ""), scale=alt.Scale(type="log") if log else alt.Scale(zero=False),
              axis=log_axis(data.loss) if log else alt.Axis(format=PLAIN))
    # The step axis spans 0..len-1 from an invisible layer's data, not from a domain in the spec: a run
    # of another length then changes only data, and the browser updates the chart instead of rebuilding it.
    x = alt.X("step:Q", title="step", scale=alt.Scale(nice=False, zero=False))
    series = alt.Color(
        "series:N",
        scale=alt.Scale(domain=["loss", "best so far"], range=[color, "#222222"]),
        title=None,
        legend=alt.Legend(orient="bottom", symbolType="stroke"),
    )
    long = data.melt(id_vars="step", value_vars=["loss", "best"], var_name="series", value_name="value")
    long["series"] = long.series.replace({"best": "best so far"})
    long["w"] = np.where(long["series"] == "loss", 1.6, 1.4)
    lines = (
        alt.Chart(long.rename(columns={"value": "loss"}))
        .mark_line(clip=True)
        .encode(
            x=x,
            y=y,
            color=series,
            # The same title and legend as the colour, so the two merge into one legend of dashed strokes.
            strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=["loss", "best so far"], range=[list(SOLID), [5, 3]]),
                                      title=None, legend=alt.Legend(orient="bottom", symbolType="stroke")),
            strokeWidth=alt.StrokeWidth("w:Q", scale=None),
            tooltip=[alt.Tooltip("series:N"), alt.Tooltip("step:Q"), alt.Tooltip("loss:Q", format=".4g")],
        )
    )
    first = data.loss.iloc[0] if len(data) else 1.0
    span = alt.Chart(pd.DataFrame({"step": [0, max(1, len(losses) - 1)], "loss": [first, first]})).mark_point(
        opacity=0, size=0).encode(x=x, y=y)
    # Every layer is there whatever the run did, so the chart keeps its shape from one run to the
    # next: a window or rule that never happened is one invisible row at step 0 (an empty table
    # would give Vega an infinite extent). Back-to-back windows alternate their shade.
    shades = pd.DataFrame({"x": [a for a, _ in windows] or [0.0], "x2": [b for _, b in windows] or [0.0],
                           "o": [0.16 if i % 2 else 0.32 for i in range(len(windows))] or [0.0]}, dtype=np.float64)
    bands = alt.Chart(shades).mark_rect(color="#f2b134").encode(x=alt.X("x:Q"), x2=alt.X2("x2:Q"),
                                                                 opacity=alt.Opacity("o:Q", scale=None))

    shown = best_step is not None and 0 <= best_step < len(losses) and np.isfinite(losses[best_step])
    point = pd.DataFrame({"step": [best_step if shown else 0], "loss": [losses[best_step] if shown else first],
                          "label": ["best"], "s": [90.0 if shown else 0.0]})
    # Size 0 when there is no best step: nothing to see and nothing to hover.
    best_mark = alt.Chart(point).mark_point(shape="diamond", filled=True, color="#222222").encode(
        x=x, y=y, size=alt.Size("s:Q", scale=None),
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip("step:Q"), alt.Tooltip("loss:Q", format=".4g")])
    layers = [span, bands, lines, vertical_rules(reductions, color="#1a7a3a", label="η×ρ"),
              vertical_rules([] if stop is None else [stop], color="#b2182b", dash=SOLID, label="stop"), best_mark]
    props = {"width": width, "height": height}
    if title:
        props["title"] = title
    return layer(*layers).properties(**props)


def faint_path(points, *, color="#d62728", opacity=0.45, width=1.2):
    """One path as a thin, see-through line (no markers), for a restless run drawn under points that matter.

    >>> type(faint_path(np.zeros((3, 2)))).__name__
    'Chart'
    """
    pts = _check_path(points, "points", "faint_path")
    opacity = check_real(opacity, "opacity", "faint_path", low=0, high=1)
    keep = thin(len(pts), CURVE_ROWS)
    data = pd.DataFrame({"step": keep, "x": pts[keep, 0], "y": pts[keep, 1]})
    data = data[np.isfinite(data.x) & np.isfinite(data.y)]
    return alt.Chart(data).mark_line(color=color, opacity=opacity, strokeWidth=width, clip=True).encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"), order=alt.Order("step:Q")
    )


def hatch(xs, ys, mask, *, label="marked", color="#111111", width=1.4, legend=True):
    """Horizontal strokes through the cells of a grid map where ``mask`` is True, colours left visible.

    An overlay for :func:`basin_map` (same ``xs``, ``ys``, cell ``[i, j]`` at
    ``(xs[j], ys[i])``): e.g. the starts that end in a different minimum at a
    large step than at a small one. Each row's run of marked cells is one
    stroke, so the data stay small at any resolution; the legend (``legend=False``:
    none, say it in the title instead) shows a stroke named ``label``.

    >>> mask = np.array([[True, True, False], [False, False, True]])
    >>> chart = hatch(np.arange(3.0), np.arange(2.0), mask, label="changed")
    >>> chart.data[["x", "x2", "y"]].values.tolist()
    [[-0.5, 1.5, 0.0], [1.5, 2.5, 1.0]]
    """
    xs, ys = _check_values(xs, "xs", "hatch"), _check_values(ys, "ys", "hatch")
    mask = np.asarray(mask)
    if mask.dtype.kind != "b" or mask.shape != (len(ys), len(xs)):
        fail("mask", "hatch", f"a bool array of shape (len(ys), len(xs)) = {(len(ys), len(xs))}", describe(mask))
    dx = xs[1] - xs[0] if len(xs) > 1 else 1.0
    rows = []
    for i in range(mask.shape[0]):
        edges = np.flatnonzero(np.diff(np.r_[0, mask[i].astype(np.int8), 0]))
        for a, b in zip(edges[::2], edges[1::2]):
            rows.append((xs[a] - dx / 2, xs[b - 1] + dx / 2, ys[i]))
    data = pd.DataFrame(rows, columns=["x", "x2", "y"]).assign(label=label)
    color_scale = alt.Scale(domain=[label], range=[color])
    legend = alt.Legend(orient="bottom", title=None, symbolType="stroke", symbolStrokeWidth=2.5, labelLimit=300) if legend else None
    return alt.Chart(data).mark_rule(strokeWidth=width, opacity=0.9).encode(
        x=alt.X("x:Q"), x2=alt.X2("x2:Q"), y=alt.Y("y:Q"), color=alt.Color("label:N", scale=color_scale, legend=legend)
    )


def arrows(named, *, colors=PATH_COLORS, width=2.6, head=0.18):
    """Arrows from points, one colour and legend entry each: ``named[name] = (point, direction)``.

    E.g. minus the full gradient and minus one sample's gradient at the same
    point, drawn at the same length so that the angle between them shows. The
    head is two short strokes at ±25° from the tip, ``head`` times the arrow's
    length, drawn in data units so it stays on the shaft when a chart is
    stretched. The legend shows a stroke per name.

    >>> chart = arrows({"−∇L": ((0.0, 0.0), (1.0, 0.0)), "−∇ℓ₁": ((0.0, 0.0), (0.0, 1.0))})
    >>> sorted(set(chart.data["name"]))
    ['−∇L', '−∇ℓ₁']
    >>> chart.data[chart.data.name == "−∇L"][["x", "y"]].round(3).values.tolist()[:2]
    [[0.0, 0.0], [1.0, 0.0]]
    """
    expected = "a mapping of names to (point, direction) pairs of shape (2,)"
    if not isinstance(named, Mapping) or not all(_is_pair(v) for v in named.values()):
        fail("named", "arrows", expected, describe(named))
    rows = []
    for name, (point, direction) in named.items():
        p = check_points(point, "named", "arrows", batched=False)
        d = check_points(direction, "named", "arrows", batched=False)
        q = p + d
        wings = []
        for a in (np.radians(25), -np.radians(25)):
            rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
            wings.append(q - head * rot @ d)
        for seg, (a, b) in enumerate(((p, q), (q, wings[0]), (q, wings[1]))):
            rows += [(name, seg, 0, *a), (name, seg, 1, *b)]
    data = pd.DataFrame(rows, columns=["name", "seg", "order", "x", "y"])
    data["key"] = data["name"] + "/" + data["seg"].astype(str)
    names = list(named)
    color = alt.Color("name:N", scale=alt.Scale(domain=names, range=list(_cycle(colors, max(1, len(names))))),
                      legend=alt.Legend(orient="bottom", title=None, symbolType="stroke", symbolStrokeWidth=2.5,
                                        labelLimit=300))
    return alt.Chart(data).mark_line(strokeWidth=width, strokeCap="round", clip=True).encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"), color=color, detail=alt.Detail("key:N"), order=alt.Order("order:Q")
    )


def save(chart, path, *, scale=2.0):
    """Write ``chart`` to ``path``: ``.png`` or ``.svg`` offline, or ``.html`` / ``.json``.

    PNG and SVG are rendered by vl-convert (``pip install "gdcore[export]"``), which
    bundles Vega and needs no browser and no network; HTML and JSON need nothing
    more. ``scale`` multiplies a PNG's pixels (2: sharp on a slide or a high-density
    screen). Returns the path written.

    >>> import tempfile, pathlib
    >>> out = save(faint_path(np.zeros((3, 2))), pathlib.Path(tempfile.mkdtemp()) / "path.json")
    >>> out.suffix
    '.json'
    """
    from pathlib import Path

    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in ("png", "svg", "html", "json"):
        fail("path", "save", "a path ending in .png, .svg, .html or .json", str(path))
    if kind in ("png", "svg"):
        try:
            import vl_convert as vlc
        except ImportError:
            raise ImportError(
                f"saving a chart as .{kind} needs vl-convert: pip install \"gdcore[export]\" (or vl-convert-python)"
            ) from None
        spec = chart.to_dict()
        if kind == "png":
            path.write_bytes(vlc.vegalite_to_png(spec, scale=float(scale)))
        else:
            path.write_text(vlc.vegalite_to_svg(spec))
    elif kind == "html":
        chart.save(str(path), format="html")
    else:
        path.write_text(chart.to_json())
    return path


def replay(objective, points, *, bounds=None, title=None, resolution=70, width=WIDTH, height=None,
           name="gradient descent", color=PATH_COLORS[0], label="step", start=None, captions=None, critical=None):
    """A run on its landscape with a replay slider that scrubs it in the browser, without a rerun.

    The slider (a Vega-Lite parameter bound to a range input under the plot) picks an update
    ``t``: the path up to ``t`` is drawn strong over the whole path drawn faint, and an arrow
    goes from ``w_t`` to ``w_{t+1}``, the real next step to scale (for plain gradient descent
    that is :math:`-\\eta\\nabla L(w_t)`). The arrowhead is a chevron in the plane's own units,
    so it points along the step whatever the chart's aspect. ``points`` is the run's
    ``(T+1, 2)`` path; non-finite points (a diverged run) are left out. ``start`` is the
    slider's first value (default: the last update). ``captions[t]`` is text shown over the
    plot while update ``t`` is shown (e.g. its loss and step length), a line for each ``\n``
    in it (short lines fit a phone's narrow plot); ``critical`` is passed to :func:`landscape`.

    >>> import gdcore as gd
    >>> traj = gd.descend(gd.surfaces.get("bowl"), gd.SGD(lr=0.1), (1.0, 1.0), 5)
    >>> spec = replay(gd.surfaces.get("bowl"), traj.points).to_dict()
    >>> spec["params"][0]["bind"]["input"], spec["params"][0]["bind"]["max"]
    ('range', 4)
    """
    _check_loss(objective, "objective", "replay")
    pts = _check_path(points, "points", "replay")
    bounds = _check_window(bounds, objective, "replay")
    resolution = _check_size(resolution, "resolution", "replay", low=2, high=400)
    check_int(start, "start", "replay", low=0, allow_none=True)
    base = landscape(objective, None, bounds=bounds, resolution=resolution, width=width, height=height, critical=critical)
    layers, t = _replay_layers(pts, bounds, color, label, start, captions)
    # One level of layers, as landscape() makes: deeper nesting keeps the chart from following its column.
    chart = layer(*base.layer, *layers).resolve_scale(
        color="independent", shape="independent", fill="independent").add_params(t)
    props = {"width": base.width, "height": base.height}
    if title:
        props["title"] = title
    return keep_aspect(chart.properties(**props), base.height / base.width)


def replay_run(points, *, bounds, color=PATH_COLORS[0], label="step", start=None, captions=None):
    """The layers of :func:`replay` without the landscape: the path, the arrow of update ``t`` and the slider.

    To draw over a landscape built (and cached) once, e.g. with a page's ``stack``; the
    arguments are :func:`replay`'s, and ``bounds`` is the window of the landscape under it.

    >>> import gdcore as gd
    >>> traj = gd.descend(gd.surfaces.get("bowl"), gd.SGD(lr=0.1), (1.0, 1.0), 5)
    >>> spec = replay_run(traj.points, bounds=((-2, 2), (-2, 2))).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]], spec["params"][0]["name"]
    (['line', 'line', 'rule', 'point', 'point'], 't')
    """
    pts = _check_path(points, "points", "replay_run")
    bounds = check_bounds(bounds, "bounds", "replay_run")
    check_int(start, "start", "replay_run", low=0, allow_none=True)
    layers, t = _replay_layers(pts, bounds, color, label, start, captions)
    return layer(*layers).add_params(t)


def _replay_layers(pts, bounds, color, label, start, captions):
    """:func:`replay`'s run layers over ``bounds`` and its slider parameter ``t``: the run up to its first non-finite point."""
    finite = np.isfinite(pts).all(axis=-1)
    pts = pts if finite.all() else pts[: int(np.argmin(finite))]
    last = max(0, len(pts) - 2)
    t = alt.param(name="t", value=int(last if start is None else min(max(0, start), last)),
                  bind=alt.binding_range(min=0, max=last, step=1, name=f"replay: {label} "))
    keep = thin(len(pts), PATH_POINTS * 2)
    path = pd.DataFrame({"step": keep, "x": pts[keep, 0], "y": pts[keep, 1]})
    x, y = _scales(bounds)
    faint = alt.Chart(path).mark_line(color=color, opacity=0.3, strokeWidth=1.5, clip=True).encode(x=x, y=y, order=alt.Order("step:Q"))
    strong = (alt.Chart(path).mark_line(color=color, strokeWidth=2.6, clip=True, point=alt.OverlayMarkDef(size=14, clip=True, color=color))
              .encode(x=x, y=y, order=alt.Order("step:Q")).transform_filter("datum.step <= t"))
    # The arrow of each update: shaft from w_t to w_{t+1}, then a chevron back from the tip.
    if len(pts) >= 2:
        p, q = pts[:-1], pts[1:]
        d = q - p
        length = np.hypot(d[:, 0], d[:, 1])
        (bx0, bx1), (by0, by1) = bounds
        window = min(bx1 - bx0, by1 - by0)
        head = np.minimum(0.35 * length, 0.045 * window)
        unit = np.divide(d, length[:, None], out=np.zeros_like(d), where=length[:, None] > 0)
        cos, sin = np.cos(np.radians(25)), np.sin(np.radians(25))
        back = -unit
        left = q + head[:, None] * np.stack([back[:, 0] * cos - back[:, 1] * sin, back[:, 0] * sin + back[:, 1] * cos], axis=-1)
        right = q + head[:, None] * np.stack([back[:, 0] * cos + back[:, 1] * sin, -back[:, 0] * sin + back[:, 1] * cos], axis=-1)
        steps = np.arange(len(p))
        rows = []
        for part, a, b in (("shaft", p, q), ("left", left, q), ("right", right, q)):
            rows.append(pd.DataFrame({"step": steps, "part": part, "x": a[:, 0], "y": a[:, 1], "x2": b[:, 0], "y2": b[:, 1]}))
        arrows = pd.concat(rows, ignore_index=True).round({c: _decimals(bounds) + 1 for c in ("x", "y", "x2", "y2")})
    else:
        arrows = pd.DataFrame({"step": [], "part": [], "x": [], "y": [], "x2": [], "y2": []})
    arrow_layer = (alt.Chart(arrows).mark_rule(color="#111111", strokeWidth=2.4, clip=True)
                   .encode(x=x, y=y, x2=alt.X2("x2:Q"), y2=alt.Y2("y2:Q")).transform_filter("datum.step == t"))
    every = pd.DataFrame({"step": np.arange(len(pts)), "x": pts[:, 0], "y": pts[:, 1]}) if len(pts) <= CURVE_ROWS else path
    here = (alt.Chart(every).mark_point(shape="circle", size=120, filled=True, color=color, stroke="white", strokeWidth=1.5, clip=True)
            .encode(x=x, y=y).transform_filter("datum.step == t"))
    first = alt.Chart(path.iloc[:1]).mark_point(shape="circle", size=90, filled=False, color=color, strokeWidth=2, clip=True).encode(x=x, y=y)
    extra = []
    if captions is not None:
        text = pd.DataFrame({"step": np.arange(len(captions)), "caption": [str(c) for c in captions]})
        extra.append(alt.Chart(text).mark_text(align="left", baseline="top", fontSize=12, fontWeight="bold", lineBreak="\n",
                                               color="#111111").encode(x=alt.XValue(6), y=alt.YValue(6), text=alt.Text("caption:N"))
                     .transform_filter("datum.step == t"))
    return [faint, strong, arrow_layer, here, first, *extra], t


def levels(named: Mapping[str, float], *, colors=("#555555",), dash=(5, 4)):
    """Horizontal dashed lines at given values, each labelled on the line itself (no legend entry).

    Layer it over :func:`curves` or :func:`xy_lines` to mark reference values,
    e.g. the loss at a saddle and at the minima, or the ``tol`` a stopping rule
    waits for; it takes the y scale (log or not) of the chart it is layered on.
    Keeping reference lines out of the legend leaves the legend to the runs;
    colours are fixed per mark, so no colour scale meets the chart's own.

    >>> chart = levels({"tol = 0.001": 1e-3, "minimum: -0.25": -0.25}, colors=("#555555", "#111111"))
    >>> [layer.data["label"].tolist() for layer in chart.layer[::2]]
    [['tol = 0.001'], ['minimum: -0.25']]
    """
    if not isinstance(named, Mapping):
        fail("named", "levels", "a mapping of labels to values", describe(named))
    _check_colors(colors, "colors", "levels")
    layers = []
    for name, color in zip(named, _cycle(tuple(colors), max(1, len(named)))):
        raw = named[name]
        if isinstance(raw, (bool, np.bool_)) or not isinstance(raw, (int, float, np.integer, np.floating)):
            fail("named", "levels", "a mapping of labels to real numbers", describe(named))
        value = float(raw)
        if not np.isfinite(value):
            continue
        data = pd.DataFrame({"label": [name], "v": [value]})
        layers.append(alt.Chart(data).mark_rule(strokeDash=list(dash), strokeWidth=1.5, color=color).encode(y=alt.Y("v:Q")))
        layers.append(alt.Chart(data).mark_text(align="left", baseline="bottom", dx=4, dy=-3, fontSize=11, color=color)
                      .encode(y=alt.Y("v:Q"), x=alt.XValue(0), text=alt.Text("label:N")))
    return layer(*layers)


#: Colours of classes 0, 1, 2, ... in decision maps and data scatters.
CLASS_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def class_map(probs, bounds, X=None, y=None, *, title=None, width=WIDTH, height=None, colors=CLASS_COLORS):
    """A classifier's decision regions as one image, the data on top.

    ``probs[i, j, c]`` is the probability of class ``c`` at the ``j``-th x and ``i``-th y of a
    grid of cell centres over ``bounds``; a cell takes the class colours mixed by probability,
    paler where the classifier is unsure. ``X`` (n, 2) and ``y`` (n,) draw the samples as
    dots in their class colour.

    >>> p = np.zeros((2, 2, 2)); p[..., 0] = 1.0
    >>> chart = class_map(p, ((0, 1), (0, 1)), np.array([[0.5, 0.5]]), np.array([0]))
    >>> [layer["mark"]["type"] for layer in chart.to_dict()["layer"]]
    ['image', 'point']
    """
    owner = "class_map"
    probs = _check_values(probs, "probs", owner, ndim=3)
    if probs.shape[-1] < 2 or np.any(probs < 0) or not np.allclose(probs.sum(axis=-1), 1.0, atol=1e-6):
        fail("probs", owner, "an array (ny, nx, k >= 2) of class probabilities summing to 1", describe(probs))
    bounds = check_bounds(bounds, "bounds", owner)
    _check_colors(colors, "colors", owner, hex_only=True)
    if (X is None) != (y is None):
        fail("y", owner, "given exactly when X is (the samples and their classes)", describe(y))
    if X is not None:
        X = _check_path(X, "X", owner)
        labels = np.asarray(y)
        if labels.dtype.kind not in "iu" or labels.shape != (len(X),) or (len(labels) and (labels.min() < 0 or labels.max() >= probs.shape[-1])):
            fail("y", owner, f"an int array of {len(X)} classes in [0, {probs.shape[-1] - 1}]", describe(y))
    k = probs.shape[-1]
    palette = _rgb(_cycle(colors, k))
    mixed = probs @ palette
    confidence = (probs.max(axis=-1) - 1.0 / k) / (1.0 - 1.0 / k)
    strength = (0.15 + 0.45 * np.clip(confidence, 0, 1))[..., None]
    rgb = 255.0 * (1 - strength) + mixed * strength
    rgba = np.concatenate([rgb, np.full(rgb.shape[:-1] + (1,), 255.0)], axis=-1)
    rgba = np.where(np.isfinite(rgba), rgba, 0.0)
    layers = [image(np.rint(rgba).astype(np.uint8), bounds)]
    if X is not None:
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
        names = [f"class {c}" for c in range(k)]
        x_enc, y_enc = _scales(bounds)
        data = pd.DataFrame({"x": X[:, 0], "y": X[:, 1], "class": np.array(names)[y]})
        layers.append(alt.Chart(data).mark_point(shape="circle", filled=True, size=22, opacity=0.9, stroke="white",
                                                  strokeWidth=0.5, clip=True).encode(
            x=x_enc, y=y_enc,
            color=alt.Color("class:N", scale=alt.Scale(domain=names, range=list(_cycle(colors, k))), title=None,
                            legend=alt.Legend(orient="bottom", columns=min(k, 3)))))
    width, height = plane_size(bounds, width) if height is None else (width, height)
    props = {"width": width, "height": height}
    if title:
        props["title"] = title
    return keep_aspect(axis_titles(layer(*layers), "x₁", "x₂").properties(**props), height / width)
