"""Loss surfaces: the loss as a function of the weights; the bowl versus real landscapes."""

import numpy as np
import pandas as pd
import streamlit as st

import gdcore as gd
from gdcore import charts
from lessons import loss_surfaces as lesson
from ui.params import Params
from ui.show import cached, cached_chart, show, stack

P = Params("surfaces")
NAMES = list(gd.surfaces.catalog())
TITLES = {name: gd.surfaces.get(name).title for name in NAMES}


@cached(max_entries=64)
def facts(name, y):
    return lesson.facts(name, y)


@cached_chart(max_entries=16)
def map_chart(name):
    return charts.landscape(gd.surfaces.get(name))


@cached_chart(max_entries=64)
def cut_line(name, y):
    """The cut w₂ = y drawn across the map, so the cross-section below has a place."""
    (xa, xb), _ = gd.surfaces.get(name).bounds
    return charts.faint_path(np.array([[xa, y], [xb, y]]), color="#111111", opacity=0.85, width=1.6)


@cached_chart(max_entries=64)
def cut_chart(name, y):
    xs, losses = lesson.run(name, y)
    chart = charts.curves({"loss": losses}, "loss", x_values={"loss": xs}, x_title="w₁",
                          title="loss along the cut", height=190, log=False)
    marked = [d for d in facts(name, y).dips if d.match is not None][:3]
    for d in marked:
        chart = charts.layer(chart, charts.vertical_rules([d.w1], color="#7b3294" if d.match.kind != "minimum" else "#111111",
                                                          label=d.match.name))
    return chart


def table(f):
    return pd.DataFrame([
        {
            "point": c.name,
            "(w₁, w₂)": lesson.at(c.point),
            "loss": charts.plain(c.loss),
            "λ_min": charts.plain(c.eigenvalues[0]),
            "λ_max": charts.plain(c.eigenvalues[1]),
            "the Hessian says": c.kind if c.kind != "degenerate" else "cannot tell",
        }
        for c in f.critical
    ])


def apply_preset(name):
    P.set(**lesson.PRESETS[name])


def reset_for_surface():
    """A new surface gets its own cut: the line through its global minimum (as schedules resets its start)."""
    P.set(**lesson.surface_defaults(st.session_state[P.key("surface")]))


def say(line):
    getattr(st, line.tone)(line.text)


st.title("Loss surfaces")
st.markdown(
    "Fix the data and pick a value for each weight: the loss is one number. With two weights that is a map "
    "over the plane (w₁, w₂), coloured by the loss; training looks for its lowest point."
)
rule_map, rule_step = st.columns(2)
rule_map.latex(r"L:\ (w_1, w_2) \mapsto L(w_1, w_2)")
rule_step.latex(r"w_{t+1} = w_t - \eta\,\nabla L(w_t)")

controls, picture = st.columns([1, 1.75], gap="large")
with controls:
    st.markdown("**Presets**")
    P.preset_buttons(lesson.PRESETS, apply_preset, per_row=2)
    name = P.selectbox("surface", "Surface", NAMES, value=lesson.DEFAULTS["surface"],
                       format_func=lambda n: TITLES.get(n, n), on_change=reset_for_surface)
    st.caption("Choosing a surface in the box also moves the cut to the line through its global minimum; "
               "a preset sets its own cut.")
    surface = gd.surfaces.get(name)
    (_, _), (ya, yb) = surface.bounds
    # The verdict depends on the surface only; the cut comes last, beside the cross-section it draws.
    verdict = st.container()
    for formula in lesson.latex_lines(lesson.in_weights(surface.formula)):
        st.latex(formula)
    y = P.slider("y", "Cut the map along the line w₂ =", float(ya), float(yb), lesson.cut_default(name), step=0.01)
    f = facts(name, y)
    lines = lesson.story(f)
    with verdict:
        say(lines[0])
with picture:
    show(stack(map_chart(name), cut_line(name, y)))
    show(cut_chart(name, y))
    say(lines[-1])

st.markdown(f"**{f.title}.** {surface.description}")

st.subheader("Critical points")
st.markdown(
    "Where the gradient is zero the ground is flat. The Hessian's two eigenvalues are the curvatures along its "
    "principal directions: both positive is a minimum, both negative a peak, mixed signs a saddle."
)
for line in lines[1:-1]:
    say(line)
st.dataframe(table(f), hide_index=True, width="stretch")

with st.expander("Why the convex bowl is an ideal, not the rule"):
    st.markdown(
        "A convex loss has a single valley: wherever you start, walking downhill reaches the same minimum. "
        "Linear and logistic regression are like that. A neural network chains many nonlinear layers, and its "
        "loss is almost never convex: it has many minima of different depths, saddle points where the ground "
        "rises one way and falls another, and wide plateaus where it is nearly flat. The bowl is still worth "
        "studying first, because every landscape looks like a bowl close enough to a minimum."
    )
