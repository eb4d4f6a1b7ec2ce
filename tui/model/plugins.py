"""Which of the other dashboards have something to show, as TensorBoard's plugins answer ``is_active``.

A tab with nothing in the loaded runs stays out of the tab bar (TensorBoard greys out inactive
plugins), so the app asks :func:`active_dashboards` after each refresh. Every test here is a cheap
look at what the runs already hold (tags by plugin, the layout tag, graph sources) plus, for the
projector, one ``stat`` per run directory: nothing is decoded.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from collections.abc import Set as AbstractSet

from tui.model.custom_scalars import CONFIG_TAG
from tui.model.projector import PROJECTOR_FILENAME
from tui.model.run import Run
from tui.tfevents.decode import AUDIO, PR_CURVES, TAGGED_RUN_METADATA

__all__ = ["DASHBOARDS", "active_dashboards"]

#: The dashboards this module knows, in tab order.
DASHBOARDS: tuple[str, ...] = ("pr_curves", "custom_scalars", "audio", "mesh", "projector", "run_metadata")


def _has_plugin(run: Run, plugin: str) -> bool:
    return any(s.plugin == plugin and len(s) for s in run.blobs.values())


def active_dashboards(
    runs: Mapping[str, Run], logdir: str | None = None, *, known: AbstractSet[str] = frozenset()
) -> set[str]:
    """The dashboards of :data:`DASHBOARDS` that some run has data for.

    ``run_metadata`` means a RunMetadata that may carry step stats (a tagged run metadata event or a
    run-metadata graph); whether it really holds any is known only once parsed. ``projector`` needs
    ``logdir`` (configs live beside the event files, and in the logdir itself). Dashboards in
    ``known`` (found active before: a tab never leaves) are not looked for again.
    """
    active: set[str] = set(known)
    if active >= set(DASHBOARDS):
        return active
    for run in runs.values():
        if _has_plugin(run, PR_CURVES):
            active.add("pr_curves")
        if CONFIG_TAG in run.blobs and len(run.blobs[CONFIG_TAG]):
            active.add("custom_scalars")
        if _has_plugin(run, AUDIO):
            active.add("audio")
        if _has_plugin(run, "mesh"):
            active.add("mesh")
        if _has_plugin(run, TAGGED_RUN_METADATA) or any(
            g.source == "run_metadata" for g in run.graphs.values()
        ):
            active.add("run_metadata")
    if logdir is not None and "projector" not in active:
        for name in [*runs, "."]:
            if os.path.isfile(os.path.join(logdir, name, PROJECTOR_FILENAME)):
                active.add("projector")
                break
    return active
