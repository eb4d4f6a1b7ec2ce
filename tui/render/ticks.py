"""Axis ticks and number/time formatting for terminal charts.

Terminal axes have room for a handful of short labels, so every formatter here aims at the fewest
characters that still tell ticks apart: ``1.5k`` rather than ``1500.0``, ``1h30m`` rather than
``5400s``, and never a ``0.30000000000000004``.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Sequence

import numpy as np

__all__ = [
    "format_number",
    "format_relative",
    "format_step",
    "format_tick_labels",
    "format_wall",
    "linear_ticks",
    "log_ticks",
    "nice_step",
    "time_ticks",
    "wall_ticks",
    "x_formatter",
]

_SUFFIXES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))

# Tick steps for durations, in seconds: round numbers of seconds, minutes, hours and days.
_TIME_STEPS = (
    1,
    2,
    5,
    10,
    15,
    30,
    60,
    120,
    300,
    600,
    900,
    1800,
    3600,
    2 * 3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86400,
    2 * 86400,
    7 * 86400,
    14 * 86400,
)


# ---------------------------------------------------------------------------- tick values


def nice_step(span: float, max_ticks: int) -> float:
    """Smallest step of the form {1, 2, 5} x 10^k that splits ``span`` into at most ``max_ticks`` parts."""
    if not math.isfinite(span) or span <= 0:
        return 1.0
    raw = span / max(int(max_ticks), 1)
    mag = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * mag >= raw * (1 - 1e-9):
            return m * mag
    return 10.0 * mag


def _multiples(lo: float, hi: float, step: float, offset: float = 0.0) -> list[float]:
    """Multiples of ``step`` (shifted by ``offset``) inside [lo, hi], computed as k*step to avoid drift."""
    if not (math.isfinite(step) and step > 0):
        return []
    a = (lo - offset) / step - 1e-9
    b = (hi - offset) / step + 1e-9
    if not (math.isfinite(a) and math.isfinite(b)):
        return []
    first, last = math.ceil(a), math.floor(b)
    if last - first > 10_000:
        return []
    return [k * step + offset for k in range(first, last + 1)]


def linear_ticks(lo: float, hi: float, max_ticks: int = 5, *, integer: bool = False) -> list[float]:
    """Nice tick values inside [lo, hi]; ``integer`` keeps the step at 1 or more (training steps)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        return [lo]
    max_ticks = max(int(max_ticks), 1)
    step = nice_step(hi - lo, max_ticks)
    if integer:
        step = max(step, 1.0)
    ticks = _multiples(lo, hi, step)
    # The smallest nice step can still leave one tick too many (the range starts on a multiple).
    while len(ticks) > max_ticks and step < 1e300:
        step = nice_step(step * 1.5, 1)
        ticks = _multiples(lo, hi, step)
    return ticks


def log_ticks(lo: float, hi: float, max_ticks: int = 5) -> list[float]:
    """Ticks for a log axis: whole decades, thinned to ``max_ticks``; narrow ranges get 2s and 5s."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= 0:
        return []
    if hi < lo:
        lo, hi = hi, lo
    lo = max(lo, 5e-324)
    k_lo = math.ceil(math.log10(lo) - 1e-9)
    k_hi = math.floor(math.log10(hi) + 1e-9)
    decades = list(range(k_lo, k_hi + 1))
    if len(decades) >= 2:
        stride = max(1, math.ceil(len(decades) / max(max_ticks, 1)))
        return [10.0**k for k in decades if k % stride == 0] or [10.0 ** decades[0]]
    for mantissas in ((1, 2, 5), (1, 2, 3, 4, 5, 6, 7, 8, 9)):
        vals = [
            m * 10.0**k
            for k in range(k_lo - 1, k_hi + 1)
            for m in mantissas
            if lo * (1 - 1e-9) <= m * 10.0**k <= hi * (1 + 1e-9)
        ]
        if 2 <= len(vals) <= max(max_ticks, 2):
            return vals
    return [v for v in linear_ticks(lo, hi, max_ticks) if v > 0]


def time_ticks(lo: float, hi: float, max_ticks: int = 5, *, offset: float = 0.0) -> list[float]:
    """Ticks for a duration axis (seconds): round seconds, minutes, hours or days.

    ``offset`` shifts the grid (wall clock ticks use the local UTC offset so they land on local
    hours); spans shorter than a few seconds fall back to decimal steps.
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        return [lo]
    raw = (hi - lo) / max(max_ticks - 1, 1)
    if raw < 1:
        return _multiples(lo, hi, nice_step(hi - lo, max(max_ticks - 1, 1)), offset)
    for step in _TIME_STEPS:
        if step >= raw:
            return _multiples(lo, hi, float(step), offset)
    days = nice_step(raw / 86400, 1)
    return _multiples(lo, hi, days * 86400, offset)


def _utc_offset(epoch: float) -> float:
    try:
        return float(time.localtime(epoch).tm_gmtoff or 0)
    except (OverflowError, OSError, ValueError):
        return 0.0


def wall_ticks(lo: float, hi: float, max_ticks: int = 5) -> list[float]:
    """Ticks for epoch seconds that fall on round *local* times (whole hours, midnights ...)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    return time_ticks(lo, hi, max_ticks, offset=-_utc_offset((lo + hi) / 2))


# ---------------------------------------------------------------------------- formatting


def _strip(s: str) -> str:
    """Drop trailing zeros of a decimal (``1.50`` -> ``1.5``, ``2.0`` -> ``2``) and a ``-0``."""
    if "e" in s:
        mant, exp = s.split("e", 1)
        return _strip(mant) + "e" + exp
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def format_number(value: float, digits: int = 3) -> str:
    """Compact number: ``0``, ``0.125``, ``42``, ``1.5k``, ``3.4M``, ``1e-05``, ``nan``, ``inf``.

    ``digits`` significant digits at most; trailing zeros are dropped.
    """
    v = float(value)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    a = abs(v)
    digits = max(int(digits), 1)
    if a >= 1e15 or a < 1e-4:
        return _strip(f"{v:.{digits - 1}e}")
    if a < 1000 and abs(float(_round_sig(v, digits))) >= 1000:
        a = 1000.0  # 999.9 rounds up to 1000: use the "1k" form
    if a >= 1000:
        i = next(i for i, (scale, _) in enumerate(_SUFFIXES) if a >= scale or i == len(_SUFFIXES) - 1)
        text = _round_sig(v / _SUFFIXES[i][0], digits)
        if abs(float(text)) >= 1000 and i > 0:
            # 999999 rounds to "1000k": say "1M" instead.
            i -= 1
            text = _round_sig(v / _SUFFIXES[i][0], digits)
        return text + _SUFFIXES[i][1]
    return _round_sig(v, digits)


def _round_sig(v: float, digits: int) -> str:
    """``v`` with ``digits`` significant digits in plain decimal notation, trailing zeros dropped."""
    if v == 0:
        return "0"
    decimals = max(digits - 1 - math.floor(math.log10(abs(v))), 0)
    return _strip(f"{v:.{decimals}f}")


def format_step(value: float) -> str:
    """Training step: exact below 10000 (``9999``), compact above (``12.5k``, ``1.2M``)."""
    v = float(value)
    if not math.isfinite(v):
        return format_number(v)
    if abs(v) < 10_000 and v == int(v):
        return str(int(v))
    return format_number(v, 3)


def format_tick_labels(values: Sequence[float], step: float | None = None) -> list[str]:
    """Labels for a set of linear ticks, sharing one precision so they line up and differ.

    ``step`` is the spacing of the ticks (taken from the values when omitted); the labels carry just
    enough decimals to tell neighbours apart.
    """
    vals = [float(v) for v in values]
    if not vals:
        return []
    if step is None:
        diffs = [abs(b - a) for a, b in itertools.pairwise(vals) if b != a]
        step = min(diffs) if diffs else 0.0
    finite = [abs(v) for v in vals if math.isfinite(v)]
    top = max(finite) if finite else 0.0
    if not step or not math.isfinite(step) or top == 0:
        return [format_number(v) for v in vals]
    step = abs(step)
    if top >= 1e15 or top < 1e-3:
        mant = max(0, math.floor(math.log10(top)) - math.floor(math.log10(step) + 1e-9))
        return [_strip(f"{v:.{min(mant, 6)}e}") if v != 0 else "0" for v in vals]
    scale, suffix = 1.0, ""
    if top >= 1000:
        for s, suf in _SUFFIXES:
            if top >= s:
                scale, suffix = s, suf
                break
    decimals = max(0, -math.floor(math.log10(step / scale) + 1e-9))
    decimals = min(decimals, 12)
    out = []
    for v in vals:
        if not math.isfinite(v):
            out.append(format_number(v))
            continue
        text = f"{v / scale:.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if text in ("-0", ""):
            text = "0"
        out.append(text + (suffix if text != "0" else ""))
    return out


_UNITS = ((86400.0, "d"), (3600.0, "h"), (60.0, "m"), (1.0, "s"))


def format_relative(seconds: float, *, compound: bool = False) -> str:
    """A duration: ``0s``, ``30s``, ``5m``, ``1.5h``, ``2d``.

    With ``compound`` the two largest units are spelled out instead of a decimal (``1h30m``,
    ``2m15s``): tick labels on a 15 s grid read better that way.
    """
    s = float(seconds)
    if not math.isfinite(s):
        return format_number(s)
    sign = "-" if s < 0 else ""
    s = abs(s)
    if s < 60:
        return sign + (_round_sig(s, 3) if s else "0") + "s"
    if not compound:
        for size, unit in _UNITS:
            if s >= size:
                return sign + _round_sig(s / size, 3) + unit
    total = round(s)
    parts = []
    for size, unit in _UNITS:
        count = int(total // size)
        if count or parts:
            parts.append((count, unit))
        total -= count * size
        if len(parts) == 2:
            break
    text = "".join(f"{c}{u}" for c, u in parts if c)
    return sign + (text or "0s")


def format_wall(epoch: float, span: float = 0.0, *, step: float | None = None) -> str:
    """Local wall-clock time sized to the axis span.

    ``HH:MM:SS`` under two minutes, ``HH:MM`` under a day, ``MM-DD HH:MM`` beyond, and just
    ``MM-DD`` when ticks are whole days apart.
    """
    try:
        t = time.localtime(float(epoch))
    except (OverflowError, OSError, ValueError):
        return "?"
    if step is not None and step >= 86400:
        return time.strftime("%m-%d", t)
    if span >= 86400:
        return time.strftime("%m-%d %H:%M", t)
    if span < 120:
        return time.strftime("%H:%M:%S", t)
    return time.strftime("%H:%M", t)


def x_formatter(x_mode: str, x: np.ndarray) -> Callable[[float], str]:
    """How an axis writes the x values ``x`` of ``x_mode``: steps, compound durations, or wall-clock times
    sized to the span of ``x``."""
    if x_mode == "relative":
        return lambda v: format_relative(v, compound=True)
    if x_mode == "wall":
        span = float(x.max() - x.min()) if len(x) else 0.0
        return lambda v: format_wall(v, span)
    return format_step
