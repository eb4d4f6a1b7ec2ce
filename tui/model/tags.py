"""Tag ordering and grouping as TensorBoard's dashboards do it.

TensorBoard sorts tags "asciinumerically": digit runs compare as numbers (``layer10`` after
``layer2``, ``lr_0.01`` before ``lr_0.1``) and ``/`` sorts before every other character, so
``a/b`` comes before ``a+/b``. Cards are then grouped by the part of the tag before the first
``/``, groups in the order their first tag appears. This is our own implementation of that rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cmp_to_key

__all__ = ["compare_tag_names", "group_of", "group_tags", "sort_tags"]

_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?")


def compare_tag_names(a: str, b: str) -> int:
    """-1, 0 or 1: TensorBoard's order of two tag (or run) names."""
    i = j = 0
    na, nb = len(a), len(b)
    while True:
        if i == na:
            return 0 if j == nb else -1
        if j == nb:
            return 1
        ca, cb = a[i], b[j]
        if ca.isdigit() and cb.isdigit() and ca.isascii() and cb.isascii():
            ma = _NUMBER.match(a, i)
            mb = _NUMBER.match(b, j)
            assert ma is not None and mb is not None
            try:
                va, vb = float(ma.group()), float(mb.group())
            except ValueError:  # pragma: no cover - the pattern always parses
                va, vb = 0.0, 0.0
            if va != vb:
                return -1 if va < vb else 1
            i, j = ma.end(), mb.end()
            continue
        if ca == "/":
            if cb != "/":
                return -1
        elif cb == "/":
            return 1
        elif ca != cb:
            return -1 if ca < cb else 1
        i += 1
        j += 1


_KEY = cmp_to_key(compare_tag_names)


def sort_tags(tags: Iterable[str]) -> list[str]:
    """Tags in TensorBoard's order (ties, such as ``a1`` and ``a01``, broken by plain order)."""
    return sorted(sorted(set(tags)), key=_KEY)


def group_of(tag: str) -> str:
    """The group a tag belongs to: everything before the first ``/`` (the whole tag if none)."""
    return tag.split("/", 1)[0]


def group_tags(tags: Iterable[str]) -> list[tuple[str, list[str]]]:
    """``[(group, [tags...]), ...]`` in TensorBoard's order."""
    groups: dict[str, list[str]] = {}
    for tag in sort_tags(tags):
        groups.setdefault(group_of(tag), []).append(tag)
    return list(groups.items())
