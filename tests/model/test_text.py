"""Text summaries laid out as TensorBoard's text plugin does, on the corpus and on made-up tensors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.model.logdir import Logdir
from tui.model.text import TextContent, text_content, text_page, to_str

CORPUS = Path(__file__).parent.parent / "data" / "corpus"


@pytest.fixture(scope="module")
def corpus() -> dict[str, Logdir]:
    return {d: Logdir(str(CORPUS / d)).load_all() for d in ("torch_mnist_like", "tbx", "tf2", "edge_cases")}


def last_text(ld: Logdir, run: str, tag: str) -> TextContent:
    series = ld.runs[run].blobs[tag]
    assert series.plugin == "text"
    return text_content(series.items[-1])


def test_torch_add_text_is_a_one_cell_table_drawn_as_its_document(corpus: dict[str, Logdir]) -> None:
    c = last_text(corpus["torch_mnist_like"], "runs/lr_0.1", "config/text_summary")
    assert c.rank == 1
    assert c.table == (("model: **MLP**  \nlr: `0.1`  \nseed: 1",),)
    assert c.is_single
    assert c.to_markdown() == "model: **MLP**  \nlr: `0.1`  \nseed: 1"


def test_torch_markdown_table_inside_the_text(corpus: dict[str, Logdir]) -> None:
    c = last_text(corpus["torch_mnist_like"], "runs/lr_0.01", "notes/description/text_summary")
    assert c.to_markdown() == "Synthetic MNIST-like data. Table:\n\n| a | b |\n|---|---|\n| 1 | 2 |"


def test_tensorboardx_text(corpus: dict[str, Logdir]) -> None:
    c = last_text(corpus["tbx"], "exp/adam_lr1e-2", "run_info/text_summary")
    assert c.is_single
    assert c.single == "optimizer **adam**, lr=0.01, tensorboardX 2.6.5"


def test_tf2_scalar_string_is_one_document(corpus: dict[str, Logdir]) -> None:
    c = last_text(corpus["tf2"], "custom_loop", "config")
    assert c.rank == 0
    assert c.table is None
    assert c.markdown == "## custom loop\n* optimizer: SGD\n* schedule: ExponentialDecay(0.05, 50, 0.7)"


def test_cyrillic_tag_and_unicode_text(corpus: dict[str, Logdir]) -> None:
    ld = corpus["edge_cases"]
    c = last_text(ld, "g_unicode_tags/实验 α-β (run #1)", "текст/заметка/text_summary")
    assert c.single == "Unicode text: 日本語, עברית, ελληνικά, 🙂"


def test_rank1_is_a_one_column_table() -> None:
    c = text_content(np.array([b"a", b"**b**", b"c|d"], dtype=object))
    assert c.table == (("a",), ("**b**",), ("c|d",))
    assert not c.is_single
    assert c.to_markdown() == "| |\n|---|\n| a |\n| **b** |\n| c\\|d |"


def test_rank2_table_cells_flatten_line_breaks_in_markdown_only() -> None:
    arr = np.array([[b"x", b"two\nlines"], [b"1", b"2"]], dtype=object)
    c = text_content(arr)
    assert c.table == (("x", "two\nlines"), ("1", "2"))
    assert c.to_markdown() == "| | |\n|---|---|\n| x | two lines |\n| 1 | 2 |"


def test_rank3_shows_the_first_2d_slice_under_tensorboards_warning() -> None:
    arr = np.array([[[b"a", b"b"]], [[b"c", b"d"]]], dtype=object)  # shape (2, 1, 2)
    c = text_content(arr)
    assert c.rank == 3
    assert c.table == (("a", "b"),)
    assert c.warning.startswith("**Warning:** This text summary contained data of dimensionality 3")
    assert c.to_markdown().endswith("\n\n| | |\n|---|---|\n| a | b |")


def test_empty_tensor_and_invalid_utf8() -> None:
    assert text_content(np.empty(0, dtype=object)) == TextContent(markdown="", rank=1)
    assert to_str(b"ok \xff") == "ok \ufffd"
    assert text_content(np.array(b"plain", dtype=object)).markdown == "plain"


def test_control_characters_are_kept_as_data() -> None:
    # The model keeps what was logged; the widgets make it inert (see tests/widgets/test_text_pane.py).
    c = text_content(np.array([b"\x1b[31mred"], dtype=object))
    assert c.single == "\x1b[31mred"


# -- pages of a long text (issue 11 #5) -------------------------------------------------------------


@given(st.text(alphabet="ab \n", max_size=400), st.integers(1, 60))
def test_pages_of_a_document_cover_it_exactly_in_bounded_pieces(text: str, limit: int) -> None:
    content = TextContent(markdown=text)
    first, n = text_page(content, 0, limit)
    pages = [text_page(content, k, limit)[0].single for k in range(n)]
    assert "".join(pages) == text
    assert all(len(p) <= limit + limit // 4 for p in pages)
    assert text_page(content, n + 5, limit)[0].single == pages[-1]  # clamped to the last page
    if len(text) <= limit:
        assert n == 1 and first is content


def test_pages_of_a_table_hold_whole_rows_with_cells_cut() -> None:
    rows = (*((f"r{k}", "x" * 30) for k in range(10)), ("big", "y" * 500))
    content = TextContent(table=rows, rank=2, warning="w")
    first, n = text_page(content, 0, 100)
    assert first.warning == "w" and first.table == rows[:3]
    pages = [text_page(content, k, 100)[0] for k in range(n)]
    assert [r for p in pages for r in p.table or ()][:10] == list(rows[:10])
    assert pages[-1].table == (("big", "y" * 100),) and pages[-1].warning == ""
