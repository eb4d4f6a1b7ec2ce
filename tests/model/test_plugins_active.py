"""Which dashboards are active, on logs the real writers wrote and on the corpus."""

from __future__ import annotations

from pathlib import Path

from tui.model.logdir import Logdir
from tui.model.plugins import DASHBOARDS, active_dashboards

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def test_every_dashboard_the_writers_fed_is_active(written) -> None:
    ld = Logdir(str(written.logdir)).load_all()
    expect = {"pr_curves", "custom_scalars", "mesh", "projector"}
    if "audio" in written.inputs:
        expect.add("audio")
    assert active_dashboards(ld.runs, str(written.logdir)) == expect
    assert "projector" not in active_dashboards(ld.runs)  # without the logdir it cannot know


def test_corpus_logdirs() -> None:
    tbx = Logdir(str(CORPUS / "tbx")).load_all()
    # tensorboardX's add_embedding wrote a projector config; add_graph a profiler RunMetadata.
    assert active_dashboards(tbx.runs, str(CORPUS / "tbx")) == {
        "pr_curves",
        "custom_scalars",
        "projector",
        "run_metadata",
    }
    edge = Logdir(str(CORPUS / "edge_cases")).load_all()
    assert active_dashboards(edge.runs, str(CORPUS / "edge_cases")) <= set(DASHBOARDS)
    assert active_dashboards({}, str(CORPUS / "does-not-exist")) == set()
