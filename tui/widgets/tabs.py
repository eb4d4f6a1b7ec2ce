"""The tabs: which pane each is, in what order, under which title, and which of them the tab bar lists.

The app composes one ``TabPane`` per :data:`TABS` entry and routes number keys by position; what a tab
is called at a given width and when a tab with nothing to show joins the bar are decided here, so the
app only applies the answers to Textual's ``TabbedContent``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tui.widgets.custom_scalars_pane import CustomScalarsPane
from tui.widgets.distributions_pane import DistributionsPane
from tui.widgets.graph_pane import GraphPane
from tui.widgets.histograms_pane import HistogramsPane
from tui.widgets.hparams_pane import HParamsPane
from tui.widgets.images_pane import ImagesPane
from tui.widgets.more_pane import MorePane
from tui.widgets.pane import Pane
from tui.widgets.pr_curves_pane import PrCurvesPane
from tui.widgets.scalars_pane import ScalarsPane
from tui.widgets.text_pane import TextPane

__all__ = ["NARROW", "SHORT_TABS", "TABS", "TAB_KEYS_HELP", "TabSpec", "joining", "tab_labels"]

#: Width below which the Scalars tab stacks the tags list over the chart, and tabs take short titles.
NARROW = 110


@dataclass(frozen=True, slots=True)
class TabSpec:
    """One tab: its id (also the ``TabPane`` id), title, pane class and label on narrow screens."""

    id: str
    title: str
    pane: type[Pane]
    short: str = ""
    #: Dashboards of :func:`tui.model.plugins.active_dashboards` that put this tab in the tab bar;
    #: empty for a tab that is always there.
    needs: tuple[str, ...] = ()


#: The tabs in order; number keys 1-9 and 0 select them.
TABS: tuple[TabSpec, ...] = (
    TabSpec("scalars", "Scalars", ScalarsPane),
    TabSpec("histograms", "Histograms", HistogramsPane, "Hist"),
    TabSpec("distributions", "Distributions", DistributionsPane, "Dist"),
    TabSpec("graph", "Graph", GraphPane),
    TabSpec("text", "Text", TextPane),
    TabSpec("hparams", "HParams", HParamsPane, "HP"),
    TabSpec("images", "Images", ImagesPane, "Img"),
    TabSpec("pr_curves", "PR Curves", PrCurvesPane, "PR", needs=("pr_curves",)),
    TabSpec("custom_scalars", "Custom Scalars", CustomScalarsPane, "Custom", needs=("custom_scalars",)),
    TabSpec("more", "Audio·Mesh·Projector", MorePane, "More", needs=("audio", "mesh", "projector")),
)

TAB_KEYS_HELP = "Tab: " + ", ".join(f"{n % 10} {spec.title}" for n, spec in enumerate(TABS, start=1))


#: The tab bar's class while its labels are short (tbtui.tcss: one cell of padding a tab, not two).
SHORT_TABS = "-short"


def tab_labels(width: int, room: int, hidden: set[str], active: str | None = None) -> dict[str, str]:
    """Each tab's label on a screen ``width`` wide whose tab bar has ``room`` columns: the number
    key and the title; short titles on a narrow screen or when the full ones of the listed tabs
    would not fit; and when even those would not (the runs pane shown at 80 columns, or all ten
    tabs at 110), the number keys alone, the ``active`` tab keeping its short title. Textual cut
    the bar at its edge instead, mid-title ("8 P")."""
    shown = [spec for spec in TABS if spec.id not in hidden]
    keys = {spec.id: str(n % 10) for n, spec in enumerate(TABS, start=1)}

    def need(titles: dict[str, str], pad: int) -> int:
        return sum(len(keys[spec.id]) + len(titles[spec.id]) + 1 + pad for spec in shown)

    full = {spec.id: spec.title for spec in TABS}
    short = {spec.id: spec.short or spec.title for spec in TABS}
    # Full titles have a cell of padding each side, short ones one cell before (see SHORT_TABS).
    if width >= NARROW and need(full, 2) <= room:
        titles = full
    elif need(short, 1) <= room:
        titles = short
    else:
        titles = {tab: (short[tab] if tab == active else "") for tab in keys}
    return {tab: f"{keys[tab]} {titles[tab]}".rstrip() for tab in keys}


def joining(hidden: set[str], active: Iterable[str]) -> list[str]:
    """The hidden tabs that some ``active`` dashboard (loaded data of theirs) puts in the tab bar."""
    active = set(active)
    return [spec.id for spec in TABS if spec.needs and spec.id in hidden and active.intersection(spec.needs)]
