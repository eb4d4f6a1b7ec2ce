"""Image summaries: decoding with Pillow (an optional extra).

Pillow is imported lazily and only here, so a tbtui installed without the ``images`` extra
still loads every logdir; :func:`pillow_available` says whether decoding can work. Fitting a
decoded image to terminal cells is tui/render/image_cells.

An image in a log can be anything: a 1 MB PNG that claims 20000 x 20000 pixels (Pillow refuses it as
a decompression bomb), or a run of 8000 x 8000 samples that would take 192 MB each once decoded. So
:func:`decode` is total (every failure is a reason, never an exception), refuses more than
:data:`MAX_PIXELS`, and keeps only a copy downscaled to what a pane can show (``max_side``: JPEGs are
decoded straight at the smaller size with Pillow's ``draft``, others reduced right after decoding),
and :class:`DecodeCache` bounds the decoded copies by bytes, not by count.

An animated GIF (tensorboardX's ``add_video``, or any image summary whose bytes are a GIF) is
decoded one frame at a time: ``decode(..., frame=i)`` seeks to frame ``i`` (modulo the frame count)
and says how many frames there are, each frame under the same size guard; frames are cached alone.
"""

from __future__ import annotations

import importlib.util
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = [
    "CACHE",
    "DEFAULT_MAX_SIDE",
    "MAX_PIXELS",
    "DecodeCache",
    "DecodedImage",
    "decode",
    "decode_bucket",
    "peek_size",
    "pillow_available",
]

INSTALL_HINT = "pip install 'tbtui[images]'"

#: Largest image decoded at all (pixels, after a JPEG's draft reduction): 8192 x 8192, 192 MB as RGB
#: for the moment it takes to reduce it. Pillow's own guard warns at 89 M and refuses at 179 M.
MAX_PIXELS = 8192 * 8192
#: Longest side kept after decoding, unless a caller asks for more: no terminal pane shows more.
DEFAULT_MAX_SIDE = 1024
#: Longest side any caller may ask for (a full-screen Kitty image on a 4K display).
MAX_SIDE = 4096


def pillow_available() -> bool:
    """Whether Pillow can be imported (without importing it)."""
    return importlib.util.find_spec("PIL") is not None


@dataclass(frozen=True, slots=True)
class DecodedImage:
    """A decoded image in RGB (transparency flattened on black, as TensorBoard's dark cards show
    it), or the reason it could not be decoded. ``source_size`` is the encoded image's own size;
    ``image`` may be smaller (downscaled to what a pane can show)."""

    image: PILImage | None
    error: str = ""
    format: str = ""
    source_size: tuple[int, int] = (0, 0)
    #: Frames of an animation (a GIF), and which one this is; 1 and 0 for a still image.
    frames: int = 1
    frame: int = 0

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size if self.image is not None else (0, 0)

    @property
    def nbytes(self) -> int:
        """Memory the decoded pixels take (RGB: 3 bytes a pixel)."""
        w, h = self.size
        return 3 * w * h


def peek_size(encoded: bytes) -> tuple[int, int]:
    """The pixel size an encoded image's header claims, without decoding it (tens of microseconds);
    (0, 0) when it cannot be read. The summary's own width and height may be anything."""
    if not pillow_available():
        return (0, 0)
    try:
        from PIL import Image

        with Image.open(io.BytesIO(encoded)) as im:
            return im.size
    except Exception:  # a bomb, garbage, a broken Pillow: the decode will say which
        return (0, 0)


def decode_bucket(px_w: int, px_h: int) -> int:
    """The ``max_side`` to decode at for a box of ``px_w`` x ``px_h`` screen pixels: the next power
    of two (so a slightly resized pane reuses its decodes), at least :data:`DEFAULT_MAX_SIDE` (small
    images are never reduced) and at most :data:`MAX_SIDE`."""
    side = max(px_w, px_h, 1)
    return min(MAX_SIDE, max(DEFAULT_MAX_SIDE, 1 << (side - 1).bit_length()))


#: Frames of one animation stepped through at most (counting them reads every frame's header).
MAX_FRAMES = 10_000


def decode(encoded: bytes, max_side: int = DEFAULT_MAX_SIDE, frame: int = 0) -> DecodedImage:
    """Decode PNG/JPEG/GIF... bytes to RGB, no side longer than ``max_side``; of an animation, frame
    ``frame`` (modulo the frame count). Never raises: a damaged, unknown or oversized image gives
    its reason (Pillow's decompression-bomb guard too)."""
    if not pillow_available():
        return DecodedImage(None, f"Pillow is not installed: {INSTALL_HINT}")
    try:
        from PIL import Image
    except Exception as e:  # a broken Pillow install must not stop the app
        return DecodedImage(None, f"cannot load Pillow: {e}")
    try:
        return _decode(Image, encoded, max(1, max_side), frame)
    except Image.DecompressionBombError as e:
        return DecodedImage(None, f"image too large to decode safely ({e})")
    except MemoryError:
        return DecodedImage(None, "image too large to decode: out of memory")
    except Exception as e:  # anything a malformed file makes Pillow raise
        return DecodedImage(None, f"cannot decode image: {type(e).__name__}: {e}")


def _decode(Image, encoded: bytes, max_side: int, frame: int = 0) -> DecodedImage:
    with Image.open(io.BytesIO(encoded)) as im:
        fmt = im.format or ""
        source = im.size
        frames = (
            min(int(getattr(im, "n_frames", 1) or 1), MAX_FRAMES) if getattr(im, "is_animated", False) else 1
        )
        frame %= frames
        if frame:
            im.seek(frame)
        if im.format == "JPEG":  # decode at 1/2, 1/4 or 1/8 scale straight away
            im.draft("RGB", (max_side, max_side))
        w, h = im.size
        if w * h > MAX_PIXELS:
            return DecodedImage(
                None,
                f"image too large to decode: {source[0]}×{source[1]} px (at most {MAX_PIXELS:,} px)",
                fmt,
                source,
            )
        im.load()
        factor = max(1, max(w, h) // max_side)
        if factor > 1:  # drop most pixels before converting (a box average: thin lines survive)
            try:
                im = im.reduce(factor)
            except (ValueError, NotImplementedError):  # a mode reduce does not take (P, 1, I;16...)
                im = im.convert("RGBA").reduce(factor)
        if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
            rgba = im.convert("RGBA")
            base = Image.new("RGBA", rgba.size, (0, 0, 0, 255))
            rgb = Image.alpha_composite(base, rgba).convert("RGB")
        else:
            rgb = im.convert("RGB")
        if max(rgb.size) > max_side:
            rgb.thumbnail((max_side, max_side), Image.Resampling.BOX)
    return DecodedImage(rgb, format=fmt, source_size=source, frames=frames, frame=frame)


class DecodeCache:
    """Decoded images by (encoded bytes, max side), least recently used dropped first, at most
    ``budget`` bytes (pixels and the encoded keys) in all: stepping back and forth decodes each
    image once, and a run of huge images cannot pile up. Thread-safe (decodes run in a worker)."""

    def __init__(self, budget: int = 64 * 1024 * 1024) -> None:
        self.budget = budget
        self._items: OrderedDict[tuple[bytes, int, int], DecodedImage] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def nbytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def get(self, encoded: bytes, max_side: int = DEFAULT_MAX_SIDE, frame: int = 0) -> DecodedImage | None:
        """The cached decode, or None (nothing is decoded here)."""
        key = (encoded, max_side, frame)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def decode(self, encoded: bytes, max_side: int = DEFAULT_MAX_SIDE, frame: int = 0) -> DecodedImage:
        """The cached decode, decoding (outside the lock) and keeping it when it is not there. A frame
        past an animation's last is kept under the frame it wrapped to (and found there next time)."""
        hit = self.get(encoded, max_side, frame)
        if hit is not None:
            return hit
        decoded = decode(encoded, max_side, frame)
        if decoded.frame != frame and (again := self.get(encoded, max_side, decoded.frame)) is not None:
            return again
        cost = self.cost(encoded, decoded)
        if cost <= self.budget:
            key = (encoded, max_side, decoded.frame)
            with self._lock:
                if key not in self._items:
                    self._items[key] = decoded
                    self._bytes += cost
                while self._bytes > self.budget and self._items:
                    (old_encoded, _, _), old = self._items.popitem(last=False)
                    self._bytes -= self.cost(old_encoded, old)
        return decoded

    @staticmethod
    def cost(encoded: bytes, decoded: DecodedImage) -> int:
        """Bytes an entry keeps alive: its pixels, and its key's encoded bytes (the run may drop them)."""
        return decoded.nbytes + len(encoded)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


#: The process's decoded images (the Images tab's and the dashboard's alike).
CACHE = DecodeCache()
