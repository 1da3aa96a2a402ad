from lessons import local_minima as lesson
from tests.app.harness import exercise, fresh, problems

PAGE = "app_pages/local_minima.py"


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def test_the_default_start_is_stuck_in_the_local_minimum():
    at = fresh(PAGE)
    assert problems(at) == []
    message = at.info[0].value
    # local_global's shallow well sits near (-1.35, 1.08); the deep one near (1.43, -0.95).
    assert "local minimum" in message and "(-1.35, 1.08)" in message
    assert "stuck" in message


def test_the_large_step_preset_hatches_the_starts_that_changed_basin():
    at = fresh(PAGE)
    at.button(key="minima.preset.1").click().run()
    assert problems(at) == []
    assert any("makes runs jump basins" in w.value for w in at.warning)
    assert "hatched" in at.get("vega_lite_chart")[0].proto.spec


def test_above_every_bound_nothing_settles_and_the_page_says_so():
    at = fresh(PAGE, {"lr_scale": "2"})
    assert problems(at) == []
    assert "no minimum" in at.warning[0].value
    assert any("**every** minimum" in w.value for w in at.warning)


def test_switching_the_surface_resets_the_step_and_the_start():
    at = fresh(PAGE, {"lr_scale": "1.5", "x0": "3.5"})
    at.selectbox(key="minima.surface").set_value("himmelblau").run()
    assert problems(at) == []
    own = lesson.SURFACE_DEFAULTS["himmelblau"]
    assert at.select_slider(key="minima.lr_scale").value == own["lr_scale"]
    assert (at.slider(key="minima.x0").value, at.slider(key="minima.y0").value) == (own["x0"], own["y0"])
    assert any("resets η and the start" in c.value for c in at.caption)


def test_a_link_reproduces_the_view():
    query = {"surface": "six_hump_camel", "lr_scale": "0.5", "resolution": "40", "steps": "200", "x0": "1", "y0": "0.5"}
    at = fresh(PAGE, query)
    assert problems(at) == []
    assert at.selectbox(key="minima.surface").value == "six_hump_camel"
    assert at.select_slider(key="minima.lr_scale").value == 0.5
    assert at.select_slider(key="minima.resolution").value == 40
    assert at.slider(key="minima.steps").value == 200
    assert at.slider(key="minima.x0").value == 1.0 and at.slider(key="minima.y0").value == 0.5


def test_the_run_chart_has_one_legend_for_both_paths():
    # The paths' colour and dash share a field; an independent dash scale splits them into two
    # legends of the same two paths, one of them grey.
    import json

    at = fresh(PAGE)
    runs = next(json.loads(c.proto.spec) for c in at.get("vega_lite_chart") if "Your start at both steps" in c.proto.spec)
    assert "strokeDash" not in runs.get("resolve", {}).get("scale", {})
    assert "your η" in json.dumps(runs, ensure_ascii=False)
