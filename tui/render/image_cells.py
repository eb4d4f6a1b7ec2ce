"""An image on a terminal: how many cells it takes, and the pixels those cells show.

Terminal arithmetic, so it lives with the renderers and not in the model: the model decodes images, the
image widget asks here how big to draw them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = ["fit_cells", "halfcell_pixels", "resize_for"]


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
