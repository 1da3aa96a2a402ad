from tests.app.harness import exercise, fresh, problems

PAGE = "pages/loss_surfaces.py"


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def test_convexity_is_called_by_its_name():
    bowl = fresh(PAGE, {"surface": "bowl"})
    assert problems(bowl) == [] and "Convex" in bowl.success[0].value
    himmelblau = fresh(PAGE, {"surface": "himmelblau"})
    assert problems(himmelblau) == [] and "Not convex" in himmelblau.warning[0].value
