"""Flat vs sharp minima: the test loss is the train loss moved a little, and which minimum SGD finds."""

import dataclasses

import numpy as np
import pandas as pd
import streamlit as st

import gdcore as gd
from gdcore import charts
from ui.params import Params
from ui.show import show

P = Params("fs")
N_SAMPLES = 32
SPREAD = 0.25  # standard deviation of the sample offsets
SHIFTS = tuple(round(0.05 * k, 2) for k in range(11))
LRS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3)
SMALL = (1, 2, 4)
LARGE = (8, 16, 32)
RUNS = 200
STEPS = 800
RADIUS = 0.5  # a run ends "in" a minimum when it stops this close to it
KINDS = ("flat minimum", "sharp minimum")
ANYWHERE, IN_SHARP = "anywhere on the map", "in the sharp minimum"


def train():
    return gd.objectives.Sampled(gd.surfaces.get("flat_sharp"), n_samples=N_SAMPLES, spread=SPREAD, seed=0)


@st.cache_data(max_entries=1, show_spinner=False)
def minima():
    """The train loss's two minima (Newton's method from the surface's minima), its loss and Hessian there."""
    obj = train()
    m = gd.critical.critical_point(obj, obj.surface.minima + obj.offsets.mean(axis=0))
    return m, obj.loss(m), obj.hessian(m)


def shift_direction():
    """The unit vector from the flat minimum towards the sharp one: the test loss moves along it."""
    m, _, _ = minima()
    return (m[1] - m[0]) / np.linalg.norm(m[1] - m[0])


def shifted_objective(shift):
    # Same samples moved by d: the test loss is exactly the train loss shifted, L_test(w) = L_train(w - d).
    return dataclasses.replace(train(), shift=tuple(float(v) for v in shift * shift_direction()))


@st.cache_data(max_entries=16, show_spinner=False)
def gap_table(shift):
    m, train_loss, hessian = minima()
    u = shift_direction()
    test_loss = shifted_objective(shift).loss(m)
    curvature = np.einsum("i,kij,j->k", u, hessian, u)
    return pd.DataFrame({
        "minimum": KINDS,
        "w₁": m[:, 0],
        "w₂": m[:, 1],
        "curvature along the shift": curvature,
        "train loss": train_loss,
        "test loss": test_loss,
        "gap (test − train)": test_loss - train_loss,
        "estimate ½·d²·curvature": 0.5 * shift**2 * curvature,
    })


def slice_positions():
    """Where the two minima sit on the line through them, measured from its midpoint."""
    m, _, _ = minima()
    half = np.linalg.norm(m[1] - m[0]) / 2
    return np.array([-half, half])


@st.cache_data(max_entries=16, show_spinner=False)
def slice_chart(shift):
    m, train_loss, _ = minima()
    u, mid = shift_direction(), m.mean(axis=0)
    s = np.linspace(-3.0, 3.0, 401)
    line = mid + s[:, None] * u
    table = gap_table(shift)
    curves = charts.curves(
        {"train loss": train().loss(line), "test loss (shifted by d)": shifted_objective(shift).loss(line)},
        "loss", x_values={"train loss": s, "test loss (shifted by d)": s}, log=False, height=260,
        x_title="position along the line through both minima", colors=("#1f77b4", "#d62728"),
    )
    gaps = table["gap (test − train)"].to_numpy()
    marks = charts.intervals(slice_positions(), train_loss, table["test loss"].to_numpy(),
                             [f"gap {g:.3f}" for g in gaps], color="#444444")
    return (curves + marks)


@st.cache_data(max_entries=16, show_spinner=False)
def plane_chart(shift):
    m, _, _ = minima()
    u, mid = shift_direction(), m.mean(axis=0)
    line = mid + np.array([-3.0, 3.0])[:, None] * u
    chart = charts.landscape(train(), {"the line of the chart on the right": line}, critical={"minimum": m},
                             title="Train loss (the flat minimum is left, the sharp one right)", width=360,
                             resolution=55)
    if shift > 0:
        chart = chart + charts.arrow(m[0] + 0.4 * u, shift * u, label=f"d = {shift:g}")
    return chart


def batch_name(batch_size):
    return f"all {N_SAMPLES} samples" if batch_size == N_SAMPLES else f"batch size {batch_size}"


def start_points(where):
    if where == IN_SHARP:
        return np.broadcast_to(minima()[0][1], (RUNS, 2))
    (xa, xb), (ya, yb) = train().bounds
    return np.random.default_rng(0).uniform((xa, ya), (xb, yb), size=(RUNS, 2))


@st.cache_data(max_entries=32, show_spinner=False)
def run_ends(lr, batch_size, where):
    """Where RUNS runs end: ONE vectorised descend, each run with its own random sample order."""
    traj = gd.descend(train(), gd.SGD(lr=lr), start_points(where), STEPS, batch_size=batch_size, seed=1,
                      record_every=STEPS)
    return traj.final, traj.status


def shares(lr, batch_size, where):
    """Share of runs ending in the flat minimum, the sharp one, and neither (e.g. still moving)."""
    ends, status = run_ends(lr, batch_size, where)
    m, _, _ = minima()
    distance = np.linalg.norm(ends[:, None, :] - m[None], axis=-1)
    label = np.where((distance.min(axis=1) <= RADIUS) & (status != "diverged"), distance.argmin(axis=1), 2)
    return np.bincount(label, minlength=3) / len(label)


def ends_map(lr, batch_size, where, color):
    m, _, _ = minima()
    ends, _ = run_ends(lr, batch_size, where)
    share = shares(lr, batch_size, where)
    name = batch_name(batch_size)
    chart = charts.landscape(train(), critical={}, title=f"Where {RUNS} runs ended: {name}", width=250, resolution=45)
    labels = {kind: [f"{share[k]:.0%}"] for k, kind in enumerate(KINDS)}
    minima_marks = charts.labelled_points(dict(zip(KINDS, m)), shapes=dict.fromkeys(KINDS, "diamond"),
                                          colors=dict.fromkeys(KINDS, "#111111"), labels=labels, size=70)
    dots = charts.dots({f"end of a run ({name})": ends}, colors=(color,), size=22)
    return (chart + minima_marks + dots).resolve_scale(color="independent", shape="independent")


@st.cache_data(max_entries=32, show_spinner=False)
def ends_chart(lr, small, large, where):
    both = ends_map(lr, small, where, "#ff7f0e") | ends_map(lr, large, where, "#1f77b4")
    return both.resolve_scale(color="independent", shape="independent")


@st.cache_data(max_entries=32, show_spinner=False)
def shares_chart(lr, small, large, where):
    rows = {batch_name(small): shares(lr, small, where), batch_name(large): shares(lr, large, where)}
    table = {kind: {name: float(v[k]) for name, v in rows.items()} for k, kind in enumerate(KINDS + ("neither",))}
    return charts.grouped(table, "share", percent=True, title="share of runs", colors=("#ff7f0e", "#1f77b4"),
                          width=360)


st.title("Flat vs sharp minima")
st.markdown(
    "Training lowers the loss on the training data, but what we care about is the loss on data the model has "
    "never seen. That test loss has almost the same shape as the train loss, only moved a little, because new "
    "data never look exactly like the old. Here the train loss has two valleys: one wide and **flat**, one "
    "narrow and **sharp**. Move the test loss a little and see what each minimum pays."
)
st.latex(
    r"L_{\text{test}}(w) = L_{\text{train}}(w - d), \qquad "
    r"\text{gap}(w^*) = L_{\text{test}}(w^*) - L_{\text{train}}(w^*) \;\approx\; \tfrac12\, d^{\top}\,\nabla^2 L_{\text{train}}(w^*)\, d"
)
st.caption(
    "w* is a minimum of the train loss and d the shift. At a minimum the gradient is zero, so the first change "
    "the shift causes is second order: half the curvature (the Hessian ∇²L) times the squared shift."
)

st.subheader("A small shift hurts the sharp minimum most")
shift = P.select_slider("shift", "How far the test loss is shifted: d", SHIFTS, value=0.2, format_func=lambda v: f"{v:g}")
left, right = st.columns([1, 1.25], gap="large")
with left:
    show(plane_chart(shift))
    st.caption("The red line marks the cut drawn on the right; the arrow is the shift d that turns the train "
               "loss into the test loss.")
with right:
    show(slice_chart(shift))

table = gap_table(shift)
gap_flat, gap_sharp = table["gap (test − train)"]
if shift == 0:
    st.info("With no shift the test loss is the train loss, so neither minimum has a gap. Move the slider.")
else:
    ratio = gap_sharp / gap_flat if gap_flat > 0 else float("inf")
    st.success(
        f"Shifted by d = {shift:g}, the flat minimum's loss rises by only **{gap_flat:.3f}**; the sharp one's rises "
        f"by **{gap_sharp:.3f}**, {ratio:.0f} times as much. The flat valley is so wide that a small move leaves "
        "the weights still near its bottom; the sharp valley's walls are steep, so the same move puts them high "
        "on a wall. That is why a flat minimum generalises better."
    )
st.dataframe(table, hide_index=True, width="stretch",
             column_config={c: st.column_config.NumberColumn(format="%.4f") for c in table.columns[1:]})
st.caption(
    "Curvature: the second derivative of the train loss along the shift. The estimate treats each valley as a "
    "perfect bowl; it holds while d is small next to the valley's width, so for the sharp valley it overshoots "
    "once d passes about 0.1 (its walls level off). The sharp valley is also shallower than the flat one: the "
    f"train loss averages {N_SAMPLES} copies of the landscape, each moved a little, and that smears a narrow dip."
)

st.subheader("Small batches rarely stay in a sharp minimum")
st.markdown(
    f"The train loss is the mean of {N_SAMPLES} sample losses: each is the same landscape moved by its own small "
    f"offset. A mini-batch sees only a few of them, so its gradient is the full gradient plus noise. How much noise "
    "depends on the valley: in the sharp one a sample's valley a little to the side has steep walls right where "
    "the weights are, so the gradients of different samples disagree strongly; in the flat valley they barely "
    f"differ. Below, {RUNS} runs take {STEPS} steps each, once with a small and once with a large batch, each run "
    "with its own random sample order."
)
controls, view = st.columns([1, 2.6], gap="large")
with controls:
    where = P.radio("starts", "Where the runs start", [ANYWHERE, IN_SHARP], value=ANYWHERE)
    lr = P.select_slider("lr", "Learning rate η", LRS, value=0.2, format_func=lambda v: f"{v:g}")
    small = P.select_slider("small", "Small batch size", SMALL, value=1)
    large = P.select_slider("large", f"Large batch size ({N_SAMPLES} = all samples)", LARGE, value=N_SAMPLES)
    _, _, hessian = minima()
    sharp_bound = 2 / np.linalg.eigvalsh(hessian[1])[-1]
    st.caption(
        f"Full-batch gradient descent can stay in the sharp minimum while η < 2/λ_max = {sharp_bound:.2f} "
        f"there (in the flat one up to {2 / np.linalg.eigvalsh(hessian[0])[-1]:.1f})."
    )
small_shares, large_shares = shares(lr, small, where), shares(lr, large, where)
sharp_small, sharp_large = small_shares[1], large_shares[1]
small_name, large_name = batch_name(small), batch_name(large)
with view:
    show(shares_chart(lr, small, large, where))
outcome = view.empty()
show(ends_chart(lr, small, large, where))
with outcome.container():
    if sharp_large < 0.02:
        st.warning(
            f"Even with {large_name} only {sharp_large:.0%} of the runs ended in the sharp minimum, so this setting "
            "does not separate the two batch sizes. Start the runs anywhere on the map, or lower η."
        )
    elif sharp_large - sharp_small >= 0.05:
        st.success(
            f"With {small_name}, {sharp_small:.0%} of the runs ended in the sharp minimum; with {large_name}, "
            f"{sharp_large:.0%}. The noisy small-batch steps throw runs out of the narrow valley, and once in the "
            "wide one they stay: there the same noise barely moves them."
        )
    else:
        st.info(
            f"Both batch sizes ended in the sharp minimum about equally often ({sharp_small:.0%} and "
            f"{sharp_large:.0%}). At η = {lr:g} the noisy steps are too small to carry a run over the sharp "
            f"valley's rim within {STEPS} steps. Raise η or pick a smaller batch."
        )
if max(small_shares[2], large_shares[2]) > 0.05:
    st.caption("“Neither”: runs that ended more than 0.5 away from both minima, still on their way.")

with st.expander("Why this matters for real networks", expanded=True):
    st.markdown(
        "A network has many minima that fit the training data about equally well, and they differ in width. "
        "A wide one keeps its low loss when the data change a little, as between the training set and the data "
        "the model meets later, so models that end in wide minima tend to do better on new data. Training with "
        "small batches favours those minima for free, because its noise is largest exactly where a minimum is "
        "narrow. Large batches compute each step more precisely and more efficiently on parallel hardware, but "
        "they lose some of this push towards flat ground."
    )
