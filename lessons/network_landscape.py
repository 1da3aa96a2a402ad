r"""Loss landscape of a real network: a small MLP trained twice, seen through slices.

The same network from the same initial weights is trained with Adam twice: on
mini-batches of 16 samples and on the full batch, for the same number of updates.
The lesson rests on what the runs give:

- the network has hundreds of weights, so its loss surface cannot be drawn, only sliced;
- the full-batch solution reaches the lower train loss, yet the mini-batch solution
  is the flatter one (its loss rises less a short way off) and the one with the lower
  test loss: flat minima generalise (Keskar et al. 2017);
- a random filter-normalised plane through the solution is a bowl, and the PCA plane
  of the path holds most of the path's motion in two directions (Li et al. 2018).

>>> f = facts(run(**DEFAULTS))
>>> f.flatter == "mini-batch", f.better_test == "mini-batch"
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import gdcore as gd

DATASETS = {
    "moons": ("Two moons", lambda seed: gd.datasets.moons(300, noise=0.2, seed=seed)),
    "circles": ("Circles", lambda seed: gd.datasets.circles(300, noise=0.1, seed=seed)),
    "spirals": ("Two spirals", lambda seed: gd.datasets.spirals(300, noise=0.1, seed=seed)),
    "blobs": ("Three blobs", lambda seed: gd.datasets.blobs(300, noise=0.4, seed=seed)),
}
WIDTHS = (4, 8, 16, 32)
STEPS = 1000
LR = 0.01
SMALL_BATCH = 16
RADIUS = 0.25
SPAN = 1.0
RESOLUTION = 41
LINE = np.linspace(-0.5, 1.5, 41)
START, END = int(np.argmin(np.abs(LINE))), int(np.argmin(np.abs(LINE - 1.0)))  # the two solutions on the line
DEFAULTS = {"dataset": "moons", "width": 16, "seed": 0}
PRESETS = {
    "Two moons": dict(DEFAULTS),
    "Two spirals, wide": {"dataset": "spirals", "width": 32, "seed": 0},
    "Circles, narrow": {"dataset": "circles", "width": 8, "seed": 0},
}
RUNS = ("mini-batch", "full batch")


@dataclass(frozen=True)
class Run:
    dataset: str
    width: int
    seed: int
    net: gd.nn.MLP
    test: gd.nn.MLP
    trajectories: dict          # run name -> Trajectory
    slice: gd.landscape.Slice   # around the mini-batch solution
    path_pca: gd.landscape.PathPCA
    line: np.ndarray            # train loss from the mini-batch (0) to the full-batch (1) solution
    line_test: np.ndarray
    sharpness: dict             # run name -> largest rise at RADIUS


def network(dataset, width, seed=0):
    """The train and test networks: the same architecture on two draws of the data set."""
    X, y = DATASETS[dataset][1](seed)
    Xt, yt = DATASETS[dataset][1](seed + 1000)
    hidden = (width, width)
    return gd.nn.MLP(X, y, hidden=hidden), gd.nn.MLP(Xt, yt, hidden=hidden)


def run(dataset, width, seed=0, progress=None):
    """Train both runs and take every slice the page draws. ``progress(fraction, text)`` is told how far it got."""
    tell = progress or (lambda fraction, text: None)
    net, test = network(dataset, width, seed)
    w0 = net.init(seed=seed)
    tell(0.05, "training on mini-batches of 16")
    small = gd.descend(net, gd.Adam(lr=LR), w0, STEPS, batch_size=SMALL_BATCH, seed=seed)
    tell(0.45, "training on the full batch")
    large = gd.descend(net, gd.Adam(lr=LR), w0, STEPS)
    tell(0.75, "slicing the landscape")
    w = small.final
    d1 = gd.landscape.directions(net, w, seed=seed + 1)
    d2 = gd.landscape.directions(net, w, seed=seed + 2)
    sl = gd.landscape.plane(net, w, d1, d2, span=SPAN, resolution=RESOLUTION)
    path = gd.landscape.pca(small)
    line = gd.landscape.line(net, small.final, large.final, LINE)
    line_test = gd.landscape.line(test, small.final, large.final, LINE)
    sharp = {name: gd.landscape.sharpness(net, t.final, radius=RADIUS, seed=seed) for name, t in zip(RUNS, (small, large))}
    tell(1.0, "done")
    return Run(dataset, width, seed, net, test, dict(zip(RUNS, (small, large))), sl, path, line, line_test, sharp)


@dataclass(frozen=True)
class Facts:
    n_weights: int
    n_samples: int
    train_loss: dict
    test_loss: dict
    train_accuracy: dict
    test_accuracy: dict
    sharpness: dict
    flatter: str           # the run whose loss rises less at RADIUS
    better_test: str       # the run with the lower test loss
    lower_train: str       # the run with the lower train loss
    slice_centre_lowest: bool   # the slice's lowest cell is within one cell of its centre
    pca_explained: float   # share of the path's variance in its PCA plane
    barrier: float         # highest train loss on the segment minus the higher end's
    line_ends: tuple       # train loss at the mini-batch (0) and full-batch (1) ends of the line


def facts(r: Run) -> Facts:
    final = {name: t.final for name, t in r.trajectories.items()}
    train = {n: float(r.net.loss(w)) for n, w in final.items()}
    test = {n: float(r.test.loss(w)) for n, w in final.items()}
    acc = {n: float(r.net.accuracy(w)) for n, w in final.items()}
    acc_test = {n: float(r.test.accuracy(w)) for n, w in final.items()}
    i, j = np.unravel_index(np.nanargmin(r.slice.losses), r.slice.losses.shape)
    centre = RESOLUTION // 2
    inside = (LINE >= 0) & (LINE <= 1)
    return Facts(
        n_weights=r.net.dim,
        n_samples=r.net.n_samples,
        train_loss=train,
        test_loss=test,
        train_accuracy=acc,
        test_accuracy=acc_test,
        sharpness=dict(r.sharpness),
        flatter=min(RUNS, key=lambda n: r.sharpness[n]),
        better_test=min(RUNS, key=lambda n: test[n]),
        lower_train=min(RUNS, key=lambda n: train[n]),
        slice_centre_lowest=bool(abs(i - centre) <= 1 and abs(j - centre) <= 1),
        pca_explained=float(r.path_pca.explained.sum()),
        barrier=float(np.max(r.line[inside]) - max(r.line[START], r.line[END])),
        line_ends=(float(r.line[START]), float(r.line[END])),
    )


def pct(x):
    return f"{100 * x:.0f} %"


def story(f: Facts) -> dict:
    """The page's sentences, keyed by where they go."""
    other = {"mini-batch": "full batch", "full batch": "mini-batch"}
    size = (
        f"This network has **{f.n_weights:,} weights**, so its loss is a surface in {f.n_weights + 1:,} dimensions "
        f"(a VGG network like the article's has millions). It learned {f.n_samples} points; the test set is a fresh draw."
    )
    result = (
        f"The **full-batch** run reaches train loss {f.train_loss['full batch']:.3g} "
        f"(accuracy {pct(f.train_accuracy['full batch'])}), the **mini-batch** run {f.train_loss['mini-batch']:.3g} "
        f"({pct(f.train_accuracy['mini-batch'])}). On the test set: full batch {f.test_loss['full batch']:.3g}, "
        f"mini-batch {f.test_loss['mini-batch']:.3g}."
    )
    if f.flatter == f.better_test:
        verdict = (
            f"The **{f.flatter}** solution is the flatter one: {RADIUS:g} of the way along random filter-normalised "
            f"directions its loss rises by at most {f.sharpness[f.flatter]:.3g}, against "
            f"{f.sharpness[other[f.flatter]]:.3g} for the {other[f.flatter]} solution. It also has the lower test loss"
            + (", although its train loss is higher: " if f.lower_train != f.flatter else ": ")
            + "a flat minimum barely notices that the test loss is the train loss moved a little."
        )
        tone = "success"
    else:
        verdict = (
            f"Here the flatter solution ({f.flatter}, rise {f.sharpness[f.flatter]:.3g} against "
            f"{f.sharpness[other[f.flatter]]:.3g}) is not the one with the lower test loss ({f.better_test}): "
            "flatness is a tendency, not a law, and one slice-based number does not decide it."
        )
        tone = "info"
    slice_text = (
        "Around the mini-batch solution the random slice is a bowl with the solution at its bottom."
        if f.slice_centre_lowest else
        "The random slice's lowest point is off its centre: along these two directions the solution is not a minimum."
    )
    pca_text = (
        f"The PCA plane holds {pct(f.pca_explained)} of the path's motion: it is the plane the path fits best, "
        "so the path looks simple there, but the loss drawn over it is a slice like any other."
    )
    higher_end = max(f.line_ends)
    if f.barrier <= 0.1 * higher_end:
        line_text = (
            "On the straight line between the two solutions the train loss never rises noticeably above the higher end "
            f"(at most {max(f.barrier, 0.0):.2g} above {higher_end:.3g}): one low valley joins them along this line."
        )
    else:
        line_text = (
            f"On the straight line between the two solutions the train loss rises {f.barrier:.3g} above the higher end "
            f"({higher_end:.3g}): a ridge separates them along this line."
        )
    return {"size": size, "result": result, "verdict": verdict, "tone": tone, "slice": slice_text, "pca": pca_text,
            "line": line_text}
