"""The API reference (python -m tools.apidocs, pdoc) names every public name, and every public
callable's docstring carries a doctest (DESIGN.md, "Docstrings": formula, symbols, a doctest, the source)."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

import gdcore as gd

pytest.importorskip("pdoc")

from tools import apidocs  # noqa: E402

#: Public callables allowed to lack a doctest for now (none): a name listed here must say why,
#: and a new public name without a doctest fails.
NO_DOCTEST_YET = {}


def _pending(qualname: str, value) -> bool:
    return qualname in NO_DOCTEST_YET


def public_callables():
    """``name -> object`` for every callable in gdcore.__all__ and in each submodule's __all__."""
    found = {}
    for name in gd.__all__:
        value = getattr(gd, name)
        if callable(value) and not inspect.ismodule(value):
            found[name] = value
    for module_name in gd._SUBMODULES:
        module = importlib.import_module(f"gdcore.{module_name}")
        for name in module.__all__:
            value = getattr(module, name)
            if callable(value) and not inspect.ismodule(value):
                found[f"{module_name}.{name}"] = value
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return apidocs.build(tmp_path_factory.mktemp("api"))


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


def test_the_reference_has_a_page_per_module_naming_every_public_name(site):
    top = (site / "gdcore.html").read_text(encoding="utf-8")
    top_ids = _ids(top)
    for name in gd.__all__:
        if name in gd._SUBMODULES:
            assert (site / "gdcore" / f"{name}.html").is_file(), name
            assert f'href="gdcore/{name}.html"' in top, name
        else:
            assert name in top_ids, name
    for module_name in gd._SUBMODULES:
        module = importlib.import_module(f"gdcore.{module_name}")
        page = (site / "gdcore" / f"{module_name}.html").read_text(encoding="utf-8")
        missing = sorted(set(module.__all__) - _ids(page))
        assert not missing, (module_name, missing)


def test_the_reference_renders_formulas_and_doctests(site):
    page = (site / "gdcore" / "objectives.html").read_text(encoding="utf-8")
    assert "mathjax" in page.lower()  # math=True: the LaTeX of the docstrings is typeset
    assert r"\frac{1}{n}" in page
    assert "per_sample_grad" in page and "max_stable_lr_at" in page and "Sampled.shifted" in page
    assert "&gt;&gt;&gt;" in page or "pdoc-code" in page  # the examples are shown


def test_every_public_callable_has_a_docstring_with_a_doctest():
    callables = public_callables()
    assert len(callables) > 90
    lacking = sorted(q for q, v in callables.items() if ">>>" not in (v.__doc__ or "") and not _pending(q, v))
    assert not lacking, lacking


def test_the_pending_list_only_names_what_still_lacks_a_doctest():
    """Once a listed name gets its doctest, drop it from NO_DOCTEST_YET."""
    callables = public_callables()
    for name in NO_DOCTEST_YET:
        assert name in callables, name
        assert ">>>" not in (callables[name].__doc__ or ""), f"{name} has a doctest now: drop it from the list"


def test_the_generated_html_is_not_committed():
    from pathlib import Path

    root = Path(apidocs.__file__).resolve().parents[1]
    assert "/docs/api/" in (root / ".gitignore").read_text().splitlines()
    assert apidocs.DEFAULT_OUTPUT == root / "docs" / "api"
