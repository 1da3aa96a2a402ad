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

from collections.abc import Mapping

import altair as alt
import contourpy
import numpy as np
import pandas as pd

#: Colours of named paths, in order: readable on the light heatmap and for colour-blind eyes.
PATH_COLORS = ("#d62728", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")
HEATMAP_SCHEME = "lighttealblue"
WIDTH, HEIGHT = 420, 380

_MARKER_STYLE = {
    "minimum": {"shape": "diamond", "color": "#111111"},
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
    (x0, x1), (y0, y1) = bounds
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    w = np.stack(np.meshgrid(xs, ys), axis=-1)
    with np.errstate(all="ignore"):
        z = np.asarray(loss(w), dtype=np.float64)
    return xs, ys, np.where(np.isfinite(z), z, np.nan)


def _wide_range(z) -> bool:
    """True when a linear colour scale would hide the valley: most cells sit near the floor."""
    lo, low_quarter, hi = np.nanpercentile(z, [0, 25, 100])
    return hi - lo > 0 and (hi - lo) > 20 * (low_quarter - lo)


def contour_levels(z, levels=12, log=False):
    """Contour levels spread evenly in value, or in log of height above the floor."""
    lo, hi = np.nanmin(z), np.nanmax(z)
    if not np.isfinite(lo) or hi <= lo:
        return np.array([])
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
    """Width and height that keep one unit of w1 as long as one unit of w2 (circles stay round)."""
    (x0, x1), (y0, y1) = bounds
    height = width * (y1 - y0) / (x1 - x0)
    if height > max_height:
        width, height = width * max_height / height, max_height
    return int(round(width)), int(round(height))


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
    """
    bounds = bounds if bounds is not None else objective.bounds
    xs, ys, z = grid(objective.loss, bounds, resolution)
    if log is None:
        log = _wide_range(z)
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    gx, gy = np.meshgrid(xs, ys)
    cells = pd.DataFrame(
        {
            # Cells overlap by a hair so no anti-aliased seams show between them.
            "x": (gx - 0.51 * dx).ravel(),
            "x2": (gx + 0.51 * dx).ravel(),
            "y": (gy - 0.51 * dy).ravel(),
            "y2": (gy + 0.51 * dy).ravel(),
            "loss": z.ravel(),
        }
    ).dropna()
    x, y = _scales(bounds)
    field, title, color_scale = "loss", "loss", alt.Scale(scheme=HEATMAP_SCHEME)
    if log:
        # Colour by the height above the lowest cell on a cube-root scale: the valley floor
        # gets shades of its own instead of one pale band beside steep walls.
        cells["height"] = cells["loss"] - float(cells["loss"].min())
        field, title = "height", "loss − min"
        color_scale = alt.Scale(scheme=HEATMAP_SCHEME, type="pow", exponent=1 / 3)
    heat = (
        alt.Chart(cells)
        .mark_rect(opacity=0.9)
        .encode(
            x=x,
            x2="x2:Q",
            y=y,
            y2="y2:Q",
            color=alt.Color(f"{field}:Q", scale=color_scale, title=title, legend=alt.Legend(format=".2~g")),
            tooltip=[],
        )
    )
    lines = contour_lines(xs, ys, z, contour_levels(z, levels, log))
    contour = (
        alt.Chart(lines)
        .mark_line(strokeWidth=0.8, color="#36454f", opacity=0.55, clip=True)
        .encode(x=x, y=y, detail="line:N", order="order:Q")
    )
    width, height = plane_size(bounds, width) if height is None else (width, height)
    props = {"width": width, "height": height}
    if title:
        props["title"] = title
    return alt.layer(heat, contour).properties(**props)


def paths(named_points: Mapping[str, np.ndarray], *, bounds=None, stride=1, colors=PATH_COLORS):
    """Paths in the weight plane: ordered lines, a circle at the start, a square at the end.

    ``named_points`` maps a legend name to a path of shape ``(T+1, 2)``.
    Paths are clipped to the plot, so a diverging run still draws.
    ``stride`` thins long paths (the last point is always kept).
    """
    frames = []
    for name, pts in named_points.items():
        pts = np.asarray(pts, dtype=np.float64)
        keep = np.unique(np.r_[np.arange(0, len(pts), max(1, int(stride))), len(pts) - 1])
        pts = pts[keep]
        frames.append(
            pd.DataFrame({"path": name, "step": keep, "x": pts[:, 0], "y": pts[:, 1]})
        )
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {"path": [], "step": [], "x": [], "y": []}
    )
    names = list(named_points)
    color = alt.Color(
        "path:N",
        scale=alt.Scale(domain=names, range=list(colors[: max(1, len(names))])),
        title="path",
        legend=alt.Legend(orient="bottom") if len(names) > 1 else None,
    )
    if bounds is not None:
        x, y = _scales(bounds)
    else:
        x, y = alt.X("x:Q", title="w₁"), alt.Y("y:Q", title="w₂")
    base = alt.Chart(data).encode(x=x, y=y, color=color)
    line = base.mark_line(strokeWidth=2.2, clip=True, point=alt.OverlayMarkDef(size=14, clip=True)).encode(
        order="step:Q", detail="path:N", tooltip=["path:N", "step:Q", alt.Tooltip("x:Q", format=".4f"), alt.Tooltip("y:Q", format=".4f")]
    )
    ends = data.groupby("path", sort=False).agg(
        x0=("x", "first"), y0=("y", "first"), x1=("x", "last"), y1=("y", "last")
    ).reset_index()
    starts = alt.Chart(ends).mark_point(shape="circle", size=110, filled=True, stroke="white", strokeWidth=1.5, clip=True).encode(
        x="x0:Q", y="y0:Q", color=color
    )
    finish = alt.Chart(ends).mark_point(shape="square", size=110, filled=True, stroke="white", strokeWidth=1.5, clip=True).encode(
        x="x1:Q", y="y1:Q", color=color
    )
    return (line + starts + finish).resolve_scale(color="shared")


def markers(named_points: Mapping[str, np.ndarray], *, labels: Mapping[str, str] | None = None):
    """Known critical points: ``{"minimum": (k, 2), "saddle": (m, 2), ...}`` as shaped markers.

    ``labels`` optionally maps a kind to its legend text.
    """
    frames = []
    for kind, pts in named_points.items():
        pts = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
        if len(pts):
            frames.append(pd.DataFrame({"kind": (labels or {}).get(kind, kind), "x": pts[:, 0], "y": pts[:, 1]}))
    if not frames:
        return alt.Chart(pd.DataFrame({"x": [], "y": []})).mark_point().encode(x="x:Q", y="y:Q")
    data = pd.concat(frames, ignore_index=True)
    kinds = [(labels or {}).get(k, k) for k in named_points if len(np.asarray(named_points[k]).reshape(-1, 2))]
    style = [_MARKER_STYLE.get(k, _MARKER_STYLE["degenerate"]) for k in named_points if len(np.asarray(named_points[k]).reshape(-1, 2))]
    return (
        alt.Chart(data)
        .mark_point(size=130, filled=True, opacity=0.95, clip=True)
        .encode(
            x="x:Q",
            y="y:Q",
            # Shape and fill share field and title, so Vega-Lite merges them into one legend.
            shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=[s["shape"] for s in style]), title="critical point", legend=alt.Legend(orient="bottom")),
            fill=alt.Fill("kind:N", scale=alt.Scale(domain=kinds, range=[s["color"] for s in style]), title="critical point", legend=alt.Legend(orient="bottom")),
            tooltip=["kind:N", alt.Tooltip("x:Q", format=".4f"), alt.Tooltip("y:Q", format=".4f")],
        )
    )


def arrow(point, direction, *, color="#111111", label="−∇L"):
    """An arrow from ``point`` along ``direction`` (e.g. minus the gradient, scaled)."""
    p = np.asarray(point, dtype=np.float64)
    q = p + np.asarray(direction, dtype=np.float64)
    # Vega measures a point's angle clockwise from up, in screen space; y grows upward here.
    angle = float(np.degrees(np.arctan2(q[0] - p[0], q[1] - p[1])))
    shaft = pd.DataFrame({"x": [p[0], q[0]], "y": [p[1], q[1]], "order": [0, 1]})
    head = pd.DataFrame({"x": [q[0]], "y": [q[1]], "angle": [angle], "label": [label]})
    line = alt.Chart(shaft).mark_line(color=color, strokeWidth=2.5, clip=True).encode(x="x:Q", y="y:Q", order="order:Q")
    tip = alt.Chart(head).mark_point(shape="triangle-up", filled=True, size=140, color=color, clip=True).encode(
        x="x:Q", y="y:Q", angle=alt.Angle("angle:Q", scale=None)
    )
    text = alt.Chart(head).mark_text(align="left", dx=8, dy=-8, fontSize=13, color=color, clip=True).encode(
        x="x:Q", y="y:Q", text="label:N"
    )
    return line + tip + text


def curves(series: Mapping[str, np.ndarray], field, *, title=None, x_title="step", log=None, width=WIDTH, height=220, colors=PATH_COLORS, x_values=None):
    """Named series against their index (or ``x_values[name]``), one line each.

    ``field`` names the quantity (a column name); ``title`` labels the y axis.
    ``log=None`` picks a log axis when positive values span more than two decades.
    """
    frames = []
    for name, values in series.items():
        values = np.asarray(values, dtype=np.float64)
        xs = np.arange(len(values)) if x_values is None else np.asarray(x_values[name], dtype=np.float64)
        frames.append(pd.DataFrame({"series": name, "x": xs, field: values}))
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"series": [], "x": [], field: []})
    data = data[np.isfinite(data[field])]
    if log is None:
        vals = data[field].to_numpy()
        log = bool(len(vals)) and vals.min() > 0 and vals.max() / vals.min() > 100
    y_scale = alt.Scale(type="log") if log else alt.Scale(zero=False)
    names = list(series)
    color = alt.Color(
        "series:N",
        scale=alt.Scale(domain=names, range=list(colors[: max(1, len(names))])),
        title=None,
        legend=alt.Legend(orient="bottom") if len(names) > 1 else None,
    )
    return (
        alt.Chart(data)
        .mark_line(strokeWidth=2, clip=True)
        .encode(
            x=alt.X("x:Q", title=x_title),
            y=alt.Y(f"{field}:Q", title=(title or field) + (" (log scale)" if log else ""), scale=y_scale),
            color=color,
            tooltip=["series:N", alt.Tooltip("x:Q", title=x_title), alt.Tooltip(f"{field}:Q", format=".4g")],
        )
        .properties(width=width, height=height)
    )


def loss_curve(series: Mapping[str, np.ndarray], *, x_title="step", log=None, width=WIDTH, height=240, colors=PATH_COLORS, x_values=None):
    """Loss against step for one or more named runs; log axis when it spans decades."""
    return curves(series, "loss", x_title=x_title, log=log, width=width, height=height, colors=colors, x_values=x_values)


def lr_curve(series: Mapping[str, np.ndarray], *, x_title="update", log=False, width=WIDTH, height=200, colors=PATH_COLORS):
    """Learning rate against update number for one or more named schedules."""
    return curves(series, "lr", x_title=x_title, log=log, width=width, height=height, colors=colors)


def vertical_rules(xs, *, color="#555555", dash=(4, 3), label=None):
    """Vertical lines at the given x positions (e.g. lr reductions, the stop)."""
    data = pd.DataFrame({"x": np.asarray(xs, dtype=np.float64), "label": label or ""})
    rule = alt.Chart(data).mark_rule(color=color, strokeDash=list(dash), strokeWidth=1.5).encode(x="x:Q")
    if label:
        rule = rule + alt.Chart(data).mark_text(align="left", dx=4, dy=-4, color=color, fontSize=11).encode(
            x="x:Q", y=alt.value(10), text="label:N"
        )
    return rule


def band(x0, x1, *, color="#f2b134", opacity=0.2):
    """A shaded vertical band from ``x0`` to ``x1`` (e.g. the patience window)."""
    data = pd.DataFrame({"x": [float(x0)], "x2": [float(x1)]})
    return alt.Chart(data).mark_rect(color=color, opacity=opacity).encode(x="x:Q", x2="x2:Q")


def landscape(objective, named_paths=None, *, bounds=None, critical=None, resolution=70, title=None, width=WIDTH, height=None, stride=1):
    """The usual view: surface, critical points and paths in one chart.

    ``critical`` maps a kind ("minimum", "saddle", ...) to points; by default
    the objective's own ``minima`` and ``saddles`` when it has them.
    """
    bounds = bounds if bounds is not None else objective.bounds
    width, height = plane_size(bounds, width) if height is None else (width, height)
    chart = surface(objective, bounds=bounds, resolution=resolution, width=width, height=height)
    if critical is None:
        critical = {}
        for kind, attr in (("minimum", "minima"), ("saddle", "saddles"), ("maximum", "maxima")):
            pts = getattr(objective, attr, None)
            if pts is not None and len(pts):
                critical[kind] = pts
    layers = [chart]
    if critical:
        layers.append(markers(critical))
    if named_paths:
        layers.append(paths(named_paths, bounds=bounds, stride=stride))
    props = {"width": width, "height": height}
    if title:
        props["title"] = title
    return alt.layer(*layers).resolve_scale(color="independent", shape="independent", fill="independent").properties(**props)


BASIN_COLORS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")


def basin_map(basins, *, width=WIDTH, height=HEIGHT, title=None):
    """Every start coloured by the minimum its run reached (grey: none), minima marked.

    ``basins`` is the result of :func:`gdcore.critical.basins`. The legend gives
    each minimum's loss, so a student sees which basin is the deep one.
    """
    xs, ys, labels = basins.xs, basins.ys, basins.labels
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    gx, gy = np.meshgrid(xs, ys)
    names = [
        f"{'global ' if k == 0 else ''}min {k} (loss {loss:.3g})" for k, loss in enumerate(basins.minimum_losses)
    ]
    label_names = np.array(names + ["none reached"])[np.where(labels < 0, len(names), labels)]
    used = [n for n in names + ["none reached"] if n in set(label_names.ravel())]
    palette = {n: BASIN_COLORS[i % len(BASIN_COLORS)] for i, n in enumerate(names)}
    palette["none reached"] = "#d9d9d9"
    cells = pd.DataFrame(
        {
            "x": (gx - 0.51 * dx).ravel(),
            "x2": (gx + 0.51 * dx).ravel(),
            "y": (gy - 0.51 * dy).ravel(),
            "y2": (gy + 0.51 * dy).ravel(),
            "basin": label_names.ravel(),
        }
    )
    x, y = _scales(((xs[0] - dx / 2, xs[-1] + dx / 2), (ys[0] - dy / 2, ys[-1] + dy / 2)))
    heat = (
        alt.Chart(cells)
        .mark_rect()
        .encode(
            x=x,
            x2="x2:Q",
            y=y,
            y2="y2:Q",
            color=alt.Color("basin:N", scale=alt.Scale(domain=used, range=[palette[n] for n in used]), title="ends in",
                            legend=alt.Legend(orient="right", columns=1, symbolLimit=12, labelLimit=220)),
            tooltip=["basin:N"],
        )
    )
    props = {"width": width, "height": height}
    if title:
        props["title"] = title
    shown = basins.minima[: len(BASIN_COLORS)]
    return alt.layer(heat, markers({"minimum": shown})).resolve_scale(color="independent").properties(**props)
