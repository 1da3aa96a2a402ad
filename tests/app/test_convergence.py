import re

from tests.app.harness import exercise, fresh, problems

PAGE = "pages/convergence.py"


def messages(at, kind):
    return " ".join(m.value for m in getattr(at, kind))


def test_every_widget_extreme_and_option_draws():
    assert exercise(PAGE) == []


def test_the_default_run_hovers_then_both_rules_act():
    at = fresh(PAGE)
    assert problems(at) == []
    # Four charts of the runs (two planes, two loss curves) and the learning rates.
    assert len(at.get("vega_lite_chart")) == 5
    text = messages(at, "success")
    stop = re.search(r"A stopped early at step (\d+)\*\*: the last (\d+) updates", text)
    best = re.search(r"best weights are those of step (\d+)", text)
    assert stop and best, text
    # Without noise the hover is exact: A's best is its last improvement, N updates before the stop.
    assert int(stop.group(1)) - int(best.group(1)) == int(stop.group(2)) == 20
    cuts = re.search(r"B cut η (\d+) times\*\* \(after steps ([\d, ]+)\) and stopped at step (\d+)", text)
    assert cuts, text
    steps = [int(s) for s in cuts.group(2).split(", ")]
    assert len(steps) == int(cuts.group(1)) >= 2
    # B's first cut comes exactly when A stops: same run, same patience, until then.
    assert steps[0] == int(stop.group(1))
    assert steps[-1] == int(cuts.group(3))
    # Every later cut waits at least N updates.
    assert all(b - a >= 20 for a, b in zip(steps, steps[1:]))


def test_the_caption_says_whether_eta_is_above_the_bound():
    assert "overshoots to the other side" in messages(fresh(PAGE, {"lr": "1.2"}), "caption")
    assert "can settle at the bottom" in messages(fresh(PAGE, {"lr": "0.5"}), "caption")


def test_b_stops_at_once_when_eta_starts_below_the_threshold():
    at = fresh(PAGE, {"lr": "0.05", "stop_lr": "0.1"})
    assert problems(at) == []
    assert "B stopped at once" in messages(at, "warning")


def test_a_run_that_keeps_improving_uses_every_update():
    at = fresh(PAGE, {"lr": "0.05", "min_delta": "0", "steps": "50"})
    assert problems(at) == []
    info = messages(at, "info")
    assert "A used all 50 updates" in info
    assert "B used all 50 updates** without a single cut" in info


def test_a_link_reproduces_the_view():
    query = {"lr": "0.7", "noise": "0.3", "patience": "7", "min_delta": "0.01", "factor": "0.3",
             "stop_lr": "0.001", "steps": "400", "seed": "4"}
    at = fresh(PAGE, query)
    assert problems(at) == []
    assert at.select_slider(key="conv.lr").value == 0.7
    assert at.slider(key="conv.noise").value == 0.3
    assert at.slider(key="conv.patience").value == 7
    assert at.select_slider(key="conv.min_delta").value == 0.01
    assert at.slider(key="conv.factor").value == 0.3
    assert at.select_slider(key="conv.stop_lr").value == 0.001
    assert at.slider(key="conv.steps").value == 400
    assert at.slider(key="conv.seed").value == 4
    code = at.code[0].value
    assert "stop_patience=7" in code and "patience=6" in code and "noise=0.3, seed=4" in code
