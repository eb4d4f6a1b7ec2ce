"""Run metadata in the Graph tab: a graph and its RunMetadata written through torch's and tensorboardX's
writers; m colours the tree by compute time, then memory, then nothing; the node detail lists both."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.app import TbtuiApp
from tui.model.plugins import active_dashboards
from tui.widgets.graph_pane import GraphPane


def _write(writer: str, logdir: Path) -> None:
    from tensorboard.compat.proto import config_pb2, graph_pb2

    if writer == "torch":
        pytest.importorskip("torch")
        from torch.utils.tensorboard import SummaryWriter
    else:
        pytest.importorskip("tensorboardX")
        from tensorboardX import SummaryWriter
    gd = graph_pb2.GraphDef()
    gd.node.add(name="x", op="Placeholder")
    gd.node.add(name="dense/MatMul", op="MatMul", input=["x"])
    gd.node.add(name="dense/BiasAdd", op="BiasAdd", input=["dense/MatMul"])
    gd.node.add(name="loss", op="Mean", input=["dense/BiasAdd"])
    rm = config_pb2.RunMetadata()
    cpu = rm.step_stats.dev_stats.add(device="/job:localhost/replica:0/task:0/device:CPU:0")
    n = cpu.node_stats.add(node_name="dense/MatMul", all_start_micros=100, all_end_rel_micros=1500)
    n.memory.add(allocator_name="cpu", total_bytes=4096)
    n = cpu.node_stats.add(node_name="dense/BiasAdd", all_start_micros=1700, all_end_rel_micros=40)
    n.memory.add(allocator_name="cpu", total_bytes=512)
    cpu.node_stats.add(node_name="loss", all_start_micros=1800, all_end_rel_micros=7)
    w = SummaryWriter(str(logdir))
    w._get_file_writer().add_graph((gd, rm))
    w.close()


def _rows(pane: GraphPane) -> str:
    tree = pane.tree
    return "\n".join(
        tree.render_label(tree.get_node_at_line(i), tree.rich_style, tree.rich_style).plain
        for i in range(tree.last_line + 1)
    )


@pytest.mark.parametrize("writer", ["torch", "tbx"])
async def test_m_colours_the_tree_by_compute_then_memory(writer: str, tmp_path: Path, tb) -> None:
    _write(writer, tmp_path)
    app = TbtuiApp(str(tmp_path))
    async with app.run_test(size=(140, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        await pilot.press("4")
        pane = app.query_one(GraphPane)
        await tb.wait_for(pilot, lambda: pane.graph is not None and pane.stats is not None, what="stats")
        assert "run_metadata" in active_dashboards(app.logdir.runs)
        pane.tree.focus()
        assert "1.5 ms" not in _rows(pane)
        await pilot.press("m")
        assert pane.stats_mode == "compute"
        rows = _rows(pane)
        # The scope sums its ops (1,500 + 40 µs); each op shows its own span.
        assert "dense/" in rows and "1.54 ms" in rows and "7 µs" in rows
        pane.tree.reveal(pane.graph.names.index("dense/MatMul"))
        await pilot.pause()
        detail = pane.detail_text()
        assert "compute 1.5 ms  memory 4 KiB  on /job:localhost/replica:0/task:0/device:CPU:0" in detail
        await pilot.press("m")
        assert pane.stats_mode == "memory" and "4.5 KiB" in _rows(pane)  # dense/: 4,096 + 512 bytes
        await pilot.press("m")
        assert pane.stats_mode == "" and "KiB" not in _rows(pane)
