"""The embedding projector's data: ``projector_config.pbtxt``, tensor and metadata files, PCA, neighbours.

``add_embedding`` (torch, tensorboardX) writes no event at all: it writes ``<step>/<tag>/tensors.tsv``
and ``metadata.tsv`` under the logdir and appends an ``embeddings { ... }`` entry to the text proto
``projector_config.pbtxt`` beside the event files. TensorBoard's projector plugin looks for that file
in every run directory and in the logdir itself (run ``.``); this module does the same
(:func:`find_embeddings`) and reads each entry as the plugin's ``/tensor`` and ``/metadata`` routes
do: paths are relative to the config's directory and must stay inside it; tensors are tab-separated
text (``_read_tensor_tsv_file``) or, when the file is not text, raw float32 of ``tensor_shape``;
metadata has a header row exactly when its first line holds a tab (more than one column).

Keras' ``embeddings_freq`` and TF1's projector keep the tensor in a TensorFlow checkpoint instead
(an entry without ``tensor_path``): reading those needs TensorFlow, so such an embedding carries a
clear message instead of data. Nothing here writes anywhere.

:func:`pca` and :func:`nearest_neighbors` are the projector's default 2-D view and its neighbour list
(cosine distance, TensorBoard's default), as numpy over the whole matrix.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from google.protobuf import text_format

from tui.tfevents.proto import plugins_pb2

__all__ = [
    "PROJECTOR_FILENAME",
    "Embedding",
    "EmbeddingRef",
    "find_embeddings",
    "load_embedding",
    "nearest_neighbors",
    "pca",
    "read_metadata_tsv",
    "read_tensor_tsv",
]

PROJECTOR_FILENAME = "projector_config.pbtxt"

#: The column name of a single-column metadata file (it has no header row to name it).
SINGLE_COLUMN = "label"


@dataclass(frozen=True, slots=True)
class EmbeddingRef:
    """One ``embeddings`` entry of a run's projector config, not yet loaded."""

    run: str
    name: str  # tensor_name (TensorBoard names path-only entries by the file's basename)
    config_path: str
    tensor_path: str = ""  # as written in the config (relative to its directory)
    metadata_path: str = ""
    tensor_shape: tuple[int, ...] = ()
    checkpoint: str = ""  # model_checkpoint_path, for entries that live in a checkpoint


@dataclass(frozen=True, slots=True)
class Embedding:
    """A loaded embedding: ``tensor`` float32 ``[N, D]`` and metadata columns, or ``error``."""

    ref: EmbeddingRef
    tensor: np.ndarray | None = None
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    error: str = ""
    problems: tuple[str, ...] = field(default=())

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.tensor.shape[0]), int(self.tensor.shape[1])) if self.tensor is not None else (0, 0)

    def column(self, name: str) -> list[str]:
        """One metadata column by header name, padded with "" to the number of points."""
        if name not in self.header:
            return [""] * self.shape[0]
        j = self.header.index(name)
        vals = [r[j] if j < len(r) else "" for r in self.rows[: self.shape[0]]]
        return vals + [""] * (self.shape[0] - len(vals))


def _read_config(path: str) -> tuple[plugins_pb2.ProjectorConfig | None, str]:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        return None, f"{path}: {e.strerror or e}"
    except UnicodeDecodeError:
        return None, f"{path}: not UTF-8 text"
    config = plugins_pb2.ProjectorConfig()
    try:
        # allow_unknown_field: sprite/bookmark options newer than our trimmed proto are not errors.
        text_format.Parse(text, config, allow_unknown_field=True)
    except text_format.ParseError as e:
        return None, f"{path}: {e}"
    return config, ""


def find_embeddings(logdir: str, runs: Iterable[str]) -> tuple[list[EmbeddingRef], list[str]]:
    """Every embedding the projector would list: the config in each run's directory and in the
    logdir itself (``.``, even when it holds no event file), and the problems met reading them."""
    names = list(dict.fromkeys([*runs, "."]))
    refs: list[EmbeddingRef] = []
    problems: list[str] = []
    for run in names:
        path = os.path.join(logdir, run, PROJECTOR_FILENAME)
        if not os.path.isfile(path):
            continue
        config, why = _read_config(path)
        if config is None:
            problems.append(why)
            continue
        for e in config.embeddings:
            name = e.tensor_name or os.path.basename(e.tensor_path)
            refs.append(
                EmbeddingRef(
                    run,
                    name,
                    path,
                    e.tensor_path,
                    e.metadata_path,
                    tuple(int(d) for d in e.tensor_shape),
                    config.model_checkpoint_path or config.model_checkpoint_dir,
                )
            )
    return refs, problems


def _resolve(rel: str, config_path: str) -> str:
    """TensorBoard's ``_rel_to_abs_asset_path``: relative to the config and never outside its folder."""
    base = os.path.realpath(os.path.dirname(os.path.expanduser(config_path)))
    cand = os.path.expanduser(rel)
    cand = os.path.realpath(cand if os.path.isabs(cand) else os.path.join(base, cand))
    try:
        inside = os.path.commonpath([base, cand]) == base
    except ValueError:
        inside = False
    if not inside:
        raise ValueError(f'asset path "{rel}" resolves outside the config directory')
    return cand


def read_tensor_tsv(path: str) -> np.ndarray:
    """A tab-separated float matrix, one row a line, blank lines skipped; float32 ``[N, D]``.

    Parsed as float64 then narrowed, which is what TensorBoard's ``float()`` per value then
    ``np.array(..., float32)`` gives, bit for bit. Raises ValueError on ragged or non-numeric rows.
    """
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")  # UnicodeDecodeError tells the caller it is a binary tensor
    lines = [ln for ln in text.split("\n") if ln]
    if not lines:
        return np.zeros((0, 0), np.float32)
    widths = {ln.count("\t") for ln in lines}
    if len(widths) != 1:
        raise ValueError("rows of the tensor file have different lengths")
    flat = np.array("\t".join(lines).split("\t"), dtype=np.float64)
    return flat.reshape(len(lines), -1).astype(np.float32)


def read_metadata_tsv(path: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """(header, rows) of a metadata file: a header row only when the first line holds a tab."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [ln.rstrip("\r") for ln in lines]
    if not lines:
        return (SINGLE_COLUMN,), ()
    if "\t" in lines[0]:
        return tuple(lines[0].split("\t")), tuple(tuple(ln.split("\t")) for ln in lines[1:])
    return (SINGLE_COLUMN,), tuple((ln,) for ln in lines)


def load_embedding(ref: EmbeddingRef) -> Embedding:
    """Read one embedding's tensor and metadata; any failure becomes ``error`` (nothing raises)."""
    if not ref.tensor_path:
        where = f" ({ref.checkpoint})" if ref.checkpoint else ""
        return Embedding(
            ref,
            error=(
                f"embedding {ref.name!r} is stored in a TensorFlow checkpoint{where}; reading checkpoints "
                "needs TensorFlow, so tbtui shows only embeddings written as tensor files "
                "(add_embedding, or a tensor_path in projector_config.pbtxt)"
            ),
        )
    try:
        path = _resolve(ref.tensor_path, ref.config_path)
        try:
            tensor = read_tensor_tsv(path)
        except UnicodeDecodeError:
            if len(ref.tensor_shape) != 2:
                raise ValueError(
                    f"binary tensor needs a 2-D tensor_shape, got {list(ref.tensor_shape)}"
                ) from None
            tensor = np.fromfile(path, dtype="<f4").reshape(ref.tensor_shape)
    except (OSError, ValueError) as e:
        why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        return Embedding(ref, error=f"cannot read the tensor of {ref.name!r}: {why}")
    if tensor.ndim != 2:
        return Embedding(ref, error=f"the tensor of {ref.name!r} is not 2-D")
    problems: list[str] = []
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    if ref.metadata_path:
        try:
            header, rows = read_metadata_tsv(_resolve(ref.metadata_path, ref.config_path))
        except (OSError, ValueError) as e:
            problems.append(f"metadata of {ref.name!r}: {e.strerror if isinstance(e, OSError) else e}")
        else:
            if len(rows) != tensor.shape[0]:
                problems.append(f"metadata of {ref.name!r} has {len(rows)} rows for {tensor.shape[0]} points")
    return Embedding(ref, tensor, header, rows, problems=tuple(problems))


def pca(x: np.ndarray, k: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """The first ``k`` principal components of the rows of ``x``: coordinates ``[N, k]`` and the share
    of the variance each explains.

    Centred, then the eigenvectors of the smaller of the covariance (``D x D``) and Gram (``N x N``)
    matrices: one BLAS product and a small symmetric eigensolve, instead of an SVD of the whole
    ``N x D`` matrix (seconds for 10k points). Each component's sign is fixed so that its largest
    loading is positive, so the picture does not flip between runs of the same data. Non-finite
    values count as 0; fewer dimensions than ``k`` leave the extra columns 0.
    """
    a = np.asarray(x, dtype=np.float64)
    if not np.isfinite(a).all():
        a = np.nan_to_num(a, nan=0.0, posinf=0.0, neginf=0.0)
    n = a.shape[0] if a.ndim == 2 else 0
    coords = np.zeros((n, k))
    ratio = np.zeros(k)
    if n == 0 or a.shape[1] == 0:
        return coords, ratio
    a = a - a.mean(axis=0)
    if a.shape[1] <= n:
        w, v = np.linalg.eigh(a.T @ a)  # ascending; v: loadings
        w, v = w[::-1], v[:, ::-1]
    else:
        w, u = np.linalg.eigh(a @ a.T)
        w, u = w[::-1], u[:, ::-1]
        s = np.sqrt(np.clip(w, 0, None))
        v = (a.T @ u) / np.where(s > 0, s, 1.0)
    w = np.clip(w, 0, None)
    m = min(k, w.size)
    keep = w[:m] > w[0] * 1e-12 if w[0] > 0 else np.zeros(m, dtype=bool)
    loadings = v[:, :m]
    signs = np.sign(loadings[np.argmax(np.abs(loadings), axis=0), np.arange(m)])
    signs[signs == 0] = 1
    coords[:, :m] = (a @ loadings) * signs * keep
    total = float(w.sum())
    if total > 0:
        ratio[:m] = np.where(keep, w[:m] / total, 0.0)
    return coords, ratio


def nearest_neighbors(x: np.ndarray, index: int, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` points nearest to point ``index`` by cosine distance (the point itself excluded):
    their indices, nearest first (ties by index), and their distances ``1 - cos``.

    A zero vector has no direction: its distance to everything is 1.
    """
    a = np.asarray(x, dtype=np.float64)
    n = a.shape[0]
    if not 0 <= index < n:
        return np.zeros(0, np.int64), np.zeros(0)
    norms = np.linalg.norm(a, axis=1)
    safe = np.where(norms > 0, norms, 1.0)
    sims = (a @ a[index]) / (safe * safe[index])
    sims = np.where((norms > 0) & (norms[index] > 0), sims, 0.0)
    dist = 1.0 - np.clip(np.nan_to_num(sims, nan=0.0), -1.0, 1.0)
    dist[index] = np.inf
    order = np.lexsort((np.arange(n), dist))[: max(min(int(k), n - 1), 0)]
    return order.astype(np.int64), dist[order]
