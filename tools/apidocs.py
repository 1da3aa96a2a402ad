"""Build the API reference of gdcore from its docstrings, with pdoc.

    python -m tools.apidocs                 # HTML into docs/api/ (not committed: see .gitignore)
    python -m tools.apidocs --output DIR    # HTML into DIR

One page per module (gdcore and each submodule in ``gdcore._SUBMODULES``),
listing exactly the names of its ``__all__``. Docstrings are numpydoc with
reST roles (``:math:``, ``.. math::``), so pdoc runs with ``docformat="numpy"``
and ``math=True`` (MathJax renders the formulas in the browser). Needs the
``docs`` extra (``pip install -e ".[docs]"``); pdoc is never a dependency of
gdcore itself.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "docs" / "api"


def modules() -> list[str]:
    """The modules documented: the package; pdoc adds each public submodule (``gdcore._SUBMODULES``)."""
    return ["gdcore"]


def build(output: Path | str = DEFAULT_OUTPUT) -> Path:
    """Write the HTML reference into ``output`` (created if needed) and return it."""
    import pdoc
    import pdoc.render

    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    pdoc.render.configure(
        docformat="numpy",
        math=True,
        search=True,
        show_source=True,
        include_undocumented=True,
        footer_text="gdcore: exact numpy gradient descent",
    )
    with warnings.catch_warnings():
        # Generated dataclasses (the optimizers' states) carry string annotations pdoc cannot
        # resolve; the page shows them as written, so the warning says nothing to act on.
        warnings.filterwarnings("ignore", message="Error parsing type annotation", category=UserWarning)
        pdoc.pdoc(*modules(), output_directory=output)
    return output


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="directory for the HTML (default: docs/api)")
    args = parser.parse_args(argv)
    out = build(args.output)
    print(f"API reference written to {out / 'gdcore.html'}")


if __name__ == "__main__":
    main()
