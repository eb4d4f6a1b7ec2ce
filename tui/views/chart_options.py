"""How every chart is drawn: the switches the user flips for all charts at once.

Smoothing, the x mode, a logarithmic value axis and ignoring outliers hold for every scalar chart in
every tab (the x mode for histograms and distributions too). They are one immutable value: the app's
:class:`~tui.views.state.ViewState` holds it, every :class:`~tui.views.selection.PaneContext` and
:class:`~tui.views.state.StatusInfo` carries it down as it is, and a key makes a new one (the steps
below, or :func:`dataclasses.replace`). A chart keeps the one it drew in its frame key, so equal
options cost one comparison and draw nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tui.views.xaxis import X_MODES, XMode

__all__ = ["DEFAULT_SMOOTHING", "SMOOTHING_STOPS", "ChartOptions"]

#: Smoothing stops for ``s`` / ``S`` (TensorBoard's slider goes 0 .. 0.999).
SMOOTHING_STOPS = (0.0, 0.3, 0.6, 0.8, 0.9, 0.95, 0.99)
#: Smoothing when neither the command line nor the last session says (TensorBoard's default).
DEFAULT_SMOOTHING = 0.6


@dataclass(frozen=True, slots=True)
class ChartOptions:
    """The chart switches: EMA weight, x mode (one of :data:`~tui.views.xaxis.X_MODES`; anything
    else reads as ``"step"``), log y, and the y range from the 5th-95th percentile."""

    smoothing: float = DEFAULT_SMOOTHING
    x_mode: XMode = "step"
    log_y: bool = False
    ignore_outliers: bool = False

    def __post_init__(self) -> None:
        if self.x_mode not in X_MODES:  # a stale remembered choice or a typo: the default
            object.__setattr__(self, "x_mode", "step")

    def step_smoothing(self, direction: int) -> ChartOptions:
        """The next smoothing stop up (``direction`` > 0) or down."""
        if direction > 0:
            nxt = [s for s in SMOOTHING_STOPS if s > self.smoothing + 1e-9]
            return replace(self, smoothing=nxt[0] if nxt else SMOOTHING_STOPS[-1])
        prv = [s for s in SMOOTHING_STOPS if s < self.smoothing - 1e-9]
        return replace(self, smoothing=prv[-1] if prv else SMOOTHING_STOPS[0])

    def with_smoothing(self, value: float) -> ChartOptions:
        """Smoothing ``value``, held to TensorBoard's range 0 .. 0.999."""
        return replace(self, smoothing=min(max(float(value), 0.0), 0.999))

    def next_x_mode(self) -> ChartOptions:
        """The x mode after this one, as ``x`` cycles them."""
        return replace(self, x_mode=X_MODES[(X_MODES.index(self.x_mode) + 1) % len(X_MODES)])
