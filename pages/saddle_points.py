"""Saddle points: a zero gradient that is not a minimum; false convergence, and noise as the way out."""

import numpy as np
import streamlit as st

import gdcore as gd
from gdcore import charts
from ui.params import Params
from ui.show import show

P = Params("saddle")
LRS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5)
NOISES = (0.0, 0.001, 0.01, 0.05, 0.1, 0.3, 1.0)
TOLS = (1e-2, 1e-3, 1e-4, 1e-6)
MONKEY_START, MONKEY_LR = (0.9, 0.0), 0.1
PLATEAU_DIRECTION, PLATEAU_LR = np.array([0.8, 0.6]), 1.0
PLANE_WIDTH, CURVE_WIDTH = 380, 380
SETTLED = 0.1  # a run that ends this close to a minimum has reached it
# Shown one at a time: every landscape adds ~50 ms to a warm rerun.
CASES = {"monkey": "A degenerate saddle: the monkey saddle", "plateau": "A plateau: a tiny gradient, no critical point"}
LEVEL_COLORS = {"saddle": "#7b3294", "minimum": "#111111"}


@st.cache_data(max_entries=64, show_spinner=False)
def run(name, lr, x0, y0, steps, tol, noise, seed):
    surface = gd.surfaces.get(name)
    return gd.descend(surface, gd.SGD(lr=lr), (x0, y0), steps, tol=tol, noise=noise, seed=seed)


def runs(name, lr, x0, y0, steps, tol, noise, seed):
    """Plain gradient descent, and (when noise > 0) the perturbed run from the same start."""
    out = {"plain GD": run(name, lr, x0, y0, steps, tol, 0.0, 0)}
    if noise > 0:
        out[f"noise σ = {noise:g}"] = run(name, lr, x0, y0, steps, tol, noise, seed)
    return out


@st.cache_data(max_entries=64, show_spinner=False)
def plane_chart(name, lr, x0, y0, steps, tol, noise, seed, title):
    surface = gd.surfaces.get(name)
    trajs = runs(name, lr, x0, y0, steps, tol, noise, seed)
    return charts.landscape(surface, {k: t.points for k, t in trajs.items()}, width=PLANE_WIDTH, resolution=60, title=title)


@st.cache_data(max_entries=64, show_spinner=False)
def curves_chart(name, lr, x0, y0, steps, tol, noise, seed, with_loss):
    """Gradient norm against step with the tol line; with_loss adds the loss with the critical levels."""
    surface = gd.surfaces.get(name)
    trajs = runs(name, lr, x0, y0, steps, tol, noise, seed)
    span = [0, max(int(t.steps[-1]) for t in trajs.values())]
    colors = charts.PATH_COLORS[: len(trajs)]
    norms = {k: (t.steps, t.grad_norms) for k, t in trajs.items()}
    norms[f"tol = {tol:g}"] = (span, [tol, tol])
    grad = charts.xy_lines(norms, x_title="step", y_title="‖∇L(w)‖", log_y=True, dashed=(f"tol = {tol:g}",),
                           width=CURVE_WIDTH, height=220, colors=colors + ("#555555",))
    if not with_loss:
        return grad
    losses = {k: (t.steps, t.losses) for k, t in trajs.items()}
    levels = [("saddle", surface.saddles[:1]), ("minimum", surface.minima[:1])]
    levels = [(f"at the {kind}: {float(surface.loss(w[0])):.3g}", float(surface.loss(w[0])), LEVEL_COLORS[kind])
              for kind, w in levels if len(w)]
    for label, value, _ in levels:
        losses[label] = (span, [value, value])
    loss = charts.xy_lines(losses, x_title="step", y_title="loss", dashed=tuple(label for label, _, _ in levels),
                           width=CURVE_WIDTH, height=220, colors=colors + tuple(color for _, _, color in levels))
    return (loss | grad).resolve_scale(color="independent", strokeDash="independent")


@st.cache_data(max_entries=8, show_spinner=False)
def eigenvalues(name, x, y):
    surface = gd.surfaces.get(name)
    lo, hi = np.linalg.eigvalsh(surface.hessian((x, y)))
    return float(lo), float(hi), gd.classify(surface, (x, y))


def at(w):
    return f"({w[0]:.3f}, {w[1]:.3f})"


def nearest_minimum(surface, w):
    distance = np.linalg.norm(surface.minima - w, axis=-1)
    k = int(np.argmin(distance))
    return k, float(distance[k])


def describe_plain(surface, traj, tol):
    """Say in words where plain gradient descent stopped and what kind of point that is."""
    kind = gd.classify(surface, traj.final)
    k, distance = nearest_minimum(surface, traj.final)
    minimum_loss = float(surface.loss(surface.minima[k]))
    where = f"w = {at(traj.final)}, loss {traj.losses[-1]:.4f}"
    if traj.status == "diverged":
        st.error(f"Plain gradient descent **diverged** after {traj.steps_done} steps: the step is too large for this surface.")
    elif distance < SETTLED:
        st.success(
            f"Plain gradient descent reached the minimum {at(surface.minima[k])} (loss {minimum_loss:.4f}) "
            f"and stopped at step {traj.steps_done} ({traj.status.replace('_', ' ')}). It did not start exactly on the "
            "ridge, so the downhill direction of the saddle pulled it away on its own."
        )
    elif traj.status == "converged":
        st.warning(
            f"Plain gradient descent reported **converged at step {traj.steps_done}** with ‖∇L‖ = "
            f"{traj.grad_norms[-1]:.2g} < tol = {tol:g}, at {where}. **But this is a {kind}, not a minimum**: the "
            f"Hessian there curves down in one direction (classify says \"{kind}\"), and the minima lie "
            f"{traj.losses[-1] - minimum_loss:.3g} lower. The stopping rule only sees a small gradient."
        )
    else:
        st.info(
            f"Plain gradient descent is still creeping after {traj.steps_done} steps: ‖∇L‖ = {traj.grad_norms[-1]:.2g}, "
            f"{where}. It is sliding into the saddle, not toward a minimum; more steps would end in a false convergence."
        )


def describe_noisy(surface, traj, noise, seed, saddle_loss):
    """Say in words whether the perturbed run left the saddle, and where it ended."""
    k, distance = nearest_minimum(surface, traj.final)
    below = np.flatnonzero(traj.losses < saddle_loss - 0.01)
    left = f"left the saddle at step {below[0]}" if len(below) else "never left the saddle"
    if traj.status == "diverged":
        st.error(
            f"With noise σ = {noise:g} the run **diverged** after {traj.steps_done} steps: a large kick threw it onto "
            "the steep outer walls, where a step of this size overshoots further each time. The charts show the "
            "finite part; lower σ or η."
        )
    elif distance < SETTLED:
        st.success(
            f"With noise σ = {noise:g} (seed {seed}) the run {left} and **ended at the minimum** "
            f"{at(surface.minima[k])}, loss {traj.losses[-1]:.4f}. Random kicks push it a little off the ridge, and "
            "the downhill direction of the saddle does the rest."
        )
    elif len(below):
        st.info(
            f"With noise σ = {noise:g} (seed {seed}) the run {left}, but it jitters around the minimum "
            f"{at(surface.minima[k])} ({distance:.2f} away) instead of settling: the kicks are as strong as "
            "the pull of the gradient there. Lower σ to let it settle."
        )
    elif traj.status == "converged":
        st.warning(
            f"With noise σ = {noise:g} the run still **converged falsely** at step {traj.steps_done}, at {at(traj.final)}: "
            "the kicks were too small to grow before the gradient fell below tol. Raise σ."
        )
    else:
        st.info(f"With noise σ = {noise:g} the run has not left the saddle yet after {traj.steps_done} steps. Run more steps.")


def monkey_section(steps, tol, noise, seed):
    monkey = gd.surfaces.get("monkey_saddle")
    margs = (MONKEY_LR, *MONKEY_START, steps, tol, noise, seed)
    mtrajs = runs("monkey_saddle", *margs)
    left, right = st.columns([1.3, 1], gap="large")
    with left:
        show(plane_chart("monkey_saddle", *margs, "Monkey saddle: three valleys meet"))
    with right:
        st.latex(monkey.formula)
        lo, hi, kind = eigenvalues("monkey_saddle", 0.0, 0.0)
        st.markdown(
            f"Three valleys and three ridges meet at the centre. There the Hessian is the zero matrix "
            f"(eigenvalues **{lo:g}** and **{hi:g}**), so `gd.classify` says **{kind}**: the curvature test cannot "
            "decide, because the surface is flat to second order. The runs start on a ridge at "
            f"{at(MONKEY_START)} with η = {MONKEY_LR:g} (the noise, seed, tol and steps above)."
        )
        plain = mtrajs["plain GD"]
        near_centre = np.linalg.norm(plain.final) < 0.1
        if plain.status == "converged" and near_centre:
            st.warning(
                f"Plain gradient descent reported **converged at step {plain.steps_done}** with ‖∇L‖ = "
                f"{plain.grad_norms[-1]:.2g}, at {at(plain.final)}: **a degenerate saddle, not a minimum**. With no "
                "curvature to pull it in, it crept: the gradient faded like 1/t², not by a fixed factor per step."
            )
        elif near_centre:
            st.info(
                f"Plain gradient descent is still creeping into the degenerate saddle after {plain.steps_done} steps: "
                f"‖∇L‖ = {plain.grad_norms[-1]:.2g} at {at(plain.final)}, fading only like 1/t²."
            )
        else:
            k, distance = nearest_minimum(monkey, plain.final)
            st.info(
                f"Plain gradient descent ends at {at(plain.final)} ({plain.status.replace('_', ' ')} after "
                f"{plain.steps_done} steps), {distance:.2f} from the nearest minimum."
            )
        if noise > 0:
            noisy = mtrajs[f"noise σ = {noise:g}"]
            k, distance = nearest_minimum(monkey, noisy.final)
            if noisy.status == "diverged":
                st.error(f"With noise σ = {noise:g} the run **diverged** after {noisy.steps_done} steps: the kicks are too large.")
            elif distance < SETTLED:
                st.success(f"With noise σ = {noise:g} the run slid off the ridge into the valley at {at(monkey.minima[k])}.")
            else:
                st.info(f"With noise σ = {noise:g} the run ends at {at(noisy.final)}, {distance:.2f} from the nearest minimum.")
    show(curves_chart("monkey_saddle", *margs, False))
    st.caption(
        "At the strict saddle the gradient of plain gradient descent fell by a fixed factor every step (a straight line "
        "on this log scale). Here it fades ever more slowly: the closer the run gets, the flatter the ground, and "
        "nothing curves it in or out."
    )


def plateau_section(steps, tol):
    plateau = gd.surfaces.get("plateau")
    left, right = st.columns([1.3, 1], gap="large")
    with right:
        st.latex(plateau.formula)
        st.markdown(
            r"One well in a wide, nearly flat plain. Far from the centre the gradient has length $\lVert w\rVert e^{-\lVert w\rVert^2/2}$: never zero, "
            "but so small that each step barely moves. No Hessian test applies, because this is not a critical point; "
            f"the run just crawls. Plain gradient descent with η = {PLATEAU_LR:g} (the same tol and steps)."
        )
        radius = P.slider("r", "Start at distance from the centre", 2.0, 5.5, 4.0, step=0.1)
    start = tuple(float(v) for v in np.round(radius * PLATEAU_DIRECTION, 4))
    pargs = (PLATEAU_LR, *start, steps, tol, 0.0, 0)
    ptraj = runs("plateau", *pargs)["plain GD"]
    with left:
        show(plane_chart("plateau", *pargs, "Plateau: the well in the middle"))
    with right:
        crawl = int(np.argmax(ptraj.grad_norms >= 0.01)) if (ptraj.grad_norms >= 0.01).any() else len(ptraj.grad_norms)
        if ptraj.status == "converged" and ptraj.losses[-1] > 0.01:
            st.warning(
                f"Plain gradient descent reported **converged at step {ptraj.steps_done}** with ‖∇L‖ = "
                f"{ptraj.grad_norms[-1]:.2g} < tol, at loss {ptraj.losses[-1]:.4f}, while the minimum has loss 0. "
                "**There is no critical point here**: the gradient is small because the ground is almost flat, not zero."
            )
        elif ptraj.losses[-1] < 0.01 and crawl == 0:
            st.success(
                f"This start is already on the wall of the well (‖∇L‖ = {ptraj.grad_norms[0]:.2g}), so gradient descent "
                f"went straight in and stopped at step {ptraj.steps_done}. Move the start farther out, onto the plain."
            )
        elif ptraj.losses[-1] < 0.01:
            st.success(
                f"It crossed the plateau: for the first {crawl} steps ‖∇L‖ stayed below 0.01 and the loss hardly moved, "
                f"then it dropped into the well and stopped at step {ptraj.steps_done} (loss {ptraj.losses[-1]:.2g})."
            )
        else:
            st.info(
                f"Still crawling after {ptraj.steps_done} steps: loss {ptraj.losses[-1]:.4f}, ‖∇L‖ = "
                f"{ptraj.grad_norms[-1]:.2g}. Run more steps."
            )
    show(curves_chart("plateau", *pargs, True))


st.title("Saddle points")
st.markdown(
    "Gradient descent stops moving wherever the gradient is zero, and minima are not the only such places. "
    "At a **saddle point** the surface rises in one direction and falls in another, like a mountain pass: "
    "walk along the ridge and the pass is your lowest point, walk across it and it is your highest. "
    "The gradient there is zero, so a stopping rule such as *stop when ‖∇L‖ < tol* declares victory at a point "
    "that is not a minimum. The Hessian tells the two apart: at a minimum both of its eigenvalues (the curvatures "
    "along the two principal directions) are positive, at a saddle one is negative."
)
st.latex(
    r"w_{t+1} = w_t - \eta\,\bigl(\nabla L(w_t) + \sigma\,\xi_t\bigr),\quad \xi_t \sim \mathcal N(0, I),"
    r"\qquad \text{stop when } \lVert \nabla L(w_t) \rVert < \text{tol}"
)

# --- a strict saddle --------------------------------------------------------------------------------
st.header("A strict saddle")
saddle = gd.surfaces.get("saddle")
controls, view = st.columns([1, 2.3], gap="large")
with controls:
    st.latex(saddle.formula)
    lo, hi, kind = eigenvalues("saddle", 0.0, 0.0)
    st.markdown(
        f"At the centre the Hessian is diag(1, −1): eigenvalues **{lo:g}** and **{hi:g}**, so "
        f"`gd.classify` says **{kind}**. Uphill along w₁, downhill along w₂; the minima are at (0, ±1)."
    )
    lr = P.select_slider("lr", "Learning rate η", LRS, value=0.1, format_func=lambda v: f"{v:g}")
    x0 = P.slider("x0", "Start w₁", -1.5, 1.5, 1.4, step=0.01)
    y0 = P.slider("y0", "Start w₂ (0 = on the ridge)", -1.5, 1.5, 0.0, step=0.01)
    steps = P.slider("steps", "Steps", 50, 2000, 300, step=50)
    tol = P.select_slider("tol", "Stop when ‖∇L‖ < tol", TOLS, value=1e-3, format_func=lambda v: f"{v:g}")
    noise = P.select_slider("noise", "Noise σ added to each gradient", NOISES, value=0.01, format_func=lambda v: f"{v:g}")
    seed = P.slider("seed", "Noise seed", 0, 20, 0)

args = (lr, x0, y0, steps, tol, noise, seed)
trajs = runs("saddle", *args)
with view:
    show(plane_chart("saddle", *args, "Plain and perturbed gradient descent"))
    describe_plain(saddle, trajs["plain GD"], tol)
    if noise > 0:
        describe_noisy(saddle, trajs[f"noise σ = {noise:g}"], noise, seed, float(saddle.loss((0.0, 0.0))))
    else:
        st.caption("Raise the noise σ to add a perturbed run from the same start.")
show(curves_chart("saddle", *args, True))
st.caption(
    "Left: on the ridge the loss falls to the saddle's level and stays flat, a plateau that looks like the end of "
    "training; plain gradient descent stops there. The perturbed run sits on the same plateau until its kicks have "
    "grown, then drops to the level of the minima. Right: the stopping rule is fooled because the gradient norm "
    "dips below the dashed tol line at the saddle just as it would at a minimum."
)

st.header("Two more places where the gradient fades")
# CASES.get(k, k): AppTest formats an option's label again when it sets a radio by label.
case = P.radio("case", "Show", list(CASES), value="monkey", format_func=lambda k: CASES.get(k, k), horizontal=True)
st.subheader(CASES[case])
if case == "monkey":
    monkey_section(steps, tol, noise, seed)
else:
    plateau_section(steps, tol)

with st.expander("Why saddles matter more than they seem"):
    st.markdown(
        "In two dimensions a saddle needs one downhill direction among two. A network has millions of weights, "
        "and at a random flat point it is very unlikely that *every* direction curves upward, so most flat points "
        "of a large network are saddles, not minima. They are unstable: any push along the downhill direction "
        "grows by a factor 1 + η|λ| per step. That is why the randomness of stochastic gradient descent, "
        "which samples a different mini-batch every step, is usually enough to carry training past them."
    )
