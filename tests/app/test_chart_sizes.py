"""What a slider move can send: no chart on any page weighs more than 100 kB (spec and data).

Streamlit sends a chart again only when it changed, so a move sends at most the charts it
changed; keeping each under 100 kB keeps a move light on a phone's connection. The bytes
are those Streamlit puts on the wire: the Vega-Lite spec and its datasets (Arrow tables).
"""

import pytest

from tests.app.harness import fresh
from ui.course import LESSONS

LIMIT = 100_000


def chart_bytes(chart):
    return len(chart.proto.spec) + sum(len(d.data.data) for d in chart.proto.datasets)


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.url_path for lesson in LESSONS])
def test_every_chart_of_the_default_view_is_under_100_kB(lesson):
    at = fresh(lesson.file)
    sizes = [chart_bytes(c) for c in at.get("vega_lite_chart")]
    assert sizes, f"{lesson.url_path} drew no chart"
    assert max(sizes) <= LIMIT, f"{lesson.url_path}: charts of {sizes} bytes"
