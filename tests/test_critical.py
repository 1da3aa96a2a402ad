"""classify() and basins() against hand-derived Hessians, published critical points and symmetry."""

import numpy as np
import pytest

import gdcore as gd
from gdcore._checks import ParameterError
from gdcore.critical import basins, classify
from gdcore.surfaces import Surface


def constant_hessian(hxx, hxy, hyy):
    """L = 0.5 (hxx x^2 + 2 hxy x y + hyy y^2): its Hessian is the given constant matrix everywhere."""
    return Surface(
        "constant",
        lambda x, y: 0.5 * (hxx * x * x + 2 * hxy * x * y + hyy * y * y),
        lambda x, y: (hxx * x + hxy * y, hxy * x + hyy * y),
        lambda x, y: (hxx, hxy, hyy),
    )


# --- classify ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hessian, kind",
    [
        ((2.0, 0.0, 3.0), "minimum"),
        ((-2.0, 0.0, -0.5), "maximum"),
        ((1.0, 0.0, -1.0), "saddle"),
        ((0.0, 1.0, 0.0), "saddle"),  # L = xy: eigenvalues -1 and 1
        ((2.0, 1.0, 2.0), "minimum"),  # eigenvalues 1 and 3
        ((1.0, 2.0, 1.0), "saddle"),  # eigenvalues -1 and 3
        ((1.0, 1.0, 1.0), "degenerate"),  # eigenvalues 0 and 2
        ((0.0, 0.0, 0.0), "degenerate"),
    ],
)
def test_classify_reads_the_signs_of_the_eigenvalues(hessian, kind):
    assert classify(constant_hessian(*hessian), (0.0, 0.0)) == kind


def test_the_saddle_surface_has_hessian_diag_1_minus_1_at_the_origin():
    # L = x^2/2 + y^4/4 - y^2/2: L_xx = 1, L_xy = 0, L_yy = 3y^2 - 1, so diag(1, -1) at 0 and diag(1, 2) at (0, +-1).
    saddle = gd.surfaces.get("saddle")
    np.testing.assert_array_equal(saddle.hessian((0.0, 0.0)), [[1.0, 0.0], [0.0, -1.0]])
    np.testing.assert_array_equal(saddle.hessian((0.0, 1.0)), [[1.0, 0.0], [0.0, 2.0]])
    assert classify(saddle, (0.0, 0.0)) == "saddle"
    assert classify(saddle, [[0.0, 1.0], [0.0, -1.0]]).tolist() == ["minimum", "minimum"]


def test_monkey_saddle_is_degenerate():
    # x^3 - 3xy^2 has second derivatives 6x, -6y, -6x: all zero at the origin; the quartic
    # (3/4)(x^2 + y^2)^2 adds only terms of order r^2 to them. The gradient is zero there too.
    monkey = gd.surfaces.get("monkey_saddle")
    np.testing.assert_array_equal(monkey.grad((0.0, 0.0)), [0.0, 0.0])
    np.testing.assert_array_equal(monkey.hessian((0.0, 0.0)), np.zeros((2, 2)))
    assert classify(monkey, (0.0, 0.0)) == "degenerate"
    pure = Surface("monkey", lambda x, y: x**3 - 3 * x * y * y,
                   lambda x, y: (3 * x * x - 3 * y * y, -6 * x * y), lambda x, y: (6 * x, -6 * y, -6 * x))
    assert classify(pure, (0.0, 0.0)) == "degenerate"


def test_himmelblaus_published_critical_points():
    # Himmelblau (1972); values as listed e.g. on Wikipedia's "Himmelblau's function":
    # four minima with f = 0 and a local maximum f(-0.270845, -0.923039) = 181.617.
    s = gd.surfaces.get("himmelblau")
    minima = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
    assert classify(s, minima).tolist() == ["minimum"] * 4
    np.testing.assert_allclose(s.loss(minima), 0.0, atol=1e-9)
    peak = (-0.270845, -0.923039)
    assert classify(s, peak) == "maximum"
    assert round(float(s.loss(peak)), 3) == 181.617


def test_six_hump_camels_published_global_minima():
    # Dixon and Szego (1978); the SFU optimisation test-function library lists f* = -1.0316
    # at (0.0898, -0.7126) and (-0.0898, 0.7126).
    s = gd.surfaces.get("six_hump_camel")
    points = [(0.0898, -0.7126), (-0.0898, 0.7126)]
    assert classify(s, points).tolist() == ["minimum", "minimum"]
    np.testing.assert_allclose(s.loss(points), -1.0316, atol=1e-4)


def test_an_eigenvalue_counts_as_zero_relative_to_the_larger_one():
    tiny = constant_hessian(1e-10, 0.0, 1.0)
    assert classify(tiny, (0.0, 0.0)) == "degenerate"  # 1e-10 <= 1e-8 * max(1, 1)
    assert classify(tiny, (0.0, 0.0), tol=0.0) == "minimum"
    steep = constant_hessian(-1e-3, 0.0, 1e3)
    assert classify(steep, (0.0, 0.0)) == "saddle"  # 1e-3 > 1e-8 * 1e3
    assert classify(steep, (0.0, 0.0), tol=1e-5) == "degenerate"  # 1e-3 <= 1e-5 * 1e3


def test_classify_broadcasts_and_returns_str_for_one_point():
    saddle = gd.surfaces.get("saddle")
    w = np.zeros((3, 4, 2))
    w[1, 2] = (0.0, 1.0)
    kinds = classify(saddle, w)
    assert kinds.shape == (3, 4)
    assert kinds[1, 2] == "minimum" and (kinds == "saddle").sum() == 11
    assert type(classify(saddle, (0.0, 0.0))) is str


def test_a_non_finite_hessian_is_degenerate_without_warnings():
    # Himmelblau's Hessian overflows to inf at 1e200: the second-order test cannot decide.
    assert classify(gd.surfaces.get("himmelblau"), (1e200, 1e200)) == "degenerate"


# --- basins -----------------------------------------------------------------------------------


def test_labels_agree_with_each_runs_own_end_point():
    surface, opt, res, steps = gd.surfaces.get("himmelblau"), gd.SGD(lr=0.01), 25, 300
    b = basins(surface, opt, res, steps)
    (x0, x1), (y0, y1) = surface.bounds
    np.testing.assert_array_equal(b.xs, np.linspace(x0, x1, res))
    np.testing.assert_array_equal(b.ys, np.linspace(y0, y1, res))
    rng = np.random.default_rng(0)
    cells = rng.integers(0, res, size=(12, 2))
    for i, j in cells:
        alone = gd.descend(surface, opt, (b.xs[j], b.ys[i]), steps)
        np.testing.assert_allclose(b.ends[i, j], alone.final, rtol=1e-12, atol=1e-12)
        label = b.labels[i, j]
        assert label >= 0
        assert np.linalg.norm(alone.final - surface.minima[label]) <= b.radius
        assert np.argmin(np.linalg.norm(surface.minima - alone.final, axis=-1)) == label


def test_saddle_basins_split_at_the_ridge_and_the_ridge_reaches_none():
    # On x^2/2 + y^4/4 - y^2/2, gradient descent maps y to y (1 + lr (1 - y^2)): for lr < 1 the sign
    # of y never changes, and y = 0 stays 0 (the run slides into the saddle). So starts above the
    # ridge reach (0, 1) (label 0), below it (0, -1) (label 1), and the middle row reaches none.
    b = basins(gd.surfaces.get("saddle"), gd.SGD(lr=0.1), resolution=21, steps=400)
    expected = np.where(b.ys > 0, 0, np.where(b.ys < 0, 1, -1))[:, None] * np.ones(21, dtype=int)
    np.testing.assert_array_equal(b.labels, expected)
    np.testing.assert_allclose(b.ends[10], 0.0, atol=1e-12)  # the middle row ends on the saddle
    shares = b.shares()
    np.testing.assert_allclose(shares, [10 / 21, 10 / 21, 1 / 21])
    assert shares.sum() == pytest.approx(1.0)


def test_tol_stops_the_ridge_runs_as_converged_at_the_saddle():
    b = basins(gd.surfaces.get("saddle"), gd.SGD(lr=0.1), resolution=21, steps=400, tol=1e-6)
    assert set(b.status[10].tolist()) == {"converged"}
    assert (b.labels[10] == -1).all()


def test_diverged_runs_reach_none():
    bowl = gd.surfaces.Quadratic(eigenvalues=(1.0, 1.0))
    # linspace(-3, 3, 4) misses the centre, so above 2 / lambda = 2 every run diverges.
    wild = basins(bowl, gd.SGD(lr=2.5), resolution=4, steps=200)
    assert (wild.labels == -1).all() and (wild.status == "diverged").all()
    np.testing.assert_array_equal(wild.shares(), [0.0, 1.0])
    calm = basins(bowl, gd.SGD(lr=0.5), resolution=4, steps=200)
    assert (calm.labels == 0).all()
    np.testing.assert_allclose(calm.minimum_losses, [0.0])


def test_shares_sum_to_one_and_count_labels():
    b = basins(gd.surfaces.get("six_hump_camel"), gd.SGD(lr=0.12), resolution=30, steps=200)
    shares = b.shares()
    assert len(shares) == len(b.minima) + 1
    assert shares.sum() == pytest.approx(1.0)
    for k in range(len(b.minima)):
        assert shares[k] == pytest.approx(np.mean(b.labels == k))
    assert shares[-1] == pytest.approx(np.mean(b.labels == -1))
    assert shares[-1] > 0  # lr near the bound: some runs bounce around a sharp minimum instead of settling


def test_radius_decides_what_counts_as_reached():
    # GD on the bowl 0.5|w|^2 with lr = 0.1 shrinks |w| by 0.9 per step; tol = 1 stops the corner start
    # (3, 3) at the first t with 3 sqrt(2) 0.9^t < 1: t = 14, at distance 3 sqrt(2) 0.9^14 = 0.96995.
    bowl = gd.surfaces.Quadratic(eigenvalues=(1.0, 1.0))
    distance = 3 * np.sqrt(2) * 0.9**14
    near = basins(bowl, gd.SGD(lr=0.1), resolution=2, steps=100, radius=distance + 1e-4, tol=1.0)
    far = basins(bowl, gd.SGD(lr=0.1), resolution=2, steps=100, radius=distance - 1e-4, tol=1.0)
    assert near.status[1, 1] == "converged"
    assert near.labels[1, 1] == 0 and far.labels[1, 1] == -1


def test_a_run_that_keeps_bouncing_around_a_minimum_has_not_reached_it():
    # On 0.5|w|^2, lr = 2 maps w to -w: the run bounces between +-w0 for ever, inside the radius.
    # lr = 1.9 maps w to -0.9 w: it oscillates too, but settles. lr = 1 lands on the minimum at once.
    bowl = gd.surfaces.Quadratic(eigenvalues=(1.0, 1.0))
    window = ((-0.1, 0.1), (-0.1, 0.1))
    kwargs = dict(resolution=2, steps=50, bounds=window, radius=1.0)
    bouncing = basins(bowl, gd.SGD(lr=2.0), **kwargs)
    np.testing.assert_allclose(np.abs(bouncing.ends), 0.1, rtol=1e-12)  # held on the cycle, within the radius
    assert (bouncing.labels == -1).all() and (bouncing.status == "max_steps").all()
    assert (basins(bowl, gd.SGD(lr=1.9), **kwargs).labels == 0).all()
    assert (basins(bowl, gd.SGD(lr=1.0), **kwargs).labels == 0).all()


# --- noise (perturbed gradient descent) ---------------------------------------------------------


def test_plain_gd_on_the_stable_line_falsely_converges_at_the_saddle():
    # From (x0, 0): y stays 0 and x_t = x0 (1 - lr)^t, so |grad| = |x_t| first drops below tol at
    # t = ceil(log(tol / x0) / log(1 - lr)).
    x0, lr, tol = 1.4, 0.1, 1e-3
    traj = gd.descend(gd.surfaces.get("saddle"), gd.SGD(lr=lr), (x0, 0.0), 500, tol=tol)
    expected = int(np.ceil(np.log(tol / x0) / np.log(1 - lr)))
    assert traj.status == "converged" and traj.steps_done == expected
    assert traj.grad_norms[-1] < tol
    np.testing.assert_array_equal(traj.points[:, 1], 0.0)
    assert classify(gd.surfaces.get("saddle"), traj.final) == "saddle"


def test_noise_escapes_the_saddle_and_is_seeded():
    saddle = gd.surfaces.get("saddle")
    runs = [gd.descend(saddle, gd.SGD(lr=0.1), (1.4, 0.0), 500, tol=1e-3, noise=0.05, seed=s) for s in (3, 3, 4)]
    np.testing.assert_array_equal(runs[0].points, runs[1].points)
    n = min(len(runs[0].points), len(runs[2].points))
    assert not np.allclose(runs[0].points[1:n], runs[2].points[1:n])
    for run in (runs[0], runs[2]):
        nearest = np.min(np.linalg.norm(saddle.minima - run.final, axis=-1))
        assert nearest < 0.1 and classify(saddle, run.final) == "minimum"


def test_the_first_noisy_step_adds_lr_times_a_seeded_gaussian():
    # noise is sigma * xi with xi from np.random.default_rng(seed), added to the gradient.
    saddle, lr, sigma = gd.surfaces.get("saddle"), 0.1, 0.3
    w0 = np.array([1.0, 0.5])
    noisy = gd.descend(saddle, gd.SGD(lr=lr), w0, 1, noise=sigma, seed=11).points[1]
    xi = np.random.default_rng(11).standard_normal(2)
    np.testing.assert_allclose(noisy, w0 - lr * (saddle.grad(w0) + sigma * xi), rtol=1e-15)


# --- bad parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: classify(gd.surfaces.get("saddle"), (0.0, 0.0), tol=-1.0), "tol"),
        (lambda: classify(gd.surfaces.get("saddle"), (0.0, 0.0, 0.0)), "w"),
        (lambda: classify(gd.surfaces.get("saddle"), (np.nan, 0.0)), "w"),
        (lambda: classify(object(), (0.0, 0.0)), "surface"),
        (lambda: basins(gd.surfaces.get("saddle"), gd.SGD(lr=0.1), resolution=1), "resolution"),
        (lambda: basins(gd.surfaces.get("saddle"), gd.SGD(lr=0.1), resolution=401), "resolution"),
        (lambda: basins(gd.surfaces.get("saddle"), gd.SGD(lr=0.1), resolution=2.5), "resolution"),
        (lambda: basins(gd.surfaces.get("saddle"), gd.SGD(lr=0.1), steps=0), "steps"),
        (lambda: basins(gd.surfaces.get("saddle"), gd.SGD(lr=0.1), bounds=((1, 0), (0, 1))), "bounds"),
        (lambda: basins(gd.surfaces.get("saddle"), gd.SGD(lr=0.1), bounds=((0, np.inf), (0, 1))), "bounds"),
        (lambda: basins(gd.surfaces.get("saddle"), gd.SGD(lr=0.1), bounds="everywhere"), "bounds"),
        (lambda: basins(gd.surfaces.get("saddle"), gd.SGD(lr=0.1), radius=0.0), "radius"),
        (lambda: basins(gd.surfaces.get("saddle"), gd.SGD(lr=0.1), tol=-1.0), "tol"),
        (lambda: basins(object(), gd.SGD(lr=0.1)), "surface"),
        (lambda: basins(gd.surfaces.get("saddle"), "sgd"), "optimizer"),
        (lambda: gd.descend(gd.surfaces.get("saddle"), gd.SGD(lr=0.1), (1.0, 0.0), noise=-0.1), "noise"),
        (lambda: gd.descend(gd.surfaces.get("saddle"), gd.SGD(lr=0.1), (1.0, 0.0), noise=0.1, seed=-1), "seed"),
    ],
)
def test_bad_parameters_name_the_parameter(call, name):
    with pytest.raises(ParameterError, match=f"'{name}' parameter"):
        call()


def test_critical_point_finds_the_published_points_from_nearby_guesses():
    from gdcore.critical import critical_point

    s = gd.surfaces.get("himmelblau")
    published = np.array([[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126],
                          [-0.270845, -0.923039]])
    found = critical_point(s, published + 0.05)
    np.testing.assert_allclose(found, published, atol=1e-6)
    assert np.all(np.linalg.norm(s.grad(found), axis=-1) < 1e-12)


def test_critical_point_of_a_sampled_loss_is_where_the_mean_gradient_vanishes():
    from gdcore.critical import critical_point

    surface = gd.surfaces.get("saddle")
    obj = gd.objectives.Sampled(surface, n_samples=32, spread=0.3, seed=0)
    guesses = np.concatenate([surface.minima, surface.saddles]) + obj.offsets.mean(axis=0)
    found = critical_point(obj, guesses)
    # The gradient of the mean loss, averaged by hand over the samples, vanishes there.
    by_hand = np.mean([surface.grad(found - c) for c in obj.offsets], axis=0)
    assert np.all(np.linalg.norm(by_hand, axis=-1) < 1e-12)
    assert list(gd.classify(obj, found)) == ["minimum", "minimum", "saddle"]


def test_critical_point_rejects_bad_parameters():
    from gdcore.critical import critical_point

    with pytest.raises(ParameterError, match="'steps' parameter of critical_point"):
        critical_point(gd.surfaces.get("bowl"), (1.0, 1.0), steps=-1)
    with pytest.raises(ParameterError, match="'guess' parameter of critical_point"):
        critical_point(gd.surfaces.get("bowl"), (1.0, 1.0, 1.0))


# ------------------------------------------------ regressions (issue 11, bugs 3, 5, 10, 11)


@pytest.mark.parametrize("resolution", [10, 11])
def test_basins_when_every_run_converges_at_its_start(resolution):
    # The bowl's gradient is w itself, |w| <= sqrt(18) < 10 on [-3, 3]^2: every start has
    # converged before its first update. Ends are the starts; only a start within the default
    # radius 0.02 * |(6, 6)| = 0.17 of the minimum reaches it: the centre cell of an odd grid.
    bowl = gd.surfaces.get("bowl")
    b = gd.basins(bowl, gd.SGD(lr=0.01), resolution=resolution, steps=50, tol=10.0)
    xs = np.linspace(-3.0, 3.0, resolution)
    np.testing.assert_array_equal(b.ends, np.stack(np.meshgrid(xs, xs), axis=-1))
    assert (b.status == "converged").all()
    expected = np.full((resolution, resolution), -1)
    if resolution % 2:
        expected[resolution // 2, resolution // 2] = 0
    np.testing.assert_array_equal(b.labels, expected)


def test_basins_arrays_are_read_only():
    b = gd.basins(gd.surfaces.get("saddle"), gd.SGD(lr=0.1), resolution=4, steps=50)
    for name in ("xs", "ys", "ends", "labels", "status", "minima", "minimum_losses"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(b, name)[...] = 0


class NoHessian:
    """A homework objective: loss and gradient, but no Hessian and no bounds."""

    n_samples = None

    def loss(self, w):
        return 0.5 * np.sum(np.asarray(w) ** 2, axis=-1)

    def grad(self, w):
        return np.asarray(w, dtype=float)


def test_a_custom_objective_is_told_what_it_lacks():
    with pytest.raises(ParameterError, match=r"^The 'objective' parameter of critical_point must be an object with "
                                             r"grad\(w\) and hessian\(w\) methods"):
        gd.critical_point(NoHessian(), (1.0, 1.0))
    with pytest.raises(ParameterError, match=r"^The 'surface' parameter of classify must be an object with a hessian"):
        gd.classify(NoHessian(), (0.0, 0.0))

    class WithMinima(NoHessian):
        minima = np.zeros((1, 2))

    with pytest.raises(ParameterError, match=r"^The 'bounds' parameter of basins must be .* when the surface has no bounds"):
        gd.basins(WithMinima(), gd.SGD(lr=0.1), resolution=4, steps=5)
    b = gd.basins(WithMinima(), gd.SGD(lr=0.5), resolution=3, steps=60, bounds=((-1, 1), (-1, 1)))
    np.testing.assert_array_equal(b.labels, 0)  # halving every step: all reach (0, 0)
    sampled = gd.objectives.Sampled(NoHessian(), n_samples=4)
    assert sampled.bounds is None
    with pytest.raises(ParameterError, match=r"'surface' parameter of Sampled.hessian must be a surface with a hessian"):
        sampled.hessian((0.0, 0.0))


def test_critical_point_bounds_its_iterations_and_stops_at_a_fixed_point():
    import time

    with pytest.raises(ParameterError, match=r"^The 'steps' parameter of critical_point must be an int in the range \[0, 10000\]"):
        gd.critical_point(gd.surfaces.get("bowl"), (1.0, 1.0), steps=10**9, tol=0.0)
    # tol = 0 can never be met by |g| < tol; Newton lands on the bowl's minimum (0, 0) in one step
    # and then stays put, so the loop ends there instead of running 10,000 times.
    began = time.perf_counter()
    w = gd.critical_point(gd.surfaces.get("bowl"), (1.0, 1.0), steps=10_000, tol=0.0)
    assert time.perf_counter() - began < 0.5
    np.testing.assert_array_equal(w, [0.0, 0.0])
    # Himmelblau's (3, 2): Newton from nearby converges to the exact root and stops there.
    w = gd.critical_point(gd.surfaces.get("himmelblau"), (2.9, 2.1), steps=10_000, tol=0.0)
    np.testing.assert_allclose(w, [3.0, 2.0], rtol=1e-15)


def test_critical_point_leaves_a_point_without_a_newton_step_where_it_is():
    # At (1e200, 0) Rosenbrock's Hessian overflows: that point stays, the other converges.
    w = gd.critical_point(gd.surfaces.get("rosenbrock"), np.array([[1e200, 0.0], [1.1, 1.2]]), steps=100)
    np.testing.assert_array_equal(w[0], [1e200, 0.0])
    np.testing.assert_allclose(w[1], [1.0, 1.0], rtol=1e-12)
