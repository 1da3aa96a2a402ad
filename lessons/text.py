"""How the pages write numbers and formulas, shared by every lesson."""

from __future__ import annotations

import re

import numpy as np

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def number(x):
    """A number as a student reads it: 3 significant digits, a power of ten only when tiny or huge.

    >>> number(0.000116), number(8.86e16), number(-2.5)
    ('0.000116', '8.86×10¹⁶', '-2.5')
    """
    if x == 0 or not np.isfinite(x):
        return f"{x:g}"
    if 1e-4 <= abs(x) < 1e6:
        return f"{x:.3g}"
    mantissa, exponent = f"{x:.2e}".split("e")
    return f"{float(mantissa):g}×10" + str(int(exponent)).translate(_SUPERSCRIPT)


def in_weights(formula):
    r"""A surface's LaTeX formula with x, y written as the weights w₁, w₂ (as on the axes).

    Only stand-alone letters x and y (and products such as ``xy``) change; commands
    such as ``\exp`` or ``\left`` stay.

    >>> in_weights(r"L(x, y) = x^3 - 3xy^2 + \left(x^2 + y^2\right)")
    'L(w_1, w_2) = w_1^3 - 3w_1 w_2^2 + \\left(w_1^2 + w_2^2\\right)'
    """
    def swap(match):
        word = match.group(0)
        if set(word) <= {"x", "y"}:
            return " ".join({"x": "w_1", "y": "w_2"}[c] for c in word)
        return word

    return re.sub(r"(?<![\\a-zA-Z])[a-zA-Z]+", swap, formula)


def _visible_length(tex):
    """About how many characters wide ``tex`` renders (commands count as one symbol)."""
    tex = re.sub(r"\\(left|right|big|Big|,|;|!|quad|qquad)", "", tex)
    tex = re.sub(r"\\[a-zA-Z]+", "#", tex)
    return len(re.sub(r"[{}^_ ]", "", tex))


def _top_level_splits(tex, tokens):
    """Positions of ``tokens`` in ``tex`` outside every brace, bracket and \\left ... \\right pair."""
    depth, out, i = 0, [], 0
    while i < len(tex):
        if tex.startswith(r"\left", i):
            depth += 1
            i += 5
            continue
        if tex.startswith(r"\right", i):
            depth -= 1
            i += 6
            continue
        if tex.startswith(r"\begin", i):
            depth += 1
        if tex.startswith(r"\end", i):
            depth -= 1
        c = tex[i]
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif depth == 0:
            for token in tokens:
                if tex.startswith(token, i):
                    out.append((i, token))
                    break
        i += 1
    return out


def latex_lines(formula, width=30):
    r"""A long LaTeX formula as several short ones, for a narrow column or a phone.

    First split at top-level ``,\quad`` (a formula and its definitions); a piece still
    wider than about ``width`` symbols is split at top-level ``,\ `` (a list of
    definitions), then broken before a top-level + or −, the continuation starting
    with that sign.

    >>> latex_lines(r"L = a + b,\quad a = 1")
    ['L = a + b', 'a = 1']
    >>> latex_lines(r"L = (x^2 + y - 11)^2 + (x + y^2 - 7)^2", width=12)
    ['L = (x^2 + y - 11)^2', '\\quad + (x + y^2 - 7)^2']
    """
    def split(text, tokens):
        parts, start = [], 0
        for pos, token in _top_level_splits(text, tokens):
            parts.append(text[start:pos].strip())
            start = pos + len(token)
        return parts + [text[start:].strip()]

    pieces = []
    for piece in split(formula, [r",\quad", r",\qquad"]):
        pieces += split(piece, [r",\ "]) if _visible_length(piece) > width else [piece]
    lines = []
    for piece in pieces:
        while _visible_length(piece) > width:
            cuts = [pos for pos, _ in _top_level_splits(piece, [" + ", " - "]) if _visible_length(piece[:pos]) >= 6]
            if not cuts:
                break
            fitting = [pos for pos in cuts if _visible_length(piece[:pos]) <= width]
            pos = fitting[-1] if fitting else cuts[0]
            lines.append(piece[:pos].strip())
            piece = r"\quad " + piece[pos:].strip()
        lines.append(piece)
    return [line for line in lines if line]


# --- what the surface is ----------------------------------------------------------------------------


def whole_percentages(shares):
    """Whole percentages (an int array) that add up to exactly 100, by largest remainder, for non-negative ``shares``.

    >>> whole_percentages([1, 1, 1]).tolist()
    [34, 33, 33]
    >>> whole_percentages([0.584, 0.416, 0.0]).tolist()
    [58, 42, 0]
    """
    shares = np.asarray(shares, dtype=np.float64)
    raw = 100 * shares / shares.sum()
    whole = np.floor(raw).astype(int)
    order = np.argsort(-(raw - whole), kind="stable")
    whole[order[: 100 - int(whole.sum())]] += 1
    return whole
