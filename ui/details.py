"""Details a student asks for: expanders that draw their contents once opened, and tables of numbers."""

import streamlit as st


def on_request(label: str, key: str):
    """An expander whose contents the page draws only while it is open: ``(container, is_open)``.

    A page writes ``box, shown = on_request("The numbers", P.key("numbers"))`` and fills ``box``
    under ``if shown:``. Opening it reruns the page. Folded contents are not free: a data grid
    in a closed expander was still redrawn on every slider move, and the first code block on a
    page loads the browser's syntax highlighter before the charts appear.
    """
    box = st.expander(label, key=key, on_change="rerun")
    return box, bool(box.open)


def numbers_table(frame, digits: int = 4):
    """``frame`` as a data grid without its index, every column after the first a number to ``digits`` decimals."""
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format=f"%.{digits}f") for c in frame.columns[1:]})
