"""Loss surfaces: the loss as a function of the weights; the bowl versus real landscapes."""

import numpy as np
import pandas as pd
import streamlit as st

import gdcore as gd
from gdcore import charts
from ui.params import Params
from ui.show import show

P = Params("surfaces")


@st.cache_data(max_entries=32, show_spinner=False)
def landscape_chart(name):
    surface = gd.surfaces.get(name)
    return charts.landscape(surface, title=surface.title)


@st.cache_data(max_entries=32, show_spinner=False)
def critical_points(name):
    """Known critical points with their loss and the Hessian's eigenvalues there."""
    surface = gd.surfaces.get(name)
    rows = []
    for kind, points in (("minimum", surface.minima), ("saddle", surface.saddles), ("maximum", surface.maxima)):
        for i, w in enumerate(points):
            lo, hi = np.linalg.eigvalsh(surface.hessian(w))
            label = kind if kind != "minimum" else ("global minimum" if i == 0 else "minimum")
            rows.append({"point": label, "w₁": w[0], "w₂": w[1], "loss": float(surface.loss(w)), "λ_min": lo, "λ_max": hi})
    return pd.DataFrame(rows)


@st.cache_data(max_entries=32, show_spinner=False)
def non_convex_share(name, resolution=60):
    """Share of the window where the Hessian has a negative eigenvalue (the surface curves down)."""
    surface = gd.surfaces.get(name)
    (xa, xb), (ya, yb) = surface.bounds
    w = np.stack(np.meshgrid(np.linspace(xa, xb, resolution), np.linspace(ya, yb, resolution)), axis=-1)
    lowest = np.linalg.eigvalsh(surface.hessian(w))[..., 0]
    return float(np.mean(lowest < -1e-12))


@st.cache_data(max_entries=64, show_spinner=False)
def slice_chart(name, y):
    surface = gd.surfaces.get(name)
    (xa, xb), _ = surface.bounds
    xs = np.linspace(xa, xb, 400)
    losses = surface.loss(np.stack([xs, np.full_like(xs, y)], axis=-1))
    return charts.curves({"loss": losses}, "loss", x_values={"loss": xs}, x_title="w₁", title=f"loss along w₂ = {y:g}", height=200, log=False)


st.title("Loss surfaces")
st.markdown(
    "A network's loss is a function of its weights: fix the data, pick a value for every weight, "
    "and you get one number. With two weights we can draw that function as a map. Each point of the "
    "plane is a choice of the two weights; its colour (and the contour line through it) is the loss. "
    "Training means finding the lowest point of this map."
)
st.latex(r"L:\ \mathbb{R}^2 \to \mathbb{R}, \qquad w = (w_1, w_2) \;\mapsto\; L(w), \qquad w_{t+1} = w_t - \eta\,\nabla L(w_t)")

names = list(gd.surfaces.catalog())
left, right = st.columns([1.3, 2], gap="large")
with left:
    name = P.selectbox("surface", "Surface", names, value="bowl", format_func=lambda n: gd.surfaces.get(n).title)
    surface = gd.surfaces.get(name)
    st.markdown(surface.description)
    st.latex(surface.formula)
    share = non_convex_share(name)
    if share == 0:
        st.success(
            "**Convex** on this window: the surface curves upward everywhere, so every downhill path leads "
            "to the one minimum. This is the ideal textbook bowl."
        )
    else:
        st.warning(
            f"**Not convex**: on {share:.0%} of this window the surface curves downward in some direction. "
            "Downhill paths can end in different places, stall at saddles or crawl over flat ground."
        )
with right:
    show(landscape_chart(name))

(xa, xb), (ya, yb) = surface.bounds
y_default = float(np.clip(round(float(surface.minima[0][1]), 2), ya, yb))
y = P.slider("y", "Cut the surface along w₂ =", float(ya), float(yb), y_default, step=0.01)
show(slice_chart(name, y))
st.caption("A cross-section: the loss along one horizontal line of the map. Its dips are the valleys you see above.")

st.subheader("Critical points")
st.markdown(
    "Where the gradient is zero the ground is flat. The Hessian's eigenvalues (the curvatures along the two "
    "principal directions) tell what kind of flat point it is: both positive is a minimum, both negative a "
    "maximum, mixed signs a saddle."
)
st.dataframe(critical_points(name), hide_index=True, width="stretch")

with st.expander("Why the convex bowl is an ideal, not the rule"):
    st.markdown(
        "A convex loss has a single valley: wherever you start, walking downhill reaches the same minimum. "
        "Linear and logistic regression are like that. A neural network chains many nonlinear layers, and its "
        "loss is almost never convex: it has many minima of different depths, saddle points where the ground "
        "rises one way and falls another, and wide plateaus where it is nearly flat. The bowl is still worth "
        "studying first, because every landscape looks like a bowl close enough to a minimum."
    )
