"""The Audio · Mesh · Projector tab (0) on what torch and tensorboardX wrote: list, keys, cursor, playback."""

from __future__ import annotations

import numpy as np
from textual.widgets import Static, TabbedContent

from tui.app import TbtuiApp
from tui.model.mesh import bounding_box
from tui.model.projector import nearest_neighbors
from tui.render.braille import BRAILLE_BASE
from tui.widgets import more_pane
from tui.widgets.more_pane import AudioView, MeshView, MorePane, ProjectorView
from tui.widgets.series_list import SeriesList


def _info(pane: MorePane) -> str:
    return str(pane.query_one(".more-info", Static).render())


def _dots(text: str) -> int:
    return sum(1 for ch in text if BRAILLE_BASE < ord(ch) <= BRAILLE_BASE + 0xFF)


async def _open(app: TbtuiApp, pilot, tb) -> MorePane:
    await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
    pane = app.query_one(MorePane)
    await tb.wait_for(pilot, lambda: "more" not in app.hidden_tabs, what="tab in the bar")
    await pilot.press("0")
    await tb.wait_for(pilot, lambda: app.query_one(TabbedContent).active == "more", what="tab")
    return pane


async def test_list_audio_and_playback(written, tb, monkeypatch) -> None:
    played: list[tuple[list[str], bytes]] = []
    monkeypatch.setattr(more_pane, "_play", lambda cmd, data: played.append((cmd, data)))
    app = TbtuiApp(str(written.logdir))
    async with app.run_test(size=(140, 44)) as pilot:
        pane = await _open(app, pilot, tb)
        lst = pane.query_one(SeriesList)
        await tb.wait_for(pilot, lambda: any(h.startswith("projector") for h, _ in lst.groups), what="refs")
        headers = [h for h, _ in lst.groups]
        # Audio first, then meshes by name, then embeddings (named tag:step, as TensorBoard names them).
        audio = ["audio: audio/tone"] if "audio" in written.inputs else []
        embeddings = ["projector: two:00001", "projector: words:00000"]
        assert headers == [*audio, "mesh: cloud", "mesh: points", *embeddings]
        if not audio:
            return
        assert app.focused is lst and lst.selected == (".", "audio: audio/tone")
        await tb.wait_for(pilot, lambda: "Hz" in _info(pane), what="clip decoded")
        want = written.inputs["audio"]
        channels = "mono" if want.shape[1] == 1 else f"{want.shape[1]} channels"
        assert f"8,000 Hz · 0.5s ({want.shape[0]:,} frames) · {channels}" in _info(pane)
        view = pane.query_one(AudioView)
        assert view.display and _dots(view.plain()) > 100
        await pilot.press("enter")
        assert app.focused is view
        pane.player = None
        await pilot.press("enter")
        assert "no audio player on the PATH" in app.view.notice and not played
        pane.player = ["/usr/bin/aplay", "-q"]
        await pilot.press("enter")
        await tb.wait_for(pilot, lambda: bool(played), what="played")
        assert played[0][0] == ["/usr/bin/aplay", "-q"] and played[0][1][:4] == b"RIFF"
        assert "playing step 3 with aplay" in app.view.notice


async def test_mesh_counts_box_and_rotation(written, tb) -> None:
    app = TbtuiApp(str(written.logdir))
    async with app.run_test(size=(140, 44)) as pilot:
        pane = await _open(app, pilot, tb)
        lst = pane.query_one(SeriesList)
        assert lst.select(".", "mesh: cloud")
        await tb.wait_for(pilot, lambda: "vertices" in _info(pane), what="mesh read")
        verts = written.inputs["mesh"][0]
        lo, hi = bounding_box(verts[0])
        info = _info(pane)
        assert "60 vertices · 25 faces" in info and "view front" in info
        assert f"x {float(lo[0]):.3g}..{float(hi[0]):.3g}" in info
        view = pane.query_one(MeshView)
        await pilot.press("enter")
        assert app.focused is view
        front = view.plain()
        await pilot.press("right")
        assert (view.yaw, view.pitch) == (15.0, 0.0) and "yaw 15° pitch 0°" in _info(pane)
        await pilot.press("v")  # from a free angle back to the first fixed view
        assert view.view_name == "front" and view.plain() == front
        await pilot.press("v")
        assert view.view_name == "side" and view.plain() != front and "view side" in _info(pane)
        await pilot.press("up")
        assert view.pitch == 15.0


async def test_projector_pca_cursor_and_neighbours(written, tb) -> None:
    app = TbtuiApp(str(written.logdir))
    async with app.run_test(size=(140, 44)) as pilot:
        pane = await _open(app, pilot, tb)
        lst = pane.query_one(SeriesList)
        await tb.wait_for(pilot, lambda: lst.select(".", "projector: two:00001"), what="refs")
        await tb.wait_for(pilot, lambda: "points" in _info(pane), what="embedding read")
        assert "12 points × 4 dims" in _info(pane)
        view = pane.query_one(ProjectorView)
        assert "coloured by name (c)" in view.plain()
        await pilot.press("enter")
        assert app.focused is view and view.point is None
        await pilot.press("right")  # the first press puts the cursor on the point nearest the centre
        assert view.point is not None
        i = view.point
        box = str(pane.query_one(".more-neighbours", Static).render())
        emb = written.inputs["embeddings"]["two"].astype(np.float32)
        idx, _ = nearest_neighbors(emb, i, 10)
        assert box.startswith(f"#{i} n{i}") and f"#{idx[0]} n{idx[0]}" in box.split("nearest")[1]
        assert box.split("nearest")[1].index(f"#{idx[0]} ") < box.split("nearest")[1].index(f"#{idx[1]} ")
        await pilot.press("c")
        assert "coloured by kind (c)" in view.plain()
        moved = False
        for key in ("left",) * 20:
            await pilot.press(key)
            moved = moved or view.point != i
        assert moved


async def test_the_projector_has_room_at_120_columns(written, tb) -> None:
    """At 120 columns the neighbours column kept 36 cells and left the PCA plot 16 (its title cut to
    "coloured by lab…"): the plot now has most of the room, and the hint fits its narrower column."""
    app = TbtuiApp(str(written.logdir))
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _open(app, pilot, tb)
        lst = pane.query_one(SeriesList)
        await tb.wait_for(pilot, lambda: lst.select(".", "projector: two:00001"), what="refs")
        await tb.wait_for(pilot, lambda: "points" in _info(pane), what="embedding read")
        await pilot.pause()
        view, box = pane.query_one(ProjectorView), pane.query_one(".more-neighbours", Static)
        assert view.size.width >= 30 and view.size.width > box.size.width, (view.size, box.size)
        assert "coloured by name (c)" in view.plain()
        hint = str(box.render())
        assert box.content_size.width >= max(map(len, hint.splitlines())), hint


async def test_a_narrow_audio_info_cuts_each_line_with_an_ellipsis(tb) -> None:
    """At 80 columns the info wrapped into its three rows and stopped mid-line ("no audio player on the
    PATH (paplay, aplay,"), with nothing to say it was cut: each line now fits its row or ends in "…"."""
    from pathlib import Path

    corpus = Path(__file__).resolve().parents[1] / "data" / "corpus"
    app = TbtuiApp(str(corpus / "tb_native"))
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await _open(app, pilot, tb)
        await tb.wait_for(pilot, lambda: "Hz" in _info(pane), what="clip decoded")
        await pilot.pause()
        info = pane.query_one(".more-info", Static)
        region = info.content_region
        strips = app.screen._compositor.render_strips()
        shown = [
            "".join(s.text for s in strips[y].crop(region.x, region.right)).rstrip()
            for y in range(region.y, region.bottom)
        ]
        lines = _info(pane).splitlines()
        assert len(shown) == len(lines), (shown, lines)
        for full, row in zip(lines, shown, strict=True):
            assert row == full.rstrip() or (row.endswith("…") and full.startswith(row[:-1])), (row, full)
        assert any(row.startswith(("enter plays", "cannot play")) for row in shown), shown


async def test_the_empty_message_has_the_whole_pane_at_80x24(logdir, tb) -> None:
    """With no audio, mesh or embedding, the message sat in the lower half of the pane (the empty
    drawing area above it kept its share) and was cut after "...projector_config.pbtxt files beside
    the" at 80x24, with nothing to say so: it now starts at the top and shows every line."""
    app = TbtuiApp(logdir)
    async with app.run_test(size=(80, 24)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        await pilot.press("0")
        await tb.wait_for(pilot, lambda: app.query_one(TabbedContent).active == "more", what="tab")
        pane = app.query_one(MorePane)
        empty = pane.query_one(".more-empty", Static)
        await tb.wait_for(pilot, lambda: empty.display and empty.region.height > 0, what="message")
        await pilot.pause()
        strips = app.screen._compositor.render_strips()
        main = pane.query_one(".stepped-main").content_region
        shown = " ".join(
            "".join(s.text for s in strips[y].crop(main.x, main.right)).strip()
            for y in range(main.y, main.bottom)
        )
        assert "No audio, meshes or embeddings in the 3 visible runs." in shown
        assert "beside the event files." in shown, shown
        assert empty.region.y <= main.y + 1, (empty.region, main)


async def test_an_embedding_in_a_checkpoint_says_why_in_full(tmp_path, tb) -> None:
    """A Keras ``embeddings_freq`` projector entry lives in a TensorFlow checkpoint. Its explanation
    went into the one-line info and was cut at 100 columns ("embedding 'layer_with_weights-0/embed…"),
    the drawing area under it blank: the reason is now drawn there in full, wrapped."""
    from tui.tfevents.writer import EventFileWriter

    run = tmp_path / "logs" / "train"
    with EventFileWriter(str(run)) as w:
        w.add_scalar("loss", 1.0, 0, 1.7e9)
    (run / "projector_config.pbtxt").write_text(
        'embeddings {\n  tensor_name: "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"\n}\n'
        'model_checkpoint_path: "keras_embedding.ckpt-1"\n'
    )
    app = TbtuiApp(str(tmp_path / "logs"))
    async with app.run_test(size=(100, 30)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        await pilot.press("0")
        pane = app.query_one(MorePane)
        view = pane.query_one(ProjectorView)
        await tb.wait_for(
            pilot, lambda: "checkpoint" in _info(pane) or "checkpoint" in view.plain(), what="read"
        )
        await pilot.pause()
        shown = " ".join(" ".join(view.plain().split()).split())
        assert view.display and view.size.height > 3
        assert "stored in a TensorFlow checkpoint" in shown and "needs TensorFlow" in shown, shown
        assert "add_embedding" in shown, shown
