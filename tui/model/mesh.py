"""Meshes and point clouds as TensorBoard's mesh plugin reads them, and a rotatable projection.

``add_mesh`` (torch, tensorboardX) and ``mesh_summary`` (TensorBoard) write one tensor tag per
component of a mesh, each with a ``MeshPluginData`` naming the mesh (``name``), the component
(VERTEX ``[B, N, 3]`` float, FACE ``[B, F, 3]`` vertex indices, COLOR ``[B, N, 3]`` 0..255), a
bitmask of the components the mesh has and the scene's JSON config. torch calls the tags
``<name>_VERTEX`` ...; tensorboardX ``<name>_1`` ...; the plugin finds them by ``name`` alone, and
so does :func:`read_meshes`. Like the plugin's ``/data`` route, components are joined by step, and
each step is a batch of ``B`` samples; faces arrive as floats from some writers and are read as
indices (int32) and colours as uint8, the dtypes the plugin serves.

:func:`project` turns vertices into 2-D screen coordinates for a yaw/pitch pair (an orthographic
turntable view, centred on the bounding box and scaled by its diagonal, so the cloud never leaves
the frame while it turns). Pure numpy.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np

from tui.model.payloads import PayloadIndex
from tui.model.run import Run
from tui.tfevents.proto import plugins_pb2

__all__ = [
    "VIEWS",
    "Mesh",
    "MeshStep",
    "bounding_box",
    "mesh_names",
    "project",
    "read_meshes",
    "rotation",
]

PLUGIN = "mesh"
_VERTEX = plugins_pb2.MeshPluginData.VERTEX
_FACE = plugins_pb2.MeshPluginData.FACE
_COLOR = plugins_pb2.MeshPluginData.COLOR
_ALL_COMPONENTS = (1 << _VERTEX) | (1 << _FACE) | (1 << _COLOR)

#: Three fixed views (yaw, pitch in degrees): looking along -z, from the +x side, from above.
VIEWS: dict[str, tuple[float, float]] = {"front": (0.0, 0.0), "side": (90.0, 0.0), "top": (0.0, 90.0)}


@dataclass(frozen=True, slots=True)
class MeshStep:
    """One step of a mesh: a batch of samples; faces and colours are None when not logged."""

    step: int
    wall_time: float
    vertices: np.ndarray  # float32 [B, N, 3]
    faces: np.ndarray | None = None  # int32 [B, F, 3]
    colors: np.ndarray | None = None  # uint8 [B, N, 3]

    @property
    def batch(self) -> int:
        return int(self.vertices.shape[0])

    @property
    def vertex_count(self) -> int:
        return int(self.vertices.shape[1])

    @property
    def face_count(self) -> int:
        return int(self.faces.shape[1]) if self.faces is not None else 0

    def sample(self, i: int = 0) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """Vertices, faces and colours of sample ``i`` (clamped into the batch)."""
        i = min(max(int(i), 0), self.batch - 1)
        f = self.faces[min(i, self.faces.shape[0] - 1)] if self.faces is not None else None
        c = self.colors[min(i, self.colors.shape[0] - 1)] if self.colors is not None else None
        return self.vertices[i], f, c


@dataclass(frozen=True, slots=True)
class Mesh:
    """A mesh tag of one run: every step it was logged at (ascending), with its metadata."""

    name: str
    #: Bitmask ``1 << VERTEX | 1 << FACE | 1 << COLOR`` as the metadata declares it; a writer that
    #: leaves it 0 (tensorboardX) gets all three, as TensorBoard's parse_plugin_metadata assumes.
    components: int
    config: dict = field(default_factory=dict)
    steps: tuple[MeshStep, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def has_faces(self) -> bool:
        """Whether any step logged faces (the bitmask can claim parts that were never written)."""
        return any(s.faces is not None for s in self.steps)

    @property
    def has_colors(self) -> bool:
        return any(s.colors is not None for s in self.steps)

    def at_step(self, step: int) -> MeshStep | None:
        """The step at or before ``step``, else the first."""
        if not self.steps:
            return None
        before = [s for s in self.steps if s.step <= step]
        return before[-1] if before else self.steps[0]


def _plugin_data(content: bytes) -> plugins_pb2.MeshPluginData | None:
    try:
        return plugins_pb2.MeshPluginData.FromString(content)
    except Exception:
        return None


def mesh_names(run: Run) -> list[str]:
    """The meshes of ``run`` by their user-facing name (not the per-component tags), sorted."""
    names = set()
    for tag, series in run.blobs.items():
        md = run.metadata.get(tag)
        if series.plugin == PLUGIN and md is not None and (pd := _plugin_data(md.content)) is not None:
            names.add(pd.name)
    return sorted(names)


def _as_batch(arr: object, what: str, dtype: type) -> np.ndarray:
    a = np.asarray(arr)
    if a.dtype.kind not in "fiub" or a.ndim not in (2, 3) or a.shape[-1] != 3:
        raise ValueError(f"{what} tensor of {a.dtype} {list(a.shape)}: expected [B, n, 3] numbers")
    if a.ndim == 2:
        a = a[None]
    if np.dtype(dtype).kind in "iu":
        a = np.nan_to_num(np.rint(a.astype(np.float64)), nan=0.0, posinf=0.0, neginf=0.0)
        info = np.iinfo(dtype)
        a = np.clip(a, info.min, info.max)
    return a.astype(dtype)


def read_meshes(run: Run) -> dict[str, Mesh]:
    """Every mesh of ``run``: components joined by step (the last logged wins at a repeated step).

    Reads the payloads of the steps kept (blocking: call it in a worker).
    """
    parts: dict[str, dict[int, dict[int, tuple[float, tuple[PayloadIndex, int]]]]] = {}
    meta: dict[str, tuple[int, dict, list[str]]] = {}
    for tag, series in run.blobs.items():
        md = run.metadata.get(tag)
        if series.plugin != PLUGIN or md is None:
            continue
        pd = _plugin_data(md.content)
        if pd is None or pd.content_type not in (_VERTEX, _FACE, _COLOR):
            continue
        by_type = parts.setdefault(pd.name, {})
        index = series.snapshot()  # payloads are read below, only for the steps kept
        for i, (step, wall) in enumerate(zip(index.steps.tolist(), index.walls.tolist(), strict=True)):
            by_type.setdefault(int(pd.content_type), {})[step] = (wall, (index, i))
        if pd.name not in meta or pd.content_type == _VERTEX:
            problems: list[str] = []
            try:
                config = json.loads(pd.json_config) if pd.json_config else {}
                config = config if isinstance(config, dict) else {}
            except ValueError:
                config, problems = {}, [f"{pd.name}: its scene config is not JSON"]
            meta[pd.name] = (int(pd.components) or _ALL_COMPONENTS, config, problems)
    out: dict[str, Mesh] = {}
    for name, by_type in sorted(parts.items()):
        components, config, problems = meta[name]
        steps: list[MeshStep] = []
        faces_at, colors_at = by_type.get(_FACE, {}), by_type.get(_COLOR, {})
        for step, (wall, (index, i)) in sorted(by_type.get(_VERTEX, {}).items()):
            try:  # a payload that cannot be read again is a PayloadUnavailable, a ValueError
                v = _as_batch(index.load(i), "vertex", np.float32)
                f = _as_batch(_load(faces_at[step][1]), "face", np.int32) if step in faces_at else None
                c = _as_batch(_load(colors_at[step][1]), "colour", np.uint8) if step in colors_at else None
                if c is not None and c.shape[1] != v.shape[1]:
                    problems.append(f"{name} step {step}: {c.shape[1]} colours for {v.shape[1]} vertices")
                    c = None
                if f is not None and f.size and (f.min() < 0 or f.max() >= v.shape[1]):
                    problems.append(f"{name} step {step}: faces index vertices that do not exist")
                    f = np.where((f >= 0) & (f < v.shape[1]), f, 0).astype(np.int32)
            except ValueError as e:
                problems.append(f"{name} step {step}: {e}")
                continue
            steps.append(MeshStep(int(step), float(wall), v, f, c))
        if not by_type.get(_VERTEX):
            problems.append(f"{name}: no vertices logged")
        out[name] = Mesh(name, components, config, tuple(steps), tuple(problems))
    return out


def _load(where: tuple[PayloadIndex, int]) -> object:
    index, i = where
    return index.load(i)


def bounding_box(vertices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(min xyz, max xyz) over the finite vertices; zeros for none."""
    v = np.asarray(vertices, dtype=np.float64).reshape(-1, 3)
    v = v[np.isfinite(v).all(axis=1)]
    if v.size == 0:
        return np.zeros(3), np.zeros(3)
    return v.min(axis=0), v.max(axis=0)


def rotation(yaw: float, pitch: float) -> np.ndarray:
    """The 3x3 rotation that turns the scene ``yaw`` degrees about y, then ``pitch`` about x."""
    a, b = math.radians(yaw), math.radians(pitch)
    ry = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])
    rx = np.array([[1, 0, 0], [0, math.cos(b), -math.sin(b)], [0, math.sin(b), math.cos(b)]])
    return rx @ ry


def project(vertices: np.ndarray, yaw: float = 0.0, pitch: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Screen coordinates of ``vertices`` ([N, 3]) seen from (yaw, pitch): ``xy`` float64 [N, 2] in
    [-0.5, 0.5] with y up, and ``depth`` [N] (larger is nearer the viewer).

    The box centre is the origin and the box diagonal is the unit, whatever the rotation, so turning
    the view never rescales it. Non-finite vertices give NaN (not drawn).
    """
    v = np.asarray(vertices, dtype=np.float64).reshape(-1, 3)
    lo, hi = bounding_box(v)
    diag = float(np.linalg.norm(hi - lo)) or 1.0
    r = (v - (lo + hi) / 2) / diag @ rotation(yaw, pitch).T
    return r[:, :2], r[:, 2]
