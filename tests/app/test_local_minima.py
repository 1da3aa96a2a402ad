import numpy as np

from tests.app.harness import exercise, fresh, problems

PAGE = "pages/local_minima.py"


def himmelblau_bounds(minima):
    """2 / lambda_max of Himmelblau's Hessian, written out by hand: the largest lr that can settle at each minimum."""
    x, y = np.asarray(minima, dtype=float).T
    h = np.stack([np.stack([12 * x**2 + 4 * y - 42, 4 * (x + y)], -1), np.stack([4 * (x + y), 12 * y**2 + 4 * x - 26], -1)], -2)
    return 2 / np.linalg.eigvalsh(h)[:, -1]


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def test_the_default_start_is_stuck_in_the_local_minimum():
    at = fresh(PAGE)
    assert problems(at) == []
    message = at.info[0].value
    # local_global's shallow well sits near (-1.35, 1.08); the deep one near (1.43, -0.95).
    assert "local minimum" in message and "(-1.35, 1.08)" in message
    assert "stuck" in message


def test_a_larger_learning_rate_empties_the_sharp_basins():
    minima = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]  # published
    bounds = himmelblau_bounds(minima)
    lr = 0.9 * bounds[0]
    at = fresh(PAGE, {"surface": "himmelblau", "lr_scale": "0.9", "resolution": "40"})
    assert problems(at) == []
    assert "jumps to another basin" in " ".join(m.value for m in at.markdown)
    table = at.dataframe[0].value.set_index("w₁")
    for (x, _), bound in zip(minima, bounds):
        row = table.iloc[int(np.argmin(np.abs(table.index - x)))]
        assert row["share at 0.1× bound"] > 0.2  # a careful step reaches every basin
        if bound < lr:
            assert row["share of starts"] == 0, (x, bound, lr)
        else:
            assert row["share of starts"] > 0.2, (x, bound, lr)


def test_above_every_bound_nothing_settles_and_the_page_says_so():
    at = fresh(PAGE, {"lr_scale": "2"})
    assert problems(at) == []
    assert "no minimum" in at.warning[0].value
    assert "**every** minimum" in " ".join(m.value for m in at.markdown)


def test_a_link_reproduces_the_view():
    query = {"surface": "six_hump_camel", "lr_scale": "0.5", "resolution": "40", "steps": "200", "x0": "1", "y0": "0.5"}
    at = fresh(PAGE, query)
    assert problems(at) == []
    assert at.selectbox(key="minima.surface").value == "six_hump_camel"
    assert at.select_slider(key="minima.lr_scale").value == 0.5
    assert at.select_slider(key="minima.resolution").value == 40
    assert at.slider(key="minima.steps").value == 200
    assert at.slider(key="minima.x0").value == 1.0 and at.slider(key="minima.y0").value == 0.5
