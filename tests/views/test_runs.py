"""Run names cut down to what differs, and marker letters (tui.views.runs)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.render.rows import fit_name
from tui.views.runs import MARKERS, marker_for, shared_prefix, short_names, shorter_forms


def test_whole_shared_folders_are_stripped_never_part_of_a_number():
    names = ["sweep/lr_0.1/bs32", "sweep/lr_0.1/bs128", "sweep/lr_0.01/bs32"]
    assert shared_prefix(names) == "sweep/"
    assert list(short_names(names).values()) == ["lr_0.1/bs32", "lr_0.1/bs128", "lr_0.01/bs32"]
    assert short_names(["only/one"]) == {"only/one": "only/one"}
    assert short_names(["a", "a/b"]) == {"a": "a", "a/b": "a/b"}  # no name vanishes


def test_shorter_forms_keep_the_characters_that_differ():
    forms = shorter_forms(["exp_a/seed0", "exp_a/seed1", "exp_b/seed0"])
    assert forms["exp_b/seed0"] == ("…b/seed0", "…b/…0")
    # A middle cut would have kept "exp_" and "eed0" and lost the "b".
    assert fit_name("exp_b/seed0", forms["exp_b/seed0"], 6) == "…b/…0"
    assert fit_name("exp_b/seed0", forms["exp_b/seed0"], 8) == "…b/seed0"
    assert fit_name("exp_b/seed0", forms["exp_b/seed0"], 11) == "exp_b/seed0"
    assert fit_name("exp_b/seed0", forms["exp_b/seed0"], 4) == "…b…0"  # last resort: a middle cut
    lr = shorter_forms(["lr_0.1/x", "lr_0.01/x"])
    assert lr["lr_0.1/x"][0] == "…0.1/x" and lr["lr_0.01/x"][0] == "…0.01/x"


@given(st.lists(st.text("ab_/0.", min_size=1, max_size=8), min_size=2, max_size=6, unique=True))
def test_short_names_stay_distinct_and_non_empty(names):
    short = short_names(names)
    assert len(set(short.values())) == len(names)
    assert all(short.values())
    for name, forms in shorter_forms(list(short.values())).items():
        assert all(len(f) < len(name) + 1 for f in forms)


def test_markers_are_distinct_letters():
    assert len({marker_for(i) for i in range(len(MARKERS))}) == len(MARKERS)
    assert not set("IOlo") & set(MARKERS)


def test_markers_stay_unique_past_the_alphabet():
    """Run 49 was ``A`` again; now it is ``A2``, and thousands of runs never share a marker."""
    markers = [marker_for(i) for i in range(5000)]
    assert len(set(markers)) == len(markers)
    assert markers[: len(MARKERS)] == list(MARKERS)
    assert markers[len(MARKERS)] == "A2" and markers[2 * len(MARKERS) - 1] == "z2"
    assert markers[2 * len(MARKERS)] == "A3"


def test_a_folder_the_same_in_every_name_is_left_out_of_the_shortest_form():
    names = ["adam/train/loss", "adam/val/loss", "sgd/train/loss", "sgd/val/loss"]
    forms = shorter_forms(names)
    assert [forms[n][-1] for n in names] == ["adam/train", "adam/val", "sgd/train", "sgd/val"]
    assert shorter_forms(["a/loss", "b/loss"]) == {"a/loss": ("a",), "b/loss": ("b",)}
