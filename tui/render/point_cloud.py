"""A mesh or point cloud as braille dots, seen from a yaw/pitch angle, optionally with its wireframe.

Vertices go through :func:`tui.model.mesh.project` (centred, scaled by the bounding box diagonal, so
turning never rescales) onto a square of braille pixels: a braille dot is about as wide as it is
tall on a usual 1:2 terminal cell, so the cloud keeps its proportions. Faces are drawn as their
edges (each shared edge once) in the faint axis style behind the points.

A braille cell has one colour, so where a mesh has vertex colours each cell takes the colour of its
nearest vertex (the largest depth), quantised to 4 levels a channel (64 styles at most); otherwise
every point has the run's colour. Exactly ``width`` x ``height`` cells.
"""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text

from tui.model.mesh import project
from tui.render.braille import BrailleCanvas
from tui.render.chart import ChartTheme, color_for

__all__ = ["MAX_EDGES", "render_point_cloud"]

#: Wireframes beyond this many distinct edges are skipped (a dense mesh is a solid blob anyway).
MAX_EDGES = 200_000
_LEVELS = 4


def _edges(faces: np.ndarray, n_vertices: int) -> np.ndarray:
    """Distinct undirected edges ``[E, 2]`` of triangle faces (indices outside the mesh dropped)."""
    f = np.asarray(faces, dtype=np.int64).reshape(-1, 3)
    f = f[((f >= 0) & (f < n_vertices)).all(axis=1)]
    e = np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]])
    e.sort(axis=1)
    e = e[e[:, 0] != e[:, 1]]
    return np.unique(e, axis=0) if e.size else e.reshape(0, 2)


def render_point_cloud(
    vertices: np.ndarray,
    width: int,
    height: int,
    *,
    yaw: float = 0.0,
    pitch: float = 0.0,
    faces: np.ndarray | None = None,
    colors: np.ndarray | None = None,
    color: str | None = None,
    theme: ChartTheme | None = None,
) -> list[Text]:
    """``vertices`` ([N, 3]) seen from (``yaw``, ``pitch``) degrees, in ``height`` lines of ``width``."""
    theme = theme or ChartTheme()
    canvas = BrailleCanvas(width, height)
    v = np.asarray(vertices, dtype=np.float64).reshape(-1, 3)
    wp, hp = canvas.pixel_width, canvas.pixel_height
    if v.shape[0] == 0 or wp == 0 or hp == 0:
        return canvas.rows([])
    xy, depth = project(v, yaw, pitch)
    side = min(wp, hp) - 1
    px = (wp - 1) / 2 + xy[:, 0] * side
    py = (hp - 1) / 2 - xy[:, 1] * side
    edge_layer, point_layer = 0, 1
    styles: list[Style] = [Style.parse(theme.axis), Style.parse(color or color_for(0))]
    if faces is not None and np.size(faces):
        e = _edges(faces, v.shape[0])
        if 0 < e.shape[0] <= MAX_EDGES:
            nan = np.full(e.shape[0], np.nan)
            bx = np.stack([px[e[:, 0]], px[e[:, 1]], nan], axis=1).reshape(-1)
            by = np.stack([py[e[:, 0]], py[e[:, 1]], nan], axis=1).reshape(-1)
            canvas.plot_line(bx, by, edge_layer, priority=0)
    canvas.plot_points(px, py, point_layer, priority=1)
    c = None if colors is None else np.asarray(colors)
    if c is not None and c.shape[:1] == (v.shape[0],) and c.ndim == 2 and c.shape[1] >= 3:
        _colour_cells(canvas, px, py, depth, c[:, :3], point_layer, styles)
    return canvas.rows(styles)


def _colour_cells(
    canvas: BrailleCanvas,
    px: np.ndarray,
    py: np.ndarray,
    depth: np.ndarray,
    rgb: np.ndarray,
    point_layer: int,
    styles: list[Style],
) -> None:
    """Give each cell the point layer owns the quantised colour of its nearest vertex."""
    ok = np.isfinite(px) & np.isfinite(py) & np.isfinite(depth)
    # Rounded as the canvas rounds a dot (half up), so each vertex lands in the cell of its dot.
    ix = np.floor(np.where(ok, px, -1.0) + 0.5).astype(np.int64)
    iy = np.floor(np.where(ok, py, -1.0) + 0.5).astype(np.int64)
    ok &= (ix >= 0) & (ix < canvas.pixel_width) & (iy >= 0) & (iy < canvas.pixel_height)
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return
    cell = (iy[idx] >> 2) * canvas.width + (ix[idx] >> 1)
    # Nearest vertex per cell: sort by (cell, -depth) and keep the first of each cell.
    order = np.lexsort((-depth[idx], cell))
    cell, idx = cell[order], idx[order]
    first = np.concatenate([[True], cell[1:] != cell[:-1]])
    cell, idx = cell[first], idx[first]
    q = np.clip(np.asarray(rgb[idx], dtype=np.float64), 0, 255).astype(np.int64) * _LEVELS // 256
    code = (q[:, 0] * _LEVELS + q[:, 1]) * _LEVELS + q[:, 2]
    uniq, inv = np.unique(code, return_inverse=True)
    base = len(styles)
    for k in uniq.tolist():
        r, g, b = (((k // _LEVELS**p) % _LEVELS) * 255 // (_LEVELS - 1) for p in (2, 1, 0))
        styles.append(Style(color=f"#{r:02x}{g:02x}{b:02x}"))
    layers = canvas.layers.reshape(-1)
    owned = layers[cell] == point_layer
    layers[cell[owned]] = base + inv.reshape(-1)[owned]
