"""What each page teaches, as facts computed from its run.

One module per page (``lessons/<page>.py``), with no Streamlit in it:

- ``DEFAULTS`` and ``PRESETS``: the page's widget values, as plain dicts;
- ``run(...)``: the computation the page draws, a pure function of plain arguments
  (the page wraps it in ``st.cache_data``);
- ``facts(...)``: a frozen dataclass of the numbers and verdicts the page's lesson
  rests on (which run ended lowest, what converged, how many starts changed basin);
- ``story(facts)``: the sentences the page prints, filled from those facts only.

The page shows ``story(facts(run(...)))`` and never states an outcome of its own;
``tests/lessons/`` asserts each lesson from ``facts`` for the defaults and every
preset, so a change of defaults that breaks a lesson fails CI.
"""
