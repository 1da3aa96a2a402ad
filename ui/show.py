"""Draw a gdcore chart in Streamlit, as wide as the column it sits in, sending only what changed.

A chart goes to the browser as a Vega-Lite spec plus its data tables. Five things make a
slider move cheap:

- **Stable names.** Altair (and Streamlit) name a table by a hash of its content, so new
  data renames it and changes the spec, and the browser builds the whole chart again.
  Here tables are named by their place in the chart (``data-0``, ``data-1``, ...): when a
  move only changes data, the spec stays byte-identical and Streamlit's frontend swaps the
  changed tables into the chart it already has.
- **Specs, cached.** :func:`cached_chart` caches the finished spec, its tables already in Arrow,
  so a rerun that does not change a chart does no Altair work at all, and Streamlit, seeing
  the same bytes, sends the browser a reference instead of the chart.
- **Lean tables.** No index, no pandas metadata, single precision where a chart cannot
  show the difference, dictionary-coded names (:func:`arrow_table`): half the bytes.
- **Layers that stay.** :func:`stack` draws a run over a cached base (a loss surface, its
  contours and minima), so a move builds only the run.
- **Quick builds.** What a move does build is built :func:`unchecked` and layered without
  copies (``gdcore.charts.layer``): a landscape in 29 ms instead of 187 ms.
"""

import contextlib
import functools
import threading

import altair as alt
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st
from altair.utils import schemapi
from streamlit import dataframe_util

# "fit-x" makes the whole chart (axes and legends included) exactly as wide as its column,
# so nothing reaches past a phone's screen, while the plot keeps the height the chart asks
# for. Autosize is only allowed on the outermost chart, hence here, not in gdcore.charts.
FIT_WIDTH = {"type": "fit-x", "contains": "padding"}
# Vega draws the app's charts on a canvas: a move that changes a chart's data redraws the whole
# chart, and as SVG that rewrites every element (12,500 DOM changes on Batch size's map of five
# paths), where a canvas is one bitmap. On a canvas the per-item ARIA descriptions Vega-Lite
# computes (a formatted label for each point) reach no one, so marks skip them; the chart's own
# title and axes keep theirs. Streamlit makes the same two choices for charts of many points.
# Measured in Chromium, A/B on one server: 10-25 % off a move on five of six pages tried
# (Gradient descent: within the noise).
CANVAS = {"embedOptions": {"renderer": "canvas"}}
MARKS_WITHOUT_ARIA = {"aria": False}
_COMPOSITIONS = ("layer", "hconcat", "vconcat", "concat")
# Altair's theme is process-wide: one conversion at a time sets it.
_THEME = threading.Lock()
# Single precision keeps 7 significant digits, more than a chart shows (axes, and tooltips
# formatted to 4 or 5), for values of this size; tiny losses (1e-62 on a log axis) keep double.
FLOAT32_RANGE = (1e-30, 1e30)


_NARROW_INTS = ((np.int16, pa.int16()), (np.int32, pa.int32()))


def _lean(series):
    """A frame's column as the narrowest Arrow array that draws the same: float32, int16/32, dictionary strings.

    Numbers go through numpy, not through ``pa.Table.from_pandas`` (a millisecond a table, most
    of it pandas bookkeeping); NaN becomes null, as pandas' own conversion does.
    """
    kind = series.dtype
    if kind == np.float64:
        values = series.to_numpy()
        size = np.abs(values[np.isfinite(values) & (values != 0)])
        if not size.size or (size.min() >= FLOAT32_RANGE[0] and size.max() <= FLOAT32_RANGE[1]):
            values = values.astype(np.float32)
        return pa.array(values, from_pandas=True)
    if kind == np.int64:
        values = series.to_numpy()
        for narrow, arrow in _NARROW_INTS:
            if len(values) and np.iinfo(narrow).min <= values.min() and values.max() <= np.iinfo(narrow).max:
                return pa.array(values.astype(narrow), type=arrow)
        return pa.array(values)
    column = pa.array(series, from_pandas=True)
    if isinstance(column, pa.ChunkedArray):  # pandas' own Arrow-backed strings
        column = column.combine_chunks()
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        coded = pc.dictionary_encode(column)
        if len(coded.dictionary) <= 127:
            coded = pa.DictionaryArray.from_arrays(coded.indices.cast(pa.int8()), coded.dictionary)
        return coded
    return column


def arrow_table(frame) -> bytes:
    """A data frame as Arrow IPC bytes, as Streamlit sends a chart's data, but lean.

    No index and no pandas metadata (the chart reads columns by name); each column in
    the narrowest type that draws the same (:func:`_lean`). A path's name repeated on
    every row becomes one dictionary entry, a coordinate four bytes instead of eight.
    """
    table = pa.table([_lean(frame[name]) for name in frame.columns], names=[str(name) for name in frame.columns])
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _subcharts(chart):
    for field in _COMPOSITIONS:
        parts = getattr(chart, field, alt.Undefined)
        if parts is not alt.Undefined:
            yield from parts
    inner = getattr(chart, "spec", alt.Undefined)
    if isinstance(inner, alt.SchemaBase):
        yield inner


def _name_tables(chart, tables, names, swapped):
    """Point every data frame in ``chart`` (depth first) at its Arrow table, noting each swap in ``swapped``.

    gdcore's layers are not copied when they are layered (:class:`gdcore.charts.LayerChart`),
    so a layer may sit in more than one chart: :func:`spec` puts every frame back afterwards.
    """
    data = getattr(chart, "data", alt.Undefined)
    if data is not alt.Undefined and dataframe_util.is_dataframe_like(data):
        # One table for the layers that share a frame. Frames that only happen to be equal (two
        # runs that both marked nothing) keep a name each: merging them would renumber the
        # tables after them, and change the spec, whenever they happen to become equal.
        frame = id(data)
        if frame not in names:  # a shared frame is converted once
            names[frame] = f"data-{len(names)}"
            tables[names[frame]] = arrow_table(data)
        swapped.append((chart, data))
        chart.data = alt.NamedData(name=names[frame])
    for part in _subcharts(chart):
        _name_tables(part, tables, names, swapped)


def spec(chart) -> dict:
    """The Vega-Lite spec Streamlit draws: column-wide, tables as Arrow bytes named by position.

    One chart per call: a side-by-side pair (``a | b``) cannot follow the column's width,
    so pages put two charts in two ``st.columns`` instead (they stack on a phone).

    Altair's check of the whole Vega-Lite schema is skipped: it costs about 50 ms a chart.
    The tests validate every chart each page draws instead (tests/app/harness.py).
    """
    if isinstance(chart, (alt.HConcatChart, alt.VConcatChart, alt.ConcatChart)):
        raise TypeError("ui.show draws one chart: put side-by-side charts in st.columns")
    tables, swapped = {}, []
    try:
        _name_tables(chart, tables, {}, swapped)
        # As Streamlit converts a chart: without Altair's default theme (a 300 px default view).
        with _THEME, alt.theme.enable("none"):
            out = chart.to_dict(validate=False)
    finally:
        for part, data in swapped:
            part.data = data
    out.pop("datasets", None)
    out["autosize"], out["width"] = dict(FIT_WIDTH), "container"
    out["usermeta"] = {**out.get("usermeta", {}), **CANVAS}
    config = dict(out.get("config", {}))
    config["mark"] = {**config.get("mark", {}), **MARKS_WITHOUT_ARIA}
    out["config"] = config
    if tables:
        out["datasets"] = tables
    return out


_CHECKS = threading.Lock()
_unchecked_builds, _debug_before = 0, True


@contextlib.contextmanager
def unchecked():
    """Build charts without Altair checking each piece against the schema as it is made.

    Altair's debug mode validates every mark, scale and encoding when it is created:
    13 ms of a 40 ms stopping curve. The tests check every spec each page draws instead
    (tests/app/harness.py), as for :func:`spec`. The mode is process-wide, so builds that
    overlap in two sessions count: the first switches the checks off, the last puts them back as they were.
    """
    global _unchecked_builds, _debug_before
    with _CHECKS:
        if not _unchecked_builds:
            _debug_before = schemapi.DEBUG_MODE
            schemapi.disable_debug_mode()
        _unchecked_builds += 1
    try:
        yield
    finally:
        with _CHECKS:
            _unchecked_builds -= 1
            if not _unchecked_builds and _debug_before:
                schemapi.enable_debug_mode()


# A page's module runs again on every rerun, so its decorators do too, and each new
# ``st.cache_data`` wrapper reads the function's source to name its cache (0.4-0.7 ms a function,
# 4-5 ms a rerun on a page with eight). Equal code (same source, same place) gets the wrapper
# made the first time; its cache, named by that source, is the one a new wrapper would use.
_WRAPPERS: dict = {}
_MAX_WRAPPERS = 512


def _code_key(func):
    """What names ``func`` across reruns (module, name, code compared by content), or None for a closure."""
    if getattr(func, "__closure__", None) is None and hasattr(func, "__code__"):
        return func.__module__, func.__qualname__, func.__code__
    return None


def cached(max_entries):
    """``st.cache_data(max_entries=..., show_spinner=False)``, made once per function, not once per rerun.

    A page writes ``run = cached(max_entries=32)(lesson.run)`` or ``@cached(max_entries=16)``;
    the cache is bounded and shared by every session, as ``st.cache_data``'s is. The wrapper kept
    is the first run's function, so a cached function must depend on its arguments and constants
    only (as ``st.cache_data`` already asks: it does not hash globals either).
    """
    def decorate(func, same_as=None):
        key = _code_key(same_as or func)
        if key is None:
            return st.cache_data(max_entries=max_entries, show_spinner=False)(func)
        key = (key, max_entries)
        wrapper = _WRAPPERS.get(key)
        if wrapper is None:
            if len(_WRAPPERS) >= _MAX_WRAPPERS:
                _WRAPPERS.clear()
            wrapper = _WRAPPERS[key] = st.cache_data(max_entries=max_entries, show_spinner=False)(func)
        return wrapper

    return decorate


def cached_chart(max_entries):
    """``st.cache_data`` for a function that builds a chart (or a tuple of charts): caches their specs.

    A page writes ``@cached_chart(max_entries=32)`` over ``def loss_chart(lr, steps): ...`` and
    draws ``show(loss_chart(lr, steps))``; the cache is bounded like any ``st.cache_data``.
    """
    def decorate(build):
        @functools.wraps(build)
        def specs(*args, **kwargs):
            with unchecked():
                built = build(*args, **kwargs)
            return tuple(spec(c) for c in built) if isinstance(built, (tuple, list)) else spec(built)

        # ``specs`` is a closure over ``build``: it is the builder that names it across reruns.
        return cached(max_entries)(specs, same_as=build)

    return decorate


# What only a whole chart has: an overlay drawn as one layer of another chart drops these.
_TOP_LEVEL = ("$schema", "config", "autosize", "width", "height", "datasets", "title", "padding", "background", "usermeta")


def _renamed(node, names):
    """A copy of a spec's tree with its table references renamed (``{"data": {"name": ...}}``)."""
    if isinstance(node, dict):
        out = {key: _renamed(value, names) for key, value in node.items()}
        data = out.get("data")
        if isinstance(data, dict) and data.get("name") in names:
            out["data"] = {**data, "name": names[data["name"]]}
        return out
    if isinstance(node, list):
        return [_renamed(value, names) for value in node]
    return node


def stack(base: dict, *overlays: dict, flat: bool = False, **top) -> dict:
    """``base`` (a layered spec) with each overlay drawn on top as one more of its layers.

    The spec of ``alt.layer(*base.layer, overlay)`` with the base's size, title and scale
    resolution, built from specs instead of charts: the base (a loss surface, its contours,
    the minima) is built once and cached, and a move rebuilds only the run drawn over it.
    ``flat=True`` adds a layered overlay's own layers instead (``alt.layer(*base.layer,
    *overlay.layer)``, as ``charts.replay`` draws). An overlay's parameters (a replay slider)
    go to the top, where Vega-Lite binds them; its tables are renamed by its place
    (``layer1-data-0``), so names stay stable. ``top`` sets properties of the whole chart,
    e.g. ``resolve`` or ``config``, as ``.resolve_scale()`` or ``.configure_legend()`` would.
    """
    if "layer" not in base:
        raise TypeError("stack: the base must be a layered chart (a landscape, a surface)")
    out = dict(base)
    out["layer"] = list(base["layer"])
    tables = dict(base.get("datasets", {}))
    params = list(base.get("params", []))
    for i, overlay in enumerate(overlays, 1):
        names = {name: f"layer{i}-{name}" for name in overlay.get("datasets", {})}
        tables.update({names[name]: table for name, table in overlay.get("datasets", {}).items()})
        params += overlay.get("params", [])
        layer = _renamed({k: v for k, v in overlay.items() if k not in _TOP_LEVEL + ("params",)}, names)
        out["layer"] += layer["layer"] if flat and set(layer) == {"layer"} else [layer]
    if tables:
        out["datasets"] = tables
    if params:
        out["params"] = params
    if "config" in top:  # as .configure_legend() adds to a chart's config, not replaces it
        top = {**top, "config": {**out.get("config", {}), **top["config"]}}
    out.update(top)
    return out


def show(drawn):
    """Draw a chart, or a spec from :func:`spec` or :func:`cached_chart`, at the width of its column."""
    st.vega_lite_chart(drawn if isinstance(drawn, dict) else spec(drawn), width="stretch")
