"""Local minima: where gradient descent ends depends on where it starts; the basin map shows it for every start."""

import dataclasses

import numpy as np
import pandas as pd
import streamlit as st

import gdcore as gd
from gdcore import charts
from ui.params import Params
from ui.show import show

P = Params("minima")
SURFACES = ("local_global", "himmelblau", "six_hump_camel", "rastrigin")
# Learning rates as multiples of 2/lambda_max at the global minimum, so one slider fits every surface.
SCALES = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5, 2.0)
SMALL = 0.1  # the careful step every map is compared with
RESOLUTIONS = (20, 40, 60, 80, 100)
CHART_WIDTH = 300
TABLE_ROWS = 12


@st.cache_data(max_entries=16, show_spinner=False)
def stability_bounds(name):
    """2 / lambda_max of the Hessian at each minimum: the largest lr that can settle there."""
    surface = gd.surfaces.get(name)
    return np.asarray(surface.max_stable_lr_at(surface.minima), dtype=np.float64)


def learning_rate(name, scale):
    return float(scale * stability_bounds(name)[0])


@st.cache_data(max_entries=32, show_spinner=False)
def basin_map(name, scale, resolution, steps):
    surface = gd.surfaces.get(name)
    return gd.basins(surface, gd.SGD(lr=learning_rate(name, scale)), resolution, steps)


@st.cache_data(max_entries=64, show_spinner=False)
def run(name, scale, x0, y0, steps):
    return gd.descend(gd.surfaces.get(name), gd.SGD(lr=learning_rate(name, scale)), (x0, y0), steps)


@st.cache_data(max_entries=32, show_spinner=False)
def map_chart(name, scale, resolution, steps, x0, y0):
    basins = basin_map(name, scale, resolution, steps)
    traj = run(name, scale, x0, y0, steps)
    width, height = charts.plane_size(gd.surfaces.get(name).bounds, CHART_WIDTH)
    # Equal minima computed to 1e-31 should read "loss 0" in the legend.
    shown = dataclasses.replace(basins, minimum_losses=np.round(basins.minimum_losses, 6) + 0.0)
    chart = charts.basin_map(shown, width=width, height=height, title="Where each start ends (basin map)")
    return chart + charts.paths({"your run": traj.points}, bounds=gd.surfaces.get(name).bounds, colors=("#111111",))


@st.cache_data(max_entries=32, show_spinner=False)
def path_chart(name, scale, x0, y0, steps):
    traj = run(name, scale, x0, y0, steps)
    surface = gd.surfaces.get(name)
    crowded = len(surface.minima) + len(surface.saddles) + len(surface.maxima) > 30
    # Rastrigin has hundreds of critical points: marking them all would hide the path.
    critical = {"minimum": surface.minima[:1]} if crowded else None
    return charts.landscape(surface, {"your run": traj.points}, critical=critical, width=CHART_WIDTH,
                            title="Your run over the loss surface" + (" (global minimum marked)" if crowded else ""))


@st.cache_data(max_entries=32, show_spinner=False)
def minima_table(name, scale, resolution, steps):
    """One row per minimum: where, how low, how large a step can settle there, and who reaches it."""
    surface = gd.surfaces.get(name)
    now = basin_map(name, scale, resolution, steps).shares()
    small = basin_map(name, SMALL, resolution, steps).shares()
    losses = surface.loss(surface.minima)
    table = pd.DataFrame(
        {
            "minimum": [f"{'global ' if k == 0 else ''}min {k}" for k in range(len(surface.minima))],
            "w₁": surface.minima[:, 0],
            "w₂": surface.minima[:, 1],
            "loss": losses,
            "above global": losses - losses[0],
            "largest stable η": stability_bounds(name),
            "share of starts": now[:-1],
            f"share at {SMALL:g}× bound": small[:-1],
        }
    )
    return table.sort_values(["share of starts", "loss"], ascending=[False, True]).head(TABLE_ROWS)


def number(x):
    """A loss for a sentence: 1e-31 is shown as 0, not in scientific notation."""
    return "0" if abs(x) < 1e-9 else f"{x:.4g}"


def percent(x):
    return f"{100 * x:.0f}%" if x >= 0.01 or x == 0 else "<1%"


st.title("Local minima")
st.markdown(
    "A bowl has one lowest point, so every downhill walk ends there. A non-convex loss has several valleys. "
    "Gradient descent only ever looks at the slope under its feet, so it settles in whichever valley it "
    "starts above: the start, not the depth of the valley, decides the outcome. The set of starts that end "
    "in one minimum is that minimum's **basin of attraction**. The map below runs gradient descent from every "
    "cell of a grid at once and colours each start by the minimum it reaches."
)
st.latex(
    r"w_{t+1} = w_t - \eta\,\nabla L(w_t), \qquad "
    r"\text{basin}(m) = \{\, w_0 : w_t \to m \,\}, \qquad "
    r"\eta\ \text{can settle at } m \text{ only if } \eta < 2/\lambda_{\max}\!\left(\nabla^2 L(m)\right)"
)

row = st.columns(4, gap="medium")
with row[0]:
    name = P.selectbox("surface", "Surface", SURFACES, value="local_global", format_func=lambda n: gd.surfaces.get(n).title)
surface = gd.surfaces.get(name)
bound = float(stability_bounds(name)[0])
with row[1]:
    scale = P.select_slider("lr_scale", "Learning rate η, as a multiple of 2/λ_max at the global minimum", SCALES, value=0.3, format_func=lambda v: f"{v:g}")
    lr = scale * bound
    st.caption(f"η = {scale:g} × {bound:.4g} = **{lr:.4g}**")
with row[2]:
    steps = P.slider("steps", "Steps per run", 50, 1000, 300, step=50)
with row[3]:
    resolution = P.select_slider("resolution", "Starts per side of the grid", RESOLUTIONS, value=60, format_func=lambda r: f"{r}")
st.caption(surface.description)

(xa, xb), (ya, yb) = surface.bounds
starts = st.columns(2, gap="medium")
with starts[0]:
    x0 = P.slider("x0", "Your start w₁", float(xa), float(xb), float(round(xa + 0.2 * (xb - xa), 2)), step=0.01)
with starts[1]:
    y0 = P.slider("y0", "Your start w₂", float(ya), float(yb), float(round(ya + 0.8 * (yb - ya), 2)), step=0.01)
basins = basin_map(name, scale, resolution, steps)
traj = run(name, scale, x0, y0, steps)
left, right = st.columns([1.3, 1], gap="small")
with left:
    show(map_chart(name, scale, resolution, steps, x0, y0))
with right:
    show(path_chart(name, scale, x0, y0, steps))

# Your run, in words.
losses = basins.minimum_losses
distance = np.linalg.norm(surface.minima - traj.final, axis=-1)
k = int(np.argmin(distance))
if traj.status == "diverged":
    st.error(
        f"**Diverged** after {traj.steps_done} steps: η = {lr:.4g} is too large for the steep walls around this start, "
        "so each step overshoots further than the last. The chart shows the finite part of the run."
    )
elif distance[k] > basins.radius:
    st.warning(
        f"Your run reached **no minimum** in {steps} steps: it ends at ({traj.final[0]:.2f}, {traj.final[1]:.2f}) "
        f"with loss {number(traj.losses[-1])}. "
        + (f"It keeps bouncing around minimum {k}: η is above the largest step that can settle there "
           f"(2/λ_max = {stability_bounds(name)[k]:.4g}), so every step overshoots its floor."
           if stability_bounds(name)[k] < lr else "It is still on its way: run more steps.")
    )
elif k == 0 or np.isclose(losses[k], losses[0]):
    st.success(
        f"Your run ends in the **global minimum** ({surface.minima[k][0]:.2f}, {surface.minima[k][1]:.2f}), "
        f"loss {number(losses[k])}. Move the start into another colour of the map to end somewhere else."
    )
else:
    st.info(
        f"Your run ends in **local minimum {k}** ({surface.minima[k][0]:.2f}, {surface.minima[k][1]:.2f}) with loss "
        f"{number(losses[k])}, {number(losses[k] - losses[0])} above the global minimum. The slope there is zero, "
        "so gradient descent has no reason to leave: it is stuck for good."
    )

# The whole map, in words: how the step size changes who reaches the global minimum.
shares = basins.shares()
small = basin_map(name, SMALL, resolution, steps).shares()
is_global = np.isclose(losses, losses[0])
global_now, global_small = shares[:-1][is_global].sum(), small[:-1][is_global].sum()
too_sharp = np.flatnonzero(stability_bounds(name) < lr)
note = (
    f"With η = {scale:g}× the bound, **{percent(global_now)}** of the starts reach a global minimum "
    f"and {percent(shares[-1])} reach none; with a small step ({SMALL:g}×) it is {percent(global_small)} and {percent(small[-1])}. "
)
diverged = float(np.mean(basins.status == "diverged"))
if diverged:
    note += f"{percent(diverged)} of the runs diverged: their first steps were too large for the steep outer walls. "
if len(too_sharp) == len(losses):
    note += (
        "η is above 2/λ_max at **every** minimum: no run can settle anywhere, each one keeps bouncing "
        "(or flies off), so the map is grey."
    )
elif len(too_sharp):
    note += (
        f"η is above the largest stable step of {len(too_sharp)} of the {len(losses)} minima (see the table): "
        "a run that falls into one of them overshoots its floor, bounces out and **jumps to another basin**, "
        "or keeps bouncing. Their basins shrink or vanish, and wider minima take over the starts."
    )
else:
    note += (
        "η is below the largest stable step of every minimum, so each run settles in the valley it starts in "
        f"and the map barely changes. Raise η past {stability_bounds(name).min() / bound:.2g}× (the smallest "
        "stable step in the table) to see runs jump basins."
    )
st.markdown(note)

st.subheader("The minima")
st.dataframe(
    minima_table(name, scale, resolution, steps),
    hide_index=True,
    width="stretch",
    column_config={
        "w₁": st.column_config.NumberColumn(format="%.3f"),
        "w₂": st.column_config.NumberColumn(format="%.3f"),
        "loss": st.column_config.NumberColumn(format="%.4f"),
        "above global": st.column_config.NumberColumn(format="%.4f"),
        "largest stable η": st.column_config.NumberColumn(format="%.4g", help="2/λ_max of the Hessian at this minimum"),
        "share of starts": st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0),
        f"share at {SMALL:g}× bound": st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0),
    },
)
if len(losses) > TABLE_ROWS:
    st.caption(f"The {TABLE_ROWS} minima reached by the most starts, of {len(losses)}.")

st.subheader("Is a local minimum a failure?")
st.markdown(
    "Less often than this picture suggests. A real network has millions of weights and an enormous number of "
    "minima, and most of the ones gradient descent finds lie close in loss to the very best one, like the "
    "shallow pits of Rastrigin's surface near its centre. What we care about is the network's answers, not the "
    "last decimal of the loss: if a classifier gives the right class a probability of 0.8 at one minimum and "
    "0.99 at another, it predicts the same class in both. A *good* local minimum does the job; the ones to "
    "avoid are the few that sit far above the rest. The next pages show how randomness and the choice of "
    "step size help a run leave those."
)
