"""Node attributes as short text: dtypes, shapes, tensors and AttrValues, decoded for one node on request.

Kept apart from the graph structure because only the detail pane (and the scope tree's shape column) asks for
them, one node at a time: a 100,000-node graph never decodes attributes it does not show.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from typing import Any

from tui.tfevents.decode import NUMPY_DTYPES, dtype_name, tensor_to_numpy
from tui.tfevents.proto import graph_pb2, tensor_pb2

__all__ = [
    "format_attr",
    "format_bytes",
    "format_shape",
    "format_tensor",
    "node_info",
    "node_shapes",
]

_MAX_STRING = 120
_MAX_LIST_ITEMS = 10
MAX_ATTR_TEXT = 240
_MAX_SHOWN_VALUES = 8


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
    """The ``count`` values of a small tensor as short strings (read by the events' own decoder,
    :func:`~tui.tfevents.decode.tensor_to_numpy`, as ``tf.make_ndarray`` reads them), or None when
    they cannot be had (a type the decoder does not read)."""
    values = tensor_to_numpy(tensor).ravel().tolist()
    if len(values) != count:
        return None
    out = []
    for v in values:
        if isinstance(v, bytes):
            out.append(_format_text(v))
        elif isinstance(v, bool):
            out.append(_format_bool(v))
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
    elif count >= 0 and tensor.dtype in NUMPY_DTYPES:
        nbytes = count * NUMPY_DTYPES[tensor.dtype].itemsize
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
