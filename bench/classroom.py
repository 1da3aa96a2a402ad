"""Students as the server sees them: Streamlit sessions over the websocket, without a browser.

A class shares one server; each student's browser runs on the student's own machine. On a
bench machine with two cores, eight headless Chromiums drawing charts would measure the
machine's browsers, not the server. So :func:`class_run` puts seven of the eight students on
the websocket (this module), speaking Streamlit's own protocol as a browser does: open a
page, then move its first slider one step at a time, each move a rerun whose answer
(``script_finished``) is awaited. The eighth student is a real Chromium (bench/browser.py),
whose felt moves are compared with its moves alone.
"""

from __future__ import annotations

import asyncio
import time

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState


class Student:
    """One session on the app's websocket: opens pages and moves sliders, timing each rerun."""

    def __init__(self, url: str, stride: int = 1, think: float = 0.0):
        self.stride = stride  # steps per move: students in a class do not all pick the same values
        self.think = think  # seconds a student looks at a result before the next move
        self.ws_url = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.page_hash = ""
        self.sliders = []  # the page's sliders (select sliders too), in the order the page draws them

    async def _rerun(self, ws, *, page_name="", widget_states=()):
        msg = BackMsg()
        state = msg.rerun_script
        state.page_script_hash = self.page_hash if not page_name else ""
        state.page_name = page_name
        state.widget_states.widgets.extend(widget_states)
        await ws.send(msg.SerializeToString())
        start = time.perf_counter()
        sliders = []
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await ws.recv())
            kind = fwd.WhichOneof("type")
            if kind == "navigation":  # st.navigation names the page it ran: later reruns stay on it
                self.page_hash = fwd.navigation.page_script_hash
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                if element.WhichOneof("type") == "slider":
                    sliders.append(element.slider)
            elif kind == "script_finished":
                if sliders:
                    self.sliders = sliders
                return time.perf_counter() - start

    async def visit(self, targets, moves, until=None):
        """Open each page and move its first slider ``moves`` steps; the seconds of every move.

        With ``until`` (a ``threading.Event``), go round the pages again until it is set.
        """
        times = []
        async with websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None) as ws:
            while True:
                await self._tour(ws, targets, moves, times)
                if until is None or until.is_set():
                    return times

    async def _tour(self, ws, targets, moves, times):
        for target in targets:
            self.sliders = []
            await self._rerun(ws, page_name=target)
            if not self.sliders:
                continue
            slider = self.sliders[0]
            # A select slider moves through its options' indices and sends the option's label.
            low, high = (0, len(slider.options) - 1) if slider.options else (slider.min, slider.max)
            value = list(slider.value or slider.default)
            # A stride longer than the slider (four options, a stride of five) becomes one step.
            unit = 1 if slider.options else slider.step or 1
            step = unit * self.stride if unit * self.stride <= (high - low) / 2 else unit
            direction = 1 if high - value[0] >= value[0] - low else -1
            for _ in range(moves):
                if not low <= value[0] + direction * step <= high:
                    direction = -direction
                value[0] = min(max(value[0] + direction * step, low), high)
                times.append(await self._rerun(ws, widget_states=[_widget(slider, value)]))
                await asyncio.sleep(self.think)


def _widget(slider, value):
    """The widget state a browser sends for ``slider`` at ``value`` (indices for a select slider)."""
    state = WidgetState(id=slider.id)
    if slider.options:
        state.string_array_value.data.extend(slider.options[int(i)] for i in value)
    else:
        state.double_array_value.data.extend(value)
    return state


def clear_caches(url):
    """What the app menu's "Clear cache" does: empty every ``st.cache_data``, so moves are cold again."""
    async def main():
        async with websockets.connect(Student(url).ws_url, subprotocols=["streamlit"], max_size=None) as ws:
            msg = BackMsg()
            msg.clear_cache = True
            await ws.send(msg.SerializeToString())
            await Student(url)._rerun(ws, page_name="")  # answered after the cache is cleared

    asyncio.run(main())


def run_students(url, targets, moves, count, until=None, first_stride=1, think=0.0):
    """``count`` students at once (student k moves ``first_stride + k`` steps at a time, looking
    ``think`` seconds at each result); returns every move's seconds of every student. With
    ``until``, they keep going until it is set."""
    async def main():
        return await asyncio.gather(*(Student(url, first_stride + k, think).visit(targets, moves, until)
                                      for k in range(count)))

    return [t for student in asyncio.run(main()) for t in student]
