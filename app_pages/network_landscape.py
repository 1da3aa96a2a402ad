"""Loss landscape of a real network: a small MLP's loss seen through filter-normalised slices."""

import numpy as np
import streamlit as st

import gdcore as gd
from gdcore import charts
from lessons import network_landscape as lesson
from ui.params import Params
from ui.show import cached, cached_chart, show

P = Params("net")
GRID = 70  # cells a side of the decision map


@st.cache_resource(max_entries=8, show_spinner=False)
def trained(dataset, width, seed):
    """Both training runs and every slice; a progress bar while it trains (cached, so only once)."""
    bar = st.progress(0.0, text="Training the network…")
    result = lesson.run(dataset, width, seed, progress=lambda fraction, text: bar.progress(fraction, text=text))
    bar.empty()
    return result


@cached(max_entries=16)
def facts(dataset, width, seed):
    return lesson.facts(trained(dataset, width, seed))


@cached_chart(max_entries=16)
def slice_chart(dataset, width, seed):
    r = trained(dataset, width, seed)
    s = r.slice
    chart = charts.grid_map(s.alphas, s.betas, s.losses, title="A random slice through the mini-batch solution")
    here = charts.labelled_points({"mini-batch solution": np.zeros((1, 2))}, colors={"mini-batch solution": "#111111"},
                                  shapes={"mini-batch solution": "diamond"})
    return charts.keep_aspect(charts.axis_titles(charts.layer(chart, here).resolve_scale(color="independent"), "α", "β"), 1.0)


@cached_chart(max_entries=16)
def pca_chart(dataset, width, seed):
    r = trained(dataset, width, seed)
    p = r.path_pca
    reach = float(np.abs(p.coords).max()) * 1.15 or 1.0
    share = [f"{100 * e:.0f} %" for e in p.explained]
    view = gd.landscape.PlaneView(r.net, p.center, p.components[0], p.components[1], span=reach,
                                  title="the PCA plane of the path",
                                  axis_titles=(f"1st principal direction ({share[0]})", f"2nd ({share[1]})"))
    return charts.landscape(view, {"mini-batch path": p.coords}, critical={}, resolution=45,
                            title="The path in its PCA plane")


@cached_chart(max_entries=16)
def decision_chart(dataset, width, seed):
    r = trained(dataset, width, seed)
    X, y = r.net.X, r.net.y
    pad = 0.3
    (xa, xb), (ya, yb) = (X[:, 0].min() - pad, X[:, 0].max() + pad), (X[:, 1].min() - pad, X[:, 1].max() + pad)
    xs = xa + (xb - xa) * (np.arange(GRID) + 0.5) / GRID
    ys = ya + (yb - ya) * (np.arange(GRID) + 0.5) / GRID
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    probs = r.net.predict(r.trajectories["mini-batch"].final, grid).reshape(GRID, GRID, -1)
    return charts.class_map(probs, ((xa, xb), (ya, yb)), X, y, title="What the mini-batch network predicts")


@cached_chart(max_entries=16)
def line_chart(dataset, width, seed):
    r = trained(dataset, width, seed)
    curve = charts.curves({"train loss": r.line, "test loss": r.line_test}, "loss", x_values={"train loss": lesson.LINE,
                          "test loss": lesson.LINE}, x_title="α: 0 is the mini-batch solution, 1 the full-batch one",
                          title="loss on the line between them", height=220, log=False)
    return charts.layer(curve, charts.vertical_rules([0.0, 1.0], label=None))


def apply_preset(name):
    P.set(**lesson.PRESETS[name])


st.title("Loss landscape of a real network")
st.markdown(
    "A network has far too many weights to draw its loss over them. What we can draw is a **slice**: the loss "
    "on a plane through the trained weights w*, spanned by two random directions scaled neuron by neuron to the "
    "weights they perturb (filter normalisation), so that a slice of one network compares with a slice of another."
)
st.latex(r"f(\alpha, \beta) = L(w^* + \alpha\,\delta_1 + \beta\,\delta_2)")

controls, view = st.columns([1, 1.9], gap="medium")
with controls:
    st.markdown("**Presets**")
    P.preset_buttons(lesson.PRESETS, apply_preset)
    dataset = P.selectbox("dataset", "Data set", list(lesson.DATASETS), value=lesson.DEFAULTS["dataset"],
                          format_func=lambda k: lesson.DATASETS[k][0] if k in lesson.DATASETS else k)
    width = P.select_slider("width", "Neurons in each of the two hidden layers", lesson.WIDTHS,
                            value=lesson.DEFAULTS["width"])
    seed = P.slider("seed", "Seed (data, initial weights, mini-batch order)", 0, 9, lesson.DEFAULTS["seed"])
    st.caption(f"Both runs: Adam (η = {lesson.LR:g}), {lesson.STEPS} updates from the same initial weights; "
               f"one on mini-batches of {lesson.SMALL_BATCH}, one on the full batch.")

f = facts(dataset, width, seed)
told = lesson.story(f)
with view:
    show(slice_chart(dataset, width, seed))
    st.caption(told["slice"])

st.markdown(told["size"])
getattr(st, told["tone"])(told["result"] + " " + told["verdict"])

left, right = st.columns(2, gap="medium")
with left:
    show(decision_chart(dataset, width, seed))
    acc = f.test_accuracy["mini-batch"]
    st.caption(f"Colours: the class the network predicts, paler where it is unsure. Test accuracy {100 * acc:.0f} %.")
with right:
    show(pca_chart(dataset, width, seed))
    st.caption(told["pca"])

show(line_chart(dataset, width, seed))
st.caption(told["line"] + f" Sharpness here: the largest rise of the train loss {lesson.RADIUS:g} of the way along "
           "64 random filter-normalised directions (a sampled version of Keskar et al.'s measure).")

with st.expander("Filter normalisation, and what a slice cannot show"):
    st.markdown(
        "Each direction δ is drawn at random, then every neuron's incoming weights in δ (a column of a weight "
        "matrix) are rescaled to the length of the same neuron's weights in w*, and the biases in δ are set to 0 "
        "(Li et al. 2018). Without it, a network whose weights are simply larger would look flatter."
    )
    st.latex(r"\delta_{:,j} \leftarrow \frac{\delta_{:,j}}{\lVert \delta_{:,j} \rVert}\,\lVert w^*_{:,j} \rVert")
    st.markdown(
        "A slice is not the landscape: two directions out of hundreds (millions in a real vision network) can miss "
        "every feature that matters. The PCA plane is chosen to fit the training path, not the loss, so the path "
        "looks simple there by construction. In code: `gd.landscape.directions`, `plane`, `line`, `pca`, "
        "`sharpness` and `gd.nn.MLP`."
    )
