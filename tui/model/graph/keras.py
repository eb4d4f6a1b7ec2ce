"""A Keras ``model.to_json()`` config as an op graph: TensorBoard's "conceptual graph"."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from tui.model.graph.attrs import MAX_ATTR_TEXT
from tui.model.graph.opgraph import OpGraph
from tui.model.graph.scopes import TreeOrder

__all__ = ["KerasModelGraph"]


class KerasModelGraph(OpGraph):
    """A Keras ``model.to_json()`` config as a graph of layers (TensorBoard's "conceptual graph").

    Nodes are layers named ``<model>/<layer>``, nested models becoming scopes, as TensorBoard's
    ``keras_util`` names them; the op is the layer's class (``Dense``) and the attributes are the layer's
    config. Edges come from each layer's ``inbound_nodes`` (Keras 3 ``keras_history`` or the Keras 2
    list form), or from layer order in a Sequential model; an edge into a nested model goes to that
    model's input layer and an edge out of one comes from its output layer.
    """

    class_name: str = ""
    model_name: str = ""
    tree_order: TreeOrder = "graph"

    @classmethod
    def from_json(cls, text: str | bytes) -> KerasModelGraph:
        """From the JSON text the ``graph_keras_model`` plugin stores; ValueError if it is not a model."""
        try:
            config = json.loads(text)
            if not isinstance(config, dict):
                raise ValueError("a Keras model config is a JSON object")
            builder = _KerasBuilder()
            builder.walk(config, "")
            infos = builder.finish()
        except (TypeError, KeyError, AttributeError, IndexError, RecursionError) as e:
            raise ValueError(f"not a Keras model config: {e!r}") from e
        graph = cls(
            builder.names,
            builder.ops,
            [""] * len(builder.names),
            builder.inputs,
            infos.__getitem__,
            source="keras",
        )
        graph.class_name = str(config.get("class_name", ""))
        graph.model_name = str((config.get("config") or {}).get("name", ""))
        return graph


class _KerasBuilder:
    """Walks a Keras config in pre-order like TensorBoard's ``keras_util``: one node per plain layer."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.ops: list[str] = []
        self.inputs: list[list[str]] = []
        self._configs: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        self._shapes: dict[str, str] = {}
        self._model_outputs: dict[str, list[str]] = {}
        self._input_feeds: dict[str, str] = {}
        self._prev: str | None = None

    def walk(self, layer: dict[str, Any], scope: str) -> None:
        config = layer.get("config") or {}
        sublayers = config.get("layers")
        if not isinstance(sublayers, list):
            self._add_layer(layer, config, scope)
            return
        name = _join(scope, str(config.get("name", "model")))
        inbound = _inbound_names(layer)
        input_layers = _as_layer_list(config.get("input_layers"))
        output_layers = _as_layer_list(config.get("output_layers"))
        functional = bool(input_layers) and bool(output_layers)
        if inbound and functional:  # a functional model inside a functional one
            for (input_layer, *_), (source, *_) in zip(input_layers, inbound, strict=False):
                self._input_feeds[_join(name, str(input_layer))] = _join(scope, source)
        elif inbound:  # a Sequential model inside a functional one: feed its first layer
            self._prev = _join(scope, inbound[0][0])
        elif functional and self._prev is not None and input_layers:  # inside a Sequential model
            self._input_feeds[_join(name, str(input_layers[0][0]))] = self._prev
        if functional:
            self._model_outputs[name] = [_join(name, str(o[0])) for o in output_layers]
        elif sublayers and isinstance(sublayers[-1], dict):
            last = (sublayers[-1].get("config") or {}).get("name", "")
            self._model_outputs[name] = [_join(name, str(last))]
        for sub in sublayers:
            if isinstance(sub, dict):
                self.walk(sub, name)

    def _add_layer(self, layer: dict[str, Any], config: dict[str, Any], scope: str) -> None:
        name = _join(scope, str(config.get("name", layer.get("name", "layer"))))
        inputs: list[str] = []
        if layer.get("inbound_nodes") is not None:
            for source, _, index in _inbound_names(layer):
                full = _join(scope, source)
                outs = self._model_outputs.get(full, [full])
                inputs.append(outs[index] if 0 <= index < len(outs) else outs[-1])
            for owner, shape in _inbound_shapes(layer, scope):
                self._shapes.setdefault(owner, shape)
        elif self._prev is not None:
            inputs.append(self._prev)
        if name in self._input_feeds:
            inputs.append(self._input_feeds[name])
        batch_shape = config.get("batch_shape", config.get("batch_input_shape"))
        if isinstance(batch_shape, list):
            self._shapes.setdefault(name, _shape_text(batch_shape))
        dtype = config.get("dtype")
        if isinstance(dtype, dict):
            dtype = (dtype.get("config") or {}).get("name", "")
        attrs = tuple(
            (key, _json_short(value))
            for key, value in sorted(config.items())
            if key != "name" and value is not None
        )
        self.names.append(name)
        self.ops.append(str(layer.get("class_name", "")))
        self.inputs.append(inputs)
        self._configs.append((str(dtype or ""), attrs))
        self._prev = name

    def finish(self) -> list[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]]:
        """Per-node (dtype, output shapes, attrs); a layer's output shape is known from its consumers."""
        infos = []
        for name, (dtype, attrs) in zip(self.names, self._configs, strict=True):
            shape = self._shapes.get(name)
            infos.append((dtype, (shape,) if shape else (), attrs))
        return infos


def _join(scope: str, name: str) -> str:
    return f"{scope}/{name}" if scope else name


def _as_layer_list(value: Any) -> list[list[Any]]:
    """``["a", 0, 0]`` or ``[["a", 0, 0], ...]`` -> a list of ``[name, node, tensor]`` lists."""
    if not isinstance(value, list) or not value:
        return []
    return value if isinstance(value[0], list) else [value]


def _inbound_names(layer: dict[str, Any]) -> list[tuple[str, int, int]]:
    """``(layer name, node index, tensor index)`` for each input of a layer, Keras 3 or Keras 2 form."""
    found: list[tuple[str, int, int]] = []
    for node in layer.get("inbound_nodes") or []:
        if isinstance(node, dict):  # Keras 3: {"args": [keras tensor, ...], "kwargs": {...}}
            for history in _keras_histories(node.get("args", [])):
                found.append((str(history[0]), int(history[1]), int(history[2])))
        elif isinstance(node, list):  # Keras 2: [[name, node_index, tensor_index, kwargs], ...]
            for item in node:
                if isinstance(item, list) and len(item) >= 3:
                    found.append((str(item[0]), int(item[1]), int(item[2])))
    return found


def _keras_histories(args: Any) -> Iterable[list[Any]]:
    items = args if isinstance(args, list) else [args]
    for arg in items:
        if isinstance(arg, list):
            yield from _keras_histories(arg)
        elif isinstance(arg, dict):
            history = (arg.get("config") or {}).get("keras_history")
            if isinstance(history, list) and len(history) >= 3:
                yield history


def _inbound_shapes(layer: dict[str, Any], scope: str) -> Iterable[tuple[str, str]]:
    """(source layer, shape text) for each Keras 3 inbound tensor that records its shape."""
    for node in layer.get("inbound_nodes") or []:
        if not isinstance(node, dict):
            continue
        stack = list(node.get("args", []) if isinstance(node.get("args"), list) else [node.get("args")])
        while stack:
            arg = stack.pop()
            if isinstance(arg, list):
                stack.extend(arg)
            elif isinstance(arg, dict):
                cfg = arg.get("config") or {}
                history, shape = cfg.get("keras_history"), cfg.get("shape")
                if isinstance(history, list) and history and isinstance(shape, list):
                    yield _join(scope, str(history[0])), _shape_text(shape)


def _shape_text(dims: list[Any]) -> str:
    return "[" + ", ".join("?" if d is None or (isinstance(d, int) and d < 0) else str(d) for d in dims) + "]"


def _json_short(value: Any) -> str:
    """A Keras config value in one short line; nested objects show their class name."""
    if isinstance(value, dict) and "class_name" in value:
        inner = value.get("config")
        if isinstance(inner, dict) and set(inner) == {"name"}:
            return str(inner["name"])
        return str(value["class_name"])
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_ATTR_TEXT else text[: MAX_ATTR_TEXT - 1] + "…"
