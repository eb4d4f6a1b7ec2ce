"""A braille dot canvas: each terminal cell holds 2x4 dots, so a 120x40 cell plot is 240x160 pixels.

Pixel coordinates run left to right (x) and top to bottom (y); integer coordinates are dot centres.
All rasterization is numpy work over whole arrays: segments are clipped to the canvas, sampled at
``max(|dx|, |dy|) + 1`` points each (every segment in one go), rounded to dots and OR-ed into per-cell
bit masks. Per-cell colour comes from a *layer* index that the caller maps to a style in :meth:`rows`;
when two draws touch the same cell the one with the higher ``(priority, draw order)`` owns the cell
(its dots replace the others'), so a smoothed line drawn after its faint raw underlay stays clean.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from rich.style import Style
from rich.text import Span, Text

__all__ = [
    "BRAILLE_BASE",
    "DOT_BITS",
    "BrailleCanvas",
    "PixelMap",
    "scale_to_pixels",
]

#: The empty braille pattern; a cell's character is ``chr(BRAILLE_BASE + bits)``.
BRAILLE_BASE = 0x2800

#: ``DOT_BITS[row, col]`` is the bit of the dot at sub-row 0..3 and sub-column 0..1 of a cell.
#: Left column holds dots 1, 2, 3, 7; right column dots 4, 5, 6, 8 (Unicode's braille numbering).
DOT_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]], dtype=np.uint8)

# Coordinates are clamped to this magnitude before clipping so that huge values cannot overflow.
_COORD_LIMIT = 1e9
# Segments rasterized per numpy batch (each is at most width + height samples after clipping).
_SEGMENT_CHUNK = 8192


def scale_to_pixels(
    values: np.ndarray, lo: float, hi: float, n_pixels: int, *, log: bool = False, invert: bool = False
) -> np.ndarray:
    """Map data values in ``[lo, hi]`` onto pixel centres ``0 .. n_pixels - 1`` (float, unclipped).

    With ``log`` the mapping is linear in log10 and non-positive values become NaN (a gap), the way
    TensorBoard's log scale treats them. ``invert`` maps ``hi`` to pixel 0 (screen y grows downwards).
    A zero-width range maps everything to the middle pixel.
    """
    v = np.asarray(values, dtype=np.float64)
    if log:
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.where(v > 0, np.log10(np.where(v > 0, v, 1.0)), np.nan)
        lo = math.log10(lo) if lo > 0 else -300.0
        hi = math.log10(hi) if hi > 0 else lo + 1.0
    span = hi - lo
    last = max(n_pixels - 1, 0)
    if not (math.isfinite(lo) and math.isfinite(hi)) or span <= 0:
        out = np.where(np.isnan(v), np.nan, last / 2.0)
    elif not math.isfinite(span):
        # A range wider than the largest float: work in halves so nothing overflows.
        out = (0.5 * v - 0.5 * lo) * (last / (0.5 * hi - 0.5 * lo))
    else:
        out = (v - lo) * (last / span)
    if invert:
        out = last - out
    return out


class PixelMap(NamedTuple):
    """Data coordinates onto a canvas ``width`` x ``height`` pixels: x left to right over ``x_range``,
    y bottom (``y_range[0]``) to top, linear in log10 with ``log_y`` (see :func:`scale_to_pixels`)."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    width: int
    height: int
    log_y: bool = False

    def px(self, x: np.ndarray) -> np.ndarray:
        return scale_to_pixels(x, self.x_range[0], self.x_range[1], self.width)

    def py(self, y: np.ndarray) -> np.ndarray:
        return scale_to_pixels(y, self.y_range[0], self.y_range[1], self.height, log=self.log_y, invert=True)

    def points(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.px(x), self.py(y)


def _round(v: np.ndarray) -> np.ndarray:
    """Round half up (``np.rint`` rounds half to even, which makes lines wobble)."""
    return np.floor(v + 0.5).astype(np.int64)


class BrailleCanvas:
    """A ``width_cells`` x ``height_cells`` grid of braille cells with a layer index per cell."""

    def __init__(self, width_cells: int, height_cells: int) -> None:
        self.width = max(int(width_cells), 0)
        self.height = max(int(height_cells), 0)
        self.bits = np.zeros((self.height, self.width), dtype=np.uint8)
        #: Layer index owning each cell, -1 where the cell is empty.
        self.layers = np.full((self.height, self.width), -1, dtype=np.int32)
        self._keys = np.full((self.height, self.width), np.iinfo(np.int64).min, dtype=np.int64)
        self._draws = 0

    @property
    def pixel_width(self) -> int:
        return self.width * 2

    @property
    def pixel_height(self) -> int:
        return self.height * 4

    def clear(self) -> None:
        self.bits[:] = 0
        self.layers[:] = -1
        self._keys[:] = np.iinfo(np.int64).min
        self._draws = 0

    # ------------------------------------------------------------------ drawing

    def plot_line(self, px: np.ndarray, py: np.ndarray, layer: int, *, priority: int = 0) -> None:
        """Join consecutive points with straight segments; a NaN (or inf) point breaks the line.

        A finite point with no finite neighbour is drawn as a single dot so it does not vanish.
        """
        n = min(np.size(px), np.size(py))
        self.plot_lines(px, py, np.array([0, n]), np.array([layer]), np.array([priority]))

    def plot_lines(
        self,
        px: np.ndarray,
        py: np.ndarray,
        offsets: np.ndarray,
        layers: np.ndarray,
        priorities: np.ndarray,
    ) -> None:
        """Many lines in one pass: line k is ``px[offsets[k]:offsets[k + 1]]`` (and ``py``'s), drawn
        as :meth:`plot_line` would draw it in layer ``layers[k]`` at ``priorities[k]``, in order.

        Why: a chart of 2,000 runs drew them one ``plot_line`` at a time, a dozen numpy calls and a
        full-canvas merge each (about a millisecond a run). Here every segment of every line is
        sampled at once (:meth:`line_cells`) and merged at once (:meth:`paint_cells`).
        """
        cells, counts = self.line_cells(px, py, offsets)
        self.paint_cells(cells, counts, layers, priorities)

    def line_cells(
        self, px: np.ndarray, py: np.ndarray, offsets: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The dots of each line (as :meth:`plot_lines` takes them) as the cells they fall in, without
        drawing: ``(cells, counts)``, line k's entries the next ``counts[k]`` of ``cells``, each
        ``cell index << 8 | the dots' bits`` (one entry per cell the line passes through, or a few
        when it comes back to a cell).

        Why apart from drawing: a chart keeps each run's cells (a few hundred entries) and paints
        them again with :meth:`paint_cells` when another run is hidden or shown, instead of
        sampling 2,000 lines again.
        """
        x = np.asarray(px, dtype=np.float64).ravel()
        y = np.asarray(py, dtype=np.float64).ravel()
        offsets = np.asarray(offsets, dtype=np.int64)
        g = max(offsets.size - 1, 0)
        n = min(x.size, y.size, int(offsets[-1]) if g else 0)
        empty = np.zeros(0, dtype=self.cell_dtype)
        if g == 0 or n == 0 or self.width == 0 or self.height == 0:
            return empty, np.zeros(g, dtype=np.int64)
        x, y = x[:n], y[:n]
        lengths = np.diff(np.minimum(offsets, n))
        group = np.repeat(np.arange(g, dtype=np.int64), lengths)
        ok = np.isfinite(x) & np.isfinite(y)
        x = np.clip(x, -_COORD_LIMIT, _COORD_LIMIT)
        y = np.clip(y, -_COORD_LIMIT, _COORD_LIMIT)
        seg = ok[:-1] & ok[1:] & (group[:-1] == group[1:])
        lone = ok.copy()
        lone[1:] &= ~seg
        lone[:-1] &= ~seg
        first = np.flatnonzero(seg)
        xs, ys, gs = [_round(x[lone])], [_round(y[lone])], [group[lone]]
        # Chunked so that pathological input (a million long segments) cannot allocate without bound.
        for lo in range(0, first.size, _SEGMENT_CHUNK):
            i = first[lo : lo + _SEGMENT_CHUNK]
            sx, sy, src = self._segment_samples(x[i], y[i], x[i + 1], y[i + 1])
            xs.append(sx)
            ys.append(sy)
            gs.append(group[i][src])
        ix, iy, gd = np.concatenate(xs), np.concatenate(ys), np.concatenate(gs)
        inside = (ix >= 0) & (ix < self.pixel_width) & (iy >= 0) & (iy < self.pixel_height)
        ix, iy, gd = ix[inside], iy[inside], gd[inside]
        if ix.size == 0:
            return empty, np.zeros(g, dtype=np.int64)
        # Dots in a row that share a line and a cell (a segment's samples mostly do) become one
        # entry holding all their bits: a fifth of the dots, before they are ordered by line.
        key = gd * (self.width * self.height) + (iy >> 2) * self.width + (ix >> 1)
        bit = DOT_BITS[iy & 3, ix & 1]
        start = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
        key, bit, gd = key[start], np.bitwise_or.reduceat(bit, start), gd[start]
        if gd.size > 1 and not (gd[1:] >= gd[:-1]).all():
            order = np.argsort(gd, kind="stable")  # lone dots came first: two sorted runs, one merge
            key, bit, gd = key[order], bit[order], gd[order]
        cell = key - gd * (self.width * self.height)
        cells = (cell.astype(self.cell_dtype) << 8) | bit.astype(self.cell_dtype)
        return cells, np.bincount(gd, minlength=g).astype(np.int64)

    @property
    def cell_dtype(self) -> type[np.signedinteger]:
        """The dtype of :meth:`line_cells`' entries: int32 while the cell index fits in 23 bits."""
        return np.int32 if self.width * self.height < 1 << 23 else np.int64

    def paint_cells(
        self, cells: np.ndarray, counts: np.ndarray, layers: np.ndarray, priorities: np.ndarray
    ) -> None:
        """Draw lines given as :meth:`line_cells` returns them (line k: the next ``counts[k]`` entries
        of ``cells``) in layer ``layers[k]`` at ``priorities[k]``, in order: what :meth:`plot_line`
        leaves for each.

        Each cell goes to the line with the highest (priority, order) touching it, holding the dots
        of every line of that line's layer: exactly what drawing them one by one leaves, as long as
        each layer's lines are consecutive and no layer drawn here already owns a cell. Input that
        breaks that rule is painted one line at a time instead.
        """
        cells = np.asarray(cells)
        counts = np.asarray(counts, dtype=np.int64)
        layers = np.asarray(layers, dtype=np.int64)
        priorities = np.asarray(priorities, dtype=np.int64)
        g = layers.size
        if g == 0:
            return
        if g > 1 and not self._batchable(layers):
            ends = np.cumsum(counts)
            for k in range(g):
                a, b = int(ends[k] - counts[k]), int(ends[k])
                self.paint_cells(cells[a:b], counts[k : k + 1], layers[k : k + 1], priorities[k : k + 1])
            return
        keys = (priorities << 32) + (self._draws + 1 + np.arange(g, dtype=np.int64))
        self._draws += g
        if cells.size == 0:
            return
        line = np.repeat(np.arange(g, dtype=np.int64), counts)
        cell = (cells >> 8).astype(np.int64)
        bit = (cells & 0xFF).astype(np.uint8)
        order = np.argsort(keys, kind="stable")
        rank = np.empty(g, dtype=np.int64)
        rank[order] = np.arange(g, dtype=np.int64)
        best = np.full(self.width * self.height, -1, dtype=np.int64)
        np.maximum.at(best, cell, rank[line])
        winner_layer = np.where(best >= 0, layers[order[best]], -1)
        mine = layers[line] == winner_layer[cell]
        fresh = np.zeros(self.width * self.height, dtype=np.uint8)
        np.bitwise_or.at(fresh, cell[mine], bit[mine])
        touched = best >= 0
        key = np.where(touched, keys[order[np.maximum(best, 0)]], 0)
        bits, own, held = self.bits.reshape(-1), self.layers.reshape(-1), self._keys.reshape(-1)
        same = touched & (own == winner_layer)
        wins = touched & ~same & (held < key)
        bits[same] |= fresh[same]
        held[same] = np.maximum(held[same], key[same])
        bits[wins] = fresh[wins]
        own[wins] = winner_layer[wins]
        held[wins] = key[wins]

    def _batchable(self, layers: np.ndarray) -> bool:
        """Whether :meth:`paint_cells` may merge ``layers``' lines at once (see there)."""
        distinct = np.unique(layers)
        if int(np.count_nonzero(layers[1:] != layers[:-1])) + 1 != distinct.size:
            return False  # a layer's lines are not consecutive
        return not (self._draws and np.isin(distinct, self.layers).any())

    def plot_points(self, px: np.ndarray, py: np.ndarray, layer: int, *, priority: int = 0) -> None:
        """One dot per finite point."""
        x = np.asarray(px, dtype=np.float64).ravel()
        y = np.asarray(py, dtype=np.float64).ravel()
        n = min(x.size, y.size)
        x, y = x[:n], y[:n]
        ok = np.isfinite(x) & np.isfinite(y)
        x = np.clip(x[ok], -_COORD_LIMIT, _COORD_LIMIT)
        y = np.clip(y[ok], -_COORD_LIMIT, _COORD_LIMIT)
        fresh = self._fresh()
        self._dots(fresh, _round(x), _round(y))
        self._merge(fresh, layer, priority)

    def plot_vline(self, px: float, layer: int, *, priority: int = -1) -> None:
        """A full-height vertical dot line at pixel column ``px`` (a cursor); behind data by default."""
        if self.height == 0 or not math.isfinite(px):
            return
        iy = np.arange(self.pixel_height, dtype=np.int64)
        ix = np.full(iy.size, _round(np.array([px]))[0], dtype=np.int64)
        fresh = self._fresh()
        self._dots(fresh, ix, iy)
        self._merge(fresh, layer, priority)

    def _segment_samples(
        self, x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Clip segments to the canvas (Liang-Barsky, vectorized) and sample them to integer dots;
        with each dot, the index of the segment it came from."""
        if x0.size == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        dx = x1 - x0
        dy = y1 - y0
        t0 = np.zeros(x0.size)
        t1 = np.ones(x0.size)
        keep = np.ones(x0.size, dtype=bool)
        bounds = (
            (-dx, x0 + 0.5),
            (dx, self.pixel_width - 0.5 - x0),
            (-dy, y0 + 0.5),
            (dy, self.pixel_height - 0.5 - y0),
        )
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for p, q in bounds:
                parallel = p == 0
                keep &= ~(parallel & (q < 0))
                r = q / np.where(parallel, 1.0, p)
                t0 = np.where(~parallel & (p < 0), np.maximum(t0, r), t0)
                t1 = np.where(~parallel & (p > 0), np.minimum(t1, r), t1)
        keep &= t0 <= t1
        if not keep.any():
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        source = np.flatnonzero(keep)
        t0, t1, x0, y0, dx, dy = t0[keep], t1[keep], x0[keep], y0[keep], dx[keep], dy[keep]
        cx0 = x0 + t0 * dx
        cy0 = y0 + t0 * dy
        cdx = (t1 - t0) * dx
        cdy = (t1 - t0) * dy
        counts = np.ceil(np.maximum(np.abs(cdx), np.abs(cdy))).astype(np.int64) + 1
        total = int(counts.sum())
        first = np.cumsum(counts) - counts
        t = np.arange(total, dtype=np.float64) - np.repeat(first, counts)
        t /= np.repeat(np.maximum(counts - 1, 1), counts)
        sx = np.repeat(cdx, counts)
        sx *= t
        sx += np.repeat(cx0, counts)
        sy = np.repeat(cdy, counts)
        sy *= t
        sy += np.repeat(cy0, counts)
        return _round(sx), _round(sy), np.repeat(source, counts)

    def _fresh(self) -> np.ndarray:
        return np.zeros((self.height, self.width), dtype=np.uint8)

    def _dots(self, fresh: np.ndarray, ix: np.ndarray, iy: np.ndarray) -> None:
        """OR the dots at integer pixels (ix, iy) into the cell mask ``fresh``; outside ones are dropped."""
        inside = (ix >= 0) & (ix < self.pixel_width) & (iy >= 0) & (iy < self.pixel_height)
        ix, iy = ix[inside], iy[inside]
        if ix.size:
            cells = (iy >> 2) * self.width + (ix >> 1)
            np.bitwise_or.at(fresh.reshape(-1), cells, DOT_BITS[iy & 3, ix & 1])

    def _merge(self, fresh: np.ndarray, layer: int, priority: int) -> None:
        """Hand each cell touched by ``fresh`` to this draw if it outranks the cell's owner.

        Cells already owned by the same layer keep the union of both dot sets.
        """
        self._draws += 1
        touched = fresh != 0
        if not touched.any():
            return
        key = (int(priority) << 32) + self._draws
        same = touched & (self.layers == layer)
        wins = touched & ~same & (self._keys < key)
        self.bits[same] |= fresh[same]
        self._keys[same] = np.maximum(self._keys[same], key)
        self.bits[wins] = fresh[wins]
        self.layers[wins] = layer
        self._keys[wins] = key

    # ------------------------------------------------------------------ output

    def strings(self, *, blank: str = " ") -> list[str]:
        """The canvas as plain strings, one per cell row; empty cells are ``blank``."""
        codes = np.where(self.bits > 0, BRAILLE_BASE + self.bits.astype(np.uint32), ord(blank))
        codes = codes.astype("<u4")
        return [codes[r].tobytes().decode("utf-32-le") for r in range(self.height)]

    def rows(self, styles: Sequence[Style | str], *, blank: str = " ") -> list[Text]:
        """One :class:`rich.text.Text` per cell row, styled by layer (``styles[layer]``).

        Runs of consecutive cells with the same layer become one span; empty cells are ``blank``
        (a space by default; pass ``"\\u2800"`` for an empty braille pattern) and carry no style.
        Layers without an entry in ``styles`` are left unstyled.
        """
        lines = self.strings(blank=blank)
        out: list[Text] = []
        if self.width == 0:
            return [Text("") for _ in lines]
        # Treat empty cells as their own "layer" so runs break at them.
        owner = np.where(self.bits > 0, self.layers, -1)
        change = np.ones((self.height, self.width), dtype=bool)
        change[:, 1:] = owner[:, 1:] != owner[:, :-1]
        for r, line in enumerate(lines):
            starts = np.flatnonzero(change[r]).tolist()
            ends = [*starts[1:], self.width]
            spans = []
            row_owner = owner[r]
            for s, e in zip(starts, ends, strict=True):
                lay = int(row_owner[s])
                if 0 <= lay < len(styles) and styles[lay]:
                    spans.append(Span(s, e, styles[lay]))
            out.append(Text(line, spans=spans, end="", no_wrap=True))
        return out
