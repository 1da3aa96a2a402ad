"""The public API of DESIGN.md resolves, and importing it costs numpy alone."""

import subprocess
import sys

import gdcore as gd


def test_every_public_name_resolves():
    for name in gd.__all__:
        assert getattr(gd, name) is not None, name
    assert callable(gd.swa) and callable(gd.descend) and callable(gd.basins) and callable(gd.classify)


def test_the_core_imports_numpy_only():
    code = (
        "import sys, gdcore as gd\n"
        "for name in gd.__all__:\n"
        "    if name != 'charts':\n"
        "        getattr(gd, name)\n"
        "gd.descend(gd.surfaces.get('bowl'), gd.Adam(lr=0.1), (1.0, 1.0), 5).losses\n"
        "heavy = [m for m in ('pandas', 'altair', 'contourpy', 'streamlit', 'scipy') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_the_pinned_versions_satisfy_the_bounds_and_the_app_is_configured_for_a_class():
    """constraints.txt (the versions CI ran) lies inside requirements.txt's bounds, and the app's
    config hides the Deploy button and sends no usage statistics."""
    import tomllib
    from pathlib import Path

    from packaging.requirements import Requirement

    root = Path(__file__).resolve().parents[1]
    pins = {}
    for line in (root / "constraints.txt").read_text().splitlines():
        name, _, version = line.partition("==")
        pins[name.strip().lower()] = version.strip()
    for line in (root / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            req = Requirement(line)
            assert req.specifier.contains(pins[req.name.lower()]), (line, pins[req.name.lower()])
            assert any(spec.operator == "<" for spec in req.specifier), f"{line}: no upper bound"
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text())
    assert config["client"]["toolbarMode"] in ("viewer", "minimal")
    assert config["browser"]["gatherUsageStats"] is False


def test_every_module_lists_its_public_names_in_all():
    """charts, descent and critical (and every other module) say what they export (issue 11, bug 9)."""
    import importlib
    import inspect

    for name in gd._SUBMODULES:
        module = importlib.import_module(f"gdcore.{name}")
        assert hasattr(module, "__all__"), name
        assert all(hasattr(module, n) for n in module.__all__), name
        # The schedule classes are what the factories return ("the schedule made by cosine"): the
        # factories are the names to import.
        made_by_a_factory = lambda v: inspect.isclass(v) and issubclass(v, gd.schedules.Schedule) and v is not gd.schedules.Schedule  # noqa: E731
        defined = {n for n, v in vars(module).items()
                   if not n.startswith("_") and (inspect.isfunction(v) or inspect.isclass(v))
                   and getattr(v, "__module__", None) == module.__name__ and not made_by_a_factory(v)}
        assert defined <= set(module.__all__), (name, sorted(defined - set(module.__all__)))
