from lessons import beyond_sgd as lesson
from tests.app.harness import exercise, fresh, problems

PAGE = "app_pages/beyond_sgd.py"


def markdown(at):
    return [m.value for m in at.markdown]


def assert_tells(at, values):
    assert problems(at) == []
    told = lesson.story(lesson.facts(**values))
    assert [e.value for e in getattr(at, told.tone)] == [told.headline]
    assert "\n".join(told.lines) in markdown(at)
    assert told.scaling in markdown(at)


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def test_the_default_view_shows_its_story():
    assert_tells(fresh(PAGE), lesson.DEFAULTS)


def test_each_preset_shows_the_story_of_its_own_run():
    for i, (name, values) in enumerate(lesson.PRESETS.items()):
        at = fresh(PAGE)
        at.button(key=f"beyond.preset.{i}").click().run()
        assert_tells(at, values)
        assert at.selectbox(key="beyond.surface").value == values["surface"], name


def test_switching_the_surface_resets_its_settings_and_says_so():
    at = fresh(PAGE)
    at.select_slider(key="beyond.lr").set_value(0.01).run()
    at.selectbox(key="beyond.surface").select("rosenbrock").run()
    own = lesson.SURFACE_DEFAULTS["rosenbrock"]
    assert at.select_slider(key="beyond.lr").value == own["lr"]
    assert at.select_slider(key="beyond.lr_adaptive").value == own["lr_adaptive"]
    assert at.slider(key="beyond.momentum").value == own["momentum"]
    assert at.slider(key="beyond.steps").value == own["steps"]
    assert any("Choosing a surface resets" in c.value for c in at.caption)
    assert_tells(at, {"surface": "rosenbrock", **own})


def test_a_divergent_optimizer_is_reported_in_words():
    at = fresh(PAGE, {"surface": "ravine_aligned", "lr": "1"})
    assert problems(at) == []
    assert "diverged" in " ".join(markdown(at))
    assert "Plain SGD diverged" in at.warning[0].value
