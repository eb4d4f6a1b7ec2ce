"""Pure rendering: numpy arrays in, rich Text / str out. Nothing here knows about Textual."""

from tui.render.braille import BrailleCanvas, data_to_pixels, scale_to_pixels
from tui.render.chart import (
    RUN_COLORS,
    ChartRender,
    ChartSeries,
    ChartTheme,
    CursorHit,
    color_for,
    compute_y_range,
    downsample_minmax,
    render_chart,
    render_chart_plain,
)
from tui.render.smoothing import smooth
from tui.render.sparkline import sparkline

__all__ = [
    "RUN_COLORS",
    "BrailleCanvas",
    "ChartRender",
    "ChartSeries",
    "ChartTheme",
    "CursorHit",
    "color_for",
    "compute_y_range",
    "data_to_pixels",
    "downsample_minmax",
    "render_chart",
    "render_chart_plain",
    "scale_to_pixels",
    "smooth",
    "sparkline",
]
