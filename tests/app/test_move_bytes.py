"""What one slider move sends and redraws, on every page: sizes that do not depend on timing.

A student's first move is the page's first slider (outside the expanders), one step, to a
value not seen before. Streamlit sends again only the charts whose bytes changed; this
test adds those up (spec and Arrow tables, as on the wire) and holds them to 100 kB.
A chart whose spec is unchanged and only its data differ is updated in place by the
browser instead of built again; where the page promises that for its first slider (the
runs move, the axes and legends stay), the test holds it too.
"""

import json

import pytest

from tests.app.harness import first_slider, fresh, step
from tests.app.test_chart_sizes import chart_bytes
from ui.course import LESSONS

LIMIT = 100_000
# Pages whose first slider changes what the chart's axes or legend say (a name with the
# learning rate in it, a new network's loss range): there a move rebuilds those charts.
REBUILDS = {"local-minima", "network-landscape", "loss-surfaces"}


def charts(at):
    return [(c.proto.spec, chart_bytes(c), c.proto.SerializeToString(deterministic=True)) for c in at.get("vega_lite_chart")]


def _shape(spec_text):
    return json.dumps(json.loads(spec_text), sort_keys=True)


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.url_path for lesson in LESSONS])
def test_a_first_move_sends_at_most_100_kB_of_charts(lesson):
    at = fresh(lesson.file)
    before = charts(at)
    after = charts(step(at, first_slider(at)))
    assert not at.exception
    sent = [size for _, size, wire in after if wire not in {w for _, _, w in before}]
    assert sent, f"{lesson.url_path}: the move changed no chart"
    assert sum(sent) <= LIMIT, f"{lesson.url_path}: a move sends {sum(sent)} bytes of charts ({sent})"
    if lesson.url_path not in REBUILDS:
        old = {_shape(spec) for spec, _, _ in before}
        rebuilt = [i for i, (spec, _, wire) in enumerate(after)
                   if wire not in {w for _, _, w in before} and _shape(spec) not in old]
        assert not rebuilt, f"{lesson.url_path}: charts {rebuilt} changed their spec, not only their data"
