"""Text summaries as TensorBoard's text plugin lays them out: Markdown, with tensors as tables.

A text summary is a string tensor of any shape. TensorBoard renders a rank-0 tensor as one
Markdown document, a rank-1 tensor as a one-column table and a rank-2 tensor as a table, each
cell rendered as Markdown on its own; a tensor of rank 3 or more is cut to its first 2-D slice
under a warning. This module keeps that layout as data (:class:`TextContent`) so the Text tab can
draw real tables whose cells keep their line breaks, and can also flatten it to one GitHub
Markdown string (:meth:`TextContent.to_markdown`) for plain-text consumers.

Nothing here neutralises control characters: that happens where text meets a terminal (see
tui/views/safe.py), so the data stays exactly what the writer logged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["TextContent", "text_content", "to_str"]

# TensorBoard's wording (tensorboard/plugins/text/text_plugin.py), kept so users recognise it.
_RANK_WARNING = (
    "**Warning:** This text summary contained data of dimensionality {rank}, but only 2d tables are "
    "supported. Showing a 2d slice of the data instead."
)


def to_str(value: object) -> str:
    """One tensor element as text: bytes are UTF-8 (invalid bytes replaced, never raised)."""
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


@dataclass(frozen=True, slots=True)
class TextContent:
    """One text summary value, ready to draw.

    Exactly one of ``markdown`` (a rank-0 tensor: one document) and ``table`` (rows of cells, each
    a Markdown string) is set. ``rank`` is the tensor's original rank; ``warning`` is Markdown to
    show above the table when a rank > 2 tensor was reduced to its first 2-D slice.
    """

    markdown: str | None = None
    table: tuple[tuple[str, ...], ...] | None = None
    rank: int = 0
    warning: str = ""

    @property
    def is_single(self) -> bool:
        """True for a document, or a table of one cell (what torch's and tensorboardX's
        ``add_text`` write: a [1] tensor), which reads best drawn as the document it holds."""
        return self.markdown is not None or (
            self.table is not None and len(self.table) == 1 and len(self.table[0]) == 1
        )

    @property
    def single(self) -> str:
        """The one document of a :attr:`is_single` value."""
        if self.markdown is not None:
            return self.markdown
        assert self.table is not None
        return self.table[0][0]

    def to_markdown(self) -> str:
        """The value as one GitHub-flavoured Markdown string.

        Tables get an empty header row (Markdown tables need one; TensorBoard's have none) and
        each cell is flattened to one line, since a Markdown table cell cannot hold a line break.
        """
        if self.is_single:
            body = self.single
        else:
            assert self.table is not None
            ncols = max((len(r) for r in self.table), default=0)
            lines = ["|" + " |" * ncols, "|" + "---|" * ncols]
            for row in self.table:
                cells = [_flatten_cell(c) for c in row] + [""] * (ncols - len(row))
                lines.append("| " + " | ".join(cells) + " |")
            body = "\n".join(lines)
        return f"{self.warning}\n\n{body}" if self.warning else body


def _flatten_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def text_content(value: np.ndarray | bytes | str) -> TextContent:
    """Lay out one text summary value (a string tensor as the decoder gives it: an object array
    of bytes of any shape) the way TensorBoard's text plugin does."""
    arr = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value
    rank = arr.ndim
    if rank == 0:
        return TextContent(markdown=to_str(arr.item()), rank=0)
    if arr.size == 0:
        return TextContent(markdown="", rank=rank)
    warning = ""
    if rank > 2:
        warning = _RANK_WARNING.format(rank=rank)
        arr = arr[(0,) * (rank - 2)]
    if rank == 1:
        rows = tuple((to_str(v),) for v in arr.tolist())
    else:
        rows = tuple(tuple(to_str(v) for v in row) for row in arr.tolist())
    return TextContent(table=rows, rank=rank, warning=warning)
