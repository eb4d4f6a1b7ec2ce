"""How runs are told apart on screen: a marker letter each, and names cut down to the part that differs.

Colour alone fails under NO_COLOR, on monochrome terminals and for colour-blind eyes, so every run also
gets a letter (A, B, C, ...) in the runs pane, the chart legend and the cursor readout. And a sweep's
runs share long prefixes (``sweep/lr_0.1/bs32``, ``sweep/lr_0.1/bs128``): showing the shared part in
every legend entry wastes the room the differing part needs, so it is stripped first and names are cut
in the middle only when they still do not fit.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["MARKERS", "marker_for", "shared_prefix", "short_names", "shorter_forms"]

#: Run markers in order; letters easily confused with digits or each other (I, O, l, o) are left out.
MARKERS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"

#: Where a shared prefix may end: run names are paths, and only whole folders are stripped (cutting
#: at ``_`` or ``.`` would turn ``lr_0.1``/``lr_0.01`` into ``1``/``01``).
SEPARATORS = "/\\"


def marker_for(index: int) -> str:
    """The ``index``-th run's marker: a letter for the first 48 runs, then the letter and its round
    (``A2`` ... ``z2``, ``A3`` ...), so no two runs share one however many there are (a bare letter
    repeated after 48 runs, and colours repeat after 12: runs 1 and 49 looked the same)."""
    index = int(index)
    letter = MARKERS[index % len(MARKERS)]
    rounds = index // len(MARKERS)
    return letter if rounds == 0 else f"{letter}{rounds + 1}"


def shared_prefix(names: Sequence[str]) -> str:
    """The longest run of whole folders every name starts with, leaving each name non-empty.

    One name (or none) shares nothing worth stripping: its whole name is the name that differs.
    """
    if len(names) < 2:
        return ""
    first, last = min(names), max(names)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    cut = max((i + 1 for i in range(n) if first[i] in SEPARATORS), default=0)
    # Leave something of every name (a name equal to the prefix would vanish).
    while cut and any(len(nm) <= cut for nm in names):
        cut = max((i + 1 for i in range(cut - 1) if first[i] in SEPARATORS), default=0)
    return first[:cut]


def short_names(names: Sequence[str]) -> dict[str, str]:
    """Each name without the prefix all of ``names`` share."""
    cut = len(shared_prefix(names))
    return {nm: nm[cut:] for nm in names}


def shorter_forms(names: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Ever shorter forms of each name that keep what tells it from the others.

    Run names of a sweep differ in a few characters per folder (``exp_a/seed0``, ``exp_b/seed1``).
    Where every name has the same start in a folder (``exp_``, ``seed``), that start says nothing, so
    it becomes ``…``: first in the leading folders (``…a/seed0``), then in the last one too
    (``…a/…0``). A middle cut of the full name would keep ``exp_`` and ``eed0`` and lose ``a``.
    Callers take the longest form that fits and cut in the middle only when none does.
    """
    split = {nm: nm.split("/") for nm in names}
    depth = max((len(parts) for parts in split.values()), default=0)
    common: list[int] = []
    for d in range(depth):
        column = [parts[d] for parts in split.values() if len(parts) > d]
        if len(column) < 2:
            common.append(0)
            continue
        first, last = min(column), max(column)
        n = 0
        while n < min(len(first), len(last)) and first[n] == last[n]:
            n += 1
        while n and first[n - 1] in "0123456789.":  # never cut inside a number (0.1 vs 0.01)
            n -= 1
        # Keep one character of every component: a shared start only goes when something follows it.
        common.append(n if n >= 2 and all(len(c) > n for c in column) else 0)
    # A folder every name has, the same in all (``…/train/loss`` and ``…/val/loss``: ``loss``), tells
    # nothing: the shortest form leaves it out, as long as something is left.
    same = {
        d
        for d in range(depth)
        if len(names) > 1
        and all(len(parts) > d for parts in split.values())
        and len({parts[d] for parts in split.values()}) == 1
    }
    out: dict[str, tuple[str, ...]] = {}
    for nm, parts in split.items():
        lead = ["…" + p[common[d] :] if common[d] else p for d, p in enumerate(parts[:-1])]
        last = parts[-1]
        d = len(parts) - 1
        forms = ["/".join([*lead, last])]
        if common[d]:
            forms.append("/".join([*lead, "…" + last[common[d] :]]))
        if same and len(same) < len(parts):
            kept = [p for i, p in enumerate(forms[-1].split("/")) if i not in same]
            forms.append("/".join(kept))
        out[nm] = tuple(f for f in dict.fromkeys(forms) if f != nm)
    return out
