"""Weight averaging: cycle the learning rate, save the weights at each low point, average them."""

import numpy as np
import pandas as pd
import streamlit as st

from gdcore import charts
from lessons import weight_averaging as lesson
from ui.details import numbers_table, on_request
from ui.params import Params
from ui.show import cached, cached_chart, show, stack

P = Params("swa")
D = lesson.DEFAULTS
# The window is square, and so is the plot.
PLANE_WIDTH, PLANE_HEIGHT = 330, 330
COLORS = {"start": "#d62728", "saved point": "#ff7f0e", "average": "#6a3d9a",
          "train minimum": "#111111", "test minimum": "#2ca02c"}
SHAPES = {"start": "circle", "saved point": "circle", "average": "diamond",
          "train minimum": "square", "test minimum": "triangle-up"}

run = cached(max_entries=32)(lesson.run)


@cached(max_entries=1)
def floors():
    """The lowest points of the train and the test loss's wide valley."""
    return lesson.lowest(lesson.train()), lesson.lowest(lesson.test_set())


def window(snapshots, average):
    """The fixed view of the valley, grown (kept square) when a saved point or the average lies outside it."""
    pts = np.concatenate([np.reshape(snapshots, (-1, 2)), np.reshape(average, (-1, 2))])
    pts = pts[np.isfinite(pts).all(axis=1)]
    (xa, xb), (ya, yb) = lesson.VIEW
    lo = np.minimum([xa, ya], pts.min(axis=0) - 0.1) if len(pts) else np.array([xa, ya])
    hi = np.maximum([xb, yb], pts.max(axis=0) + 0.1) if len(pts) else np.array([xb, yb])
    centre, half = (lo + hi) / 2, float((hi - lo).max()) / 2
    return tuple((float(c - half), float(c + half)) for c in centre)


def marks(snapshots, average, extra):
    points = {"saved point": snapshots, "average": average, **extra}
    labels = {"saved point": [str(k + 1) for k in range(len(snapshots))]}
    return charts.labelled_points(points, shapes=SHAPES, colors=COLORS, labels=labels, size=110)


@cached_chart(max_entries=8)
def loss_surface(which, bounds):
    """The train or the test loss over the window: the same for every run that fits in it."""
    objective, title = ((lesson.train(), "Your run on the train loss") if which == "train"
                        else (lesson.test_set(), "The same points on the test loss"))
    return charts.surface(objective, bounds=bounds, resolution=60, width=PLANE_WIDTH, height=PLANE_HEIGHT, title=title)


@cached_chart(max_entries=32)
def train_overlays(*args):
    """Your run's steps and the marked points, drawn over the train loss."""
    res = run(*args)
    snapshots, average, _, _ = lesson.first(res)
    m, mt = floors()
    path = charts.faint_path(res.trajectory.points[:, 0], opacity=0.35)
    return path, marks(snapshots, average, {"start": lesson.START, "train minimum": m, "test minimum": mt})


@cached_chart(max_entries=32)
def test_overlay(*args):
    """The saved points and their average, drawn over the test loss."""
    snapshots, average, _, _ = lesson.first(run(*args))
    return marks(snapshots, average, {"test minimum": floors()[1]})


# The marks keep their own colour legend beside the colour bar of the loss. Five names do not
# fit one row beside a phone's plot: two to a row.
OWN_COLOURS = {"resolve": {"scale": {"color": "independent"}}}
TWO_A_ROW = {"config": {"legend": {"columns": 2, "labelLimit": 0}}}


@cached_chart(max_entries=32)
def lr_chart(*args):
    res = run(*args)
    rules = charts.vertical_rules(res.snapshot_steps, color="#ff7f0e")
    lr = charts.curves({"learning rate": res.trajectory.lrs}, "lr", title="learning rate η", x_title="update", log=False,
                       height=200, width=420, colors=("#555555",))
    return charts.layer(lr, rules)


@cached_chart(max_entries=32)
def saved_points_chart(train, test, average_train, average_test):
    """Each saved point's train and test loss above their lowest values, and the average's."""
    table = {str(k + 1): {"train loss": tr, "test loss": te} for k, (tr, te) in enumerate(zip(train, test))}
    table["average"] = {"train loss": average_train, "test loss": average_test}
    return charts.grouped(table, "height", mark="point", title="loss − its lowest value", x_title="saved point",
                          reference={"test loss": average_test}, width=300, height=200,
                          colors=("#1f77b4", "#d62728"))


def loss_table(f):
    k = len(f.test)
    return pd.DataFrame({
        "weights": [f"saved point {i + 1}" for i in range(k)] + ["average"],
        "w₁": [p[0] for p in f.snapshots] + [f.average[0]],
        "w₂": [p[1] for p in f.snapshots] + [f.average[1]],
        "train loss − lowest": list(f.train) + [f.average_train],
        "test loss − lowest": list(f.test) + [f.average_test],
    })


@cached(max_entries=32)
def outcome(*args):
    """Your run's numbers, the window that shows it and the words they call for: one cache hit on a rerun."""
    res = run(*args)
    facts = lesson.facts(res, *args[:5])
    return facts, window(*lesson.first(res)[:2]), lesson.story(facts)


def apply_preset(name):
    P.set(**lesson.PRESETS[name])


st.title("Weight averaging")
st.markdown(
    "Stochastic weight averaging (SWA) runs SGD with a rate that falls and jumps back up, saves the weights at the "
    "end of every cycle, and finally **averages the saved weights**. Each saved point is the valley floor plus "
    "some noise of the steps; in the average most of that noise cancels."
)
st.latex(r"\eta_t = \eta_{\max} - \tfrac{(t \bmod c) + 1}{c}\,(\eta_{\max} - \eta_{\min})")
st.latex(r"w_{t+1} = w_t - \eta_t\, \nabla L_{B_t}(w_t)")
st.latex(r"w_{\text{SWA}} = \tfrac{1}{K}\textstyle\sum_{k=1}^{K} w_{kc}")

controls, view, verdict = st.columns([1, 1.9, 1.2], gap="medium")
with controls:
    st.markdown("**Presets**")
    P.preset_buttons(lesson.PRESETS, apply_preset)
    lr = P.select_slider("lr", "Highest learning rate η_max", lesson.LRS, value=D["lr"], format_func=lambda v: f"{v:g}")
    low = P.select_slider("low", "Lowest rate η_min, as a share of η_max", lesson.LOWS, value=D["low"],
                          format_func=lambda v: f"{v:g}")
    st.caption(f"η falls from {lr:g} to η_min = {lr * low:g} in each cycle.")
    cycles = P.slider("cycles", "Cycles K (saved weights)", 1, 10, D["cycles"])
    length = P.slider("length", "Updates per cycle c", 10, 100, D["length"], step=10)
    batch = P.select_slider("batch", f"Batch size ({lesson.N_SAMPLES} = all samples)", lesson.BATCHES, value=D["batch"])
    seed = P.slider("seed", "Seed of the sample orders", 0, 20, D["seed"])

args = (lr, low, cycles, length, batch, seed)
facts, plane, told = outcome(*args)
with view:
    show(stack(loss_surface("train", plane), *train_overlays(*args), **OWN_COLOURS, **TWO_A_ROW))
    st.caption(
        "Orange: the weights saved at the end of each cycle, numbered; purple diamond: their average; faint red: "
        "every step of your run. The test loss is the same landscape seen through fresh data samples, so its "
        "minimum (green) sits a little away from the train loss's (black)."
    )
with verdict:
    P.preset_note(lesson.PRESETS, {"lr": lr, "low": low, "cycles": cycles, "length": length, "batch": batch, "seed": seed},
                  lesson.PRESET_NOTES)
    getattr(st, told.tone)(told.headline)
    show(saved_points_chart(tuple(map(float, facts.train)), tuple(map(float, facts.test)), float(facts.average_train),
                           float(facts.average_test)))
    st.caption("Each saved point's train and test loss and the average's; dashed: the average's test loss.")

with st.container():  # as many notes as the run calls for, in one place: the charts below stay put
    if told.runs:
        st.markdown(told.runs)
    for note in told.notes:
        st.caption(note)

left, right = st.columns(2, gap="medium")
with left:
    show(stack(loss_surface("test", plane), test_overlay(*args), **OWN_COLOURS))
    st.caption("The test loss, with the saved points and their average where they are.")
with right:
    show(lr_chart(*args))
    st.caption("Orange lines: the end of each cycle, where the weights are saved.")

numbers, shown = on_request("The numbers: every saved point and the average", P.key("numbers"))
with numbers:
    if shown:
        numbers_table(loss_table(facts))

with st.expander("Why averaging helps, and what it cannot do"):
    st.markdown(
        f"The loss here is the flat-vs-sharp landscape seen through {lesson.N_SAMPLES} data samples: each sample is "
        "the landscape moved by a small random offset, and the train loss is their mean. The run starts on the wall "
        "of the wide valley (SWA usually starts from weights that are already trained). Single-sample steps disagree, "
        "so even at the lowest rate of a cycle the weights do not rest on the floor: each saved point lies a random "
        "bit away from it. Near the floor the loss grows with the square of that distance, so a point off to one "
        "side pays a lot and the middle of a cloud of points pays little: the average of the saved points has a "
        "lower loss than the saved points have on average. The test loss is the same landscape through other "
        "samples, close to the train loss, so the same holds there.\n\n"
        "Averaging cannot tell which saved point is best on unseen data, and in a plane one of them may land nearer "
        "the test minimum by chance; the count over many runs shows how often that happens. In a network with "
        "millions of weights the noise spreads over so many directions that the average beats practically every "
        "saved point. Averaging is cheap: one extra copy of the weights and no extra gradients."
    )
