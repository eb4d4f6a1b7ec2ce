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

__all__ = ["TextContent", "text_content", "text_page", "to_str"]

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


def _bounds(text: str, k: int, limit: int) -> int:
    """Where page ``k`` of ``text`` starts: at ``k * limit``, moved on to just after the next line
    break when one comes within a quarter page (so pages end at whole lines where they can).
    Each boundary is found on its own, so any page is cut out without scanning the pages before it."""
    if k <= 0:
        return 0
    start = k * limit
    if start >= len(text):
        return len(text)
    nl = text.find("\n", start, start + limit // 4)
    return nl + 1 if nl >= 0 else start


def text_page(content: TextContent, k: int, limit: int) -> tuple[TextContent, int]:
    """Page ``k`` of ``content`` (clamped to the pages there are) and how many pages it has.

    A text longer than ``limit`` characters (a 50 MB log dumped as one summary) is drawn a page at
    a time, so the work of drawing it is bounded by ``limit`` whatever its size: a document is cut
    into runs of about ``limit`` characters, at line breaks where there are some nearby; a table into
    runs of rows of about ``limit`` characters (at least one row), each cell at most ``limit``.
    """
    limit = max(1, limit)
    if content.is_single:
        text = content.single
        n = max(1, -(-len(text) // limit))
        if n == 1:
            return content, 1
        k = min(max(k, 0), n - 1)
        page = text[_bounds(text, k, limit) : _bounds(text, k + 1, limit)]
        return TextContent(markdown=page, rank=content.rank, warning=content.warning if k == 0 else ""), n
    assert content.table is not None
    pages: list[int] = [0]  # the first row of each page
    size = 0
    for r, row in enumerate(content.table):
        cost = sum(min(len(c), limit) for c in row)
        if size and size + cost > limit:
            pages.append(r)
            size = 0
        size += cost
    n = len(pages)
    k = min(max(k, 0), n - 1)
    end = pages[k + 1] if k + 1 < n else len(content.table)
    rows = tuple(tuple(c[:limit] for c in row) for row in content.table[pages[k] : end])
    if n == 1 and rows == content.table:
        return content, 1
    return TextContent(table=rows, rank=content.rank, warning=content.warning if k == 0 else ""), n
