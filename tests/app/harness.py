"""Drive a page through AppTest: defaults, every slider at its ends, every option of every choice.

Each case starts from a fresh AppTest, so one widget's extreme is seen with the
others at their defaults. A case passes when the run raises no exception and
draws at least one chart.

AppTest only sees a choice widget's displayed labels, and hands a label back
through the widget's ``format_func``; so a page's ``format_func`` must map a
label to itself (e.g. ``lambda k: TITLES.get(k, k)``).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Expander

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60


def fresh(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at.run()


@functools.cache
def _schema():
    return load_schema()


@functools.cache
def _invalid(spec_text: str) -> str | None:
    try:
        validate_jsonschema(json.loads(spec_text), _schema())
    except Exception as error:  # noqa: BLE001 - any schema error is reported as a problem
        return str(error).splitlines()[0]
    return None


def gapless_dashes(spec) -> list:
    """Dash patterns in a spec that have no gaps, such as ``[1, 0]``: a solid line drawn the slow way.

    The canvas cuts a line with any dash pattern into dashes, so a gapless one costs what a
    dashed line does and shows a solid one (``gdcore.charts.SOLID`` is the empty pattern).
    """
    found = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "strokeDash":
                patterns = [value] if isinstance(value, list) else (
                    value.get("scale", {}).get("range", []) + [value.get("value", [])] if isinstance(value, dict) else [])
                found += [p for p in patterns if isinstance(p, list) and p and len(p) % 2 == 0 and not any(p[1::2])]
            else:
                found += gapless_dashes(value)
    elif isinstance(spec, list):
        for value in spec:
            found += gapless_dashes(value)
    return found


def _units(spec):
    """The single-view layers of a spec, depth first."""
    if isinstance(spec, dict) and "layer" in spec:
        for part in spec["layer"]:
            yield from _units(part)
    elif isinstance(spec, dict):
        yield spec


def merged_titles(spec) -> list:
    """Axes whose layers name them differently: Vega-Lite then joins the names ("α, w₁") under the axis."""
    found = []
    for channel in ("x", "y"):
        titles = {json.dumps(enc["title"]) for unit in _units(spec)
                  if isinstance(enc := unit.get("encoding", {}).get(channel), dict) and "field" in enc and "title" in enc}
        if len(titles) > 1:
            found.append((channel, sorted(titles)))
    return found


def chart_problems(at: AppTest) -> list[str]:
    """Every chart's Vega-Lite spec must satisfy the schema (the app skips Altair's own check).

    Specs that differ only in their dataset names are validated once. A dash pattern
    without gaps is a problem too (see ``gapless_dashes``).
    """
    found = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        spec.pop("datasets", None)
        text = re.sub(r'"name": "[^"]*"', '"name": "data"', json.dumps(spec, sort_keys=True))
        error = _invalid(text)
        if error:
            found.append(f"invalid chart spec: {error}")
        found += [f"a solid line drawn as the dash {p}" for p in gapless_dashes(spec)]
        found += [f"the {axis} axis is named differently by its layers: {names}" for axis, names in merged_titles(spec)]
    return found


def problems(at: AppTest) -> list[str]:
    """What is wrong with a finished run: exceptions raised, no chart drawn, or an invalid chart."""
    found = [f"exception: {e.message}" for e in at.exception]
    if not at.get("vega_lite_chart"):
        found.append("no chart drawn")
    return found + chart_problems(at)


def _real(option: str):
    """A select_slider shows formatted options; ours are numbers formatted with :g."""
    try:
        return float(option)
    except ValueError:
        return option


def _nodes(node, hidden=False, path=()):
    """Every node under ``node``, depth first: (node, whether an expander hides it, its index path)."""
    yield node, hidden, path
    for index in sorted(getattr(node, "children", {})):
        yield from _nodes(node.children[index], hidden or isinstance(node, Expander), path + (index,))


def chart_places(at):
    """Where each chart sits in the page's element tree: the index path from the main area down.

    Streamlit's browser keeps an element for as long as an element of the same kind arrives at
    its place; a chart that moves (a caption before it comes or goes) is built again from scratch.
    """
    return [path for node, _, path in _nodes(at.main) if node.type == "vega_lite_chart"]


def first_slider(at):
    """The first slider (or select slider) on the page that is not inside an expander: the one a student meets first."""
    for node, hidden, _ in _nodes(at.main):
        if not hidden and node.type in ("slider", "select_slider"):
            return node
    raise AssertionError("no slider outside an expander")


def room_up(slider):
    """Whether ``slider`` has more room above its value than below."""
    if slider.type == "select_slider":
        options = list(slider.options)
        now = options.index(slider.format_func(slider.value))
        return len(options) - 1 - now >= now
    return slider.max - slider.value >= slider.value - slider.min


def step(at, slider, up=None):
    """Move ``slider`` one step up or down (by default towards the end with more room); False at that end."""
    up = room_up(slider) if up is None else up
    if slider.type == "select_slider":
        options = list(slider.options)
        nxt = options.index(slider.format_func(slider.value)) + (1 if up else -1)
        if not 0 <= nxt < len(options):
            return False
        slider.set_value(_real(options[nxt]))
    else:
        size = slider.proto.step or 1
        value = slider.value + (size if up else -size)
        if not slider.min <= value <= slider.max:
            return False
        slider.set_value(type(slider.value)(value))
    return at.run()


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
    for node, _, _ in _nodes(at.main):
        key = opens_on_request(node)
        if key:
            yield f"expander {key} opened", (lambda a, k=key: a.session_state.__setitem__(k, True))


def opens_on_request(node):
    """The key of an expander whose contents are drawn once it is opened (``on_change="rerun"``), else None.

    Such an expander has a widget id ending in its key; AppTest opens it through the session state.
    """
    if isinstance(node, Expander) and node.proto.id:
        return node.proto.id.split("-", 2)[2]
    return None


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
