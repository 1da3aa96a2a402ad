"""Widgets whose values live in the URL, so a link reproduces a view.

A teacher sets the sliders, copies the address bar and sends it; whoever opens
the link sees the same run. Each widget reads its first value from
``st.query_params`` (falling back to the default when the value is missing or
invalid) and writes its current value back on every run.

Session-state keys are namespaced by page (``"gd.lr"``), so pages never share
a widget by accident; query-parameter names are the short names (``lr``).
"""

from __future__ import annotations

import math

import streamlit as st


class Params:
    """Query-parameter-backed widgets of one page."""

    def __init__(self, page: str):
        self.page = page

    def key(self, name: str) -> str:
        return f"{self.page}.{name}"

    def _seed(self, name, default, parse):
        """Put the URL's value (or the default) into session state once per session."""
        key = self.key(name)
        if key in st.session_state:
            return
        raw = st.query_params.get(name)
        value = default
        if raw is not None:
            try:
                value = parse(raw)
            except (TypeError, ValueError, OverflowError):
                value = default
        st.session_state[key] = value

    def _publish(self, name, value):
        text = format(value, ".6g") if isinstance(value, float) else str(value)
        if st.query_params.get(name) != text:
            st.query_params[name] = text

    def slider(self, name, label, min_value, max_value, value, step=None, **kwargs):
        """A numeric slider (int when every bound is an int)."""
        is_int = all(isinstance(v, int) for v in (min_value, max_value, value))
        cast = int if is_int else float

        def parse(raw):
            x = float(raw)
            if not math.isfinite(x):
                raise ValueError(raw)
            return cast(min(max(x, min_value), max_value))

        self._seed(name, value, parse)
        # A range that changed since the last run (e.g. fewer steps) must still hold the value, and a
        # slider whose range changes is a new widget to Streamlit, which would start it at its minimum:
        # then the value is written back. Only then: writing a widget's state sends it to the browser,
        # and a key press made during this rerun would be overwritten by the value the rerun began with.
        key, span = self.key(name), f"{self.key(name)}.range"
        clamped = cast(min(max(st.session_state[key], min_value), max_value))
        if clamped != st.session_state[key] or st.session_state.get(span) != (min_value, max_value):
            st.session_state[key] = clamped
            st.session_state[span] = (min_value, max_value)
        result = st.slider(label, min_value, max_value, step=step, key=key, **kwargs)
        self._publish(name, result)
        return result

    def select_slider(self, name, label, options, value, format_func=str, **kwargs):
        """A slider over fixed options, e.g. learning rates on a log scale."""
        options = list(options)

        def parse(raw):
            if isinstance(options[0], (int, float)):
                x = float(raw)
                if not math.isfinite(x):
                    raise ValueError(raw)
                # The nearest option, on a log scale when both are positive (learning rates).
                return min(options, key=lambda o: abs(math.log(o) - math.log(x)) if o > 0 and x > 0 else abs(o - x))
            if raw not in [str(o) for o in options]:
                raise ValueError(raw)
            return options[[str(o) for o in options].index(raw)]

        self._seed(name, value, parse)
        result = st.select_slider(label, options=options, key=self.key(name), format_func=format_func, **kwargs)
        self._publish(name, result)
        return result

    def _choice(self, widget, name, label, options, value, format_func, **kwargs):
        """A widget that picks one of a fixed list of string options."""
        options = list(options)

        def parse(raw):
            if raw not in options:
                raise ValueError(raw)
            return raw

        self._seed(name, options[0] if value is None else value, parse)
        result = widget(label, options, key=self.key(name), format_func=format_func, **kwargs)
        self._publish(name, result)
        return result

    def selectbox(self, name, label, options, value=None, format_func=str, **kwargs):
        """A select box over string options."""
        return self._choice(st.selectbox, name, label, options, value, format_func, **kwargs)

    def radio(self, name, label, options, value=None, format_func=str, **kwargs):
        """Radio buttons over string options."""
        return self._choice(st.radio, name, label, options, value, format_func, **kwargs)

    def toggle(self, name, label, value=False, **kwargs):
        """An on/off toggle."""

        def parse(raw):
            if raw not in ("True", "False"):
                raise ValueError(raw)
            return raw == "True"

        self._seed(name, value, parse)
        result = st.toggle(label, key=self.key(name), **kwargs)
        self._publish(name, result)
        return result

    def preset_buttons(self, names, on_click, per_row=1):
        """One button per preset name, keyed ``<page>.preset.<i>``; ``on_click(name)`` applies it.

        With ``per_row`` > 1 each row is its own ``st.columns``, so on a phone, where columns
        stack, the buttons keep their reading order.
        """
        names = list(names)
        for row in range(0, len(names), per_row):
            cells = st.columns(per_row, gap="small") if per_row > 1 else [st]
            for cell, i in zip(cells, range(row, min(row + per_row, len(names)))):
                cell.button(names[i], on_click=on_click, args=(names[i],), key=f"{self.page}.preset.{i}", width="stretch")

    def preset_note(self, presets, current, note):
        """Caption the preset the widgets are at, in a place kept either way; return its name, or None.

        ``presets`` maps names to the values they set and ``current`` the widgets' values: a preset
        is matched on the keys of ``current`` (numbers to a relative 1e-9). ``note`` is a lesson's
        ``PRESET_NOTES`` (a phrase per name, the full stop added here) or a function of the name that
        returns the whole text. Off every preset the place stays, empty: a note that came and went
        would move the elements below it, and the browser would build their charts again instead of
        swapping their data.
        """
        slot = st.empty()
        name = next((name for name, values in presets.items()
                     if all(key in values and _same(values[key], value) for key, value in current.items())), None)
        if name is not None:
            slot.caption(f"Preset **{name}**: {note(name) if callable(note) else note[name] + '.'}")
        return name

    def set(self, **values):
        """Set widgets from code (e.g. a preset button) before they are drawn."""
        for name, value in values.items():
            st.session_state[self.key(name)] = value


def _same(a, b) -> bool:
    """Equal, or, for two real numbers, equal to a relative 1e-9 (a slider's value and a preset's)."""
    if a == b:
        return True
    real = (int, float)
    return (isinstance(a, real) and isinstance(b, real) and not isinstance(a, bool) and not isinstance(b, bool)
            and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12))
