"""plugins.proto mirrors TensorBoard's plugin protos: every field we keep has their name and number."""

from __future__ import annotations

import importlib

import pytest

from tui.tfevents.proto import plugins_pb2

# (our message, TensorBoard's module, its message name)
_PAIRS = [
    ("PrCurvePluginData", "tensorboard.plugins.pr_curve.plugin_data_pb2", "PrCurvePluginData"),
    ("AudioPluginData", "tensorboard.plugins.audio.plugin_data_pb2", "AudioPluginData"),
    ("Layout", "tensorboard.plugins.custom_scalar.layout_pb2", "Layout"),
    ("Category", "tensorboard.plugins.custom_scalar.layout_pb2", "Category"),
    ("Chart", "tensorboard.plugins.custom_scalar.layout_pb2", "Chart"),
    ("MultilineChartContent", "tensorboard.plugins.custom_scalar.layout_pb2", "MultilineChartContent"),
    ("MarginChartContent", "tensorboard.plugins.custom_scalar.layout_pb2", "MarginChartContent"),
    ("MeshPluginData", "tensorboard.plugins.mesh.plugin_data_pb2", "MeshPluginData"),
    ("ProjectorConfig", "tensorboard.plugins.projector.projector_config_pb2", "ProjectorConfig"),
    ("EmbeddingInfo", "tensorboard.plugins.projector.projector_config_pb2", "EmbeddingInfo"),
    ("SpriteMetadata", "tensorboard.plugins.projector.projector_config_pb2", "SpriteMetadata"),
    ("StepStats", "tensorboard.compat.proto.step_stats_pb2", "StepStats"),
    ("DeviceStepStats", "tensorboard.compat.proto.step_stats_pb2", "DeviceStepStats"),
    ("NodeExecStats", "tensorboard.compat.proto.step_stats_pb2", "NodeExecStats"),
    ("AllocatorMemoryUsed", "tensorboard.compat.proto.step_stats_pb2", "AllocatorMemoryUsed"),
    ("MemoryStats", "tensorboard.compat.proto.step_stats_pb2", "MemoryStats"),
]


def _fields(desc) -> dict[str, tuple[int, int, bool]]:
    # protobuf 6 dropped FieldDescriptor.label for is_repeated; either says "repeated".
    def repeated(f) -> bool:
        return f.is_repeated if hasattr(f, "is_repeated") else f.label == 3

    return {f.name: (f.number, f.type, repeated(f)) for f in desc.fields}


@pytest.mark.parametrize(("ours", "module", "theirs"), _PAIRS)
def test_fields_are_tensorboards(ours: str, module: str, theirs: str) -> None:
    tb = getattr(importlib.import_module(module), theirs)
    mine = _fields(getattr(plugins_pb2, ours).DESCRIPTOR)
    reference = _fields(tb.DESCRIPTOR)
    assert mine, ours
    for name, spec in mine.items():
        assert reference.get(name) == spec, (ours, name)


def test_run_metadata_view_reads_step_stats_of_a_real_run_metadata() -> None:
    config_pb2 = importlib.import_module("tensorboard.compat.proto.config_pb2")
    rm = config_pb2.RunMetadata()
    node = rm.step_stats.dev_stats.add(device="/cpu:0").node_stats.add(node_name="a", all_end_rel_micros=5)
    node.memory.add(allocator_name="cpu", total_bytes=64)
    view = plugins_pb2.RunMetadataStepStats.FromString(rm.SerializeToString())
    got = view.step_stats.dev_stats[0].node_stats[0]
    assert (got.node_name, got.all_end_rel_micros, got.memory[0].total_bytes) == ("a", 5, 64)
