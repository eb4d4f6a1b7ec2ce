"""Per-node compute time and memory from a ``RunMetadata``'s step stats, as TensorBoard's graph joins them.

TF1's ``add_run_metadata`` (``Event.tagged_run_metadata``), TF2's ``trace_export`` with the profiler
(``graph_run_metadata`` summaries) and torch's ``add_graph`` store a ``RunMetadata`` whose
``step_stats`` lists, per device, one ``NodeExecStats`` per executed node. TensorBoard's graph
dashboard (``joinStatsInfoWithGraph`` in tf_graph_common) turns them into per-node stats:

* only devices whose name ends in ``device:<TYPE>:<N>`` count by default (GPU ``stream:all`` and
  ``memcpy`` pseudo-devices would count every kernel twice);
* a node's memory is the sum of the positive ``total_bytes`` of its allocators, over all its entries;
* its compute time spans from the earliest ``all_start_micros`` to the latest
  ``all_start_micros + all_end_rel_micros`` of its entries with a positive duration;
* its device is the last device it was seen on.

:func:`step_stats` reproduces that over whole arrays. This module reads only the step stats (through
its own view of the RunMetadata bytes), so the graph model is untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from tui.model.run import Run
from tui.tfevents.decode import TAGGED_RUN_METADATA
from tui.tfevents.proto import plugins_pb2

__all__ = ["DEVICE_NAME", "NodeStats", "StepStats", "run_step_stats", "step_stats"]

#: TensorBoard's DEVICE_NAME_REGEX: the devices whose stats count by default.
DEVICE_NAME = re.compile(r"device:([^:]+:[0-9]+)$")


@dataclass(frozen=True, slots=True)
class NodeStats:
    """One node's stats: ``compute_micros`` is None when no entry had a positive duration."""

    name: str
    device: str
    compute_micros: int | None
    memory_bytes: int


@dataclass(frozen=True, slots=True)
class StepStats:
    """Per-node stats of one RunMetadata, nodes in first-seen order, as parallel columns."""

    names: tuple[str, ...]
    devices: tuple[str, ...]
    compute_micros: np.ndarray  # int64, -1 where the node has no timing
    memory_bytes: np.ndarray  # int64
    all_devices: tuple[str, ...] = ()  # every device in the step stats, counted or not

    def __len__(self) -> int:
        return len(self.names)

    def node(self, name: str) -> NodeStats | None:
        try:
            i = self.names.index(name)
        except ValueError:
            return None
        t = int(self.compute_micros[i])
        return NodeStats(name, self.devices[i], t if t >= 0 else None, int(self.memory_bytes[i]))

    def as_dict(self) -> dict[str, NodeStats]:
        return {n: s for n in self.names if (s := self.node(n)) is not None}

    @property
    def total_micros(self) -> int:
        return int(self.compute_micros[self.compute_micros > 0].sum())


def step_stats(data: bytes, devices: re.Pattern[str] | None = DEVICE_NAME) -> StepStats:
    """The per-node stats of serialized RunMetadata bytes; ``devices=None`` counts every device.

    Raises ValueError when the bytes are not a RunMetadata.
    """
    try:
        view = plugins_pb2.RunMetadataStepStats.FromString(bytes(data))
    except Exception as e:
        raise ValueError(f"damaged RunMetadata: {e}") from e
    names: list[str] = []
    devs: list[str] = []
    start: list[int] = []
    rel: list[int] = []
    mem: list[int] = []
    all_devices: list[str] = []
    for dev in view.step_stats.dev_stats:
        all_devices.append(dev.device)
        if devices is not None and not devices.search(dev.device):
            continue
        for ns in dev.node_stats:
            names.append(ns.node_name)
            devs.append(dev.device)
            start.append(ns.all_start_micros)
            rel.append(ns.all_end_rel_micros)
            mem.append(sum(m.total_bytes for m in ns.memory if m.total_bytes > 0))
    uniq, first, inv = np.unique(np.asarray(names, dtype=object), return_index=True, return_inverse=True)
    n = uniq.size
    s = np.asarray(start, dtype=np.int64)
    r = np.asarray(rel, dtype=np.int64)
    timed = r > 0
    lo = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    hi = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(lo, inv[timed], s[timed])
    np.maximum.at(hi, inv[timed], (s + r)[timed])
    compute = np.where(hi >= lo, hi - lo, -1)
    memory = np.zeros(n, dtype=np.int64)
    np.add.at(memory, inv, np.asarray(mem, dtype=np.int64))
    last_device = np.zeros(n, dtype=np.int64)
    np.maximum.at(last_device, inv, np.arange(len(names)))
    order = np.argsort(first, kind="stable")  # first-seen order, not sorted by name
    return StepStats(
        tuple(str(uniq[i]) for i in order),
        tuple(devs[int(last_device[i])] for i in order),
        compute[order],
        memory[order],
        tuple(all_devices),
    )


def run_step_stats(run: Run) -> tuple[dict[str, StepStats], list[str]]:
    """Step stats of every RunMetadata a run holds that has any: ``tagged_run_metadata`` events (by
    tag, the last one logged) and run-metadata graphs (by name); and problems with damaged ones.

    Reads those payloads from their event files (blocking: call it in a worker); one that cannot
    be read again is a problem.
    """
    sources: dict[str, bytes] = {}
    problems: list[str] = []
    for tag, series in run.blobs.items():
        index = series.snapshot()
        if series.plugin == TAGGED_RUN_METADATA and len(index):
            item, why = index.try_load(len(index) - 1)
            if why is not None:
                problems.append(f"{tag}: {why}")
            elif isinstance(item, bytes | bytearray):
                sources[tag] = bytes(item)
    for name, entry in run.graphs.items():
        if entry.source == "run_metadata":
            sources.setdefault(name, entry.data)
    out: dict[str, StepStats] = {}
    for name, data in sources.items():
        try:
            stats = step_stats(data)
        except ValueError as e:
            problems.append(f"{name}: {e}")
            continue
        if stats.all_devices:
            out[name] = stats
    return out, problems
