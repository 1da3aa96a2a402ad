from lessons import network_landscape as lesson
from tests.app.harness import exercise, fresh, problems

PAGE = "app_pages/network_landscape.py"


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def shows_story(at, values):
    assert problems(at) == []
    told = lesson.story(lesson.facts(lesson.run(**values)))
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    boxes = [e.value for e in getattr(at, told["tone"])]
    assert told["result"] + " " + told["verdict"] in boxes
    for key in ("size",):
        assert told[key] in texts
    assert told["slice"] in texts and told["pca"] in texts


def test_the_default_view_and_each_preset_show_the_story_of_their_own_run():
    shows_story(fresh(PAGE), lesson.DEFAULTS)
    for i, values in enumerate(lesson.PRESETS.values()):
        at = fresh(PAGE)
        at.button(key=f"net.preset.{i}").click().run()
        shows_story(at, values)
