"""Log text made inert: every control, bidi and zero-width character shown as a visible escape."""

from __future__ import annotations

import pytest

from tui.views.safe import Inert, inert


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("\x1b]52;c;ZXZpbA==\x07", "\\x1b]52;c;ZXZpbA==\\x07"),
        ("\x9b31m", "\\x9b31m"),
        ("\u202eevil", "\\u202eevil"),
        ("a\u200eb\u200fc\u061cd", "a\\u200eb\\u200fc\\u061cd"),
        ("zero\u200bwidth\u200c\u200d\ufeff", "zero\\u200bwidth\\u200c\\u200d\\ufeff"),
        ("line\u2028para\u2029", "line\\u2028para\\u2029"),
        ("tab\tnew\nline", "tab→new↵line"),
        ("实验 α-β", "实验 α-β"),
    ],
)
def test_inert_shows_every_hiding_character(raw, shown):
    assert inert(raw) == shown
    assert Inert(raw) == shown and isinstance(Inert(raw), Inert)


def test_inert_is_idempotent_and_multi_line_keeps_newlines():
    once = Inert("\x1b[31mred\n")
    assert Inert(once) is once and inert(once) == once
    assert inert("a\nb\x07", one_line=False) == "a\nb\\x07"
