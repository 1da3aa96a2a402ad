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

    >>> import gdcore as gd
    >>> try:
    ...     gd.Adam(lr=-1)
    ... except ValueError as error:
    ...     print(error)
    The 'lr' parameter of Adam must be a float >= 0. Got -1 instead.
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


class _Text(str):
    """A description shown as is in a message (its repr has no quotes)."""

    def __repr__(self):
        return str(self)


def describe(value):
    """What a message shows as "Got ...": the value itself, or the shape and dtype of a big array."""
    if isinstance(value, np.ndarray) and (value.size > 6 or value.ndim > 2):
        return _Text(f"an array of shape {value.shape} and dtype {value.dtype}")
    if isinstance(value, (list, tuple)) and len(value) > 6:
        return _Text(f"a {type(value).__name__} of length {len(value)}")
    return value


def real_array(value, name, owner, expected="an array of real numbers"):
    """Return ``value`` as a float64 array, refusing what would convert only by losing something.

    Ints and floats of any width are accepted; bool (True is not 1.0 weight),
    complex (the imaginary part would be dropped), strings, objects and
    ragged lists fail naming ``name``. Non-finite entries are kept: the caller
    decides whether they are data (a diverged run) or an error.
    """
    if type(value) is np.ndarray and value.dtype == np.float64:
        return value  # the common case, on every update of a run: nothing to convert or refuse
    arr = value
    if not isinstance(value, np.ndarray):
        try:
            arr = np.asarray(value)
        except (TypeError, ValueError, OverflowError):
            fail(name, owner, expected, describe(value))
    if arr.dtype.kind not in "iuf":
        fail(name, owner, expected, describe(value))
    with np.errstate(over="ignore"):  # a long double beyond float64 becomes inf, which callers judge
        return arr.astype(np.float64, copy=False)


def check_points(value, name, owner, *, batched=True, dim=2):
    """Return ``value`` as a float64 array of shape ``(..., dim)`` with finite entries.

    With ``batched=False`` only a single point of shape ``(dim,)`` is accepted;
    ``dim=None`` accepts any number of weights ``d >= 1`` (optimizers, networks).
    """
    d = "d" if dim is None else str(dim)
    expected = f"an array of shape ({d},)" if not batched else f"an array of shape ({d},) or (..., {d})"
    arr = real_array(value, name, owner, expected + " of real floats")
    size_ok = arr.ndim >= 1 and (arr.shape[-1] >= 1 if dim is None else arr.shape[-1] == dim)
    shape_ok = size_ok and (batched or arr.ndim == 1)
    if not shape_ok:
        fail(name, owner, expected, _Text(f"shape {arr.shape}"))
    if not np.all(np.isfinite(arr)):
        fail(name, owner, expected + " of finite floats", describe(value))
    return arr


#: The most memory one call may set aside for the arrays it returns (1 GiB).
MAX_BYTES = 1 << 30


def size_text(nbytes) -> str:
    """``nbytes`` as a student reads it: "7.45 GiB", "12.0 MiB"."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if nbytes >= size:
            return f"{nbytes / size:.3g} {unit}"
    return f"{int(nbytes)} bytes"


def check_memory(nbytes, name, owner, value, what, hint=""):
    """Fail naming ``name`` when a call would set aside more than :data:`MAX_BYTES`.

    ``what`` says which arrays, e.g. "1000000001 points of 1 start"; the message
    gives the size, the limit and so why ``value`` is refused, before anything
    is allocated. ``hint`` says what to do instead.
    """
    if nbytes > MAX_BYTES:
        hint = f"; {hint}" if hint else ""
        fail(name, owner,
             f"an int small enough for the arrays it sets aside to fit in {size_text(MAX_BYTES)} "
             f"({what} need {size_text(nbytes)}{hint})",
             value)


def check_bounds(value, name, owner):
    """Return ``value`` as ((x0, x1), (y0, y1)) of finite floats with x0 < x1 and y0 < y1, or fail."""
    expected = "((xmin, xmax), (ymin, ymax)) of finite floats with xmin < xmax and ymin < ymax"
    arr = real_array(value, name, owner, expected)
    if arr.shape != (2, 2) or not np.all(np.isfinite(arr)) or not np.all(arr[:, 0] < arr[:, 1]):
        fail(name, owner, expected, value)
    return tuple((float(lo), float(hi)) for lo, hi in arr)
