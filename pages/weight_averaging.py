"""Weight averaging: cycle the learning rate, save the weights at each low point, average them."""

import numpy as np
import pandas as pd
import streamlit as st

import gdcore as gd
from gdcore import charts
from ui.params import Params
from ui.show import show

P = Params("swa")
N_SAMPLES = 64
NOISE = 1.0
START = (0.0, 0.0)
LRS = (0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5)
BATCHES = (1, 2, 4, 8, 16, 64)
MIN_RATIO = 10  # lr_min = lr_max / MIN_RATIO
COLORS = {"start": "#d62728", "snapshot": "#ff7f0e", "SWA average": "#6a3d9a", "train minimum": "#111111", "test minimum": "#2ca02c"}
SHAPES = {"start": "circle", "snapshot": "circle", "SWA average": "diamond", "train minimum": "square", "test minimum": "triangle-up"}


def train():
    return gd.objectives.linear_regression(n_samples=N_SAMPLES, noise=NOISE, seed=0)


@st.cache_data(max_entries=32, show_spinner=False)
def run(lr_max, cycles, cycle_length, batch_size, seed):
    return gd.swa(train(), gd.SGD(), START, cycles=cycles, cycle_length=cycle_length, lr_max=lr_max,
                  lr_min=lr_max / MIN_RATIO, batch_size=batch_size, seed=seed)


def special_points(res):
    return {
        "start": START,
        "snapshot": res.snapshots,
        "SWA average": res.average,
        "train minimum": train().minimizer,
        "test minimum": res.test.minimizer,
    }


def marks(res):
    labels = {"snapshot": [str(k + 1) for k in range(len(res.snapshots))]}
    return charts.labelled_points(special_points(res), shapes=SHAPES, colors=COLORS, labels=labels)


def window(res):
    """A square window around the start, the snapshots, the average and both minima; wilder steps are clipped."""
    pts = np.concatenate([np.reshape(p, (-1, 2)) for p in special_points(res).values()])
    pts = pts[np.isfinite(pts).all(axis=1)]
    centre = (pts.min(axis=0) + pts.max(axis=0)) / 2
    half = 0.6 * float((pts.max(axis=0) - pts.min(axis=0)).max())
    return tuple((float(c - half), float(c + half)) for c in centre)


@st.cache_data(max_entries=32, show_spinner=False)
def plane_chart(lr_max, cycles, cycle_length, batch_size, seed):
    res = run(lr_max, cycles, cycle_length, batch_size, seed)
    chart = charts.landscape(train(), bounds=window(res), critical={}, title="The run on the train loss",
                             width=440, height=440)
    chart = chart + charts.faint_path(res.trajectory.points) + marks(res)
    return chart.resolve_scale(color="independent", shape="independent")


@st.cache_data(max_entries=32, show_spinner=False)
def curves_chart(lr_max, cycles, cycle_length, batch_size, seed):
    res = run(lr_max, cycles, cycle_length, batch_size, seed)
    traj = res.trajectory
    rules = charts.vertical_rules(res.snapshot_steps, color="#ff7f0e", label=None)
    lr = charts.lr_curve({"learning rate": traj.lrs}, height=150, width=520, colors=("#555555",)) + rules
    loss = charts.loss_curve({"train loss": traj.losses}, x_title="step", height=170, width=520, log=True,
                             colors=("#1f77b4",)) + rules
    return (lr & loss)


def loss_table(res):
    k = len(res.snapshots)
    obj = train()
    frame = pd.DataFrame({
        "weights": [f"snapshot {i + 1}" for i in range(k)] + ["SWA average", "train minimum (exact)"],
        "slope w₁": np.r_[res.snapshots[:, 0], res.average[0], obj.minimizer[0]],
        "intercept w₂": np.r_[res.snapshots[:, 1], res.average[1], obj.minimizer[1]],
        "train loss": np.r_[res.train_losses, res.average_train_loss, obj.loss(obj.minimizer)],
        "test loss": np.r_[res.test_losses, res.average_test_loss, res.test.loss(obj.minimizer)],
    })
    return frame


@st.cache_data(max_entries=32, show_spinner=False)
def losses_chart(lr_max, cycles, cycle_length, batch_size, seed):
    res = run(lr_max, cycles, cycle_length, batch_size, seed)
    table = {str(i + 1): {"train loss": tr, "test loss": te}
             for i, (tr, te) in enumerate(zip(res.train_losses, res.test_losses))}
    table["average"] = {"train loss": res.average_train_loss, "test loss": res.average_test_loss}
    average = {"train loss": res.average_train_loss, "test loss": res.average_test_loss}
    return charts.grouped(table, "loss", mark="point", title="loss", x_title="snapshot", reference=average,
                          width=330, height=220, colors=("#1f77b4", "#d62728"))


st.title("Weight averaging")
st.markdown(
    "Stochastic weight averaging (SWA) turns the restlessness of SGD into an advantage. Run SGD until it "
    "settles in a valley and **save the weights**. Then **raise the learning rate**: the bigger, noisier steps "
    "push the weights away to another spot, and as the rate falls again they settle there. Save those too, "
    "repeat a few times, and finally **average the saved weights**. Each saved point lies somewhere on the "
    "valley floor, often towards one of its walls; their average lands near the middle of the valley, where a "
    "slightly different test loss is still low."
)
st.latex(
    r"\eta_t = \Bigl(1 - \tfrac{(t \bmod c) + 1}{c}\Bigr)\eta_{\max} + \tfrac{(t \bmod c) + 1}{c}\,\eta_{\min},"
    r"\qquad w_{t+1} = w_t - \eta_t\, \nabla L_{B_t}(w_t),"
    r"\qquad w_{\text{SWA}} = \frac{1}{K}\sum_{k=1}^{K} w_{kc}"
)
st.caption(
    "c updates per cycle, K cycles; L_B is the loss on a mini-batch B. The rate falls in a straight line within "
    "each cycle and jumps back up at the start of the next; the weights are saved at the end of each cycle, "
    "where the rate is lowest."
)
st.markdown(
    f"The model here fits a line to {N_SAMPLES} noisy points: w₁ is the slope and w₂ the intercept, and the "
    f"loss is the mean squared error. The test loss uses {N_SAMPLES} fresh points from the same source, so its "
    "minimum sits a little away from the train loss's."
)

controls, view = st.columns([1, 2.6], gap="large")
with controls:
    lr_max = P.select_slider("lr", "Highest learning rate η_max", LRS, value=0.2, format_func=lambda v: f"{v:g}")
    st.caption(f"The lowest rate is η_min = η_max / {MIN_RATIO} = {lr_max / MIN_RATIO:g}.")
    cycles = P.slider("cycles", "Cycles K (saved weights)", 1, 10, 5)
    cycle_length = P.slider("length", "Updates per cycle c", 10, 100, 30, step=10)
    batch_size = P.select_slider("batch", f"Batch size ({N_SAMPLES} = all samples)", BATCHES, value=1)
    seed = P.slider("seed", "Seed of the sample order", 0, 20, 0)

res = run(lr_max, cycles, cycle_length, batch_size, seed)
with view:
    show(plane_chart(lr_max, cycles, cycle_length, batch_size, seed))
    st.caption("The thin red line is every SGD step from the start; the orange points are the saved weights, "
               "numbered by cycle, and the purple diamond is their average.")

with controls:
    if res.status == "diverged":
        st.error(
            f"**Diverged** after {res.trajectory.steps_done} updates: η_max = {lr_max:g} is too large, each step "
            "overshoots further, and the weights ran away. There are no complete cycles to average. Lower η_max."
        )
    elif np.max(res.train_losses) > 3 * float(train().loss(train().minimizer)):
        st.warning(
            f"**Unstable**: some saved weights have a train loss far above the minimum's. η_max = {lr_max:g} is too "
            "large for single samples whose loss is steep: a step on one of them flings the weights far away, and "
            "the cycle is too short to come back. Lower η_max or use a larger batch."
        )
    elif cycles == 1:
        st.info("With one cycle there is one saved point, so the average is just that point. Add cycles.")
    elif np.max(np.linalg.norm(res.snapshots - res.average, axis=-1)) < 1e-3:
        st.info(
            "All saved points are practically the same point: without mini-batch noise every cycle settles in "
            "the same minimum, so their average is that minimum too and averaging changes nothing. Use a smaller batch."
        )
    else:
        beaten = int(np.sum(res.test_losses > res.average_test_loss))
        typical = float(np.mean(res.test_losses))
        if res.average_test_loss < typical:
            st.success(
                f"The average's test loss **{res.average_test_loss:.4f}** is below the snapshots' mean "
                f"{typical:.4f}, and below {beaten} of the {cycles} snapshots on their own."
            )
        else:
            st.warning(
                f"The average's test loss {res.average_test_loss:.4f} is not below the snapshots' mean "
                f"{typical:.4f}. The saved points do not surround the valley floor: here they lie along one side "
                "of it, so their middle is no better than they are."
            )

show(curves_chart(lr_max, cycles, cycle_length, batch_size, seed))
st.caption("Orange lines: the end of each cycle, where the weights are saved.")

left, right = st.columns([1, 1.3], gap="large")
with left:
    show(losses_chart(lr_max, cycles, cycle_length, batch_size, seed))
    st.caption("Each saved point's train and test loss; the dashed lines are the average's.")
with right:
    table = loss_table(res)
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.4f") for c in table.columns[1:]})

if res.status != "diverged" and cycles > 1:
    first, rest = res.train_losses[0], float(np.median(res.train_losses[1:]))
    if first > rest + 0.5 * (rest - table["train loss"].iloc[-1]) + 0.05:
        st.caption(
            "The first saved point has a clearly higher train loss: the first cycle had not yet reached the "
            "valley floor from the start, and it pulls the average with it. More updates per cycle or a larger "
            "η_max fix that (the paper starts SWA from an already trained network)."
        )
    if batch_size == N_SAMPLES:
        st.caption(
            "With all samples in every batch there is no noise: each cycle ends a little further down the same "
            "path, so the saved points lie in a row rather than around the valley, and the last one is usually best."
        )

with st.expander("Why the average does better than the points it came from", expanded=True):
    st.markdown(
        "Near the bottom of a valley the loss grows with the square of the distance from the lowest point, "
        "so a point that is off to one side pays a lot and the middle of a cloud of points pays little: the "
        "average of the saved weights always has a lower loss than the saved weights have on average (for a "
        "bowl-shaped loss). Because the test loss is the train loss moved a little, being in the middle of a "
        "wide valley also keeps its test loss low. Averaging is cheap: it needs one extra copy of the weights "
        "and no extra gradient computations."
    )
