"""Audio: clips from torch, tensorboardX and TF files against TensorBoard's audio plugin and readers."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.model.audio import audio_player, clips_of, decode_wav, envelope, read_audio
from tui.model.logdir import Logdir
from tui.model.payloads import BlobSeries


def _tensorboards_blobs(oracle, logdir: Path, run: str, tag: str) -> list[tuple[int, bytes]]:
    o = oracle(logdir)
    seqs = o.provider.read_blob_sequences(
        o.ctx(), experiment_id="", plugin_name="audio", downsample=100, run_tag_filter=None
    )
    out = []
    for datum in seqs[run][tag]:
        out.extend((datum.step, o.provider.read_blob(o.ctx(), blob_key=v.blob_key)) for v in datum.values)
    return out


def test_writer_clips_match_tensorboard_and_the_input(written, oracle) -> None:
    if "audio" not in written.inputs:
        pytest.skip("tensorboardX needs soundfile to write audio")
    run = Logdir(str(written.logdir)).load_all().runs["."]
    (tag,) = read_audio(run)
    clips, problems = read_audio(run)[tag]
    assert tag == "audio/tone" and not problems
    theirs = _tensorboards_blobs(oracle, written.logdir, ".", tag)
    assert [(c.step, c.encoded) for c in clips] == theirs
    (clip,) = clips
    logged = written.inputs["audio"]
    assert (clip.sample_rate, clip.channels, clip.frames) == (8000, logged.shape[1], logged.shape[0])
    assert clip.duration == pytest.approx(0.5)
    # Both writers store 16-bit PCM, scaling by 32767 where WAV readers divide by 32768: the samples
    # come back to within two quantisation steps.
    np.testing.assert_allclose(clip.wav.samples, logged, atol=2.0 / 32767)
    # The legacy proto's own fields, as TensorBoard's (non-plugin) EventAccumulator reads them.
    from tensorboard.backend.event_processing import event_accumulator

    acc = event_accumulator.EventAccumulator(str(written.logdir), size_guidance={"audio": 0})
    acc.Reload()
    (ev,) = acc.Audio(tag)
    assert (ev.sample_rate, ev.length_frames, ev.step) == (clip.sample_rate, clip.frames, clip.step)


def test_tensorflow_audio_tensor_matches_tensorboard(oracle, tb_native: Path) -> None:
    run = Logdir(str(tb_native)).load_all().runs["v1_pb"]
    clips, problems = read_audio(run)["a440/audio_summary"]
    assert not problems
    assert [(c.step, c.encoded) for c in clips] == _tensorboards_blobs(
        oracle, tb_native, "v1_pb", "a440/audio_summary"
    )
    (clip,) = clips
    with wave.open(io.BytesIO(clip.encoded)) as w:
        assert (clip.sample_rate, clip.channels, clip.frames) == (
            w.getframerate(),
            w.getnchannels(),
            w.getnframes(),
        )
        ints = np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, w.getnchannels())
    np.testing.assert_allclose(clip.wav.samples, ints / 32768.0, atol=1e-6)


def _wav(frames: bytes, channels: int, rate: int, sampwidth: int) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(sampwidth)
        w.setframerate(rate)
        w.writeframes(frames)
    return buf.getvalue()


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 3),
    st.sampled_from([1, 2, 3, 4]),
    st.integers(0, 50),
    st.integers(1, 96000),
    st.randoms(use_true_random=False),
)
def test_pcm_of_every_width_decodes_as_the_stdlib_reads_it(channels, width, frames, rate, rnd) -> None:
    raw = bytes(rnd.getrandbits(8) for _ in range(frames * channels * width))
    data = _wav(raw, channels, rate, width)
    wav = decode_wav(data)
    with wave.open(io.BytesIO(data)) as w:
        assert (wav.sample_rate, wav.channels, wav.frames) == (rate, channels, w.getnframes())
    b = np.frombuffer(raw, np.uint8).reshape(frames, channels, width).astype(np.int64)
    if width == 1:
        expect = (b[..., 0] - 128) / 128.0
    else:
        ints = sum(b[..., k] << (8 * k) for k in range(width))
        ints = np.where(ints >= 1 << (8 * width - 1), ints - (1 << (8 * width)), ints)
        expect = ints / float(1 << (8 * width - 1))
    np.testing.assert_allclose(wav.samples, expect, atol=1e-6)


def test_float_wav_from_soundfile_decodes() -> None:
    sf = pytest.importorskip("soundfile")
    x = np.linspace(-1, 1, 101, dtype=np.float32)[:, None].repeat(2, 1)
    buf = io.BytesIO()
    sf.write(buf, x, 16000, format="WAV", subtype="FLOAT")
    wav = decode_wav(buf.getvalue())
    assert wav.float_data and wav.channels == 2
    np.testing.assert_array_equal(wav.samples, x)


@pytest.mark.parametrize("data", [b"", b"RIFF", b"RIFF\0\0\0\0WAVEjunk", b"not a wav at all", b"\xff" * 64])
def test_damaged_audio_is_an_error_on_the_clip(data: bytes) -> None:
    s = BlobSeries("audio")
    s.append(1, 0.0, data)
    s.append(2, 0.0, np.array([[data, b"label"]], dtype=object))
    s.append(3, 0.0, np.zeros((2, 2, 2)))
    clips, problems = clips_of("t", s)
    assert [(c.step, c.wav, bool(c.error)) for c in clips] == [(1, None, True), (2, None, True)]
    assert clips[1].label == "label"
    assert len(problems) == 1 and "step 3" in problems[0]


def test_envelope_keeps_each_columns_extremes() -> None:
    x = np.array([0, 1, -1, 0.5, 0.2, -0.3, 0.0, 0.9], np.float32)
    lo, hi = envelope(x, 4)
    assert lo[:, 0].tolist() == pytest.approx([0, -1, -0.3, 0])
    assert hi[:, 0].tolist() == pytest.approx([1, 0.5, 0.2, 0.9])
    lo, hi = envelope(np.array([[0.5, -0.5]], np.float32), 3)  # shorter than the width: repeated
    assert lo.shape == (3, 2) and (lo[:, 0] == 0.5).all() and (hi[:, 1] == -0.5).all()
    lo, _ = envelope(np.array([np.nan, 1.0, np.nan, np.nan], np.float32), 2)
    assert lo[0, 0] == 1.0 and np.isnan(lo[1, 0])
    assert envelope(np.zeros((0, 1)), 5)[0].shape == (5, 1)


def test_player_lookup_never_raises() -> None:
    cmd = audio_player()
    assert cmd is None or Path(cmd[0]).name
