"""Tensor decoding against TensorBoard's own ``tensor_util.make_ndarray``, for every dtype and encoding."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.tfevents.decode import decode_tensor, legacy_histogram, tensor_to_numpy
from tui.tfevents.proto import summary_pb2, tensor_pb2

tb_tensor_util = pytest.importorskip("tensorboard.util.tensor_util")
tb_tensor_pb2 = pytest.importorskip("tensorboard.compat.proto.tensor_pb2")

NUMERIC = {
    tensor_pb2.DT_FLOAT: ("float_val", np.float32),
    tensor_pb2.DT_DOUBLE: ("double_val", np.float64),
    tensor_pb2.DT_INT32: ("int_val", np.int32),
    tensor_pb2.DT_INT16: ("int_val", np.int16),
    tensor_pb2.DT_INT8: ("int_val", np.int8),
    tensor_pb2.DT_UINT8: ("int_val", np.uint8),
    tensor_pb2.DT_INT64: ("int64_val", np.int64),
    tensor_pb2.DT_BOOL: ("bool_val", np.bool_),
    tensor_pb2.DT_HALF: ("half_val", np.float16),
}


def tensorboard_reads(tp: tensor_pb2.TensorProto) -> np.ndarray:
    return tb_tensor_util.make_ndarray(tb_tensor_pb2.TensorProto.FromString(tp.SerializeToString()))


@st.composite
def tensors(draw):  # type: ignore[no-untyped-def]
    dtype = draw(st.sampled_from(sorted(NUMERIC)))
    field, np_dt = NUMERIC[dtype]
    shape = draw(st.lists(st.integers(0, 4), min_size=0, max_size=3))
    size = int(np.prod(shape)) if shape else 1
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if np_dt is np.bool_:
        values = rng.integers(0, 2, size).astype(bool)
    elif np.issubdtype(np_dt, np.integer):
        info = np.iinfo(np_dt)
        lo, hi = max(info.min, -(2**40)), min(info.max, 2**40)
        values = rng.integers(lo, hi, size, endpoint=True).astype(np_dt)
    else:
        values = (rng.standard_normal(size) * 100).astype(np_dt)
    tp = tensor_pb2.TensorProto(dtype=dtype)
    for d in shape:
        tp.tensor_shape.dim.add(size=d)
    encoding = draw(st.sampled_from(["content", "typed", "one_fills"]))
    if encoding == "content":
        tp.tensor_content = values.astype(np.dtype(np_dt).newbyteorder("<")).tobytes()
    else:
        vals = values[:1] if encoding == "one_fills" and size else values
        if field == "half_val":
            getattr(tp, field).extend(vals.view(np.uint16).astype(np.int32).tolist())
        else:
            getattr(tp, field).extend(vals.tolist())
    return tp


@settings(max_examples=300, deadline=None)
@given(tensors())
def test_every_numeric_encoding_reads_like_tensorboard(tp: tensor_pb2.TensorProto) -> None:
    ours = tensor_to_numpy(tp)
    theirs = tensorboard_reads(tp)
    assert ours.shape == theirs.shape
    np.testing.assert_array_equal(ours.astype(theirs.dtype), theirs)


def test_strings_any_rank() -> None:
    tp = tensor_pb2.TensorProto(dtype=tensor_pb2.DT_STRING)
    tp.tensor_shape.dim.add(size=2)
    tp.tensor_shape.dim.add(size=2)
    tp.string_val.extend([b"a", b"b", "ç".encode(), b"\x1b[2J"])
    ours = tensor_to_numpy(tp)
    assert ours.shape == (2, 2) and ours.tolist() == tensorboard_reads(tp).tolist()


def test_bfloat16_content_and_scalars_of_any_dtype() -> None:
    bits = (np.array([1.5, -2.0, 3.25], np.float32).view(np.uint32) >> 16).astype("<u2")
    tp = tensor_pb2.TensorProto(dtype=tensor_pb2.DT_BFLOAT16, tensor_content=bits.tobytes())
    tp.tensor_shape.dim.add(size=3)
    assert tensor_to_numpy(tp).tolist() == [1.5, -2.0, 3.25]
    for dtype, field, value in [
        (tensor_pb2.DT_INT64, "int64_val", 2**40 + 1),
        (tensor_pb2.DT_INT32, "int_val", -7),
        (tensor_pb2.DT_DOUBLE, "double_val", 0.1),
    ]:
        t = tensor_pb2.TensorProto(dtype=dtype)
        getattr(t, field).append(value)
        assert decode_tensor("x", "scalars", t).data == float(value)


def test_legacy_histogram_matches_tensorboards_migration() -> None:
    from tensorboard import data_compat
    from tensorboard.compat.proto import summary_pb2 as tb_summary_pb2

    rng = np.random.default_rng(3)
    for _ in range(50):
        k = int(rng.integers(1, 40))
        counts = rng.integers(0, 3, k).astype(float)
        counts[: int(rng.integers(0, k))] = 0  # empty buckets at the front, sometimes all
        limits = np.sort(rng.standard_normal(k)) * 10
        limits[-1] = 1.7976931348623157e308
        v = summary_pb2.Summary.Value(tag="h")
        v.histo.min, v.histo.max = float(limits[0] - 1), float(limits[-2] + 1 if k > 1 else 5)
        v.histo.bucket_limit.extend(limits.tolist())
        v.histo.bucket.extend(counts.tolist())
        migrated = data_compat.migrate_value(tb_summary_pb2.Summary.Value.FromString(v.SerializeToString()))
        theirs = tb_tensor_util.make_ndarray(migrated.tensor).astype(np.float64)
        np.testing.assert_array_equal(legacy_histogram(v.histo), theirs.reshape(-1, 3))
