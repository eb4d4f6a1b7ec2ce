"""Several audio clips at one step (TF's ``tf.summary.audio(max_outputs=3)``): ``c`` / ``C`` choose
the clip in the Audio · Mesh · Projector tab, its label and waveform shown (issue 15).

TF is not installed here, so the test writes what ``tf.summary.audio`` writes: the audio plugin's
metadata and a ``[k, 2]`` string tensor of (WAV bytes, label), the WAV bytes made by tensorboardX's
own ``audio`` summary; TensorBoard's audio plugin reads the same tensor shape.
"""

from __future__ import annotations

import os

import numpy as np
from tensorboardX import summary as tbx
from textual.widgets import Static, TabbedContent

from tui.app import TbtuiApp
from tui.tfevents.proto import event_pb2, tensor_pb2
from tui.tfevents.writer import EventFileWriter
from tui.widgets.key_bar import KeyBar
from tui.widgets.more_pane import AudioView, MorePane

LABELS = ("low", "mid", "high \x1b]0;pwned\x07")
RATES = (3.0, 9.0, 27.0)


def wav(period: float) -> bytes:
    """tensorboardX's WAV encoding of a 0.1 s tone at 8 kHz."""
    s = tbx.audio("a", np.sin(np.arange(800) / period).astype(np.float32), sample_rate=8000)
    return s.value[0].audio.encoded_audio_string


def write(root: str) -> None:
    with EventFileWriter(os.path.join(root, "run")) as w:
        for step in range(2):
            ev = event_pb2.Event(step=step, wall_time=1.7e9 + step)
            v = ev.summary.value.add(tag="voice/audio_summary")
            v.metadata.plugin_data.plugin_name = "audio"
            v.metadata.plugin_data.content = b"\x08\x01"  # AudioPluginData(version=0, encoding=WAV)
            v.tensor.dtype = tensor_pb2.DT_STRING
            v.tensor.tensor_shape.dim.add(size=3)
            v.tensor.tensor_shape.dim.add(size=2)
            for period, label in zip(RATES, LABELS, strict=True):
                v.tensor.string_val.extend([wav(period), label.encode()])
            w.write_event(ev)


def info(pane: MorePane) -> str:
    return str(pane.query_one(".more-info", Static).render())


async def test_c_chooses_among_the_clips_of_a_step(tmp_path, tb) -> None:
    write(str(tmp_path))
    app = TbtuiApp(str(tmp_path))
    async with app.run_test(size=(140, 44)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app) and "more" not in app.hidden_tabs, what="load")
        await pilot.press("0")
        await tb.wait_for(pilot, lambda: app.query_one(TabbedContent).active == "more", what="tab")
        pane = app.query_one(MorePane)
        await tb.wait_for(pilot, lambda: "clip 1 of 3" in info(pane), what="first clip")
        assert "low" in info(pane)
        view = pane.query_one(AudioView)
        first = view.plain()
        view.focus()
        await pilot.pause()
        assert "c Next clip" in app.query_one(KeyBar).render().plain
        await pilot.press("c")
        await tb.wait_for(pilot, lambda: "clip 2 of 3" in info(pane) and "mid" in info(pane), what="2")
        assert view.plain() != first  # another tone, another waveform
        await pilot.press("c")
        await tb.wait_for(pilot, lambda: "clip 3 of 3" in info(pane), what="third")
        assert "high \\x1b]0;pwned\\x07" in info(pane) and "\x1b" not in info(pane)  # the label, inert
        assert pane.current_clip().label == LABELS[2]
        await pilot.press("C", "C", "C")
        await tb.wait_for(pilot, lambda: "clip 3 of 3" in info(pane), what="wrapped back")


async def test_c_is_not_in_the_key_bar_when_the_step_has_one_clip(tmp_path, tb) -> None:
    """The key bar listed ``c Next clip of the step`` for every clip, where c did nothing."""
    from tensorboardX import SummaryWriter

    with SummaryWriter(str(tmp_path / "run")) as w:
        w.add_audio("voice", np.sin(np.arange(800) / 3.0).astype(np.float32), 0, sample_rate=8000)
    app = TbtuiApp(str(tmp_path))
    async with app.run_test(size=(140, 44)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app) and "more" not in app.hidden_tabs, what="load")
        await pilot.press("0")
        pane = app.query_one(MorePane)
        await tb.wait_for(pilot, lambda: "Hz" in info(pane), what="the clip")
        pane.query_one(AudioView).focus()
        await pilot.pause()
        assert "Next clip" not in app.query_one(KeyBar).render().plain
