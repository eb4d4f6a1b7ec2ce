"""The Distributions tab: histogram tags grouped by prefix, the selected tag's percentile bands over time.

Same tags list, run choice (``n`` / ``N``) and side-by-side layout (``v``) as the Histograms tab (see
:class:`~tui.widgets.histograms_pane.HistogramPaneBase`); the plot is a
:class:`~tui.widgets.distribution_view.DistributionView`, whose x axis follows the app's x mode (``x``).
"""

from __future__ import annotations

from typing import ClassVar

from tui.widgets.distribution_view import DistributionView
from tui.widgets.histogram_view import HistogramPlotBase
from tui.widgets.histograms_pane import HistogramPaneBase

__all__ = ["DistributionsPane"]


class DistributionsPane(HistogramPaneBase):
    """Distributions: tags grouped by prefix, the selected tag's nine percentiles as nested bands."""

    HELP_TITLE = "Distributions tab"
    VIEW: ClassVar[type[HistogramPlotBase]] = DistributionView
    PREFIX = "dist"
