r"""gdcore: exact numpy gradient descent, for learning and for homework.

>>> import gdcore as gd
>>> s = gd.surfaces.get("rosenbrock")
>>> traj = gd.descend(s, gd.Adam(lr=0.05), start=(-1.5, 2.0), steps=2000)
>>> traj.status, bool(abs(traj.final - 1.0).max() < 1e-3)
('max_steps', True)

Submodules and names load on first use (PEP 562), so ``import gdcore`` costs
numpy alone; :mod:`gdcore.charts` pulls in Altair, contourpy and pandas only
when a chart is asked for.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "surfaces",
    "objectives",
    "optimizers",
    "schedules",
    "controller",
    "descent",
    "critical",
    "weight_averaging",
    "datasets",
    "nn",
    "landscape",
    "charts",
)

#: Public name -> the submodule that defines it.
_NAMES = {
    "SGD": "optimizers",
    "Adagrad": "optimizers",
    "RMSprop": "optimizers",
    "Adam": "optimizers",
    "AdamW": "optimizers",
    "NAdam": "optimizers",
    "RAdam": "optimizers",
    "Adamax": "optimizers",
    "Adadelta": "optimizers",
    "PlateauController": "controller",
    "descend": "descent",
    "Trajectory": "descent",
    "classify": "critical",
    "basins": "critical",
    "Basins": "critical",
    "critical_point": "critical",
    "swa": "weight_averaging",
    "SWAResult": "weight_averaging",
    "ParameterError": "_checks",
}

__all__ = sorted(set(_SUBMODULES) | set(_NAMES))


def __getattr__(name):
    if name in _NAMES:
        value = getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'gdcore' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
