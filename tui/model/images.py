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
    "fit_cells",
    "halfcell_pixels",
    "pillow_available",
    "resize_for",
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


def fit_cells(
    px_w: int, px_h: int, max_cols: int, max_rows: int, cell_w: int = 10, cell_h: int = 20
) -> tuple[int, int]:
    """The largest (columns, rows) box of cells that holds a ``px_w`` x ``px_h`` image at its
    aspect ratio within ``max_cols`` x ``max_rows``.

    Small images are enlarged to fit too: an 8 x 8 sample is unreadable at one pixel per cell.
    At least one cell each way whenever there is room and an image.
    """
    if px_w <= 0 or px_h <= 0 or max_cols <= 0 or max_rows <= 0 or cell_w <= 0 or cell_h <= 0:
        return (0, 0)
    # Screen size of the image, in pixels, at scale 1; then the scale that fits both ways.
    scale = min(max_cols * cell_w / px_w, max_rows * cell_h / px_h)
    cols = max(1, min(max_cols, round(px_w * scale / cell_w)))
    rows = max(1, min(max_rows, round(px_h * scale / cell_h)))
    return (cols, rows)


def halfcell_pixels(cols: int, rows: int) -> tuple[int, int]:
    """Pixels a half-block drawing of ``cols`` x ``rows`` cells shows: one across, two down a cell."""
    return (cols, rows * 2)


def resize_for(image: PILImage, width: int, height: int) -> PILImage:
    """``image`` at exactly ``width`` x ``height`` pixels: nearest-neighbour when enlarging (small
    samples stay crisp blocks instead of blurring), a box filter when shrinking (every source pixel
    counts, so thin lines do not vanish)."""
    from PIL import Image

    if (width, height) == image.size or width <= 0 or height <= 0:
        return image
    enlarging = width >= image.width and height >= image.height
    return image.resize((width, height), Image.Resampling.NEAREST if enlarging else Image.Resampling.BOX)
