"""Batch size: mini-batches between SGD and the full batch; gradient noise against the cost of an update."""

import time

import numpy as np
import pandas as pd
import streamlit as st

import gdcore as gd
from gdcore import charts
from ui.params import Params
from ui.show import show

P = Params("batch")
N = 1024
SIZES = (1, 16, 32, 128, N)
NAMES = {1: "B = 1 (SGD)", 16: "B = 16", 32: "B = 32", 128: "B = 128", N: f"full batch, B = {N}"}
LRS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5)
START = (0.0, 1.5)
VIEW = ((-0.5, 3.5), (-2.5, 1.9))  # the part of the plane the runs visit
VARIANCE_SIZES = tuple(2**k for k in range(10))  # 1 ... 512
BATCHES_PER_SIZE = 256  # random batches per size for the measured variance
TIMED_UPDATES = 300
RUNS = 8  # shuffles per batch size: the loss curves average them, so each noise floor shows


def objective():
    return gd.objectives.linear_regression(n_samples=N, noise=1.0, seed=0)


def stability_bound():
    """2 / lambda_max of the full loss's (constant) Hessian: the largest stable lr of batch gradient descent."""
    obj = objective()
    return float(2.0 / np.linalg.eigvalsh(obj.hessian(obj.minimizer))[-1])


def batch_arg(size):
    """descend's batch_size: None for B = n, where every batch is the whole data set anyway."""
    return None if size == N else size


@st.cache_data(max_entries=32, show_spinner=False)
def runs(lr, steps, seed):
    """For each batch size, RUNS runs from the same start with their own shuffles: one vectorised call each."""
    obj = objective()
    floor = float(obj.loss(obj.minimizer))
    out = {}
    for size in SIZES:
        traj = gd.descend(obj, gd.SGD(lr=lr), np.broadcast_to(START, (RUNS, 2)), steps,
                          batch_size=batch_arg(size), seed=seed)
        out[size] = {
            "path": traj.points[:, 0],  # the first run's path
            "excess": traj.losses.mean(axis=1) - floor,  # L(w) - L(w*), averaged over the runs
            "diverged": int((traj.status == "diverged").sum()),
        }
    return out


def samples_processed(size, n_updates):
    """Samples seen after each update: an epoch is n // B full batches and the remainder."""
    epoch = [size] * (N // size) + ([N % size] if N % size else [])
    sizes = np.resize(epoch, n_updates)
    return np.concatenate([[0], np.cumsum(sizes)])


@st.cache_data(max_entries=32, show_spinner=False)
def paths_chart(lr, steps, seed):
    obj = objective()
    named = {NAMES[size]: run["path"] for size, run in runs(lr, steps, seed).items()}
    return charts.landscape(obj, named, bounds=VIEW, critical={"minimum": obj.minimizer[None]},
                            title="Paths from the same start (one run per batch size)")


def drawable(excess):
    """Excess losses below 1e-12 are rounding noise (and may be <= 0, which a log axis cannot show)."""
    return np.where(excess > 1e-12, excess, np.nan)


@st.cache_data(max_entries=32, show_spinner=False)
def loss_charts(lr, steps, seed):
    trajs = runs(lr, steps, seed)
    y_title = f"L(w) − L(w*), mean of {RUNS} runs"
    common = {"y_title": y_title, "log_y": True, "width": 340, "height": 240}
    by_update = charts.xy_lines(
        {NAMES[s]: (np.arange(len(r["excess"])), drawable(r["excess"])) for s, r in trajs.items()},
        x_title="update", title="against updates", **common)
    by_samples = charts.xy_lines(
        {NAMES[s]: (samples_processed(s, len(r["excess"]) - 1), drawable(r["excess"])) for s, r in trajs.items()},
        x_title="samples processed", log_x=True, title="against samples processed", **common)
    return by_update | by_samples


@st.cache_data(max_entries=4, show_spinner=False)
def variance(where):
    """Per-sample variance sigma^2, and the measured variance of the batch gradient for each B."""
    obj = objective()
    w = np.asarray(START, dtype=float) if where == "start" else obj.minimizer
    per_sample = obj.grad(np.broadcast_to(w, (N, 2)), np.arange(N)[:, None])
    full = per_sample.mean(axis=0)
    sigma2 = float(((per_sample - full) ** 2).sum(-1).mean())
    rng = np.random.default_rng(0)
    measured = []
    for size in VARIANCE_SIZES:
        # Whole epochs cut into batches: exactly how descend samples, without replacement.
        epochs = max(1, BATCHES_PER_SIZE * size // N)
        batches = rng.permuted(np.tile(np.arange(N), (epochs, 1)), axis=1).reshape(-1, size)
        g = obj.grad(np.broadcast_to(w, (len(batches), 2)), batches)
        measured.append(float(((g - full) ** 2).sum(-1).mean()))
    return sigma2, float(np.hypot(*full)), np.array(measured)


def exact_variance(sigma2, b):
    return sigma2 * (N - b) / (b * (N - 1))


@st.cache_data(max_entries=4, show_spinner=False)
def variance_chart(where):
    sigma2, _, measured = variance(where)
    b = np.unique(np.geomspace(1, 768, 60).round())
    return charts.xy_lines(
        {"σ²/B: the 1/B law (sampling with replacement)": (b, sigma2 / b),
         "σ²(n − B) / (B(n − 1)): exact, without replacement": (b, exact_variance(sigma2, b))},
        points={f"measured over {BATCHES_PER_SIZE} random batches": (np.array(VARIANCE_SIZES), measured)},
        dashed=("σ²/B: the 1/B law (sampling with replacement)",),
        x_title="batch size B", y_title="variance of the batch gradient", log_x=True, log_y=True, width=520, height=300,
        colors=("#7f7f7f", "#1f77b4", "#d62728"),
    )


@st.cache_data(max_entries=1, show_spinner=False)
def costs():
    """Wall time per update of descend for each batch size on this server (best of 3, measured once)."""
    obj = objective()
    rows = []
    for size in SIZES:
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            gd.descend(obj, gd.SGD(lr=0.01), START, TIMED_UPDATES, batch_size=batch_arg(size), seed=0,
                       record_every=TIMED_UPDATES)
            best = min(best, time.perf_counter() - start)
        per_update = best / TIMED_UPDATES
        updates = -(-N // size)
        rows.append({
            "batch size B": NAMES[size],
            "updates per epoch": updates,
            "time per update (µs)": per_update * 1e6,
            "time per epoch (ms)": per_update * updates * 1e3,
            "samples per second": size / per_update,
        })
    return pd.DataFrame(rows)


st.title("Batch size")
st.markdown(
    "SGD takes one sample per step, batch gradient descent all of them. In between is the **mini-batch**: "
    "shuffle the data, cut it into batches of B samples, and step against each batch's average gradient. "
    f"Here the loss is a straight-line fit to {N} noisy points (weights: slope and intercept). Every run starts "
    "at the same point with the same learning rate; only the batch size differs."
)
st.latex(r"w_{t+1} = w_t - \eta\, g_t, \qquad g_t = \frac{1}{B}\sum_{i \in \mathcal{B}_t} \nabla \ell_i(w_t)")
st.caption("𝓑ₜ is the t-th batch of a random shuffle of the n samples; after n/B batches the epoch ends and "
           "the data are shuffled again. B = 1 is SGD, B = n is batch gradient descent.")

controls, view = st.columns([1, 2.4], gap="large")
with controls:
    lr = P.select_slider("lr", "Learning rate η", LRS, value=0.05, format_func=lambda v: f"{v:g}")
    steps = P.slider("steps", "Updates", 10, 1000, 200, step=10)
    seed = P.slider("seed", "Seed of the shuffles", 0, 99, 0)
    bound = stability_bound()
    st.caption(f"Full-batch stability bound 2/λ_max = **{bound:.3g}**. Each batch size runs {RUNS} times with "
               "different shuffles; the map shows the first run.")
runs_now = runs(lr, steps, seed)
with view:
    show(paths_chart(lr, steps, seed))

diverged = [NAMES[s] + (f" ({r['diverged']} of {RUNS} runs)" if r["diverged"] < RUNS else "")
            for s, r in runs_now.items() if r["diverged"]]
with controls:
    if runs_now[N]["diverged"]:
        who = "**Every batch size diverged.**" if len(diverged) == len(SIZES) else f"**Diverged:** {', '.join(diverged)}."
        st.error(f"{who} Even the full batch diverges: η = {lr:g} is above the "
                 f"stability bound 2/λ_max = {bound:.3g} of the full loss, so every step overshoots the valley "
                 "floor by more than the last. Lower η.")
    elif diverged:
        st.error(f"**Diverged:** {', '.join(diverged)}. η = {lr:g} is below the full loss's bound {bound:.3g} but too "
                 "large for the steepest samples: a batch of a few steep points can curve much more sharply than "
                 "the average, so its step overshoots and the next overshoots more. Larger batches average the "
                 "steep points away. Lower η.")
    ends = {s: float(r["excess"][-1]) for s, r in runs_now.items()}
    wild = [NAMES[s] for s, r in runs_now.items() if not r["diverged"] and ends[s] > r["excess"][0]]
    if wild:
        st.warning(f"**Not settling:** {', '.join(wild)} ended further from the minimum than it started. At η = {lr:g} "
                   "a small batch made of steep points throws the weights far off, and flatter batches bring them back "
                   "only slowly. Larger batches average the steep points away; lower η calms small batches.")
    elif not diverged:
        st.success(
            f"After {steps} updates the loss is above its minimum by "
            + ", ".join(f"**{ends[s]:.1e}** ({NAMES[s]})" for s in SIZES)
            + f" (mean of {RUNS} runs). Small batches stop improving early: their noisy steps keep them "
            "moving in a cloud around the minimum."
        )

st.subheader("Progress per update, and per sample")
show(loss_charts(lr, steps, seed))
st.markdown(
    "Per **update** (left), larger batches win: their gradient is closer to the true one, so the loss falls "
    "smoothly and keeps falling, while each smaller batch soon stalls at a higher noise floor. Per **sample "
    "processed** (right), small batches win at first: after one pass over the data B = 1 has taken "
    f"{N} steps and the full batch one. Both charts show the full loss minus its minimum L(w*), on log scales "
    "(differences below 10⁻¹², rounding noise, are not drawn)."
)

st.subheader("Noise: the variance of the batch gradient")
where = P.radio("where", "Measure the gradients at", ["start", "minimum"], horizontal=True,
                format_func=lambda k: {"start": f"the start {START}", "minimum": "the minimum w*"}[k])
sigma2, full_norm, measured = variance(where)
gradient_note = "the full gradient is zero there" if where == "minimum" else f"the full gradient's length is {full_norm:.3g}"
show(variance_chart(where))
st.markdown(
    f"A batch gradient is an average of B per-sample gradients, so its spread around the full gradient shrinks "
    f"like 1/B: four times the batch, half the standard deviation. Here the per-sample variance is "
    f"σ² = {sigma2:.3g} ({gradient_note}). Because an epoch draws **without "
    "replacement**, the exact variance is a little below σ²/B and reaches zero at B = n, where every batch "
    "is the whole data set; the measured points follow that curve."
)
if where == "minimum":
    st.info("At the minimum the full gradient is zero, yet each batch gradient is not: that leftover noise is "
            "what keeps small-batch runs moving in a cloud around w*.")
st.latex(r"\mathbb{E}\,\lVert g_B - \nabla L \rVert^2 = \frac{\sigma^2}{B}\cdot\frac{n - B}{n - 1}, \qquad "
         r"\sigma^2 = \frac{1}{n}\sum_{i=1}^{n}\lVert \nabla \ell_i - \nabla L \rVert^2")

st.subheader("Cost: time per update and per epoch, measured")
table = costs()
st.dataframe(
    table, hide_index=True,
    column_config={
        "time per update (µs)": st.column_config.NumberColumn(format="%.0f"),
        "time per epoch (ms)": st.column_config.NumberColumn(format="%.2f"),
        "samples per second": st.column_config.NumberColumn(format="localized"),
    },
)
one, full = table.iloc[0], table.iloc[-1]
st.markdown(
    f"Measured on this server with `time.perf_counter` ({TIMED_UPDATES} updates per batch size, best of 3). "
    f"An update with the full batch costs about {full['time per update (µs)'] / one['time per update (µs)']:.0f}× "
    f"one with a single sample, not {N}×: numpy computes all of a batch's per-sample gradients in one vectorised "
    "call, and most of a small update's time is fixed overhead. A GPU takes this much further, computing "
    "thousands of per-sample gradients in parallel, so a bigger batch costs hardly more per update while one "
    f"epoch needs only n/B updates. That is the trade-off: B = 1 needs {N} sequential updates per epoch, the full "
    "batch one, and mini-batches of 16 to 128 keep enough noise to escape saddles and shallow minima while keeping "
    "the hardware busy."
)
