"""Node attributes as short text: dtypes, shapes, tensors and AttrValues, decoded for one node on request.

Kept apart from the graph structure because only the detail pane (and the scope tree's shape column) asks for
them, one node at a time: a 100,000-node graph never decodes attributes it does not show.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tui.tfevents.proto import graph_pb2, tensor_pb2

__all__ = [
    "dtype_name",
    "format_attr",
    "format_bytes",
    "format_shape",
    "format_tensor",
    "node_info",
    "node_shapes",
]

# DataType enum value -> numpy-style name, in enum order (tensor.proto).
_DTYPE_NAMES: dict[int, str] = dict(enumerate([
    "invalid", "float32", "float64", "int32", "uint8", "int16", "int8", "string", "complex64", "int64",
    "bool", "qint8", "quint8", "qint32", "bfloat16", "qint16", "quint16", "uint16", "complex128",
    "float16", "resource", "variant", "uint32", "uint64",
]))  # fmt: skip
# Little-endian numpy dtypes of the types whose raw ``tensor_content`` numpy can read directly.
_NUMPY_DTYPES: dict[int, str] = {
    1: "<f4", 2: "<f8", 3: "<i4", 4: "u1", 5: "<i2", 6: "i1", 8: "<c8", 9: "<i8", 10: "?", 17: "<u2",
    18: "<c16", 19: "<f2", 22: "<u4", 23: "<u8"
}  # fmt: skip
_ITEM_SIZES: dict[int, int] = {k: np.dtype(v).itemsize for k, v in _NUMPY_DTYPES.items()} | {14: 2}
_MAX_STRING = 120
_MAX_LIST_ITEMS = 10
MAX_ATTR_TEXT = 240
_MAX_SHOWN_VALUES = 8


def dtype_name(value: int) -> str:
    """``DT_FLOAT`` (1) -> ``float32``; reference types (value + 100) get a ``_ref`` suffix."""
    if value > 100 and value - 100 in _DTYPE_NAMES:
        return _DTYPE_NAMES[value - 100] + "_ref"
    return _DTYPE_NAMES.get(value, f"dtype({value})")


def format_shape(shape: tensor_pb2.TensorShapeProto) -> str:
    """``[32, 784]``; unknown dims are ``?`` and an unknown rank is ``<unknown>``."""
    if shape.unknown_rank:
        return "<unknown>"
    return "[" + ", ".join("?" if d.size < 0 else str(d.size) for d in shape.dim) + "]"


def format_bytes(n: int) -> str:
    """A byte count in decimal units, short enough for one attribute line (``401 KB``)."""
    if n < 1000:
        return f"{n} B"
    value = float(n)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1000.0
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if value >= 100 else f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def _format_text(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(raw)} bytes>"
    if len(text) > _MAX_STRING:
        return json.dumps(text[:_MAX_STRING], ensure_ascii=False)[:-1] + f'…" ({format_bytes(len(raw))})'
    return json.dumps(text, ensure_ascii=False)


def _format_number(value: float) -> str:
    return f"{value:.6g}"


def _tensor_values(tensor: tensor_pb2.TensorProto, count: int) -> list[str] | None:
    """The values of a small tensor as short strings, or None when they cannot be had."""
    dtype = tensor.dtype
    values: list[Any]
    if tensor.tensor_content:
        np_dtype = _NUMPY_DTYPES.get(dtype)
        if np_dtype is None:
            return None
        array = np.frombuffer(tensor.tensor_content, dtype=np_dtype)
        values = array.tolist()
    elif dtype == 7:
        values = [_format_text(s) for s in tensor.string_val]
    elif dtype == 19:
        values = np.asarray(tensor.half_val, dtype=np.uint16).view(np.float16).tolist()
    else:
        field = {
            1: tensor.float_val,
            2: tensor.double_val,
            3: tensor.int_val,
            4: tensor.int_val,
            5: tensor.int_val,
            6: tensor.int_val,
            9: tensor.int64_val,
            10: tensor.bool_val,
            17: tensor.int_val,
            22: tensor.uint32_val,
            23: tensor.uint64_val,
        }.get(dtype)
        if field is None:
            return None
        values = list(field)
    if not values:
        return [] if count == 0 else None
    # A typed field holding exactly one element fills the whole shape.
    if len(values) == 1 and count > 1:
        values = values * count
    out = []
    for v in values[:count]:
        if isinstance(v, bool):
            out.append("true" if v else "false")
        elif isinstance(v, float):
            out.append(_format_number(v))
        else:
            out.append(str(v))
    return out


def format_tensor(tensor: tensor_pb2.TensorProto) -> str:
    """``tensor float32 [784, 128] (401 KB)``; small tensors show their values instead of a size."""
    dims = [d.size for d in tensor.tensor_shape.dim]
    shape = format_shape(tensor.tensor_shape)
    head = f"tensor {dtype_name(tensor.dtype)} {shape}"
    count = math.prod(dims) if all(d >= 0 for d in dims) else -1
    if 0 <= count <= _MAX_SHOWN_VALUES:
        values = _tensor_values(tensor, count)
        if values is not None:
            text = values[0] if not dims and values else "[" + ", ".join(values) + "]"
            return f"{head} = {text}"
    if tensor.tensor_content:
        nbytes = len(tensor.tensor_content)
    elif tensor.dtype == 7:
        nbytes = sum(len(s) for s in tensor.string_val)
    elif count >= 0 and tensor.dtype in _ITEM_SIZES:
        nbytes = count * _ITEM_SIZES[tensor.dtype]
    else:
        nbytes = tensor.ByteSize()
    return f"{head} ({format_bytes(nbytes)})"


def _format_list(items: Sequence[Any], fmt: Callable[[Any], str]) -> str:
    shown = [fmt(x) for x in items[:_MAX_LIST_ITEMS]]
    if len(items) > _MAX_LIST_ITEMS:
        shown.append(f"… ({len(items)} items)")
    return "[" + ", ".join(shown) + "]"


def _format_bool(b: bool) -> str:
    return "true" if b else "false"


#: How each kind of AttrValue reads, by its oneof field (a list's items read the same way, and its
#: fields are tried in this order: a ListValue holds one kind).
_ATTR_FORMATS: dict[str, Callable[[Any], str]] = {
    "s": _format_text,
    "i": str,
    "f": _format_number,
    "b": _format_bool,
    "type": dtype_name,
    "shape": format_shape,
    "tensor": format_tensor,
    "func": lambda f: f"func {f.name}",
    "placeholder": lambda p: f"${p}",
}


def format_attr(value: graph_pb2.AttrValue) -> str:
    """A one-line human form of an AttrValue; large values are elided with their size."""
    which = value.WhichOneof("value")
    if which == "list":
        lst = value.list
        kind = next((k for k in _ATTR_FORMATS if k != "placeholder" and getattr(lst, k)), None)
        text = _format_list(getattr(lst, kind), _ATTR_FORMATS[kind]) if kind else "[]"
    elif which in _ATTR_FORMATS:
        text = _ATTR_FORMATS[which](getattr(value, which))
    else:
        text = ""
    if len(text) > MAX_ATTR_TEXT:
        text = text[: MAX_ATTR_TEXT - 1] + "…"
    return text


def node_info(node: graph_pb2.NodeDef) -> tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(dtype, output shapes, attributes) of a NodeDef, decoded now."""
    attr = node.attr
    dtype = ""
    for key in ("dtype", "T"):
        if key in attr and attr[key].WhichOneof("value") == "type":
            dtype = dtype_name(attr[key].type)
            break
    shapes = node_shapes(node)
    attrs = tuple((key, format_attr(attr[key])) for key in sorted(attr) if key != "_output_shapes")
    return dtype, shapes, attrs


def node_shapes(node: graph_pb2.NodeDef) -> tuple[str, ...]:
    """Just the ``_output_shapes`` of a NodeDef: what a tree row shows, without the other attributes."""
    if "_output_shapes" not in node.attr:
        return ()
    return tuple(format_shape(s) for s in node.attr["_output_shapes"].list.shape)
