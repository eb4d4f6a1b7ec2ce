"""Write logdirs with the real writers and compare tbtui's reading with TensorBoard's, point by point.

Usage: ``python scripts/differential.py [--keep DIR] [SCENARIO...]``, or
``python scripts/differential.py --logdir DIR...`` to compare logdirs written elsewhere (by
scripts/write_real_logs.py with TensorFlow, Keras, Lightning and transformers), or
``python scripts/differential.py --live "CMD" --logdir DIR`` to compare the live readings while
CMD writes into DIR. Each scenario is a function
that writes one logdir with torch's ``SummaryWriter``, tensorboardX's, or tensorboard's own
``EventFileWriter`` and protos; the reference is TensorBoard's ``plugin_event_multiplexer`` keeping
every point (what ``tensorboard --logdir`` serves). Compared: the runs, each run's tags per plugin,
and per tag every (step, wall time) in order and every payload: scalar values, histogram buckets,
the tensor of every other plugin (images, audio, text, PR curves, hparams, meshes...).
Prints one line per difference; exit status 1 when there is any.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tui.model import hparams as hparams_model
from tui.model.logdir import Logdir
from tui.tfevents import decode

#: plugin -> tag -> (steps, walls, payloads): one run's reading.
Reading = dict[str, dict[str, tuple[list[int], list[float], list[Any]]]]


def tensorboard_reading(logdir: str) -> dict[str, Reading]:
    """TensorBoard's reading: every tensor of every run, by plugin and tag, in stored order."""
    from tensorboard.backend.event_processing import plugin_event_accumulator as pea
    from tensorboard.backend.event_processing import plugin_event_multiplexer as pem

    mux = pem.EventMultiplexer(size_guidance=pea.STORE_EVERYTHING_SIZE_GUIDANCE, purge_orphaned_data=True)
    mux.AddRunsFromDirectory(logdir)
    mux.Reload()
    return multiplexer_reading(mux, logdir)


def multiplexer_reading(mux: Any, logdir: str) -> dict[str, Reading]:
    """What TensorBoard's multiplexer ``mux`` over ``logdir`` holds now, as a reading."""
    with _bfloat16_decoding():
        return _multiplexer_reading(mux, logdir)


@contextlib.contextmanager
def _bfloat16_decoding() -> Iterator[None]:
    """TensorBoard's ``tensor_util.make_ndarray`` reading bfloat16 as TensorFlow's does (the top
    half of a float32): without TensorFlow its dtype table has no numpy type for bfloat16 and
    raises, in the scalars and hparams dashboards too, so a TF-less TensorBoard shows nothing
    where TensorBoard with TensorFlow shows the values."""
    from tensorboard.util import tensor_util

    plain = tensor_util.make_ndarray

    def make_ndarray(proto: Any) -> np.ndarray:
        if proto.dtype == 14 and proto.tensor_content:  # DT_BFLOAT16
            shape = [d.size for d in proto.tensor_shape.dim]
            high = np.frombuffer(proto.tensor_content, "<u2").astype("<u4") << 16
            return high.view("<f4").reshape(shape)
        return plain(proto)

    tensor_util.make_ndarray = make_ndarray
    try:
        yield
    finally:
        tensor_util.make_ndarray = plain


def _multiplexer_reading(mux: Any, logdir: str) -> dict[str, Reading]:
    from tensorboard.util import tensor_util

    out: dict[str, Reading] = {}
    for run in mux.Runs():
        acc = mux.GetAccumulator(run)
        reading: Reading = {}
        for tag in acc.Tags()["tensors"]:
            md = acc.summary_metadata.get(tag)  # none for a tensor written with no metadata
            plugin = md.plugin_data.plugin_name if md is not None else ""
            evs = acc.Tensors(tag)
            payloads = [_comparable(plugin, tensor_util.make_ndarray(e.tensor_proto)) for e in evs]
            reading.setdefault(plugin, {})[tag] = (
                [e.step for e in evs],
                [e.wall_time for e in evs],
                payloads,
            )
        out[run] = reading
    for run, session in _tensorboard_sessions(mux, logdir).items():
        out.setdefault(run, {})[HPARAMS_SESSION] = {"session": ([0], [0.0], [session])}
    return out


#: A pseudo plugin in both readings: a run's hparams session (its hyperparameters and the metric
#: values TensorBoard's hparams dashboard shows for it), as one payload under the tag "session".
HPARAMS_SESSION = "(hparams session)"


def _tensorboard_sessions(mux: Any, logdir: str) -> dict[str, dict[str, Any]]:
    """Each session of TensorBoard's hparams dashboard by its run: hparams and metric values."""
    from tensorboard import context
    from tensorboard.backend.event_processing import data_provider
    from tensorboard.plugins import base_plugin
    from tensorboard.plugins.hparams import api_pb2, backend_context, list_session_groups
    from tensorboard.plugins.scalar import scalars_plugin

    plugins: dict[str, Any] = {}
    tb = base_plugin.TBContext(
        data_provider=data_provider.MultiplexerDataProvider(mux, logdir),
        multiplexer=mux,
        logdir=logdir,
        plugin_name_to_instance=plugins,
    )
    plugins["scalars"] = scalars_plugin.ScalarsPlugin(tb)
    request = api_pb2.ListSessionGroupsRequest(
        start_index=0, slice_size=1 << 20, allowed_statuses=api_pb2.Status.values()
    )
    groups = list_session_groups.Handler(
        context.RequestContext(), backend_context.Context(tb), "", request
    ).run()
    out: dict[str, dict[str, Any]] = {}
    for g in groups.session_groups:
        hparams = {k: _hparam_value(v) for k, v in g.hparams.items()}
        for sess in g.sessions:
            metrics = {f"{m.name.group}:{m.name.tag}": m.value for m in sess.metric_values}
            out[sess.name or "."] = {"hparams": hparams, "metrics": metrics}
    return out


def _hparam_value(v: Any) -> Any:
    kind = v.WhichOneof("kind")
    return None if kind is None else getattr(v, kind)


def _comparable(plugin: str, arr: np.ndarray) -> Any:
    """A tensor as both readings can be put: scalars a float, histograms [k, 3] float64 rows."""
    if plugin == decode.SCALARS and arr.size == 1 and arr.dtype.kind in "biufc":
        return float(arr.reshape(-1)[0].real)
    if plugin == decode.HISTOGRAMS and arr.ndim == 2 and arr.shape[1:] == (3,):
        return arr.astype(np.float64).reshape(-1, 3)
    if plugin == decode.IMAGES:
        flat = arr.reshape(-1).tolist()
        return flat[2:]  # width and height strings first, then the encoded images
    return arr


def tbtui_reading(logdir: str, *, in_workers: bool = False, **kwargs: Any) -> dict[str, Reading]:
    """tbtui's reading of the same logdir, in the same shape; ``in_workers``: every run read in
    worker processes, however small (the path big runs take)."""
    ld = Logdir(logdir, **kwargs)
    if in_workers:
        ld.parallel_run_bytes = ld.parallel_total_bytes = 0
        ld.parallel_min_runs = 1
    try:
        ld.load_all()
    finally:
        ld.close_workers()
    return logdir_reading(ld)


def logdir_reading(ld: Logdir) -> dict[str, Reading]:
    """What tbtui's ``ld`` holds now, in the shape of :func:`multiplexer_reading`."""
    out: dict[str, Reading] = {}
    for name, run in ld.runs.items():
        reading: Reading = {}
        for tag, s in run.scalars.items():
            snap = s.snapshot()
            reading.setdefault(decode.SCALARS, {})[tag] = (
                snap.steps.tolist(),
                snap.wall_times.tolist(),
                [float(v) for v in np.asarray(snap.values, np.float64)],
            )
        for tag, h in run.histograms.items():
            hs = h.snapshot()
            reading.setdefault(decode.HISTOGRAMS, {})[tag] = (
                hs.steps.tolist(),
                hs.wall_times.tolist(),
                [np.asarray(x, np.float64).reshape(-1, 3) for x in hs.histograms()],
            )
        for tag, b in run.blobs.items():
            idx = b.snapshot()
            items = []
            for i in range(len(idx)):
                item, why = idx.try_load(i)
                if why is not None:
                    items.append(f"unavailable: {why}")
                elif isinstance(item, list) and item and isinstance(item[0], decode.ImageData):
                    items.append([x.encoded for x in item])
                elif b.plugin == decode.AUDIO and isinstance(item, np.ndarray) and item.ndim == 2:
                    # TF2's [k, 2] (clip, label): TensorBoard's dataclass_compat drops the labels
                    # (its dashboard shows ""), tbtui keeps them; the clips must be the same
                    items.append(item[:, 0])
                else:
                    items.append(item)
            reading.setdefault(b.plugin, {})[tag] = (idx.steps.tolist(), idx.walls.tolist(), items)
        for gname in run.graphs:
            reading.setdefault("(graphs)", {})[gname] = ([], [], [])
        out[name] = reading
    for session in hparams_model.collect(ld.runs).sessions:
        payload = {
            "hparams": dict(session.hparams),
            "metrics": {k.removeprefix("metric:"): v for k, v in session.metrics.items()},
        }
        out[session.session_run].setdefault(HPARAMS_SESSION, {})["session"] = ([0], [0.0], [payload])
    return out


def _same_payload(a: Any, b: Any) -> bool:
    if isinstance(a, bytes) and isinstance(b, np.ndarray) and b.dtype == object and b.size == 1:
        b = b.reshape(-1)[0]  # one string: tbtui keeps the bytes, TensorBoard a 1-element tensor
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return False
        if a.dtype.kind in "fc" and b.dtype.kind in "fc":
            return bool(np.array_equal(a, b, equal_nan=True))
        return bool(np.array_equal(a, b))
    return a == b


GRAPH_PLUGINS = {decode.GRAPHS, decode.RUN_METADATA_GRAPH, decode.KERAS_MODEL, decode.RUN_METADATA}


def differences(ours: dict[str, Reading], tb: dict[str, Reading]) -> list[str]:
    """One line per difference between the two readings (empty when they agree)."""
    out: list[str] = []
    if sorted(ours) != sorted(tb):
        out.append(f"runs: tbtui {sorted(ours)} tensorboard {sorted(tb)}")
    for run in sorted(set(ours) & set(tb)):
        o, t = ours[run], tb[run]
        for plugin in sorted(set(o) | set(t)):
            if plugin in GRAPH_PLUGINS or plugin == "(graphs)":
                continue
            ot, tt = o.get(plugin, {}), t.get(plugin, {})
            if sorted(ot) != sorted(tt):
                out.append(
                    f"{run!r} {plugin}: tags tbtui-only {sorted(set(ot) - set(tt))[:5]} "
                    f"tensorboard-only {sorted(set(tt) - set(ot))[:5]}"
                )
            for tag in sorted(set(ot) & set(tt)):
                (os_, ow, op), (ts, tw, tp) = ot[tag], tt[tag]
                where = f"{run!r} {plugin} {tag[:60]!r}"
                if os_ != ts:
                    out.append(
                        f"{where}: steps tbtui {os_[:8]}..({len(os_)}) tensorboard {ts[:8]}..({len(ts)})"
                    )
                    continue
                if not np.array_equal(ow, tw, equal_nan=True):
                    i = next(
                        i for i, (a, b) in enumerate(zip(ow, tw, strict=True)) if not _same_payload(a, b)
                    )
                    out.append(f"{where}: wall time #{i} tbtui {ow[i]!r} tensorboard {tw[i]!r}")
                for i, (a, b) in enumerate(zip(op, tp, strict=True)):
                    if not _same_payload(a, b):
                        out.append(f"{where}: payload #{i} tbtui {_short(a)} tensorboard {_short(b)}")
                        break
        tb_graphs = {tag for p in GRAPH_PLUGINS for tag in t.get(p, {})}
        our_graphs = set(o.get("(graphs)", {})) | {tag for p in GRAPH_PLUGINS for tag in o.get(p, {})}
        if bool(tb_graphs) != bool(our_graphs):
            out.append(f"{run!r} graphs: tbtui {sorted(our_graphs)} tensorboard {sorted(tb_graphs)}")
    return out


def _short(x: Any) -> str:
    r = repr(x)
    if isinstance(x, np.ndarray):
        r = f"array{x.shape}/{x.dtype} {np.array2string(x.reshape(-1)[:6], threshold=6)}"
    return r if len(r) < 120 else r[:117] + "..."


# ---- scenarios: each writes one logdir ---------------------------------------------------------


def _torch():
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter


def _tbx():
    from tensorboardX import SummaryWriter

    return SummaryWriter


def _writers() -> list[tuple[str, Callable[[], Any]]]:
    return [("torch", _torch), ("tbx", _tbx)]


def scalars_steps_walltimes(d: Path, W: Any) -> None:
    w = W(str(d / "run"))
    w.add_scalar("a/no_step", 1.0)
    w.add_scalar("a/no_step", 2.0)
    w.add_scalar("b/step", 3.0, 7)
    w.add_scalar("b/step", 4.0, 7, walltime=12345.5)
    w.add_scalar("c/int64", 1.5, 2**40)
    w.add_scalar("c/int64", 2.5, 2**40 + 1)
    w.add_scalar("d/nan", float("nan"), 1)
    w.add_scalar("d/nan", float("inf"), 2)
    w.add_scalar("d/nan", float("-inf"), 3)
    w.add_scalar("d/nan", 1e300, 4)
    w.add_scalar("e/int", 3, 1)
    w.add_scalar("e/np", np.float64(0.1), 2)
    w.close()


def scalars_many_groups(d: Path, W: Any) -> None:
    w = W(str(d / "run"))
    for s in range(3):
        w.add_scalars("group", {"train": s * 1.0, "val": -s * 1.0, "a b/c": 2.0 * s}, s)
    w.close()


def _torch_or_none() -> Any:
    try:
        import torch
    except ImportError:  # CI has no torch: the scenarios that need a tensor or a model skip that part
        return None
    return torch


def histograms(d: Path, W: Any) -> None:
    torch = _torch_or_none()
    w = W(str(d / "run"))
    rng = np.random.default_rng(0)
    w.add_histogram("float_np", rng.normal(size=1000), 0)
    w.add_histogram("int_np", rng.integers(0, 10, size=100), 0)
    w.add_histogram("constant", np.full(10, 3.0), 0)
    if torch is not None:
        w.add_histogram("torch", torch.arange(100, dtype=torch.float32), 1)
        w.add_histogram("torch_int", torch.arange(100), 1)
    w.add_histogram("one", np.array([1.0]), 2)
    w.add_histogram("bins_auto", rng.normal(size=50), 3, bins="auto")
    w.add_histogram("bins_fd", rng.normal(size=50), 3, bins="fd")
    w.add_histogram_raw("raw", 0, 10, 5, 15, 55, [1, 2, 3, 4, 10], [1, 1, 1, 1, 1], global_step=4)
    try:
        w.add_histogram("empty", np.array([]), 5)
    except Exception as e:  # a writer that refuses
        print(f"  ({W.__module__}) add_histogram(empty): {type(e).__name__}: {e}", file=sys.stderr)
    w.close()


def images_text_audio(d: Path, W: Any) -> None:
    w = W(str(d / "run"))
    rng = np.random.default_rng(1)
    w.add_image("img", rng.random((3, 8, 6)), 0)
    w.add_image("img_hwc", (rng.random((5, 4, 3)) * 255).astype(np.uint8), 1, dataformats="HWC")
    w.add_images("imgs", rng.random((4, 3, 5, 5)), 2)
    w.add_image("gray", rng.random((7, 9)), 3, dataformats="HW")
    w.add_text("txt", "hello *world*", 0)
    w.add_text("txt", "ünïcødé ✓\n| a | b |\n|---|---|\n| 1 | 2 |", 1)
    w.add_text("empty", "", 2)
    w.add_audio("audio", rng.uniform(-1, 1, 800), 0, sample_rate=8000)
    w.close()


def pr_and_custom(d: Path, W: Any) -> None:
    w = W(str(d / "run"))
    rng = np.random.default_rng(2)
    w.add_pr_curve("pr", rng.integers(0, 2, 50), rng.random(50), 0)
    w.add_pr_curve("pr", rng.integers(0, 2, 50), rng.random(50), 1, num_thresholds=11)
    w.add_pr_curve_raw(
        "pr_raw",
        [10, 8, 5],
        [10, 6, 2],
        [0, 2, 5],
        [0, 2, 5],
        [1.0, 0.8, 0.5],
        [1.0, 0.8, 0.5],
        0,
        num_thresholds=3,
    )
    w.add_custom_scalars(
        {"cat": {"loss": ["Multiline", ["loss/a", "loss/b"]], "m": ["Margin", ["x", "lo", "hi"]]}}
    )
    w.add_scalar("loss/a", 1.0, 0)
    w.close()


def hparams(d: Path, W: Any) -> None:
    w = W(str(d / "run"))
    w.add_hparams({"lr": 0.1, "bs": 32, "opt": "adam", "flag": True}, {"hparam/acc": 0.9, "hparam/loss": 0.1})
    w.add_hparams(
        {"lr": 0.01, "bs": 64, "opt": "sgd", "flag": False}, {"hparam/acc": 0.8, "hparam/loss": 0.2}
    )
    w.close()


def hparams_named_run(d: Path, W: Any) -> None:
    w = W(str(d / "run"))
    try:
        w.add_hparams({"lr": 0.1}, {"m": 1.0}, run_name="named")
        w.add_hparams({"lr": 0.2}, {"m": 2.0}, run_name=".")
    except TypeError:
        pass
    w.close()


def mesh_embedding_graph(d: Path, W: Any) -> None:
    torch = _torch_or_none()
    rng = np.random.default_rng(3)
    w = W(str(d / "run"))
    verts = rng.random((1, 10, 3)).astype(np.float32)
    faces = rng.integers(0, 10, (1, 6, 3)).astype(np.int32)
    colors = rng.integers(0, 255, (1, 10, 3)).astype(np.uint8)
    w.add_mesh("mesh", vertices=verts, colors=colors, faces=faces, global_step=0)
    w.add_embedding(rng.random((20, 5)), metadata=[str(i % 3) for i in range(20)], global_step=0, tag="emb")
    if torch is not None:
        model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
        w.add_graph(model, torch.rand(2, 4))
    w.close()


def figure(d: Path, W: Any) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    w = W(str(d / "run"))
    fig = plt.figure()
    plt.plot([1, 2, 3])
    w.add_figure("fig", fig, 0)
    w.close()


def purge_step(d: Path, W: Any) -> None:
    w = W(str(d / "run"), filename_suffix=".a")
    for s in range(10):
        w.add_scalar("loss", float(s), s)
        w.add_scalar("other", float(s), s)
    w.close()
    w = W(str(d / "run"), purge_step=5, filename_suffix=".b")
    for s in range(5, 8):
        w.add_scalar("loss", -float(s), s)
    w.close()


def two_writers(d: Path, W: Any) -> None:
    w1 = W(str(d / "run"), filename_suffix=".one")
    w2 = W(str(d / "run"), filename_suffix=".two")
    for s in range(5):
        w1.add_scalar("loss", float(s), s)
        w2.add_scalar("loss", 100.0 + s, s)
        w2.add_scalar("acc", 1.0 * s, s)
    w1.close()
    w2.close()


def crashed(d: Path, W: Any) -> None:
    w = W(str(d / "run"))
    for s in range(20):
        w.add_scalar("loss", float(s), s)
    w.close()
    (f,) = (d / "run").glob("*tfevents*")
    data = f.read_bytes()
    f.write_bytes(data[:-7])


def names(d: Path, W: Any) -> None:
    w = W(str(d / "run with space"))
    w.add_scalar("tag with space", 1.0, 0)
    w.add_scalar("a/b/c/d", 1.0, 0)
    w.add_scalar("ünïcødé/✓ 日本", 2.0, 0)
    w.add_scalar("x" * 3000, 3.0, 0)
    w.add_scalar("/leading", 4.0, 0)
    w.add_scalar("trailing/", 5.0, 0)
    w.add_scalar("", 6.0, 0)
    w.add_scalar("a//b", 7.0, 0)
    w.close()


def many_tags(d: Path, W: Any) -> None:
    w = W(str(d / "run"))
    for s in range(2):
        for i in range(1200):
            w.add_scalar(f"train/metric_{i:04d}", float(i * s), s)
    w.close()


def odd_wall_times(d: Path, W: Any) -> None:
    """Wall times a writer passed through: zero, negative, NaN, huge, decreasing."""
    w = W(str(d / "run"))
    for s, wt in enumerate((0.0, -5.0, float("nan"), 1e12, 10.0, float("inf"))):
        w.add_scalar("loss", float(s), s, walltime=wt)
    w.close()


def tb_protos(d: Path, W: Any) -> None:
    """tensorboard's own summary_v2 protos and EventFileWriter: float16/float64/int scalars etc."""
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.plugins.histogram import summary_v2 as hist_v2
    from tensorboard.plugins.scalar import metadata as scalar_md
    from tensorboard.plugins.text import summary_v2 as text_v2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter
    from tensorboard.util import tensor_util

    w = EventFileWriter(str(d / "run"))
    md = scalar_md.create_summary_metadata(display_name="", description="")
    for i, (dt, v) in enumerate(
        [
            (np.float16, 1.5),
            (np.float64, 0.1),
            (np.int32, 7),
            (np.int64, 2**53 + 1),
            (np.bool_, True),
            (np.float32, np.nan),
            (np.float64, -np.inf),
            (np.uint8, 200),
            (np.int8, -3),
        ]
    ):
        tp = tensor_util.make_tensor_proto(np.array(v, dtype=dt))
        val = summary_pb2.Summary.Value(tag=f"s/{np.dtype(dt).name}", tensor=tp)
        val.metadata.CopyFrom(md)
        w.add_event(event_pb2.Event(wall_time=1000.0 + i, step=i, summary=summary_pb2.Summary(value=[val])))
        # a second point without metadata (TF writes metadata on the first only)
        val2 = summary_pb2.Summary.Value(tag=f"s/{np.dtype(dt).name}", tensor=tp)
        w.add_event(
            event_pb2.Event(wall_time=2000.0 + i, step=i + 100, summary=summary_pb2.Summary(value=[val2]))
        )
    for i, data in enumerate([np.arange(10.0), np.array([]), np.full(5, 2.0), np.array([1, 2, 3], np.int64)]):
        w.add_event(
            event_pb2.Event(
                wall_time=3000.0 + i, step=i, summary=hist_v2.histogram_pb(f"h/{i}", data, buckets=4)
            )
        )
    w.add_event(event_pb2.Event(wall_time=4000.0, step=0, summary=text_v2.text_pb("t", ["a", "b"])))
    w.add_event(event_pb2.Event(wall_time=4001.0, step=1, summary=text_v2.text_pb("t", "single")))
    # a legacy simple_value and an int64 step at the top of the range
    w.add_event(
        event_pb2.Event(
            wall_time=5000.0,
            step=2**63 - 1,
            summary=summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="big", simple_value=1.0)]),
        )
    )
    w.add_event(
        event_pb2.Event(
            wall_time=5001.0,
            step=-5,
            summary=summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="neg", simple_value=2.0)]),
        )
    )
    w.close()


def scalar_styles(d: Path, W: Any) -> None:
    """add_scalar's tensor-based styles: new_style, double_precision; add_scalars with walltime."""
    w = W(str(d / "run"))
    for s in range(3):
        for kw in ({"new_style": True}, {"new_style": True, "double_precision": True}):
            with contextlib.suppress(TypeError):
                w.add_scalar("style/" + "_".join(kw), 0.1 * s + 1e-12, s, **kw)
        w.add_scalar("neg_step", float(s), -s - 1)
        w.add_scalars("g", {"a": s, "b": 2 * s}, s, walltime=1000.0 + s)
    w.close()


def hparams_domains(d: Path, W: Any) -> None:
    w = W(str(d / "run"))
    for i, lr in enumerate((0.1, 0.01)):
        kw = {"hparam_domain_discrete": {"opt": ["adam", "sgd"]}}
        try:
            w.add_hparams({"lr": lr, "opt": ["adam", "sgd"][i]}, {"acc": 0.5 + i / 10}, **kw)
        except TypeError:
            w.add_hparams({"lr": lr, "opt": ["adam", "sgd"][i]}, {"acc": 0.5 + i / 10})
    w.close()


def tb_tensor_encodings(d: Path, W: Any) -> None:
    """Scalar tensors in every encoding TF writes: tensor_content bytes and the typed *_val
    fields, float16 in half_val, shapes () and [1]. (bfloat16 is left out: TensorBoard without
    TensorFlow cannot read it, make_ndarray raises, nor uint32/uint64; tbtui reads all three.)"""
    from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2
    from tensorboard.plugins.scalar import metadata as scalar_md
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    md = scalar_md.create_summary_metadata(display_name="", description="")
    shape0 = tensor_shape_pb2.TensorShapeProto()
    shape1 = tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=1)])
    protos = {
        "content_f16": tensor_pb2.TensorProto(
            dtype=types_pb2.DT_HALF, tensor_shape=shape0, tensor_content=np.float16(0.333).tobytes()
        ),
        "half_val_f16": tensor_pb2.TensorProto(
            dtype=types_pb2.DT_HALF, tensor_shape=shape0, half_val=[int(np.float16(0.333).view(np.uint16))]
        ),
        "double_val": tensor_pb2.TensorProto(
            dtype=types_pb2.DT_DOUBLE, tensor_shape=shape0, double_val=[0.1]
        ),
        "int64_val": tensor_pb2.TensorProto(
            dtype=types_pb2.DT_INT64, tensor_shape=shape0, int64_val=[2**62 + 1]
        ),
        "int_val": tensor_pb2.TensorProto(dtype=types_pb2.DT_INT32, tensor_shape=shape0, int_val=[-7]),
        "bool_val": tensor_pb2.TensorProto(dtype=types_pb2.DT_BOOL, tensor_shape=shape0, bool_val=[True]),
        "float_val_shape1": tensor_pb2.TensorProto(
            dtype=types_pb2.DT_FLOAT, tensor_shape=shape1, float_val=[2.5]
        ),
        "content_f64_shape1": tensor_pb2.TensorProto(
            dtype=types_pb2.DT_DOUBLE, tensor_shape=shape1, tensor_content=np.float64(1 / 3).tobytes()
        ),
    }
    w = EventFileWriter(str(d / "run"))
    for step in range(2):
        for tag, tp in protos.items():
            val = summary_pb2.Summary.Value(tag=tag, tensor=tp)
            if step == 0:
                val.metadata.CopyFrom(md)
            w.add_event(
                event_pb2.Event(wall_time=10.0 + step, step=step, summary=summary_pb2.Summary(value=[val]))
            )
    w.close()


def tb_protos_multi_value(d: Path, W: Any) -> None:
    """One event with the same tag twice, and values of several plugins in one event."""
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    w = EventFileWriter(str(d / "run"))
    vals = [
        summary_pb2.Summary.Value(tag="dup", simple_value=1.0),
        summary_pb2.Summary.Value(tag="dup", simple_value=2.0),
        summary_pb2.Summary.Value(tag="other", simple_value=3.0),
    ]
    w.add_event(event_pb2.Event(wall_time=10.0, step=1, summary=summary_pb2.Summary(value=vals)))
    w.add_event(event_pb2.Event(wall_time=11.0, step=2, summary=summary_pb2.Summary(value=vals[:1])))
    # an event with no wall time, and one with a summary of no values
    w.add_event(event_pb2.Event(step=3, summary=summary_pb2.Summary(value=vals[2:])))
    w.add_event(event_pb2.Event(wall_time=12.0, step=4, summary=summary_pb2.Summary()))
    w.close()


def tb_session_logs(d: Path, W: Any) -> None:
    """SessionLog START/STOP/CHECKPOINT with a file version 2 file: purges."""
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    w = EventFileWriter(str(d / "run"))

    def sv(step: int, v: float) -> event_pb2.Event:
        return event_pb2.Event(
            wall_time=100.0 + step,
            step=step,
            summary=summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="loss", simple_value=v)]),
        )

    SL = event_pb2.SessionLog
    w.add_event(event_pb2.Event(wall_time=1.0, step=0, session_log=SL(status=SL.START)))
    for s in range(10):
        w.add_event(sv(s, s))
    w.add_event(event_pb2.Event(wall_time=2.0, step=9, session_log=SL(status=SL.CHECKPOINT)))
    w.add_event(event_pb2.Event(wall_time=3.0, step=4, session_log=SL(status=SL.STOP)))
    w.add_event(event_pb2.Event(wall_time=4.0, step=4, session_log=SL(status=SL.START)))
    for s in range(4, 7):
        w.add_event(sv(s, -s))
    w.close()


def _raw_file(path: Path, events: list[Any]) -> None:
    """Events framed as TFRecords by tensorboard's own record writer, with no file_version header
    unless the caller puts one in (the old writers' files, and hand-rolled ones)."""
    from tensorboard.summary.writer.record_writer import RecordWriter

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        rw = RecordWriter(f)
        for ev in events:
            rw.write(ev.SerializeToString())
        rw.flush()


def _sv(step: int, tag: str, v: float, wall: float | None = None) -> Any:
    from tensorboard.compat.proto import event_pb2, summary_pb2

    return event_pb2.Event(
        wall_time=100.0 + step if wall is None else wall,
        step=step,
        summary=summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=v)]),
    )


def raw_no_version(d: Path, W: Any) -> None:
    """No file_version: out-of-order steps purge their own tags, across files and runs."""
    evs = [_sv(s, "a", s) for s in range(10)] + [_sv(s, "b", s) for s in range(10)]
    evs += [_sv(3, "a", -3.0), _sv(4, "a", -4.0), _sv(2, "b", -2.0)]
    _raw_file(d / "run" / "events.out.tfevents.1.x", evs)
    _raw_file(d / "run" / "events.out.tfevents.2.x", [_sv(1, "a", 9.0), _sv(12, "b", 9.0)])


def raw_file_names(d: Path, W: Any) -> None:
    """What counts as an event file: "tfevents" anywhere in the base name, as TensorBoard has it."""
    from tensorboard.compat.proto import event_pb2

    head = event_pb2.Event(wall_time=1.0, file_version="brain.Event:2")
    for name in (
        "events.out.tfevents.1.host",
        "x.tfevents",
        "tfevents",
        ".hidden.tfevents.1",
        "events.out.tfevents.2.host.profile-empty",
        "events.out.tfevents.3.host.v2",
        "my_tfevents_backup.bak",
        "events.out.TFEVENTS.4",
    ):
        _raw_file(d / "r" / name, [head, _sv(1, name, 1.0)])
    _raw_file(d / "tfevents.dir" / "plain", [head, _sv(1, "x", 1.0)])


def raw_run_folders(d: Path, W: Any) -> None:
    """Where runs are: a folder with only the profiler's marker file, a hidden folder, a symlinked
    event file, a deep folder, the profiler's own folders, and a run nested in a run."""
    from tensorboard.compat.proto import event_pb2

    head = event_pb2.Event(wall_time=1.0, file_version="brain.Event:2")
    _raw_file(d / "train" / "events.out.tfevents.1.host.profile-empty", [head])
    _raw_file(d / ".hidden" / "events.out.tfevents.1.host", [head, _sv(1, "h", 1.0)])
    _raw_file(
        d / "deep" / "a" / "b" / "c" / "d" / "e" / "f" / "g" / "events.out.tfevents.1.h",
        [head, _sv(1, "x", 1.0)],
    )
    _raw_file(d / "train" / "plugins" / "profile" / "2026_01_01" / "events.out.tfevents.1.h", [head])
    _raw_file(d / "outer" / "events.out.tfevents.1.h", [head, _sv(1, "o", 1.0)])
    _raw_file(d / "outer" / "inner" / "events.out.tfevents.1.h", [head, _sv(1, "i", 1.0)])
    target = d / "elsewhere" / "events.out.tfevents.1.h"
    _raw_file(target, [head, _sv(1, "s", 1.0)])
    (d / "linked").mkdir()
    (d / "linked" / "events.out.tfevents.2.h").symlink_to(target)


def raw_bad_utf8_tag(d: Path, W: Any) -> None:
    """A tag that is not UTF-8 (TF's C++ writer does not check; Latin-1 tags from TF1 code):
    protobuf in Python refuses the whole event. TensorBoard's reload raises there and reads no
    more of the run; tbtui skips that record, names it and reads on, so this scenario is not
    compared (tests/model/test_real_writers.py checks tbtui's reading of it)."""
    from tensorboard.compat.proto import event_pb2

    head = event_pb2.Event(wall_time=1.0, file_version="brain.Event:2")
    good = _sv(1, "café", 1.0).SerializeToString()
    bad = good.replace("café".encode(), b"caf\xe9 ")  # same length: the framing stays valid

    class Raw:
        def __init__(self, data: bytes) -> None:
            self.data = data

        def SerializeToString(self) -> bytes:
            return self.data

    _raw_file(d / "run" / "events.out.tfevents.1.h", [head, Raw(good), Raw(bad), _sv(2, "café", 2.0)])


def raw_plugin_switch(d: Path, W: Any) -> None:
    """A tag written first as text, later as a histogram (first metadata wins), and a value with no
    value set."""
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.plugins.histogram import summary_v2 as hist_v2
    from tensorboard.plugins.text import summary_v2 as text_v2

    head = event_pb2.Event(wall_time=1.0, file_version="brain.Event:2")
    # TensorBoard keeps the histogram's and the text's tensors under the scalar tag too, and its
    # scalars plugin then fails on the whole tag (make_ndarray(...).item()); tbtui's choice for
    # those points differs, so the switching tags are written to their own runs' files only where
    # the first plugin is kept: a text tag that later gets a histogram.
    h = hist_v2.histogram_pb("t", np.arange(5.0), buckets=2)
    t = text_v2.text_pb("t", "hi")
    evs = [
        head,
        event_pb2.Event(wall_time=2.0, step=2, summary=t),
        event_pb2.Event(wall_time=3.0, step=3, summary=h),
    ]
    empty = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="novalue")])
    evs += [event_pb2.Event(wall_time=5.0, step=5, summary=empty), _sv(6, "novalue", 6.0)]
    _raw_file(d / "run" / "events.out.tfevents.1.x", evs)


SCENARIOS: dict[str, Callable[[Path, Any], None]] = {
    f.__name__: f
    for f in (
        scalars_steps_walltimes,
        scalars_many_groups,
        histograms,
        images_text_audio,
        pr_and_custom,
        hparams,
        hparams_named_run,
        mesh_embedding_graph,
        figure,
        purge_step,
        two_writers,
        crashed,
        names,
        many_tags,
        scalar_styles,
        hparams_domains,
        odd_wall_times,
    )
}
PROTO_SCENARIOS: dict[str, Callable[[Path, Any], None]] = {
    f.__name__: f
    for f in (
        tb_protos,
        tb_tensor_encodings,
        tb_protos_multi_value,
        tb_session_logs,
        raw_no_version,
        raw_file_names,
        raw_plugin_switch,
        raw_run_folders,
    )
}


WRITERS: dict[str, Callable[[], Any]] = {"torch": _torch, "tbx": _tbx}


def jobs() -> list[tuple[str, Callable[[Path, Any], None], str | None]]:
    """(label, scenario, writer name or None for the proto scenarios), every combination."""
    out: list[tuple[str, Callable[[Path, Any], None], str | None]] = []
    for name, f in SCENARIOS.items():
        out += [(f"{name}[{w}]", f, w) for w in WRITERS]
    out += [(name, f, None) for name, f in PROTO_SCENARIOS.items()]
    return out


def compare(logdir: Path, *, in_workers: bool = False) -> list[str]:
    """The differences between tbtui's readings of an existing ``logdir`` and TensorBoard's."""
    tb = tensorboard_reading(str(logdir))
    diffs = differences(tbtui_reading(str(logdir)), tb)
    tiny = tbtui_reading(str(logdir), chunk_bytes=1 << 10, first_slice=256)
    diffs += ["(tiny slices) " + x for x in differences(tiny, tb)]
    if in_workers:
        diffs += ["(workers) " + x for x in differences(tbtui_reading(str(logdir), in_workers=True), tb)]
    return diffs


def check(
    logdir: Path, scenario: Callable[[Path, Any], None], writer: str | None, *, in_workers: bool = False
) -> list[str]:
    """Write ``scenario`` into the empty folder ``logdir`` and return the differences, read both
    at once and in tiny slices (so records straddle every read boundary), and with
    ``in_workers`` also in worker processes."""
    scenario(logdir, WRITERS[writer]() if writer else None)
    return compare(logdir, in_workers=in_workers)


#: One look at a growing logdir: every event file's size then, by path relative to the logdir.
Sizes = dict[str, int]


def record_growth(cmd: list[str], logdir: Path, every: float = 0.02) -> list[Sizes]:
    """Run ``cmd`` (a training script writing into ``logdir``) and note the size of every event
    file under ``logdir`` every ``every`` seconds until it exits: the states a live reader can
    meet, records cut anywhere a writer's flush left them."""
    proc = subprocess.Popen(cmd)
    looks: list[Sizes] = []
    while True:
        done = proc.poll() is not None
        sizes: Sizes = {}
        for p in logdir.rglob("*tfevents*"):
            with contextlib.suppress(OSError):  # a file that vanished between listing and stat
                if p.is_file():
                    sizes[str(p.relative_to(logdir))] = p.stat().st_size
        if not looks or sizes != looks[-1]:
            looks.append(sizes)
        if done:
            break
        time.sleep(every)
    if proc.returncode:
        raise RuntimeError(f"{cmd[0]} exited with {proc.returncode}")
    return looks


def replay(logdir: Path, looks: list[Sizes]) -> list[str]:
    """Grow a copy of ``logdir`` through ``looks`` (see :func:`record_growth`); after each, reload
    a TensorBoard multiplexer and refresh a tbtui Logdir as the live apps do, and compare what
    they hold. Both see exactly the same bytes at every step (the writer's files are append-only,
    so each look's prefix of the final file is what was on disk then). Stops at the first look
    whose readings differ."""
    from tensorboard.backend.event_processing import plugin_event_accumulator as pea
    from tensorboard.backend.event_processing import plugin_event_multiplexer as pem

    base = Path(tempfile.mkdtemp(prefix="tbtui-replay-"))
    d = base / "logs"
    d.mkdir()
    mux = pem.EventMultiplexer(size_guidance=pea.STORE_EVERYTHING_SIZE_GUIDANCE, purge_orphaned_data=True)
    ld = Logdir(str(d))
    try:
        for i, look in enumerate(looks):
            for rel, size in look.items():
                if not (logdir / rel).exists():  # removed by the writer since (a temp folder)
                    continue
                dst = d / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                have = dst.stat().st_size if dst.exists() else 0
                with open(logdir / rel, "rb") as src, open(dst, "ab") as out:
                    src.seek(have)
                    out.write(src.read(max(size - have, 0)))
            mux.AddRunsFromDirectory(str(d))
            mux.Reload()
            ld.refresh()
            diffs = differences(logdir_reading(ld), multiplexer_reading(mux, str(d)))
            if diffs:
                return [f"(live, look {i + 1}/{len(looks)}) {x}" for x in diffs]
        return []
    finally:
        ld.close_workers()
        shutil.rmtree(base)


def _report(label: str, diffs: list[str]) -> None:
    print(f"{label}: {'ok' if not diffs else f'{len(diffs)} difference(s)'}")
    for x in diffs:
        print("   ", x)


def run_logdirs(logdirs: list[Path], in_workers: bool = False) -> int:
    bad = 0
    for d in logdirs:
        try:
            diffs = compare(d, in_workers=in_workers)
        except Exception as e:
            diffs = [f"crashed: {type(e).__name__}: {e}"]
        _report(str(d), diffs)
        bad += bool(diffs)
    return 1 if bad else 0


def run(names: list[str], keep: Path | None, in_workers: bool = False) -> int:
    bad = 0
    for label, f, writer in jobs():
        if names and not any(n in label for n in names):
            continue
        base = Path(tempfile.mkdtemp(prefix="tbtui-diff-"))
        d = base / "logs"
        d.mkdir()
        try:
            diffs = check(d, f, writer, in_workers=in_workers)
        except Exception as e:
            diffs = [f"crashed: {type(e).__name__}: {e}"]
        _report(label, diffs)
        bad += bool(diffs)
        if keep is not None:
            shutil.copytree(d, keep / label, dirs_exist_ok=True)
        shutil.rmtree(base)
    return 1 if bad else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenarios", nargs="*", help="substrings of scenario names (default: all)")
    ap.add_argument("--keep", type=Path, help="copy each written logdir here (for a look in the app)")
    ap.add_argument("--workers", action="store_true", help="also read every run in worker processes")
    ap.add_argument("--logdir", type=Path, nargs="+", help="compare these existing logdirs instead")
    ap.add_argument(
        "--live",
        metavar="CMD",
        help="run CMD, which writes into --logdir, and compare live readings of every state it "
        "leaves the files in (TensorBoard reloaded, tbtui refreshed, after each)",
    )
    a = ap.parse_args()
    if a.live:
        if not a.logdir or len(a.logdir) != 1:
            ap.error("--live needs one --logdir, the folder the command writes into")
        looks = record_growth(shlex.split(a.live), a.logdir[0])
        diffs = replay(a.logdir[0], looks)
        _report(f"{a.logdir[0]} live, {len(looks)} looks", diffs)
        return 1 if diffs else 0
    if a.logdir:
        return run_logdirs(a.logdir, a.workers)
    if a.keep:
        a.keep.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return run(a.scenarios, a.keep, a.workers)


if __name__ == "__main__":
    sys.exit(main())
