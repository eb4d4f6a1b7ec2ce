"""Image summaries: decoding with Pillow (an optional extra) and fitting them to a cell grid.

Pillow is imported lazily and only here, so a tbtui installed without the ``images`` extra
still loads every logdir; :func:`pillow_available` says whether decoding can work. The sizing
arithmetic is separate from any terminal: a terminal cell is ``cell_w`` x ``cell_h`` pixels
(textual-image measures it; 10 x 20 is the usual shape), and an image keeps its aspect ratio on
screen whatever that shape is.
"""

from __future__ import annotations

import importlib.util
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = [
    "DecodedImage",
    "decode",
    "pillow_available",
]

INSTALL_HINT = "pip install 'tbtui[images]'"


def pillow_available() -> bool:
    """Whether Pillow can be imported (without importing it)."""
    return importlib.util.find_spec("PIL") is not None


@dataclass(frozen=True, slots=True)
class DecodedImage:
    """A decoded image in RGB (transparency flattened on black, as TensorBoard's dark cards show
    it), or the reason it could not be decoded."""

    image: PILImage | None
    error: str = ""
    format: str = ""

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size if self.image is not None else (0, 0)


@lru_cache(maxsize=32)
def decode(encoded: bytes) -> DecodedImage:
    """Decode PNG/JPEG/GIF... bytes. Cached: stepping back and forth decodes each image once."""
    if not pillow_available():
        return DecodedImage(None, f"Pillow is not installed: {INSTALL_HINT}")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(encoded)) as im:
            fmt = im.format or ""
            im.load()
            if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
                rgba = im.convert("RGBA")
                base = Image.new("RGBA", rgba.size, (0, 0, 0, 255))
                rgb = Image.alpha_composite(base, rgba).convert("RGB")
            else:
                rgb = im.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError) as e:
        return DecodedImage(None, f"cannot decode image: {e}")
    return DecodedImage(rgb, format=fmt)
