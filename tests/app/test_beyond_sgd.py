from tests.app.harness import exercise, fresh, problems

PAGE = "pages/beyond_sgd.py"


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def test_on_the_ravine_momentum_and_adam_beat_plain_sgd():
    at = fresh(PAGE, {"surface": "ravine", "lr": "0.01", "momentum": "0.8", "lr_adaptive": "0.1", "steps": "150"})
    assert problems(at) == []
    text = "\n".join(m.value for m in at.markdown)
    gaps = {}
    for line in text.splitlines():
        if line.startswith("- **") and " ends " in line:
            name = line.split("**")[1]
            gaps[name] = float(line.split(" ends ")[1].split(" above")[0])
    assert set(gaps) == {"SGD", "SGD + momentum", "RMSprop", "Adam"}
    assert gaps["SGD + momentum"] < gaps["SGD"]
    assert gaps["Adam"] < gaps["SGD"]


def test_a_divergent_optimizer_is_reported_in_words():
    at = fresh(PAGE, {"surface": "ravine", "lr": "1"})
    assert problems(at) == []
    assert "diverged" in " ".join(m.value for m in at.markdown)
