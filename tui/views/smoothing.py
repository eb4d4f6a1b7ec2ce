"""TensorBoard's scalar smoothing, vectorized.

TensorBoard smooths a scalar series with a debiased exponential moving average over the *point index*
(not over steps or time), so the same slider value gives the same curve as in the browser:

    last = w * last + (1 - w) * y
    n += 1
    smoothed = last / (1 - w ** n)

Non-finite values are passed through unchanged and do not advance the state; a series whose finite
values are all equal is returned as is (the debiasing would otherwise add rounding noise to a flat line).

The recurrence is evaluated without a per-point Python loop. Within a block of ``B`` points

    last[j] = w**j * ((1 - w) * sum_{i<=j} y[i] * w**-i  +  w * carry)

so a block is one ``cumsum`` of rescaled values. ``B`` is chosen so that ``w**-B`` stays far from
overflow and the cumulative sum stays short (its rounding error grows with its length); the carry from
block to block is a short scalar loop over the blocks only.
"""

from __future__ import annotations

import functools
import math

import numpy as np

__all__ = ["MAX_WEIGHT", "smooth", "smooth_many", "smooth_reference"]

#: TensorBoard's slider stops short of 1 (a weight of 1 would freeze the line at its first value).
MAX_WEIGHT = 0.999

# Largest block length: keeps each cumulative sum short so its rounding error stays near 1e-14.
_MAX_BLOCK = 4096
# Largest rescale factor w**-i inside a block; leaves ~1e100 of headroom for the data's own magnitude.
_MAX_SCALE_LOG = 200.0 * math.log(10.0)


def _clamp_weight(weight: float) -> float:
    w = float(weight)
    if not math.isfinite(w):
        return 0.0
    return min(max(w, 0.0), MAX_WEIGHT)


def smooth(values: np.ndarray, weight: float) -> np.ndarray:
    """Return TensorBoard's debiased EMA of ``values`` as a new float64 array.

    ``weight`` is the slider value, clamped to [0, 0.999]. Runs in O(n) numpy work; 1M points take
    a few milliseconds.
    """
    y = np.asarray(values, dtype=np.float64)
    out = np.array(y, dtype=np.float64, copy=True)
    if y.ndim != 1 or y.size == 0:
        return out
    w = _clamp_weight(weight)
    finite = np.isfinite(y)
    all_finite = bool(finite.all())
    yf = y if all_finite else y[finite]
    if yf.size == 0:
        return out
    if yf.min() == yf.max():
        # Constant series: TensorBoard returns it untouched.
        return out
    if w == 0.0:
        # last = y and the debias factor is exactly 1: the loop reproduces its input.
        return out
    smoothed = _debiased_ema(yf, w)
    if all_finite:
        return smoothed
    out[finite] = smoothed
    return out


def _factors(w: float) -> tuple[int, np.ndarray, np.ndarray]:
    """The block length for weight ``w`` and one block's rescaling factors (1 - w) * w**-i and w**j."""
    log_w = math.log(w)
    block = int(min(_MAX_BLOCK, max(1.0, _MAX_SCALE_LOG / -log_w)))
    idx = np.arange(block, dtype=np.float64)
    return block, (1.0 - w) * np.exp(-log_w * idx), np.exp(log_w * idx)


def _debias(w: float, n: int) -> np.ndarray:
    """The divisors 1 - w**k of the first points (k = 1, 2, ...): beyond the point where w**k drops
    below half an ulp of 1 the divisor is exactly 1.0 in float64, so only a prefix needs one."""
    return _divisors(w)[:n]


@functools.lru_cache(maxsize=16)
def _divisors(w: float) -> np.ndarray:
    # One array per weight, sliced by every caller, so one series and many get the same divisors.
    cutoff = math.ceil(-40.0 / math.log10(w)) + 1
    return 1.0 - np.power(w, np.arange(1, cutoff + 1, dtype=np.float64))


def smooth_many(values: list[np.ndarray], weight: float) -> list[np.ndarray]:
    """:func:`smooth` of each array, equal to it value for value.

    Why: a chart of 2,000 short runs smoothed them one call at a time, mostly Python overhead. Every
    all-finite, non-constant array that fits in one block is smoothed in one 2-D pass per length
    class (rows padded to a power of two): the same cumulative sums, row by row, as :func:`smooth`
    computes for each. The rest (long, with NaN, constant) go through :func:`smooth`.
    """
    w = _clamp_weight(weight)
    arrays = [np.asarray(v, dtype=np.float64) for v in values]
    out: list[np.ndarray | None] = [None] * len(arrays)
    if w == 0.0:
        return [smooth(a, w) for a in arrays]
    block, up, down = _factors(w)
    short = [i for i, a in enumerate(arrays) if a.ndim == 1 and 2 <= a.size <= block]
    if short:
        lens = np.array([arrays[i].size for i in short], dtype=np.int64)
        flat = np.concatenate([arrays[i] for i in short])
        starts = np.zeros(len(short), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        seg = np.repeat(np.arange(len(short)), lens)
        finite = np.bincount(seg[~np.isfinite(flat)], minlength=len(short)) == 0
        lo, hi = np.minimum.reduceat(flat, starts), np.maximum.reduceat(flat, starts)
        ok = finite & (lo != hi)
        for k in np.flatnonzero(~ok).tolist():
            out[short[k]] = smooth(arrays[short[k]], w)
        cls = np.minimum(2 ** np.ceil(np.log2(np.maximum(lens, 16))).astype(np.int64), block)
        for length in np.unique(cls[ok]).tolist():
            rows = np.flatnonzero(ok & (cls == length))
            mat = np.zeros((rows.size, length), dtype=np.float64)
            r = np.repeat(np.arange(rows.size), lens[rows])
            c = np.arange(r.size) - np.repeat(np.cumsum(lens[rows]) - lens[rows], lens[rows])
            mat[r, c] = flat[(starts[rows][r] + c)]
            mat *= up[:length]
            np.cumsum(mat, axis=1, out=mat)
            mat += w * 0.0  # the carry into a first block, as _debiased_ema adds it
            mat *= down[:length]
            div = _debias(w, length)
            mat[:, : div.size] /= div
            for k, row in zip(rows.tolist(), mat, strict=True):
                out[short[k]] = row[: lens[k]].copy()
    for i, a in enumerate(arrays):
        if out[i] is None:
            out[i] = smooth(a, w)
    return out  # type: ignore[return-value]


def _debiased_ema(y: np.ndarray, w: float) -> np.ndarray:
    """Debiased EMA of an all-finite 1-D array with 0 < w < 1."""
    n = y.size
    block, up, down = _factors(w)
    n_blocks = -(-n // block)

    buf = np.zeros(n_blocks * block, dtype=np.float64)
    buf[:n] = y
    mat = buf.reshape(n_blocks, block)
    mat *= up
    np.cumsum(mat, axis=1, out=mat)

    # Carry between blocks: C_b = w**B * C_{b-1} + w**(B-1) * S_b, with S_b the block's last partial sum.
    # ``start[b]`` is the state entering block b, so last[b, j] = w**j * (S[b, j] + w * start[b]).
    ends = mat[:, -1].tolist()
    w_last = float(down[-1])
    w_block = w_last * w
    start = [0.0] * n_blocks
    carry = 0.0
    for b in range(n_blocks):
        start[b] = carry
        carry = w_block * carry + w_last * ends[b]
    mat += w * np.asarray(start)[:, None]
    mat *= down

    last = buf[:n]
    # Debias: divide by 1 - w**k (k = 1-based count of finite points).
    div = _debias(w, n)
    last[: div.size] /= div
    return last


def smooth_reference(values: np.ndarray, weight: float) -> np.ndarray:
    """The scalar loop exactly as TensorBoard writes it: the ground truth the tests compare against."""
    y = np.asarray(values, dtype=np.float64)
    out = y.copy()
    w = _clamp_weight(weight)
    finite_values = [v for v in y.tolist() if math.isfinite(v)]
    if not finite_values or min(finite_values) == max(finite_values):
        return out
    last = 0.0
    count = 0
    for i, v in enumerate(y.tolist()):
        if not math.isfinite(v):
            continue
        last = last * w + (1.0 - w) * v
        count += 1
        out[i] = last / (1.0 - w**count)
    return out
