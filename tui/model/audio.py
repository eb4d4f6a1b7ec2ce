"""Audio summaries: WAV clips per step, decoded to samples, and a min/max envelope for drawing.

Writers store audio two ways. Legacy ``Summary.Audio`` values (torch's and tensorboardX's
``add_audio``, TF1's ``tf.summary.audio``) reach tbtui as the encoded bytes alone. TF2's
``tf.summary.audio`` and TensorBoard's migration store a string tensor ``[k, 2]``: ``k`` clips, each
``(encoded, label)``; the label is Markdown. Either way the bytes are a WAV file, and the WAV header
is the truth about sample rate, channels and length (the legacy proto's own fields are dropped by
TensorBoard's migration too), so :func:`decode_wav` reads it.

:func:`decode_wav` is a small RIFF reader rather than the stdlib ``wave`` module because ``wave``
refuses IEEE-float WAVs (format 3) and WAVE_FORMAT_EXTENSIBLE headers with float data, which
soundfile and scipy write; it handles integer PCM of 8 to 32 bits and float32/64. A clip that does
not decode keeps its bytes and says why, so it can still be played or saved.

:func:`envelope` cuts a clip into pixel columns and keeps each column's lowest and highest sample
per channel: the waveform as a braille chart draws it. Pure numpy; nothing here plays sound. The
player lookup (:func:`audio_player`) only says which command could.
"""

from __future__ import annotations

import shutil
import struct
from dataclasses import dataclass, field

import numpy as np

from tui.model.payloads import BlobSeries
from tui.model.run import Run
from tui.tfevents.decode import AUDIO

__all__ = [
    "PLAYERS",
    "AudioClip",
    "Wav",
    "audio_player",
    "audio_tags",
    "clips_of",
    "decode_wav",
    "envelope",
    "read_audio",
]

_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE


@dataclass(frozen=True, slots=True)
class Wav:
    """A decoded WAV: samples as float32 ``[frames, channels]`` scaled to [-1, 1]."""

    sample_rate: int
    channels: int
    bits: int
    float_data: bool
    samples: np.ndarray

    @property
    def frames(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate > 0 else 0.0


def _chunks(data: bytes) -> dict[bytes, bytes]:
    """The RIFF/WAVE sub-chunks by id (the first of each); a data chunk cut short keeps what is there."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a RIFF/WAVE file")
    out: dict[bytes, bytes] = {}
    pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos : pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        body = data[pos + 8 : pos + 8 + size]
        out.setdefault(cid, body)
        pos += 8 + size + (size & 1)
    return out


def decode_wav(data: bytes) -> Wav:
    """Decode WAV bytes; raises ValueError for anything that is not PCM or float WAV."""
    chunks = _chunks(bytes(data))
    fmt = chunks.get(b"fmt ")
    if fmt is None or len(fmt) < 16:
        raise ValueError("WAV without a fmt chunk")
    tag, channels, rate, _, block, bits = struct.unpack_from("<HHIIHH", fmt)
    if tag == _EXTENSIBLE and len(fmt) >= 26:
        tag = struct.unpack_from("<H", fmt, 24)[0]  # the sub-format GUID starts with the format tag
    if tag not in (_PCM, _FLOAT):
        raise ValueError(f"unsupported WAV encoding (format tag {tag})")
    if channels <= 0 or rate <= 0:
        raise ValueError(f"WAV with {channels} channels at {rate} Hz")
    width = (bits + 7) // 8
    if (tag == _FLOAT and width not in (4, 8)) or (tag == _PCM and not 1 <= width <= 4):
        raise ValueError(f"unsupported WAV sample size ({bits} bits)")
    block = max(block, width * channels)
    raw = chunks.get(b"data")
    if raw is None:
        raise ValueError("WAV without a data chunk")
    frames = len(raw) // block
    buf = np.frombuffer(raw[: frames * block], dtype=np.uint8).reshape(frames, block)
    buf = buf[:, : width * channels].reshape(frames, channels, width)
    if tag == _FLOAT:
        dtype = "<f4" if width == 4 else "<f8"
        samples = np.ascontiguousarray(buf).view(dtype).reshape(frames, channels).astype(np.float32)
    elif width == 1:
        samples = (buf[..., 0].astype(np.float32) - 128.0) / 128.0  # 8-bit WAV is unsigned
    else:
        # Little-endian signed integers of 2..4 bytes: widen to int32 with the sign in the top byte.
        padded = np.zeros((frames, channels, 4), dtype=np.uint8)
        padded[..., 4 - width :] = buf
        ints = padded.view("<i4").reshape(frames, channels)
        samples = (ints / np.float32(2.0**31)).astype(np.float32)
    return Wav(int(rate), int(channels), int(bits), tag == _FLOAT, samples)


@dataclass(frozen=True, slots=True)
class AudioClip:
    """One clip of one step: its bytes, label, and the decoded WAV (or why it did not decode)."""

    step: int
    wall_time: float
    index: int  # which clip of the step (a batch of k clips is k clips)
    encoded: bytes
    label: str = ""
    wav: Wav | None = None
    error: str = ""
    content_type: str = field(default="audio/wav")

    @property
    def sample_rate(self) -> int:
        return self.wav.sample_rate if self.wav else 0

    @property
    def channels(self) -> int:
        return self.wav.channels if self.wav else 0

    @property
    def frames(self) -> int:
        return self.wav.frames if self.wav else 0

    @property
    def duration(self) -> float:
        return self.wav.duration if self.wav else 0.0


def _as_text(v: object) -> str:
    if isinstance(v, bytes | bytearray):
        return bytes(v).decode("utf-8", errors="replace")
    return "" if v is None else str(v)


def _entries(item: object) -> list[tuple[bytes, str]]:
    """(encoded, label) pairs of one stored value: legacy bytes or a [k, 2] / [k] string tensor."""
    if isinstance(item, bytes | bytearray):
        return [(bytes(item), "")]
    arr = np.asarray(item, dtype=object)
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    elif arr.ndim > 2:
        raise ValueError(f"audio tensor of shape {list(arr.shape)}: expected [k, 2]")
    out = []
    for row in arr:
        enc = row[0]
        if not isinstance(enc, bytes | bytearray):
            raise ValueError("audio tensor does not hold encoded bytes")
        out.append((bytes(enc), _as_text(row[1]) if row.size > 1 else ""))
    return out


def clips_of(tag: str, series: BlobSeries) -> tuple[list[AudioClip], list[str]]:
    """Every clip of an audio BlobSeries, steps in logged order, and the problems met.

    Reads every step's payload from its event file (blocking: call it in a worker).
    """
    clips: list[AudioClip] = []
    problems: list[str] = []
    index = series.snapshot()
    for i, (step, wall) in enumerate(zip(index.steps.tolist(), index.walls.tolist(), strict=True)):
        try:
            entries = _entries(index.load(i))
        except ValueError as e:
            problems.append(f"{tag} step {step}: {e}")
            continue
        for i, (enc, label) in enumerate(entries):
            try:
                clips.append(AudioClip(step, wall, i, enc, label, decode_wav(enc)))
            except ValueError as e:
                clips.append(AudioClip(step, wall, i, enc, label, None, f"cannot decode audio: {e}"))
    return clips, problems


def audio_tags(run: Run) -> list[str]:
    return sorted(t for t, s in run.blobs.items() if s.plugin == AUDIO)


def read_audio(run: Run) -> dict[str, tuple[list[AudioClip], list[str]]]:
    """Every audio tag of ``run``: its clips and problems."""
    return {t: clips_of(t, run.blobs[t]) for t in audio_tags(run)}


def envelope(samples: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest sample of each of ``columns`` equal slices of the clip, per channel.

    Returns two float32 ``[columns, channels]`` arrays. A clip shorter than ``columns`` frames
    repeats each frame over the columns it spans, so a short clip still fills the width.
    NaN samples are ignored (a column of only NaN is NaN: a gap).
    """
    x = np.asarray(samples, dtype=np.float32)
    if x.ndim == 1:
        x = x[:, None]
    columns = max(int(columns), 0)
    frames, channels = x.shape[0], x.shape[1] if x.ndim > 1 else 1
    if columns == 0 or frames == 0:
        empty = np.full((columns, channels), np.nan, np.float32)
        return empty, empty.copy()
    # Column c covers frames [c * frames // columns, (c + 1) * frames // columns): strictly rising
    # starts when there are at least as many frames as columns, which is what reduceat needs.
    starts = (np.arange(columns, dtype=np.int64) * frames) // columns
    # fmin/fmax skip NaN without a cleaned copy of a clip that may be hundreds of megabytes;
    # an infinite sample is simply the loudest (the drawing clips it to the band).
    if frames >= columns:
        lo = np.fmin.reduceat(x, starts, axis=0)
        hi = np.fmax.reduceat(x, starts, axis=0)
    else:
        lo = hi = x[np.minimum(starts, frames - 1)]
    return lo.astype(np.float32), hi.astype(np.float32)


#: Command-line players tried in order; each takes a WAV path as its last argument.
PLAYERS: tuple[tuple[str, ...], ...] = (
    ("paplay",),
    ("aplay", "-q"),
    ("afplay",),
    ("pw-play",),
    ("ffplay", "-nodisp", "-autoexit", "-loglevel", "quiet"),
    ("play", "-q"),
)


def audio_player() -> list[str] | None:
    """The command (without the file) of the first audio player on the PATH, None if there is none."""
    for cmd in PLAYERS:
        path = shutil.which(cmd[0])
        if path:
            return [path, *cmd[1:]]
    return None
