"""Drive a page through AppTest: defaults, every slider at its ends, every option of every choice.

Each case starts from a fresh AppTest, so one widget's extreme is seen with the
others at their defaults. A case passes when the run raises no exception and
draws at least one chart.

AppTest only sees a choice widget's displayed labels, and hands a label back
through the widget's ``format_func``; so a page's ``format_func`` must map a
label to itself (e.g. ``lambda k: TITLES.get(k, k)``).
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60


def fresh(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at.run()


def problems(at: AppTest) -> list[str]:
    """What is wrong with a finished run: exceptions raised, or no chart drawn."""
    found = [f"exception: {e.message}" for e in at.exception]
    if not at.get("vega_lite_chart"):
        found.append("no chart drawn")
    return found


def _real(option: str):
    """A select_slider shows formatted options; ours are numbers formatted with :g."""
    try:
        return float(option)
    except ValueError:
        return option


def cases(at: AppTest):
    """(label, action) for every widget extreme and option found in a default run."""
    for w in at.slider:
        for end in (w.min, w.max):
            yield f"slider {w.key}={end}", (lambda a, k=w.key, v=end: a.slider(key=k).set_value(v))
    for w in at.select_slider:
        for option in (w.options[0], w.options[-1]):
            yield f"select_slider {w.key}={option}", (lambda a, k=w.key, v=_real(option): a.select_slider(key=k).set_value(v))
    for w in at.selectbox:
        for i, option in enumerate(w.options):
            yield f"selectbox {w.key}={option}", (lambda a, k=w.key, i=i: a.selectbox(key=k).select_index(i))
    for w in at.radio:
        for i, option in enumerate(w.options):
            yield f"radio {w.key}={option}", (lambda a, k=w.key, v=w.options[i]: a.radio(key=k).set_value(_radio_value(a.radio(key=k), v)))
    for w in at.toggle:
        for value in (True, False):
            yield f"toggle {w.key}={value}", (lambda a, k=w.key, v=value: a.toggle(key=k).set_value(v))
    for w in at.button:
        yield f"button {w.key}", (lambda a, k=w.key: a.button(key=k).click())


def _radio_value(widget, formatted):
    """The label itself: format_func maps it to itself (see the module docstring)."""
    return formatted


def exercise(page: str, query: dict | None = None) -> list[str]:
    """Run every case of ``page``; return the failures (empty when all pass)."""
    at = fresh(page, query)
    failures = [f"default run: {p}" for p in problems(at)]
    assert not at.exception, failures
    labels = []
    for label, action in cases(at):
        labels.append(label)
        case = fresh(page, query)
        action(case)
        case.run()
        failures += [f"{label}: {p}" for p in problems(case)]
    assert labels, f"{page} has no widgets to exercise"
    return failures
