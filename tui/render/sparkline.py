"""One-line sparklines from block characters, for run lists and status lines."""

from __future__ import annotations

import numpy as np

__all__ = ["BLOCKS", "sparkline"]

#: Eight levels, lowest first.
BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: np.ndarray, width: int) -> str:
    """Exactly ``width`` characters showing ``values``.

    With more values than columns each column covers an equal share of the points and shows its mean,
    unless its max (or min) lies more than twice as far from the mean as the other extreme: then that
    extreme, so a lone spike up or down still shows. With fewer values than columns there is one
    character per value, left-aligned and padded with spaces. Non-finite values are ignored (a column
    with none left is a space); a constant series is a flat mid-height line; an empty one is all spaces.
    """
    width = max(int(width), 0)
    v = np.asarray(values, dtype=np.float64).ravel()
    if width == 0:
        return ""
    if v.size == 0:
        return " " * width
    v = np.where(np.isfinite(v), v, np.nan)
    if v.size <= width:
        cols = v
    else:
        starts = (np.arange(width, dtype=np.int64) * v.size) // width
        cmin = np.fmin.reduceat(v, starts)
        cmax = np.fmax.reduceat(v, starts)
        finite = np.isfinite(v)
        count = np.add.reduceat(finite.astype(np.float64), starts)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.add.reduceat(np.where(finite, v, 0.0), starts) / count
        up = cmax - mean
        down = mean - cmin
        # A column shows its mean unless one extreme stands out (a spike): then that extreme.
        cols = np.where(up > 2 * down, cmax, np.where(down > 2 * up, cmin, mean))
    finite = np.isfinite(cols)
    if not finite.any():
        return " " * width
    lo = float(cols[finite].min())
    hi = float(cols[finite].max())
    if hi > lo:
        levels = np.floor((np.where(finite, cols, lo) - lo) / (hi - lo) * (len(BLOCKS) - 1) + 0.5)
    else:
        levels = np.full(cols.size, (len(BLOCKS) - 1) // 2, dtype=np.float64)
    chars = np.array(list(BLOCKS))[levels.astype(np.int64)]
    chars[~finite] = " "
    return "".join(chars.tolist()).ljust(width)
