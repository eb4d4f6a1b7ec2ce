"""Exact-size text helpers (tui.render.cells)."""

from __future__ import annotations

from tui.render.cells import cut_at_word


def test_cut_at_word_keeps_whole_words_and_marks_the_cut():
    text = "adamw with a really long name for testing"
    assert cut_at_word(text, 24) == "adamw with a really…"
    assert cut_at_word(text, 100) == text
    assert cut_at_word("hello world", 6) == "hello…"  # the word ends at the cut: kept
    assert cut_at_word("abcdefghijk", 5) == "abcd…"  # no space in reach: cut where it must
    for width in range(1, len(text) + 1):
        cut = cut_at_word(text, width)
        assert len(cut) <= width
        assert cut == text or (cut.endswith("…") and text.startswith(cut[:-1]))
