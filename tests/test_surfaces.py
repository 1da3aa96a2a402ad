"""Tests for gdcore.surfaces against independent references.

References: central finite differences of the loss (gradient) and of the
gradient (Hessian), closed forms written out here, hand-derived values and
published optima (Rosenbrock 1960; Himmelblau 1972; the six-hump camel as
tabulated in Surjanovic and Bingham's Virtual Library of Simulation
Experiments; Rastrigin 1974).
"""

import pickle
import warnings

import numpy as np
import pytest

import gdcore as gd
from gdcore import surfaces
from gdcore._checks import ParameterError

NAMES = list(surfaces.catalog())
REQUIRED = ["bowl", "ravine", "rosenbrock", "himmelblau", "six_hump_camel", "saddle",
            "monkey_saddle", "local_global", "rastrigin", "flat_sharp", "plateau"]


def random_points(surface, n, seed):
    (x0, x1), (y0, y1) = surface.bounds
    rng = np.random.default_rng(seed)
    return np.stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)], axis=-1)


def central_difference(f, w, h):
    """d f / d w_j by central differences, stacked on a new last axis (j = 0, 1)."""
    cols = []
    for j in range(2):
        step = np.zeros(2)
        step[j] = h
        cols.append((f(w + step) - f(w - step)) / (2 * h))
    return np.stack(cols, axis=-1)


def grid(surface, n):
    (x0, x1), (y0, y1) = surface.bounds
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    return np.stack(np.meshgrid(xs, ys, indexing="ij"), axis=-1)


def all_critical_points(surface):
    return np.concatenate([surface.minima, surface.saddles, surface.maxima])


# --- the catalog --------------------------------------------------------------------------------


def test_catalog_holds_the_required_surfaces_in_a_fresh_dict():
    cat = surfaces.catalog()
    assert set(REQUIRED) <= set(cat)
    assert NAMES[:2] == ["bowl", "ravine"]
    cat.clear()
    assert set(REQUIRED) <= set(surfaces.catalog())


@pytest.mark.parametrize("name", NAMES)
def test_metadata(name):
    s = surfaces.get(name)
    assert s is surfaces.catalog()[name]
    assert s.name == name
    assert s.n_samples is None
    assert s.title and s.title != name
    assert s.formula.startswith("L(")
    assert s.description and "\n" not in s.description
    (x0, x1), (y0, y1) = s.bounds
    assert x0 < x1 and y0 < y1
    assert s.minima.shape[0] >= 1
    for pts in (s.minima, s.saddles, s.maxima):
        assert pts.ndim == 2 and pts.shape[1] == 2
        assert np.all((pts[:, 0] > x0) & (pts[:, 0] < x1) & (pts[:, 1] > y0) & (pts[:, 1] < y1))
        with pytest.raises(ValueError):
            pts[...] = 0.0  # shared catalog data is read-only
    assert repr(s).endswith(f"{name!r})")


# --- derivatives against finite differences -----------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_central_differences_of_the_loss(name):
    s = surfaces.get(name)
    w = random_points(s, 200, seed=1)
    fd = central_difference(s.loss, w, 1e-5)
    g = s.grad(w)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-6 * np.abs(g).max())


@pytest.mark.parametrize("name", NAMES)
def test_hessian_matches_central_differences_of_the_gradient(name):
    s = surfaces.get(name)
    w = random_points(s, 200, seed=2)
    fd = central_difference(s.grad, w, 1e-5)  # fd[..., i, j] = d grad_i / d w_j
    h = s.hessian(w)
    np.testing.assert_allclose(h, fd, rtol=1e-6, atol=1e-6 * np.abs(h).max())


@pytest.mark.parametrize("name", NAMES)
def test_hessian_is_symmetric(name):
    s = surfaces.get(name)
    h = s.hessian(random_points(s, 100, seed=3))
    np.testing.assert_array_equal(h, np.swapaxes(h, -1, -2))


# --- critical points ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_listed_critical_points_are_stationary_and_classified(name):
    s = surfaces.get(name)
    for pts in (s.minima, s.saddles, s.maxima):
        if len(pts):
            assert np.abs(s.grad(pts)).max() < 1e-9
    assert np.all(np.linalg.eigvalsh(s.hessian(s.minima))[:, 0] > 0)
    if len(s.maxima):
        assert np.all(np.linalg.eigvalsh(s.hessian(s.maxima))[:, 1] < 0)
    for p in s.saddles:
        lo, hi = np.linalg.eigvalsh(s.hessian(p))
        if lo < 0 < hi:
            continue
        # A degenerate saddle: zero Hessian, and the loss both rises and falls around it.
        assert lo == hi == 0.0
        angles = np.linspace(0, 2 * np.pi, 361)
        ring = p + 1e-2 * np.stack([np.cos(angles), np.sin(angles)], axis=-1)
        around = s.loss(ring) - s.loss(p)
        assert around.min() < 0 < around.max()


@pytest.mark.parametrize("name", NAMES)
def test_global_minimum_first(name):
    s = surfaces.get(name)
    losses = s.loss(s.minima)
    assert losses[0] <= losses.min() + 1e-12
    assert losses[0] <= s.loss(grid(s, 101)).min() + 1e-12


@pytest.mark.parametrize("name", NAMES)
def test_newton_from_a_grid_finds_exactly_the_listed_critical_points(name):
    """Newton's method from a grid of starts finds exactly the listed critical points."""
    s = surfaces.get(name)
    w = grid(s, 61).reshape(-1, 2)
    with np.errstate(all="ignore"):
        for _ in range(80):
            g, h = s.grad(w), s.hessian(w)
            det = h[:, 0, 0] * h[:, 1, 1] - h[:, 0, 1] ** 2
            w = w - np.stack([h[:, 1, 1] * g[:, 0] - h[:, 0, 1] * g[:, 1],
                              h[:, 0, 0] * g[:, 1] - h[:, 0, 1] * g[:, 0]], axis=-1) / det[:, None]
        (x0, x1), (y0, y1) = s.bounds
        inside = (w[:, 0] > x0) & (w[:, 0] < x1) & (w[:, 1] > y0) & (w[:, 1] < y1)
        found = w[np.isfinite(w).all(axis=1) & inside]
        found = found[np.linalg.norm(s.grad(found), axis=1) < 1e-9]
    listed = all_critical_points(s)
    distance = np.linalg.norm(found[:, None, :] - listed[None, :, :], axis=-1)
    assert distance.min(axis=1).max() < 1e-6  # nothing unlisted
    assert set(distance.argmin(axis=1)) == set(range(len(listed)))  # every listed one is reached


# --- published values ---------------------------------------------------------------------------


def test_rosenbrock_minimum():
    s = surfaces.get("rosenbrock")
    np.testing.assert_array_equal(s.minima, [[1.0, 1.0]])
    assert s.loss([1.0, 1.0]) == 0.0
    np.testing.assert_array_equal(s.grad([1.0, 1.0]), [0.0, 0.0])
    # (1 - x)^2 + 100 (y - x^2)^2 at (-1.2, 1), the classic start: 4.84 + 100 * 0.44^2.
    assert s.loss([-1.2, 1.0]) == pytest.approx(24.2, rel=1e-12)


def test_himmelblau_published_minima_and_maximum():
    s = surfaces.get("himmelblau")
    published = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
    np.testing.assert_allclose(s.minima, published, atol=1e-6)
    assert np.all(s.loss(s.minima) < 1e-20)
    assert len(s.saddles) == 4 and len(s.maxima) == 1
    np.testing.assert_allclose(s.maxima[0], (-0.270845, -0.923039), atol=1e-6)
    assert s.loss(s.maxima[0]) == pytest.approx(181.617, abs=1e-3)


def test_six_hump_camel_published_global_minima():
    s = surfaces.get("six_hump_camel")
    # Published to 4 decimals (truncated, not rounded: 0.71266 appears as 0.7126).
    np.testing.assert_allclose(s.minima[:2], [(0.0898, -0.7126), (-0.0898, 0.7126)], atol=1e-4)
    np.testing.assert_allclose(s.loss(s.minima[:2]), -1.0316, atol=5e-5)
    assert len(s.minima) == 6
    assert np.all(s.loss(s.minima[2:]) > -1.0316 + 0.5)  # the other four are local only
    assert len(s.saddles) == 7 and len(s.maxima) == 2


def test_rastrigin_global_minimum_and_grid_of_local_minima():
    s = surfaces.get("rastrigin")
    np.testing.assert_array_equal(s.minima[0], [0.0, 0.0])
    assert s.loss(s.minima[0]) == 0.0
    # One local minimum near each integer point of [-5, 5]^2, slightly pulled towards the origin.
    assert len(s.minima) == 121
    assert np.abs(s.minima - np.round(s.minima)).max() < 0.03
    assert np.all(np.abs(s.minima) <= np.abs(np.round(s.minima)))
    assert len(s.maxima) == 100 and len(s.saddles) == 220


# --- Quadratic ----------------------------------------------------------------------------------


def rotation(angle):
    return np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])


@pytest.mark.parametrize("eigenvalues, angle, center",
                         [((1.0, 100.0), 0.0, (0.0, 0.0)), ((3.0, 0.5), 0.7, (1.5, -2.0)),
                          ((2.0, 2.0), -2.0, (0.0, 1.0))])
def test_quadratic_matches_its_closed_form(eigenvalues, angle, center):
    q = surfaces.Quadratic(eigenvalues=eigenvalues, angle=angle, center=center)
    a = rotation(angle) @ np.diag(eigenvalues) @ rotation(angle).T
    w = random_points(q, 50, seed=4)
    d = w - np.asarray(center)
    np.testing.assert_allclose(q.loss(w), 0.5 * np.einsum("ni,ij,nj->n", d, a, d), rtol=1e-12)
    np.testing.assert_allclose(q.grad(w), d @ a, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(q.hessian(w), np.broadcast_to(a, (50, 2, 2)), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(np.linalg.eigvalsh(q.hessian(center)), sorted(eigenvalues),
                               rtol=1e-12)
    np.testing.assert_array_equal(q.minima, [center])
    assert q.eigenvalues == eigenvalues and q.angle == angle and q.center == center
    assert q.max_stable_lr == 2.0 / max(eigenvalues)
    assert q.max_stable_lr_at(w) == pytest.approx(q.max_stable_lr, rel=1e-12)


def test_quadratic_eigenvector_of_the_first_eigenvalue_points_along_the_angle():
    q = surfaces.Quadratic(eigenvalues=(1.0, 100.0), angle=np.pi / 3)
    u = np.array([np.cos(np.pi / 3), np.sin(np.pi / 3)])
    np.testing.assert_allclose(q.hessian([0.0, 0.0]) @ u, u, atol=1e-12)


def test_gradient_descent_on_a_quadratic_is_stable_exactly_below_max_stable_lr():
    # Hand-derived: each eigen-component is multiplied by (1 - lr * lambda) per step.
    q = surfaces.Quadratic(eigenvalues=(1.0, 10.0), angle=0.4)
    for factor, shrinks in ((0.99, True), (1.01, False)):
        w = np.array([1.0, 1.0])
        for _ in range(2000):
            w = w - factor * q.max_stable_lr * q.grad(w)
        assert (np.linalg.norm(w) < 1.0) == shrinks


def test_bowl_and_ravine():
    bowl, ravine = surfaces.get("bowl"), surfaces.get("ravine")
    assert isinstance(bowl, surfaces.Quadratic) and isinstance(ravine, surfaces.Quadratic)
    assert bowl.title == "Convex bowl"
    h = ravine.hessian([0.0, 0.0])
    lam = np.linalg.eigvalsh(h)
    assert lam[1] / lam[0] >= 10  # ill-conditioned
    assert abs(h[0, 1]) > 1.0  # rotated: the axes are not the coordinate axes
    assert ravine.max_stable_lr == 2.0 / lam[1]


# --- special features ---------------------------------------------------------------------------


def test_saddle_is_strict_with_minima_to_escape_into():
    s = surfaces.get("saddle")
    np.testing.assert_array_equal(s.saddles, [[0.0, 0.0]])
    np.testing.assert_array_equal(s.hessian([0.0, 0.0]), [[1.0, 0.0], [0.0, -1.0]])
    assert np.all(s.loss(s.minima) < s.loss([0.0, 0.0]))
    assert s.max_stable_lr_at([0.0, 0.0]) == 2.0
    assert np.min(s.loss(grid(s, 101))) >= -0.25  # bounded below: 0.25 y^4 - 0.5 y^2 >= -1/4


def test_monkey_saddle_is_degenerate_and_bounded_below():
    s = surfaces.get("monkey_saddle")
    np.testing.assert_array_equal(s.hessian([0.0, 0.0]), np.zeros((2, 2)))
    np.testing.assert_array_equal(s.grad([0.0, 0.0]), [0.0, 0.0])
    assert s.max_stable_lr_at([0.0, 0.0]) == np.inf
    # r^3 cos(3 phi) + 3/4 r^4 has its minima at r = 1, cos(3 phi) = -1, with loss -1/4.
    np.testing.assert_allclose(np.linalg.norm(s.minima, axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(s.loss(s.minima), -0.25, rtol=1e-14)
    assert np.min(s.loss(grid(s, 101))) >= -0.25


def test_flat_sharp_curvatures_and_depths():
    s = surfaces.get("flat_sharp")
    assert len(s.minima) == 2
    lam = np.linalg.eigvalsh(s.hessian(s.minima))
    flat, sharp = (0, 1) if lam[0, 1] < lam[1, 1] else (1, 0)
    assert lam[sharp].min() >= 10 * lam[flat].max()
    depth = s.loss(s.minima)
    assert abs(depth[0] - depth[1]) < 0.02 * abs(depth).max()


def test_local_global_has_a_clearly_deeper_global_minimum_and_two_visible_basins():
    s = surfaces.get("local_global")
    assert len(s.minima) == 2
    deep, shallow = s.loss(s.minima)
    assert shallow - deep > 0.5
    assert np.linalg.norm(s.minima[0] - s.minima[1]) > 2.0
    # Plain gradient descent from a grid of starts over the bounds ends in both minima.
    w = grid(s, 41).reshape(-1, 2)
    for _ in range(1000):
        w = w - 0.2 * s.grad(w)
    ends = np.linalg.norm(w[:, None, :] - s.minima[None], axis=-1).argmin(axis=1)
    share = np.bincount(ends, minlength=2) / len(ends)
    assert np.all(share > 0.25)


def test_plateau_gradient_nearly_vanishes_over_much_of_the_bounds():
    s = surfaces.get("plateau")
    assert len(s.minima) == 1
    norms = np.linalg.norm(s.grad(grid(s, 201)), axis=-1)
    # |grad| = r exp(-r^2 / 2) peaks at r = 1 with exp(-1/2).
    assert norms.max() == pytest.approx(np.exp(-0.5), rel=1e-3)
    assert np.mean(norms < 1e-3 * np.exp(-0.5)) > 0.5


# --- shapes, broadcasting and large inputs -------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_broadcasting_matches_per_point_results(name):
    s = surfaces.get(name)
    w = random_points(s, 20, seed=5).reshape(4, 5, 2)
    loss, grad, hess = s.loss(w), s.grad(w), s.hessian(w)
    assert loss.shape == (4, 5) and grad.shape == (4, 5, 2) and hess.shape == (4, 5, 2, 2)
    assert s.max_stable_lr_at(w).shape == (4, 5)
    for i in range(4):
        for j in range(5):
            assert s.loss(w[i, j]).shape == ()
            assert s.loss(w[i, j]) == loss[i, j]
            np.testing.assert_array_equal(s.grad(w[i, j]), grad[i, j])
            np.testing.assert_array_equal(s.hessian(w[i, j]), hess[i, j])
    assert loss.flags.writeable and grad.flags.writeable and hess.flags.writeable
    assert s.loss(w.tolist()).shape == (4, 5)  # nested lists are accepted
    assert s.loss(np.empty((0, 2))).shape == (0,)


@pytest.mark.parametrize("name", NAMES)
def test_far_points_neither_warn_nor_overflow(name):
    s = surfaces.get(name)
    w = np.array([[1e6, -1e6], [-1e6, 3e5], [0.0, 1e6], [1e6, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = [s.loss(w), s.grad(w), s.hessian(w)]
    assert all(np.all(np.isfinite(v)) for v in values)


@pytest.mark.parametrize("surface",
                         [surfaces.get(n) for n in NAMES] + [surfaces.Quadratic((2.0, 5.0), 1.0)])
def test_surfaces_pickle(surface):
    # st.cache_data pickles what it returns.
    copy = pickle.loads(pickle.dumps(surface))
    w = random_points(surface, 10, seed=6)
    np.testing.assert_array_equal(copy.hessian(w), surface.hessian(w))
    np.testing.assert_array_equal(copy.minima, surface.minima)
    assert copy.name == surface.name and copy.bounds == surface.bounds


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("w", [[1.0, 2.0, 3.0], np.zeros((3, 3)), 1.0, "ab", [[1.0], [2.0]]])
@pytest.mark.parametrize("method", ["loss", "grad", "hessian"])
def test_bad_points_raise(method, w):
    with pytest.raises(ParameterError, match="'w' parameter of Surface\\('himmelblau'\\)"):
        getattr(surfaces.get("himmelblau"), method)(w)


def test_batch_must_be_none_for_an_analytic_surface():
    with pytest.raises(ParameterError, match="'batch'"):
        surfaces.get("bowl").grad([0.0, 0.0], batch=np.arange(3))


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ParameterError, match="'name'") as err:
        surfaces.get("banana")
    assert all(repr(name) in str(err.value) for name in REQUIRED)
    with pytest.raises(ParameterError):
        surfaces.get(None)


@pytest.mark.parametrize("kwargs, param", [
    ({"eigenvalues": (1.0, -1.0)}, "eigenvalues"),
    ({"eigenvalues": (0.0, 1.0)}, "eigenvalues"),
    ({"eigenvalues": (1.0,)}, "eigenvalues"),
    ({"eigenvalues": "ab"}, "eigenvalues"),
    ({"eigenvalues": (1.0, np.inf)}, "eigenvalues"),
    ({"angle": np.nan}, "angle"),
    ({"angle": "0"}, "angle"),
    ({"center": (0.0, 0.0, 0.0)}, "center"),
    ({"center": (np.nan, 0.0)}, "center"),
    ({"name": ""}, "name"),
    ({"bounds": ((1.0, -1.0), (0.0, 1.0))}, "bounds"),
    ({"bounds": (0.0, 1.0)}, "bounds"),
])
def test_bad_quadratic_parameters_raise(kwargs, param):
    with pytest.raises(ParameterError, match=f"'{param}' parameter of Quadratic"):
        surfaces.Quadratic(**kwargs)


def test_custom_surface_and_its_bad_parameters():
    def parts():
        return (lambda x, y: x * x + y * y, lambda x, y: (2 * x, 2 * y),
                lambda x, y: (2.0, 0.0, 2.0))

    s = surfaces.Surface("round", *parts(), minima=[(0.0, 0.0)])
    assert s.title == "round" and s.saddles.shape == (0, 2)
    np.testing.assert_array_equal(s.hessian(np.zeros((3, 2))),
                                  np.broadcast_to(2 * np.eye(2), (3, 2, 2)))
    with pytest.raises(ParameterError, match="'grad_fn' parameter of Surface"):
        surfaces.Surface("round", parts()[0], None, parts()[2])
    for minima in ([(0.0, 0.0, 0.0)], [0.0, 0.0, 1.0, 1.0], "ab"):
        with pytest.raises(ParameterError, match="'minima' parameter of Surface"):
            surfaces.Surface("round", *parts(), minima=minima)
    with pytest.raises(ParameterError, match="'saddles' parameter of Surface"):
        surfaces.Surface("round", *parts(), saddles=[(np.nan, 0.0)])


# ------------------------------------------------ regressions (issue 11, bugs 7, 8)


@pytest.mark.parametrize("name", sorted(gd.surfaces.catalog()))
def test_far_out_a_surface_overflows_silently_as_the_data_objectives_do(name):
    import warnings

    s = gd.surfaces.get(name)
    w = np.array([[1e308, 0.0], [0.0, -1e308], [1e200, 1e200]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, grad, hessian, bound = s.loss(w), s.grad(w), s.hessian(w), s.max_stable_lr_at(w)
    assert loss.shape == (3,) and grad.shape == (3, 2) and hessian.shape == (3, 2, 2) and bound.shape == (3,)


def test_rastrigin_far_out_is_inf_not_a_warning():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # x^2 overflows: L = 20 + inf - 10 cos(...) + 0 - 10 = inf.
        assert gd.surfaces.get("rastrigin").loss([1e308, 0.0]) == np.inf


@pytest.mark.parametrize("bad", [np.array([1 + 2j, 0.0]), np.array([True, False]), [1j, 0], np.array([1, "a"]),
                                 np.array([1.0, None], dtype=object)])
@pytest.mark.parametrize("method", ["loss", "grad", "hessian", "max_stable_lr_at"])
def test_complex_bool_and_object_points_are_refused_not_truncated(method, bad):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning on the way either
        with pytest.raises(ParameterError, match=rf"^The 'w' parameter of Surface\('himmelblau'\)\.{method} must be "
                                                 r"an array of shape \(2,\) or \(\.\.\., 2\) of real floats\. Got .* instead\.$"):
            getattr(gd.surfaces.get("himmelblau"), method)(bad)


def test_a_custom_surface_giving_complex_values_is_named():
    s = gd.surfaces.Surface("c", lambda x, y: x + 1j * y, lambda x, y: (x, y), lambda x, y: (1.0, 0.0, 1.0))
    with pytest.raises(ParameterError, match=r"^The 'loss_fn' parameter of Surface\('c'\)\.loss must be a function giving real values"):
        s.loss([1.0, 2.0])
    bad_grad = gd.surfaces.Surface("g", lambda x, y: x, lambda x, y: x, lambda x, y: (1.0, 0.0, 1.0))
    with pytest.raises(ParameterError, match=r"'grad_fn' parameter of Surface\('g'\)\.grad must be a function giving the pair"):
        bad_grad.grad([1.0, 2.0])


def test_a_quadratic_too_far_out_for_its_default_window_names_its_centre():
    with pytest.raises(ParameterError, match=r"^The 'center' parameter of Quadratic must be"):
        gd.surfaces.Quadratic(center=(1e308, 0.0))
    q = gd.surfaces.Quadratic(center=(1e20, 0.0), bounds=((1e20 - 1e5, 1e20 + 1e5), (-1.0, 1.0)))
    assert q.loss([1e20, 0.0]) == 0.0
