"""Local minima: where gradient descent ends depends on where it starts; the basin map shows it for every start."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

import gdcore as gd
from gdcore import charts
from lessons import local_minima as lesson
from ui.params import Params
from ui.show import cached, cached_chart, show, stack

P = Params("minima")
D = lesson.DEFAULTS
MAP_WIDTH, RUN_WIDTH = 520, 420
TABLE_ROWS = 12
YOURS = "your run"

# One map per η: moving η maps the starts again at the new η only, the careful step's map is kept.
basin_map = cached(max_entries=16)(lesson.basin_map)


# One run per η and start: moving η keeps the careful step's run from the same start.
descent = cached(max_entries=32)(lesson.descent)


def maps(surface, lr_scale, steps, resolution):
    return lesson.maps(surface, lr_scale, steps, resolution, mapper=basin_map)


@cached(max_entries=16)
def run(surface, lr_scale, steps, resolution, x0, y0):
    return lesson.run(surface, lr_scale, steps, resolution, x0, y0,
                      basin_maps=maps(surface, lr_scale, steps, resolution), descend=descent)


def path_names(careful_lr):
    # Your η stays out of the legend (the caption under its slider gives it): a name that changes with the
    # slider changes the chart's spec, and the browser then builds the chart again instead of swapping its data.
    return {"yours": "your η", "careful": f"careful η = {charts.plain(careful_lr)}"}


@cached_chart(max_entries=8)
def map_base(surface, lr_scale, steps, resolution):
    """Where each start ends, with the starts that jump hatched: the same wherever your run starts."""
    b, careful = maps(surface, lr_scale, steps, resolution)
    width, height = charts.plane_size(gd.surfaces.get(surface).bounds, MAP_WIDTH, max_height=440)
    careful_lr = lesson.learning_rate(surface, lesson.SMALL)
    layers = [charts.basin_map(b, width=width, height=height)]
    subtitle = ["black line: your run"]
    jumped = lesson.jumped(b, careful)
    if jumped.any():
        layers.append(charts.hatch(b.xs, b.ys, jumped, legend=False))
        subtitle += ["hatched: the starts that end in another minimum", f"than at the careful step η = {charts.plain(careful_lr)}"]
    title = alt.TitleParams("Where each start ends at your η", subtitle=subtitle, anchor="start")
    return charts.layer(*layers).resolve_scale(color="independent").properties(width=width, height=height, title=title)


@cached_chart(max_entries=16)
def your_path(*args):
    r = run(*args)
    b = r.basins
    dx, dy = b.xs[1] - b.xs[0], b.ys[1] - b.ys[0]
    bounds = ((b.xs[0] - dx / 2, b.xs[-1] + dx / 2), (b.ys[0] - dy / 2, b.ys[-1] + dy / 2))
    return charts.paths({YOURS: r.traj.points}, bounds=bounds, colors=("#111111",))


@cached_chart(max_entries=4)
def run_base(surface):
    """The loss surface under your run at both steps."""
    title = alt.TitleParams("Your start at both steps", anchor="start", subtitle="over the loss surface")
    return charts.surface(gd.surfaces.get(surface), width=RUN_WIDTH, resolution=60).resolve_scale(
        color="independent", shape="independent", fill="independent").properties(title=title)


@cached_chart(max_entries=16)
def run_paths(*args):
    r = run(*args)
    names = path_names(lesson.learning_rate(r.surface, lesson.SMALL))
    return charts.paths({names["yours"]: r.traj.points, names["careful"]: r.careful_traj.points},
                        bounds=gd.surfaces.get(r.surface).bounds, colors=("#111111", "#d62728"))


def minima_table(f):
    """One row per minimum: how low, how large a step can settle there, and who reaches it."""
    table = pd.DataFrame({
        "minimum": f.names,
        "loss": f.losses,
        "2/λ_max": f.bounds,
        "share at η": f.shares[:-1],
        f"at {lesson.SMALL:g}×": f.careful_shares[:-1],
    })
    return table.sort_values(["share at η", "loss"], ascending=[False, True]).head(TABLE_ROWS)


def apply_preset(name):
    P.set(**lesson.PRESETS[name])


def reset_for_surface():
    P.set(**lesson.SURFACE_DEFAULTS[st.session_state[P.key("surface")]])


st.title("Local minima")
st.markdown(
    "Gradient descent only feels the slope under its feet, so on a loss with several valleys it settles in the "
    "one it starts above. The map runs it from every start at once and colours each start by the minimum it ends in."
)
st.latex(r"w_{t+1} = w_t - \eta\,\nabla L(w_t)")

controls, view = st.columns([1, 2.1], gap="medium")
with controls:
    st.markdown("**Presets**")
    P.preset_buttons(lesson.PRESETS, apply_preset)
    name = P.selectbox("surface", "Surface", lesson.SURFACES, value=D["surface"],
                       format_func=lambda n: gd.surfaces.get(n).title if n in lesson.SURFACES else n,
                       on_change=reset_for_surface)
    surface = gd.surfaces.get(name)
    st.caption("Choosing a surface resets η and the start to values that suit it.")
    own = lesson.SURFACE_DEFAULTS[name]
    bound = float(lesson.stability_bounds(name)[0])
    scale = P.select_slider("lr_scale", "Learning rate η, as a multiple of 2/λ_max at the global minimum",
                            lesson.SCALES, value=own["lr_scale"], format_func=lambda v: f"{v:g}")
    st.caption(f"η = {scale:g} × {charts.plain(bound)} = **{charts.plain(scale * bound)}**")
    (xa, xb), (ya, yb) = surface.bounds
    x0 = P.slider("x0", "Your start w₁", float(xa), float(xb), float(own["x0"]), step=0.01)
    y0 = P.slider("y0", "Your start w₂", float(ya), float(yb), float(own["y0"]), step=0.01)
    with st.expander("Grid and steps"):
        steps = P.slider("steps", "Steps per run", 50, 1000, D["steps"], step=50)
        resolution = P.select_slider("resolution", "Starts per side of the grid", lesson.RESOLUTIONS,
                                     value=D["resolution"], format_func=lambda r: f"{r}")

args = (name, scale, steps, resolution, x0, y0)
facts = lesson.facts(run(*args))
current = {"surface": name, "lr_scale": scale, "steps": steps, "resolution": resolution, "x0": x0, "y0": y0}
with view:
    show(stack(map_base(*args[:4]), your_path(*args)))
    P.preset_note(lesson.PRESETS, current, lesson.PRESET_NOTES)
    for tone, text in lesson.story(facts):
        getattr(st, tone)(text)

left, right = st.columns([1, 1], gap="medium")
with left:
    show(stack(run_base(args[0]), run_paths(*args)))
    st.caption(f"{surface.description} Black: your run at η = {charts.plain(facts.lr)}; red: the same start at the "
               f"careful step η = {charts.plain(facts.careful_lr)}.")
with right:
    st.markdown("**The minima**")
    st.dataframe(
        minima_table(facts),
        hide_index=True,
        width="stretch",
        column_config={
            "loss": st.column_config.NumberColumn(format="%.3f", width="small"),
            "2/λ_max": st.column_config.NumberColumn(format="%.4f", width="small",
                                                     help="The largest learning rate that can settle in this minimum"),
            "share at η": st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0, width="small",
                                                          help="The share of the map's starts that end here at your η"),
            f"at {lesson.SMALL:g}×": st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0,
                                                                  width="small", help="The same share at the careful step"),
        },
    )
    if len(facts.names) > TABLE_ROWS:
        st.caption(f"The {TABLE_ROWS} minima reached by the most starts, of {len(facts.names)}.")

with st.expander("Basins, and how large a step a minimum can hold"):
    st.markdown(
        "The set of starts that end in one minimum is that minimum's **basin of attraction**. Near a minimum m "
        "the loss is close to a bowl whose steepest curvature is λ_max, the largest eigenvalue of the Hessian "
        "there. A step η shrinks the distance to the bottom along that direction by the factor |1 − ηλ_max| "
        "each update, so the run can settle only if that factor is below 1:"
    )
    st.latex(r"\text{basin}(m) = \{\, w_0 : w_t \to m \,\}")
    st.latex(r"\eta < 2 / \lambda_{\max}\!\left(\nabla^2 L(m)\right)")
    st.markdown(
        "A narrow minimum (large λ_max) holds only small steps. Above its bound a run that falls in overshoots "
        "the bottom, bounces out and ends in another basin or keeps bouncing; the map then shows its basin empty. "
        "Even below every bound, a long first step on a steep wall can cross a ridge into the next basin: "
        "the hatched starts on the map."
    )

with st.expander("Is a local minimum a failure?"):
    st.markdown(
        "Less often than this picture suggests. A real network has millions of weights and an enormous number of "
        "minima, and most of the ones gradient descent finds lie close in loss to the very best one, like the "
        "shallow pits of Rastrigin's surface near its centre. What we care about is the network's answers, not the "
        "last decimal of the loss: if a classifier gives the right class a probability of 0.8 at one minimum and "
        "0.99 at another, it predicts the same class in both. A *good* local minimum does the job; the ones to "
        "avoid are the few that sit far above the rest. The next pages show how randomness and the choice of "
        "step size help a run leave those."
    )
