"""Parameter checks shared by every public entry point.

Messages follow scikit-learn's shape so that a student sees at once which
parameter was wrong, what was expected and what was given::

    The 'lr' parameter of Adam must be a float >= 0. Got -1 instead.
"""

from __future__ import annotations

import numbers

import numpy as np


class ParameterError(ValueError, TypeError):
    """A public parameter has the wrong type or value.

    Subclasses both ``ValueError`` and ``TypeError`` (as scikit-learn's
    ``InvalidParameterError`` does), so either ``except`` clause catches it.
    """


def fail(name: str, owner: str, expected: str, got) -> None:
    """Raise the one error message every check uses."""
    raise ParameterError(
        f"The {name!r} parameter of {owner} must be {expected}. Got {got!r} instead."
    )


def _bound_text(low, high, closed: str) -> str:
    left = "[" if closed in ("both", "left") else "("
    right = "]" if closed in ("both", "right") else ")"
    if low is not None and high is not None:
        return f" in the range {left}{low}, {high}{right}"
    if low is not None:
        return f" {'>=' if left == '[' else '>'} {low}"
    if high is not None:
        return f" {'<=' if right == ']' else '<'} {high}"
    return ""


def _in_bounds(x, low, high, closed: str) -> bool:
    if low is not None and (x < low if closed in ("both", "left") else x <= low):
        return False
    if high is not None and (x > high if closed in ("both", "right") else x >= high):
        return False
    return True


def check_real(value, name, owner, *, low=None, high=None, closed="both", allow_none=False):
    """Return ``value`` as a finite float, or fail naming ``name`` of ``owner``.

    ``closed`` is one of "both", "left", "right", "neither": which bounds are inclusive.
    """
    if value is None and allow_none:
        return None
    expected = "a float" + _bound_text(low, high, closed) + (" or None" if allow_none else "")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        fail(name, owner, expected, value)
    x = float(value)
    if not np.isfinite(x) or not _in_bounds(x, low, high, closed):
        fail(name, owner, expected, value)
    return x


def check_int(value, name, owner, *, low=None, high=None, allow_none=False):
    """Return ``value`` as an int within ``[low, high]``, or fail."""
    if value is None and allow_none:
        return None
    expected = "an int" + _bound_text(low, high, "both") + (" or None" if allow_none else "")
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        fail(name, owner, expected, value)
    x = int(value)
    if not _in_bounds(x, low, high, "both"):
        fail(name, owner, expected, value)
    return x


def check_bool(value, name, owner):
    """Return ``value`` as a bool; only real booleans are accepted."""
    if not isinstance(value, (bool, np.bool_)):
        fail(name, owner, "a bool", value)
    return bool(value)


def check_option(value, name, owner, options):
    """Return ``value`` if it is one of ``options``, or fail listing them."""
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(o) for o in options)
        fail(name, owner, f"one of {{{listed}}}", value)
    return value


def check_points(value, name, owner, *, batched=True):
    """Return ``value`` as a float64 array of shape ``(..., 2)`` with finite entries.

    With ``batched=False`` only a single point of shape ``(2,)`` is accepted.
    """
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        fail(name, owner, "an array of shape (2,) or (..., 2) of floats", value)
    shape_ok = arr.shape == (2,) if not batched else (arr.ndim >= 1 and arr.shape[-1] == 2)
    if not shape_ok:
        expected = "an array of shape (2,)" if not batched else "an array of shape (2,) or (..., 2)"
        fail(name, owner, expected, f"shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        fail(name, owner, "an array of finite floats", value)
    return arr


def check_bounds(value, name, owner):
    """Return ``value`` as ((x0, x1), (y0, y1)) of finite floats with x0 < x1 and y0 < y1, or fail."""
    expected = "((xmin, xmax), (ymin, ymax)) of finite floats with xmin < xmax and ymin < ymax"
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        fail(name, owner, expected, value)
    if arr.shape != (2, 2) or not np.all(np.isfinite(arr)) or not np.all(arr[:, 0] < arr[:, 1]):
        fail(name, owner, expected, value)
    return tuple((float(lo), float(hi)) for lo, hi in arr)
