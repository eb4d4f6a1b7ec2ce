"""The committed protobuf modules: compatible with old runtimes, isolated from TensorFlow's."""

from __future__ import annotations

from pathlib import Path

from tui.tfevents.proto import event_pb2, graph_pb2, hparams_pb2, summary_pb2

PROTO_DIR = Path(event_pb2.__file__).parent


def test_generated_modules_carry_no_runtime_pin() -> None:
    """protoc >= 26 output refuses older protobuf runtimes; ours must import on protobuf 3.20+."""
    for path in PROTO_DIR.glob("*_pb2.py"):
        text = path.read_text()
        assert "ValidateProtobufRuntimeVersion" not in text, path.name
        assert "_builder.BuildTopDescriptorsAndMessages" in text, path.name


def test_our_package_does_not_clash_with_tensorboards() -> None:
    assert event_pb2.Event.DESCRIPTOR.full_name == "tbtui.Event"
    assert graph_pb2.GraphDef.DESCRIPTOR.full_name == "tbtui.GraphDef"
    try:
        from tensorboard.compat.proto import event_pb2 as tb_event_pb2
    except ImportError:
        return
    # Both registered in one process; the wire format is what they share.
    ev = event_pb2.Event(step=7, file_version="brain.Event:2")
    assert tb_event_pb2.Event.FromString(ev.SerializeToString()).step == 7


def test_field_numbers_match_format_md() -> None:
    ev = event_pb2.Event.DESCRIPTOR.fields_by_name
    assert {k: ev[k].number for k in ("wall_time", "step", "file_version", "graph_def", "summary")} == {
        "wall_time": 1,
        "step": 2,
        "file_version": 3,
        "graph_def": 4,
        "summary": 5,
    }
    assert ev["session_log"].number == 7 and ev["tagged_run_metadata"].number == 8
    assert ev["source_metadata"].number == 10
    val = summary_pb2.Summary.Value.DESCRIPTOR.fields_by_name
    assert (
        val["simple_value"].number,
        val["histo"].number,
        val["tensor"].number,
        val["metadata"].number,
    ) == (
        2,
        5,
        8,
        9,
    )
    hp = hparams_pb2.HParamsPluginData.DESCRIPTOR.fields_by_name
    assert (hp["experiment"].number, hp["session_start_info"].number, hp["session_end_info"].number) == (
        2,
        3,
        4,
    )
