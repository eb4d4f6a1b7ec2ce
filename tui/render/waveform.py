"""An audio clip's waveform as a braille envelope: per pixel column, a bar from its lowest to its
highest sample, each channel in its own band of rows, amplitude fixed to [-1, 1].

The envelope (:func:`tui.model.audio.envelope`) keeps every column's extremes, so a click of one
sample still shows and a 10-minute clip costs two ``reduceat`` passes. The last row is a time axis
(start, middle, end of the clip). Exactly ``width`` x ``height`` cells.
"""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text

from tui.model.audio import envelope
from tui.render.braille import BrailleCanvas, scale_to_pixels
from tui.render.chart import ChartTheme, color_for
from tui.render.ticks import format_relative

__all__ = ["render_waveform"]


def _time_axis(duration: float, width: int, cursor: float | None, theme: ChartTheme) -> Text:
    labels = [(0.0, format_relative(0.0)), (duration / 2, format_relative(duration / 2))]
    labels.append((duration, format_relative(duration)))
    buf = [" "] * width
    last_end = -1
    for t, lbl in labels:
        col = round(t / duration * (width - 1)) if duration > 0 else 0
        start = min(max(col - len(lbl) // 2, 0), width - len(lbl))
        if start <= last_end or start < 0:
            continue
        buf[start : start + len(lbl)] = list(lbl)
        last_end = start + len(lbl)
    text = Text("".join(buf), style=theme.label, no_wrap=True, end="")
    if cursor is not None and duration > 0 and width:
        col = min(max(round(cursor / duration * (width - 1)), 0), width - 1)
        text.stylize(theme.cursor, col, col + 1)
    return text


def render_waveform(
    samples: np.ndarray,
    width: int,
    height: int,
    *,
    sample_rate: int = 0,
    color: str | None = None,
    cursor_seconds: float | None = None,
    theme: ChartTheme | None = None,
) -> list[Text]:
    """``samples`` (``[frames]`` or ``[frames, channels]``, in [-1, 1]) as ``height`` lines of ``width``.

    With ``sample_rate`` the bottom row is a time axis; ``cursor_seconds`` draws a playback position.
    Louder-than-full-scale samples are clipped to the band's edge.
    """
    theme = theme or ChartTheme()
    width, height = max(int(width), 0), max(int(height), 0)
    x = np.asarray(samples, dtype=np.float32)
    if x.ndim == 1:
        x = x[:, None]
    channels = max(x.shape[1], 1)
    duration = x.shape[0] / sample_rate if sample_rate > 0 else 0.0
    axis = sample_rate > 0 and height >= 3
    plot_h = height - int(axis)
    canvas = BrailleCanvas(width, plot_h)
    wp = canvas.pixel_width
    if x.shape[0] and wp and plot_h:
        lo, hi = envelope(x, wp)
        cols = np.arange(wp, dtype=np.float64)
        band_rows = [plot_h * c // channels for c in range(channels + 1)]
        for c in range(channels):
            top, bottom = band_rows[c] * 4, band_rows[c + 1] * 4 - 1
            if bottom < top:
                continue
            span = bottom - top + 1
            y0 = top + scale_to_pixels(np.clip(hi[:, c], -1, 1), -1.0, 1.0, span, invert=True)
            y1 = top + scale_to_pixels(np.clip(lo[:, c], -1, 1), -1.0, 1.0, span, invert=True)
            bx = np.stack([cols, cols, np.full(wp, np.nan)], axis=1).reshape(-1)
            by = np.stack([y0, y1, np.full(wp, np.nan)], axis=1).reshape(-1)
            canvas.plot_line(bx, by, 0)
        if cursor_seconds is not None and duration > 0:
            canvas.plot_vline(cursor_seconds / duration * (wp - 1), 1, priority=1)
    style = Style.parse(color or color_for(0))
    lines = canvas.rows([style, Style.parse(theme.cursor)])
    if axis:
        lines.append(_time_axis(duration, width, cursor_seconds, theme))
    return lines
