"""Stochastic gradient descent: one random sample per step, and the jitter that gets it past saddles."""

from dataclasses import dataclass

import altair as alt
import numpy as np
import streamlit as st

import gdcore as gd
from gdcore import charts
from ui.params import Params
from ui.show import show

P = Params("sgd")
N_SAMPLES = 64
ORDERS = 32  # extra SGD runs, each with its own sample order, to show the outcome is not luck
LRS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0)


@dataclass(frozen=True)
class Scenario:
    label: str
    surface: str
    spread: float  # standard deviation of the sample offsets
    lr: float  # a learning rate at which SGD escapes in most sample orders within 300 updates
    names: tuple  # the full loss's critical points: the surface's minima, then its saddles
    trap: int  # which of them catches batch gradient descent
    start_offset: tuple  # start = trap + offset
    setup: str


SCENARIOS = {
    "saddle": Scenario(
        "A saddle point", "saddle", 0.3, 0.1,
        ("the upper minimum", "the lower minimum", "the saddle"), 2, (-1.2, 0.0),
        "Both runs start level with the saddle, on the one line along which the full loss slopes straight "
        "into it. On that line the full gradient never points up or down, so batch gradient descent slides "
        "into the saddle and stops there.",
    ),
    "shallow": Scenario(
        "A shallow minimum", "local_global", 0.75, 0.5,
        ("the deep minimum", "the shallow minimum", "the saddle between them"), 1, (-0.8, 0.8),
        "Both runs start above the shallow valley on the left. Downhill from there is the shallow minimum, "
        "so batch gradient descent settles in it, although a deeper valley lies to the lower right.",
    ),
}


def objective(key):
    s = SCENARIOS[key]
    return gd.objectives.Sampled(gd.surfaces.get(s.surface), n_samples=N_SAMPLES, spread=s.spread, seed=0)


@st.cache_data(max_entries=4, show_spinner=False)
def critical_points(key):
    """The full loss's critical points: Newton's method from the surface's own, moved by the mean offset."""
    obj = objective(key)
    surface = obj.surface
    w = gd.critical.critical_point(obj, np.concatenate([surface.minima, surface.saddles]) + obj.offsets.mean(axis=0))
    return w, list(gd.classify(obj, w)), obj.loss(w)


def start_of(key):
    points, _, _ = critical_points(key)
    return points[SCENARIOS[key].trap] + np.asarray(SCENARIOS[key].start_offset)


@st.cache_data(max_entries=32, show_spinner=False)
def run(key, lr, steps, seed):
    obj, start = objective(key), start_of(key)
    batch = gd.descend(obj, gd.SGD(lr=lr), start, steps)
    sgd = gd.descend(obj, gd.SGD(lr=lr), start, steps, batch_size=1, seed=seed)
    for traj in (batch, sgd):
        _ = traj.losses, traj.grad_norms  # computed on first use: do it here so the cache keeps them
    return batch, sgd


@st.cache_data(max_entries=32, show_spinner=False)
def many_orders(key, lr, steps, seed):
    """Where ORDERS more SGD runs end: one vectorised call, each start drawing its own sample order."""
    starts = np.broadcast_to(start_of(key), (ORDERS, 2))
    traj = gd.descend(objective(key), gd.SGD(lr=lr), starts, steps, batch_size=1, seed=seed + 1)
    ended = traj.status != "diverged"
    counts = np.bincount(nearest(key, traj.final[ended]), minlength=len(SCENARIOS[key].names))
    return counts, int((~ended).sum())


def nearest(key, w):
    points, _, _ = critical_points(key)
    return np.argmin(np.linalg.norm(np.asarray(w)[..., None, :] - points, axis=-1), axis=-1)


def sample_minima(key):
    obj = objective(key)
    return (obj.offsets[:, None, :] + obj.surface.minima[None]).reshape(-1, 2)


def critical_markers(key):
    points, kinds, _ = critical_points(key)
    return {kind: points[[k == kind for k in kinds]] for kind in dict.fromkeys(kinds)}


@st.cache_data(max_entries=16, show_spinner=False)
def samples_chart(key, sample):
    obj = objective(key)
    offset = obj.offsets[sample - 1]
    own = obj.surface.minima + offset
    mine = f"sample {sample}'s minima"
    full = charts.landscape(obj, critical=critical_markers(key), title=f"Full loss L: the mean of {N_SAMPLES} sample losses", width=330)
    chosen = charts.dots({mine: own}, colors=("#6a3d9a",), size=110)
    full = (full + charts.dots({"every sample's minima": sample_minima(key)}, size=22) + chosen).resolve_scale(color="independent")
    one = gd.objectives.Sampled(obj.surface, n_samples=1, spread=0.0, shift=tuple(offset))
    single = (charts.surface(one, bounds=obj.bounds, width=250, height=250, levels=10)
              + chosen).properties(title=f"The loss of sample {sample} alone")
    return alt.hconcat(full, single, spacing=30).resolve_scale(color="independent")


@st.cache_data(max_entries=32, show_spinner=False)
def paths_chart(key, lr, steps, seed):
    batch, sgd = run(key, lr, steps, seed)
    return charts.landscape(
        objective(key),
        {"batch gradient descent": batch.points, "SGD (one sample per step)": sgd.points},
        critical=critical_markers(key),
        title="Both runs on the full loss",
    )


@st.cache_data(max_entries=32, show_spinner=False)
def loss_chart(key, lr, steps, seed):
    batch, sgd = run(key, lr, steps, seed)
    epochs = np.arange(N_SAMPLES, len(sgd.lrs), N_SAMPLES)
    curve = charts.loss_curve({"batch gradient descent": on_chart(key, batch), "SGD (one sample per step)": on_chart(key, sgd)},
                              x_title="update", log=False, height=220)
    return curve + charts.vertical_rules(epochs, color="#999999", label=None)


def fmt(v):
    return f"{v:.2f}".replace("-0.00", "0.00")


def where(key, w):
    points, _, losses = critical_points(key)
    k = int(nearest(key, w))
    return k, f"{SCENARIOS[key].names[k]} at ({fmt(points[k][0])}, {fmt(points[k][1])}), loss {losses[k]:.3f}"


def on_chart(key, traj):
    """The losses up to the first point outside the map (a diverging run leaves it and explodes)."""
    (xa, xb), (ya, yb) = objective(key).bounds
    x, y = traj.points[:, 0], traj.points[:, 1]
    outside = (x < xa) | (x > xb) | (y < ya) | (y > yb)
    return traj.losses[: int(np.argmax(outside)) if outside.any() else None]


def use_scenario_defaults():
    P.set(lr=SCENARIOS[st.session_state[P.key("scenario")]].lr, steps=300)


st.title("Stochastic gradient descent")
st.markdown(
    "Until now every step used the gradient of the **full loss**: the average of the losses of all "
    "training samples. That is **batch gradient descent**. Stochastic gradient descent (SGD) steps "
    "against the gradient of **one sample's loss** at a time. It shuffles the samples, visits each once "
    "(one **epoch**), then shuffles again: random sampling without replacement."
)
st.latex(r"\text{batch gradient descent:}\qquad w_{t+1} = w_t - \eta\,\nabla L(w_t), \qquad L(w) = \frac{1}{n}\sum_{i=1}^{n}\ell_i(w)")
st.latex(r"\text{stochastic gradient descent:}\qquad w_{t+1} = w_t - \eta\,\nabla \ell_{i_t}(w_t)")
st.caption(
    "ℓᵢ is the loss on sample i alone; iₜ is the t-th entry of a fresh random permutation of 1…n in every epoch."
)

key = P.radio("scenario", "Where batch gradient descent gets stuck", list(SCENARIOS),
              format_func=lambda k: SCENARIOS[k].label, horizontal=True, on_change=use_scenario_defaults)
scenario = SCENARIOS[key]

st.subheader("One loss per sample")
st.markdown(
    f"Here there are {N_SAMPLES} training samples. Sample i's loss ℓᵢ is the same landscape moved by its own "
    f"small random offset oᵢ (spread {scenario.spread}), as if each data point saw the problem from a slightly "
    "different place. So every sample's loss has its lowest points somewhere else (orange dots), and the full "
    "loss L, their average, is a slightly blurred version of the landscape. Pick a sample to see its own loss: "
    "its gradient points roughly where the full gradient points, but not exactly."
)
sample = P.slider("sample", "Show the loss of sample i", 1, N_SAMPLES, 1)
show(samples_chart(key, sample))

st.subheader("Batch gradient descent against SGD, from the same start")
st.markdown(scenario.setup + " SGD starts at the same point with the same learning rate.")
controls, view = st.columns([1, 2.4], gap="large")
with controls:
    lr = P.select_slider("lr", "Learning rate η", LRS, value=scenario.lr, format_func=lambda v: f"{v:g}")
    steps = P.slider("steps", "Updates", 20, 1000, 300, step=10)
    seed = P.slider("seed", "Seed of the sample order", 0, 99, 0,
                    help="Each seed shuffles the samples differently; the data stay the same.")
    st.caption(f"{N_SAMPLES} SGD updates make one epoch.")

batch, sgd = run(key, lr, steps, seed)
with view:
    show(paths_chart(key, lr, steps, seed))

trap_name = scenario.names[scenario.trap]
left, right = st.columns(2, gap="large")
with left:
    k, place = where(key, batch.final)
    if batch.status == "diverged":
        st.error(f"**Batch gradient descent diverged** after {batch.steps_done} updates: η = {lr:g} is too large "
                 "for the curvature of the full loss, so every step overshoots further. The chart shows the "
                 "finite part; lower η.")
    elif batch.grad_norms[-1] > 1e-3:
        st.info(f"**Batch gradient descent** has not settled after {steps} updates: its gradient is still "
                f"{batch.grad_norms[-1]:.2g}, and the nearest flat point is {place}. Either it is still on its way "
                "(give it more updates) or η is so large that it keeps bouncing across the valley.")
    elif k == scenario.trap:
        st.warning(f"**Batch gradient descent** stopped at {place}. Its gradient there is only "
                   f"{batch.grad_norms[-1]:.1e}, so by its own measure it has converged, but "
                   + ("this is not a minimum: the loss still falls away above and below it." if key == "saddle"
                      else "a deeper minimum lies elsewhere."))
    else:
        st.info(f"**Batch gradient descent** ended at {place}: at this η its steps are long enough to "
                f"jump out of {trap_name} on their own.")
with right:
    k, place = where(key, sgd.final)
    if sgd.status == "diverged":
        st.error(f"**SGD diverged** after {sgd.steps_done} updates: a single sample's loss can be steeper than "
                 f"the average, and η = {lr:g} overshoots on it. The chart shows the finite part; lower η.")
    elif k == scenario.trap:
        st.warning(f"**SGD** ended near {place}: with this seed and η it has not escaped within {steps} updates. "
                   "Try another seed, more updates or a larger η.")
    else:
        st.success(f"**SGD** got away from {trap_name} and ended near {place}. It keeps jittering there, "
                   "because at the full loss's minimum each single-sample gradient is still not zero.")

counts, diverged = many_orders(key, lr, steps, seed)
escaped = ORDERS - diverged - int(counts[scenario.trap])
intro = f"**Not luck:** {ORDERS} more SGD runs from the same start, each with its own random sample order"
if diverged == ORDERS:
    st.markdown(f"{intro}: every one diverged at η = {lr:g}.")
else:
    parts = [f"**{c}** ended near {name}" for c, name in zip(counts, scenario.names) if c]
    parts += [f"**{diverged}** diverged"] if diverged else []
    st.markdown(f"{intro}: " + ", ".join(parts) + ".")
st.progress(escaped / ORDERS, text=f"{escaped} of {ORDERS} SGD runs ended away from {trap_name}")

show(loss_chart(key, lr, steps, seed))
st.caption("Both curves are the full loss L at each point, although SGD only ever looked at one sample per step. "
           "Dashed lines: a new epoch begins with a fresh shuffle. A run that leaves the map is drawn until it does.")

with st.expander("Why the jitter helps, and why SGD is not the whole story", expanded=True):
    st.markdown(
        "Where the full gradient is zero, at a saddle or the bottom of a shallow valley, the single-sample "
        "gradients are not: they point in as many directions as the samples disagree. Each step is a small random "
        "kick, and once a kick has moved the weights off the saddle's knife-edge, or over the low rim of a shallow "
        "valley, the full loss itself pulls them further away. Even if one sample's loss had a minimum right here, "
        "the next sample's would not.\n\n"
        "The price is that SGD never quite settles: near the minimum it keeps moving in a small cloud whose size "
        "grows with η. And one sample per step wastes hardware that could process many samples at once; the next "
        "page, *Batch size*, is about that trade-off."
    )
