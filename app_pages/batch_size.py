"""Batch size: mini-batches between SGD and the full batch; gradient noise against the cost of an update."""

import numpy as np
import streamlit as st

from gdcore import charts
from lessons import batch_size as lesson
from ui.params import Params
from ui.show import cached, cached_chart, show, stack

P = Params("batch")
D = lesson.DEFAULTS
N, SIZES, NAMES = lesson.N, lesson.SIZES, lesson.NAMES

run = cached(max_entries=32)(lesson.run)
variance = cached(max_entries=4)(lesson.variance)
# Measured once per server: every later visit shows the same numbers, and says when they were taken.
costs = cached(max_entries=1)(lesson.costs)


@cached_chart(max_entries=1)
def plane_base():
    """The loss under the runs: the same on every rerun, so built once."""
    obj = lesson.objective()
    chart = charts.landscape(obj, bounds=lesson.VIEW, critical={"minimum": obj.minimizer[None]},
                             title="One run per batch size, same start", width=360, height=380)
    # Five names beside the minimum's legend do not fit one row on a phone: two to a row.
    return chart.configure_legend(columns=2, labelLimit=0)


@cached_chart(max_entries=32)
def paths_chart(lr, steps, seed):
    return charts.paths({NAMES[size]: r["path"] for size, r in run(lr, steps, seed).items()}, bounds=lesson.VIEW)


def drawable(excess):
    """Excess losses below 1e-12 are rounding noise (and may be <= 0, which a log axis cannot show)."""
    return np.where(excess > lesson.ZERO, excess, np.nan)


@cached_chart(max_entries=32)
def loss_chart(lr, steps, seed, by):
    trajs = run(lr, steps, seed)
    common = {"y_title": f"L(w) − L(w*), mean of {lesson.RUNS} runs", "log_y": True, "width": 420, "height": 260}
    if by == "update":
        lines = {NAMES[s]: (np.arange(len(r["excess"])), drawable(r["excess"])) for s, r in trajs.items()}
        chart = charts.xy_lines(lines, x_title="update", title="against updates", **common)
    else:
        lines = {NAMES[s]: (lesson.samples_processed(s, len(r["excess"]) - 1), drawable(r["excess"]))
                 for s, r in trajs.items()}
        chart = charts.xy_lines(lines, x_title="samples processed", log_x=True, title="against samples processed",
                                **common)
    return chart.configure_legend(columns=3, labelLimit=0)


@cached_chart(max_entries=4)
def variance_chart(where):
    sigma2, _, measured = variance(where)
    b = np.unique(np.geomspace(1, 768, 60).round())
    law, exact = "σ²/B (with replacement)", "σ²(n − B) / (B(n − 1)) (exact, without)"
    return (charts.xy_lines(
        {law: (b, sigma2 / b), exact: (b, lesson.exact_variance(sigma2, b))},
        points={f"measured ({lesson.BATCHES_PER_SIZE} random batches each)": (np.array(lesson.VARIANCE_SIZES), measured)},
        dashed=(law,), x_title="batch size B", y_title="variance of the batch gradient", log_x=True, log_y=True,
        width=520, height=300, colors=("#7f7f7f", "#1f77b4", "#d62728"),
    )).configure_legend(columns=1, labelLimit=0)


@cached_chart(max_entries=4)
def cost_chart(timing, per):
    """Measured time per update (µs) or per epoch (ms), rounded to three digits: bars, one per batch size."""
    seconds = {s: t[0] for s, t in timing.items()}
    if per == "update":
        values, field, title = {s: seconds[s] * 1e6 for s in SIZES}, "µs", "time per update (µs)"
    else:
        values, field, title = ({s: seconds[s] * lesson.updates_per_epoch(s) * 1e3 for s in SIZES}, "ms",
                                "time per epoch (ms)")
    table = {f"B = {s}": {"measured": float(f"{v:.3g}")}
             for s, v in values.items()}
    chart = charts.grouped(table, field, title=title, x_title="batch size", width=420, height=220,
                           colors=("#4c78a8",))
    for layer in chart.layer:  # one series: the axis title says what it is
        layer.encoding.color["legend"] = None
    return chart


def apply_preset(name):
    P.set(**lesson.PRESETS[name])


st.title("Batch size")
st.markdown(
    "SGD steps on one sample, batch gradient descent on all of them; a **mini-batch** uses B samples at a time. "
    f"Here every run fits a line to the same {N} noisy points from the same start: only B differs."
)
st.latex(r"w_{t+1} = w_t - \eta\, g_t")
st.latex(r"g_t = \frac{1}{B}\sum_{i \in \mathcal{B}_t} \nabla \ell_i(w_t)")

# Each section with its own controls is a fragment: a move reruns and redraws only that section, not the
# rest of the page (A/B in Chromium: 375 to 278 ms a move on values already computed).
@st.fragment
def runs_section():
    """The runs: presets, η, updates and seed; the map of the paths, the verdict, the loss against updates and samples."""
    controls, view, verdict = st.columns([1, 1.7, 1.15], gap="medium")
    with controls:
        st.markdown("**Presets**")
        P.preset_buttons(lesson.PRESETS, apply_preset)
        lr = P.select_slider("lr", "Learning rate η", lesson.LRS, value=D["lr"], format_func=lambda v: f"{v:g}")
        steps = P.slider("steps", "Updates", 10, 1000, D["steps"], step=10)
        seed = P.slider("seed", "Seed of the shuffles", 0, 99, D["seed"])
        st.caption(f"Full-batch stability bound 2/λ_max = **{charts.plain(lesson.stability_bound())}**. Each batch size "
                   f"runs {lesson.RUNS} times with different shuffles; the map shows the first run.")
    with view:
        show(stack(plane_base(), paths_chart(lr, steps, seed)))
        st.caption("𝓑ₜ is the t-th batch of a random shuffle of the n samples; after n/B batches the "
                   "epoch ends and the data are shuffled again. B = 1 is SGD, B = n batch gradient descent.")

    runs_now = run(lr, steps, seed)
    facts = lesson.facts(runs_now, lr, steps)
    told = lesson.story(facts)
    with verdict:
        P.preset_note(lesson.PRESETS, {"lr": lr, "steps": steps, "seed": seed}, lesson.PRESET_NOTES)
        getattr(st, told.tone)(told.headline)

    st.subheader("Progress per update, and per sample")
    left, right = st.columns(2, gap="medium")
    with left:
        show(loss_chart(lr, steps, seed, "update"))
    with right:
        show(loss_chart(lr, steps, seed, "sample"))
    if told.progress:
        st.markdown(told.progress)
    st.caption("Both charts show the full loss minus its minimum L(w*) on log scales; differences below 10⁻¹² "
               "(rounding noise) are not drawn.")


@st.fragment
def noise_section():
    """The variance of the batch gradient, measured where the radio says; independent of the runs above."""
    st.subheader("Noise: the variance of the batch gradient")
    where = P.radio("where", "Measure the gradients at", list(lesson.WHERE), value=D["where"], horizontal=True,
                    format_func=lambda k: {"start": f"the start {lesson.START}", "minimum": "the minimum w*"}.get(k, k))
    noise = lesson.noise_facts(where, variance(where))
    show(variance_chart(where))
    st.markdown(
        "A batch gradient is an average of B per-sample gradients, so its spread around the full gradient shrinks "
        "like 1/B. Because an epoch draws **without replacement**, the exact variance is a little below σ²/B and "
        "reaches zero at B = n, where every batch is the whole data set. " + lesson.noise(noise)
    )
    if where == "minimum":
        st.info("At the minimum the full gradient is zero, yet each batch gradient is not: that leftover noise is "
                "what keeps small-batch runs moving in a cloud around w*.")
    st.latex(r"\mathbb{E}\,\lVert g_B - \nabla L \rVert^2 = \frac{\sigma^2}{B}\cdot\frac{n - B}{n - 1}")
    st.latex(r"\sigma^2 = \frac{1}{n}\sum_{i=1}^{n}\lVert \nabla \ell_i - \nabla L \rVert^2")


runs_section()
noise_section()

st.subheader("Cost: time per update and per epoch, measured")
timing = costs()
left, right = st.columns(2, gap="medium")
with left:
    show(cost_chart(timing, "update"))
with right:
    show(cost_chart(timing, "epoch"))
st.markdown(lesson.cost_story(timing))
