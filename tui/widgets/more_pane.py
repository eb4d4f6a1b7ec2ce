"""The "Audio · Mesh · Projector" tab (key 0): the three dashboards that show one thing at a time.

TensorBoard has a dashboard each for audio clips, meshes and the embedding projector; a terminal has
one digit key left, and each of the three shows one selected item large, so they share a tab: the list on
the left holds every audio tag, mesh and embedding of the visible runs under a header that says which
it is (``audio: speech``, ``mesh: bunny``, ``projector: words``), each with the runs that have it, and
the right side draws the chosen one:

* **audio**: the clip's sample rate, length, channels and label, its waveform as a braille envelope, a
  step slider (``[``/``]``); ``enter`` plays it with the first player found on the PATH, or says none is;
* **mesh**: vertex and face counts and the bounding box, the points (and wireframe) projected in braille;
  arrows turn it, ``v`` steps through the front, side and top views;
* **projector**: the 2-D PCA of the embedding, coloured by a metadata column (``c`` picks it); arrows
  move the cursor, and the point under it is named with its nearest neighbours (cosine, as TensorBoard).

Everything that reads or decodes (WAV, mesh tensors, the projector's files, PCA) runs in a worker thread
and is cached by series version; the event loop only draws. Nothing is written into the logdir (a clip to
play goes to a temporary file).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from tui.model.audio import PLAYERS, AudioClip, audio_player, clips_of
from tui.model.mesh import VIEWS, Mesh, bounding_box, read_meshes
from tui.model.projector import (
    Embedding,
    EmbeddingRef,
    find_embeddings,
    load_embedding,
    nearest_neighbors,
    pca,
)
from tui.render.cells import wrapped_lines
from tui.render.point_cloud import render_point_cloud
from tui.render.safe_text import SafeText
from tui.render.scatter import nearest_point, render_embedding
from tui.render.ticks import format_number, format_relative
from tui.render.waveform import render_waveform
from tui.tfevents.decode import AUDIO
from tui.views.cache import LruCache
from tui.views.selection import PaneContext
from tui.widgets.lines_view import LinesView
from tui.widgets.pane import Pane
from tui.widgets.series_list import SeriesEntry, SeriesList
from tui.widgets.step_slider import StepSlider
from tui.widgets.stepped_pane import SteppedPane

__all__ = ["AudioView", "MeshView", "MorePane", "ProjectorView"]

KINDS = ("audio", "mesh", "projector")
#: Nearest neighbours listed for the projector's cursor point.
NEIGHBOURS = 10
#: Decoded clips, meshes and embeddings kept (an embedding can be tens of megabytes).
CACHE_SIZE = 16


@dataclass(frozen=True, slots=True)
class Projected:
    """A loaded embedding and its 2-D PCA (computed once, in the worker)."""

    embedding: Embedding
    coords: np.ndarray
    variance: np.ndarray


def _pane(widget: LinesView) -> MorePane | None:
    return next((a for a in widget.ancestors if isinstance(a, MorePane)), None)


class AudioView(LinesView, can_focus=True):
    """The waveform; ``enter`` plays the clip, ``c`` / ``C`` choose among the clips of one step (a
    summary with ``max_outputs`` > 1)."""

    HELP_TITLE = "Audio"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "play", "Play the clip", show=False),
        Binding("c", "next_clip(1)", "Next clip of the step"),
        Binding("C", "next_clip(-1)", "Previous clip of the step", show=False),
    ]

    def action_play(self) -> None:
        pane = _pane(self)
        if pane is not None:
            pane.play()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``c``/``C`` only where the step holds several clips (the key bar listed them for every clip)."""
        if action == "next_clip":
            pane = _pane(self)
            return pane is not None and pane.clips_at_step > 1
        return True

    def action_next_clip(self, delta: int) -> None:
        pane = _pane(self)
        if pane is not None:
            pane.next_clip(delta)


class MeshView(LinesView, can_focus=True):
    """The projected points; arrows turn the mesh, ``v`` cycles the three fixed views."""

    HELP_TITLE = "Mesh"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "turn(-15, 0)", "Turn left", show=False),
        Binding("right,l", "turn(15, 0)", "Turn right", show=False),
        Binding("up,k", "turn(0, 15)", "Tilt up", show=False),
        Binding("down,j", "turn(0, -15)", "Tilt down", show=False),
        Binding("v", "next_view", "Front / side / top view", show=False),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.yaw, self.pitch = VIEWS["front"]
        self.view_name = "front"

    def action_turn(self, yaw: float, pitch: float) -> None:
        self.yaw = (self.yaw + yaw) % 360
        self.pitch = max(-90.0, min(90.0, self.pitch + pitch))
        self.view_name = ""
        self._changed()

    def action_next_view(self) -> None:
        names = list(VIEWS)
        name = names[(names.index(self.view_name) + 1) % len(names)] if self.view_name in names else names[0]
        self.view_name = name
        self.yaw, self.pitch = VIEWS[name]
        self._changed()

    def _changed(self) -> None:
        pane = _pane(self)
        if pane is not None:
            pane.selected_changed()  # the header names the view, the key holds the angles


class ProjectorView(LinesView, can_focus=True):
    """The PCA scatter; arrows move the cursor a cell, ``c`` colours by the next metadata column."""

    HELP_TITLE = "Projector"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "move(-1, 0)", "Cursor left", show=False),
        Binding("right,l", "move(1, 0)", "Cursor right", show=False),
        Binding("up,k", "move(0, 1)", "Cursor up", show=False),
        Binding("down,j", "move(0, -1)", "Cursor down", show=False),
        Binding("c", "next_column", "Colour by the next metadata column", show=False),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.coords = np.zeros((0, 2))
        self.cursor_xy: tuple[float, float] | None = None
        self.point: int | None = None
        self.column = 0
        self.last = None  # the last ChartRender (geometry for the cursor keys)

    def reset(self, coords: np.ndarray) -> None:
        self.coords = coords
        self.cursor_xy, self.point, self.column = None, None, 0

    def action_move(self, dx: int, dy: int) -> None:
        self.draw()
        chart = self.last
        if chart is None or not len(self.coords) or chart.plot_width <= 0 or chart.plot_height <= 0:
            return
        (x0, x1), (y0, y1) = chart.x_range, chart.y_range
        sx, sy = (x1 - x0) / chart.plot_width, (y1 - y0) / chart.plot_height
        if self.cursor_xy is None:
            self.point = int(
                np.argmin(np.hypot(self.coords[:, 0] / (sx or 1), self.coords[:, 1] / (sy or 1)))
            )
            self.cursor_xy = (float(self.coords[self.point, 0]), float(self.coords[self.point, 1]))
        else:
            x = min(max(self.cursor_xy[0] + dx * sx, x0), x1)
            y = min(max(self.cursor_xy[1] + dy * sy, y0), y1)
            self.cursor_xy = (x, y)
            self.point = nearest_point(self.coords, x, y, sx, sy)
        self.redraw()
        pane = _pane(self)
        if pane is not None:
            pane.show_neighbours()

    def action_next_column(self) -> None:
        self.column += 1
        self.redraw()
        pane = _pane(self)
        if pane is not None:
            pane.show_neighbours()


class MorePane(SteppedPane):
    """Audio clips, meshes and embeddings of the visible runs, one at a time."""

    HELP_TITLE = "Audio · Mesh · Projector tab"

    DEFAULT_CSS = """
    /* A line too long for the pane ends in "…" rather than wrapping past the rows it has. */
    MorePane .more-info { height: auto; max-height: 4; text-wrap: nowrap; text-overflow: ellipsis; }
    MorePane .more-draw { height: 1fr; }
    /* A fixed 36 cells left the PCA plot 16 at 120 columns: the plot takes most of the room. */
    MorePane .more-neighbours { width: 30%; min-width: 20; max-width: 36; height: 1fr; padding: 0 0 0 1; }
    MorePane .more-empty { height: 1fr; padding: 1 2; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.selected: tuple[str, str] | None = None  # (run, list header)
        self.items: dict[str, tuple[str, str]] = {}  # list header -> (kind, name)
        self.refs: list[EmbeddingRef] = []
        self.ref_problems: list[str] = []
        #: Decoded items by (kind, run, name), each checked against the version it was read from.
        self.cache: LruCache[tuple, Any] = LruCache(CACHE_SIZE)
        self._pending: set[Hashable] = set()
        self._refs_key: tuple | None = None
        self.player: list[str] | None = audio_player()
        #: Which clip of a step the Audio view shows (modulo the step's clips; ``c`` moves it).
        self.clip = 0
        #: How many clips the shown step holds (``c``/``C`` work, and are listed, from two).
        self.clips_at_step = 0

    def compose(self) -> ComposeResult:
        with Horizontal(classes="stepped-body"):
            yield SeriesList(classes="stepped-list")
            with Vertical(classes="stepped-main"):
                yield Static("", classes="more-info")
                yield StepSlider()
                with Horizontal(classes="more-draw"):
                    yield AudioView()
                    yield MeshView()
                    yield ProjectorView()
                    yield Static("", classes="more-neighbours")
                yield Static("", classes="more-empty")

    # -- the list -------------------------------------------------------------------------------

    def watch_context(self, old: PaneContext | None, new: PaneContext | None) -> None:
        if new is None:
            return
        key = (id(new.logdir), new.generation)
        if key != self._refs_key:
            self._refs_key = key
            names, path = list(new.logdir.runs), new.logdir.path
            self._work(("refs", key), lambda: find_embeddings(path, names))
        self._relist()

    def _relist(self) -> None:
        ctx = self.context
        if ctx is None:
            return
        groups: dict[str, list[SeriesEntry]] = {}
        items: dict[str, tuple[str, str]] = {}
        for name in ctx.runs:
            run = ctx.logdir.runs.get(name)
            if run is None:
                continue
            for tag, series in run.blobs.items():
                if series.plugin == AUDIO and len(series) and ctx.tag_matches(tag):
                    header = f"audio: {tag}"
                    items[header] = ("audio", tag)
                    groups.setdefault(header, []).append(SeriesEntry.of(ctx, name, len(series)))
            meshes: dict[str, int] = {}
            for tag, series in run.blobs.items():
                if series.plugin == "mesh" and len(series):
                    md = run.metadata.get(tag)
                    mesh_name = _mesh_name(md.content) if md is not None else None
                    if mesh_name is not None and ctx.tag_matches(mesh_name):
                        meshes[mesh_name] = max(meshes.get(mesh_name, 0), len(series))
            for mesh_name, n in meshes.items():
                header = f"mesh: {mesh_name}"
                items[header] = ("mesh", mesh_name)
                groups.setdefault(header, []).append(SeriesEntry.of(ctx, name, n))
        shown = set(ctx.runs) | {"."}
        for ref in self.refs:
            if ref.run in shown and ctx.tag_matches(ref.name):
                header = f"projector: {ref.name}"
                items[header] = ("projector", ref.name)
                n = ref.tensor_shape[0] if ref.tensor_shape else 0
                groups.setdefault(header, []).append(SeriesEntry.of(ctx, ref.run, n))
        order = {k: i for i, k in enumerate(KINDS)}
        self.items = items
        lst = self.query_one(SeriesList)
        lst.set_groups(sorted(groups.items(), key=lambda kv: (order[items[kv[0]][0]], kv[0])))
        self._select(lst.selected)

    def on_series_list_selected(self, event: SeriesList.Selected) -> None:
        event.stop()
        self._select((event.run, event.tag))

    def on_series_list_activated(self, event: SeriesList.Activated) -> None:
        event.stop()
        kind = self.items.get(event.tag, ("", ""))[0]
        view = {"audio": AudioView, "mesh": MeshView, "projector": ProjectorView}.get(kind)
        if view is not None:
            self.query_one(view).focus()

    # -- workers --------------------------------------------------------------------------------

    def cached(self, key: tuple) -> Any:
        """What a worker read for ``key``: ``(kind, run, name, *source)``, the source being the
        version of the data it was read from; None when not read (or read from an older version)."""
        return self.cache.get(key[:3], key[3:])

    def _work(self, key: Hashable, fn: Callable[[], Any]) -> None:
        if key in self._pending or (
            isinstance(key, tuple) and key[0] != "refs" and self.cached(key) is not None
        ):
            return
        self._pending.add(key)
        self.run_worker(lambda: (key, fn()), name=f"more {key!r}"[:80], group="more-load", thread=True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "more-load" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        event.stop()
        if event.state == WorkerState.ERROR:
            self._pending.clear()
            self.post_message(Pane.Notice(f"could not read: {event.worker.error}"))
            return
        key, value = event.worker.result
        self._pending.discard(key)
        if isinstance(key, tuple) and key[0] == "refs":
            if key[1] != self._refs_key:
                return
            self.refs, self.ref_problems = value
            self._relist()
            return
        self.cache.put(key[:3], value, key[3:])
        self.selected_changed()

    # -- showing --------------------------------------------------------------------------------

    def _select(self, selected: tuple[str, str] | None) -> None:
        if selected != self.selected:
            self._follow = True
            self.clip = 0
        self.selected = selected
        self.selected_changed()

    def _kind(self) -> tuple[str, str] | None:
        return self.items.get(self.selected[1]) if self.selected is not None else None

    def selected_changed(self) -> None:
        """Draw the selected item, starting its worker when it is not read yet."""
        ctx, what = self.context, self._kind()
        views = {AudioView: False, MeshView: False, ProjectorView: False}
        info, empty = self.query_one(".more-info", Static), self.query_one(".more-empty", Static)
        slider = self.query_one(StepSlider)
        neighbours = self.query_one(".more-neighbours", Static)
        neighbours.display = False
        slider.display = False
        # The message and the drawing area are either-or: both shown split the height, and the
        # message, in the lower half, was cut at 80x24.
        draw = self.query_one(".more-draw")
        if ctx is None or what is None or self.selected is None:
            self._display(views)
            info.update("")
            draw.display = False
            empty.display = True
            empty.update(self._empty_message(ctx))
            return
        empty.display = False
        draw.display = True
        kind, name = what
        run_name = self.selected[0]
        if kind == "audio":
            self._show_audio(ctx, run_name, name)
            views[AudioView] = True
        elif kind == "mesh":
            self._show_mesh(ctx, run_name, name)
            views[MeshView] = True
        else:
            self._show_projector(ctx, run_name, name)
            views[ProjectorView] = True
        self._display(views)

    def _display(self, views: dict[type, bool]) -> None:
        for cls, on in views.items():
            self.query_one(cls).display = on

    def _loading(self, what: str) -> None:
        self.query_one(".more-info", Static).update(SafeText(f"Reading {what}…", style="dim"))

    # audio

    def _show_audio(self, ctx: PaneContext, run_name: str, tag: str) -> None:
        run = ctx.logdir.runs.get(run_name)
        series = run.blobs.get(tag) if run is not None else None
        if series is None:
            return
        key = ("audio", run_name, tag, id(series), series.version)
        hit = self.cached(key)
        if hit is None:
            self._loading(f"audio {tag}")
            self._work(key, lambda: clips_of(tag, series))
            return
        clips, problems = hit
        steps = sorted({c.step for c in clips})
        step = self.follow_steps(steps)
        at = [c for c in clips if c.step == step]
        clip = at[self.clip % len(at)] if at else None
        if len(at) != self.clips_at_step:
            self.clips_at_step = len(at)
            self.refresh_bindings()
        self.query_one(".more-info", Static).update(self._audio_info(run_name, tag, clip, len(at), problems))
        view = self.query_one(AudioView)
        color = ctx.color(run_name)
        view.show(
            (key, step, clip.index if clip is not None else None, color),
            lambda w, h: _waveform_lines(clip, w, h, color),
            subject=f"audio {tag} of {run_name} at step {step}",
        )

    def _audio_info(
        self, run: str, tag: str, clip: AudioClip | None, count: int, problems: list[str]
    ) -> Text:
        t = SafeText(no_wrap=True, overflow="ellipsis")
        t.append(tag, style=Style(bold=True))
        t.append(f"  {run}", style=Style(dim=True))
        if clip is not None:
            # The clip's format on a line of its own: after the tag and run it was the part cut.
            t.newline()
            if clip.wav is not None:
                ch = "mono" if clip.channels == 1 else f"{clip.channels} channels"
                length = f"{format_relative(clip.duration)} ({clip.frames:,} frames)"
                t.append(f"{clip.sample_rate:,} Hz · {length} · {ch}")
            else:
                t.append(clip.error or "", style=Style(color="yellow"))
            if count > 1:
                t.append(f" · clip {clip.index + 1} of {count}", style=Style(dim=True))
            if clip.label:
                t.newline().append(clip.label, style=Style(italic=True))
        t.newline()
        if self.player:
            t.append(f"enter plays it with {os.path.basename(self.player[0])}", style=Style(dim=True))
        else:
            names = ", ".join(p[0] for p in PLAYERS[:-1]) + f" or {PLAYERS[-1][0]}"
            t.append(f"cannot play: no {names} on the PATH", style=Style(color="yellow"))
        if problems:
            t.append(f"  {problems[0]}", style=Style(color="yellow"))
        return t

    def current_clip(self) -> AudioClip | None:
        what, ctx = self._kind(), self.context
        if what is None or what[0] != "audio" or ctx is None or self.selected is None:
            return None
        run = ctx.logdir.runs.get(self.selected[0])
        series = run.blobs.get(what[1]) if run is not None else None
        if series is None:
            return None
        hit = self.cached(("audio", self.selected[0], what[1], id(series), series.version))
        at = [c for c in hit[0] if c.step == self.step] if hit else []
        return at[self.clip % len(at)] if at else None

    def next_clip(self, delta: int) -> None:
        """Show the next (or previous) clip of the step; the choice stays as the step changes."""
        self.clip += delta
        self.selected_changed()

    def play(self) -> None:
        """Play the shown clip with the player on the PATH (in a worker: playing takes the clip's length)."""
        clip = self.current_clip()
        if clip is None:
            return
        if not self.player:
            names = ", ".join(p[0] for p in PLAYERS)
            self.post_message(Pane.Notice(f"no audio player on the PATH (looked for {names})"))
            return
        cmd = list(self.player)
        data = clip.encoded
        self.post_message(Pane.Notice(f"playing step {clip.step} with {os.path.basename(cmd[0])}"))
        self.run_worker(lambda: _play(cmd, data), name="play", group="more-play", thread=True, exclusive=True)

    # mesh

    def _show_mesh(self, ctx: PaneContext, run_name: str, name: str) -> None:
        run = ctx.logdir.runs.get(run_name)
        if run is None:
            return
        version = tuple((t, id(s), s.version) for t, s in sorted(run.blobs.items()) if s.plugin == "mesh")
        key = ("mesh", run_name, "", version)
        meshes = self.cached(key)
        if meshes is None:
            self._loading(f"meshes of {run_name}")
            self._work(key, lambda: read_meshes(run))
            return
        mesh: Mesh | None = meshes.get(name)
        if mesh is None:
            return
        step = self.follow_steps([s.step for s in mesh.steps])
        ms = mesh.at_step(step) if step is not None else None
        t = SafeText(no_wrap=True, overflow="ellipsis")
        t.append(name, style=Style(bold=True))
        t.append(f"  {run_name}", style=Style(dim=True))
        view = self.query_one(MeshView)
        if ms is not None:
            verts, faces, colors = ms.sample(0)
            lo, hi = bounding_box(verts)
            t.append(f"  {ms.vertex_count:,} vertices · {ms.face_count:,} faces")
            if ms.batch > 1:
                t.append(f" · sample 1 of {ms.batch}", style=Style(dim=True))
            for why in mesh.problems[:1]:  # under the counts it qualifies (the box holds three lines)
                t.newline().append(why, style=Style(color="yellow"))
            t.newline().append("box ")
            t.append(
                "  ".join(
                    f"{axis} {format_number(float(a), 3)}..{format_number(float(b), 3)}"
                    for axis, a, b in zip("xyz", lo, hi, strict=True)
                )
            )
            t.append(
                f"   view {view.view_name or f'yaw {view.yaw:g}° pitch {view.pitch:g}°'}"
                "  (arrows turn, v front/side/top)",
                style=Style(dim=True),
            )
            color = ctx.color(run_name)
            view.show(
                (key, name, step, view.yaw, view.pitch, color),
                lambda w, h: render_point_cloud(
                    verts, w, h, yaw=view.yaw, pitch=view.pitch, faces=faces, colors=colors, color=color
                ),
                subject=f"mesh {name} of {run_name} at step {step}",
            )
        else:
            for why in mesh.problems[:1]:
                t.newline().append(why, style=Style(color="yellow"))
        self.query_one(".more-info", Static).update(t)

    # projector

    def _show_projector(self, ctx: PaneContext, run_name: str, name: str) -> None:
        ref = next((r for r in self.refs if r.run == run_name and r.name == name), None)
        if ref is None:
            return
        key = ("projector", run_name, name, ref)
        view = self.query_one(ProjectorView)
        projected: Projected | None = self.cached(key)
        if projected is None:
            self._loading(f"embedding {name}")
            self._work(key, lambda: _project(ref))
            return
        emb = projected.embedding
        info = self.query_one(".more-info", Static)
        t = SafeText(no_wrap=True, overflow="ellipsis")
        t.append(name, style=Style(bold=True))
        t.append(f"  {run_name}", style=Style(dim=True))
        if emb.error:
            # The reason in full, wrapped in the drawing area: on the info's one line it was cut
            # at 100 columns after the embedding's name, and the area under it was blank.
            info.update(t)
            error = emb.error
            view.show((key, "error"), lambda w, h: wrapped_lines(w, h, error, Style(color="yellow")))
            return
        if view.key is None or view.key[0] != key:
            view.reset(projected.coords)
        n, d = emb.shape
        share = " + ".join(f"{v:.0%}" for v in projected.variance)
        t.append(f"  {n:,} points × {d} dims · PCA explains {share} of the variance")
        for why in emb.problems[:1]:
            t.newline().append(why, style=Style(color="yellow"))
        info.update(t)
        self.query_one(".more-neighbours").display = True
        view.show(
            (key,),
            lambda w, h: self._draw_projector(projected, w, h),
            subject=f"embedding {name} of {run_name}",
        )
        self.show_neighbours()

    def _column(self, emb: Embedding) -> str | None:
        if not emb.header:
            return None
        return emb.header[self.query_one(ProjectorView).column % len(emb.header)]

    def _draw_projector(self, projected: Projected, width: int, height: int) -> list[Text]:
        view = self.query_one(ProjectorView)
        column = self._column(projected.embedding)
        labels = projected.embedding.column(column) if column else None
        title = f"coloured by {column} (c)" if column else "no metadata"
        chart = render_embedding(projected.coords, labels, width, height, cursor=view.point, title=title)
        view.last = chart
        return chart.lines

    def show_neighbours(self) -> None:
        what = self._kind()
        if what is None or what[0] != "projector" or self.selected is None:
            return
        ref = next((r for r in self.refs if r.run == self.selected[0] and r.name == what[1]), None)
        projected = self.cached(("projector", self.selected[0], what[1], ref))
        box = self.query_one(".more-neighbours", Static)
        view = self.query_one(ProjectorView)
        if projected is None or projected.embedding.tensor is None:
            return
        emb = projected.embedding
        column = self._column(emb)
        names = emb.column(column) if column else [str(i) for i in range(emb.shape[0])]
        if view.point is None:
            hint = "arrows: move the\ncursor to a point\nto see its nearest\nneighbours here"
            box.update(Text(hint, style=Style(dim=True), no_wrap=True, overflow="ellipsis"))
            return
        t = SafeText(no_wrap=True, overflow="ellipsis")
        i = view.point
        t.append(f"#{i} {names[i]}", style=Style(bold=True)).newline()
        for label in emb.header:
            t.append(f"  {label}: {emb.column(label)[i]}", style=Style(dim=True)).newline()
        t.append("nearest (cosine distance)", style=Style(underline=True)).newline()
        idx, dist = nearest_neighbors(emb.tensor, i, NEIGHBOURS)
        for k, dd in zip(idx.tolist(), dist.tolist(), strict=True):
            t.append(f"{dd:.3f}  ", style=Style(dim=True))
            t.append(f"#{k} {names[k]}").newline()
        box.update(t)

    def _empty_message(self, ctx: PaneContext | None) -> Text:
        t = SafeText()
        if ctx is not None and not ctx.runs and ctx.logdir.runs:  # every run hidden: say so
            first, *rest = ctx.why_empty("audio, meshes or embeddings").split("\n")
            t.append(first, style=Style(bold=True))
            for line in rest:  # SafeText shows a "\n" inside an append as "↵"
                t.newline().append(line)
            return t
        n = len(ctx.runs) if ctx is not None else 0
        t.append(f"No audio, meshes or embeddings in the {n} visible runs.", style=Style(bold=True))
        t.newline().newline().append(
            "They come from add_audio, add_mesh and add_embedding (torch, tensorboardX), TensorFlow's "
            "audio summaries, and projector_config.pbtxt files beside the event files."
        )
        for why in self.ref_problems[:3]:
            t.newline().append(why, style=Style(color="yellow"))
        return t

    def step_changed(self) -> None:
        self.selected_changed()


def _mesh_name(content: bytes) -> str | None:
    from tui.tfevents.proto import plugins_pb2

    try:
        return plugins_pb2.MeshPluginData.FromString(content).name
    except Exception:
        return None


def _waveform_lines(clip: AudioClip | None, width: int, height: int, color: str) -> list[Text]:
    if clip is None or clip.wav is None:
        return [Text(" " * width) for _ in range(height)]
    return render_waveform(clip.wav.samples, width, height, sample_rate=clip.sample_rate, color=color)


def _project(ref: EmbeddingRef) -> Projected:
    emb = load_embedding(ref)
    if emb.tensor is None:
        return Projected(emb, np.zeros((0, 2)), np.zeros(2))
    coords, variance = pca(emb.tensor, 2)
    return Projected(emb, coords, variance)


def _play(cmd: list[str], data: bytes) -> None:
    """Write the clip to a temporary file (never the logdir), play it, remove it."""
    fd, path = tempfile.mkstemp(prefix="tbtui-", suffix=".wav")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        subprocess.run(
            [*cmd, path],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=600,
            check=False,
        )
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
