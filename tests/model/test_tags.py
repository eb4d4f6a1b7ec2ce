"""TensorBoard's tag order and prefix groups."""

from __future__ import annotations

from tui.model.tags import compare_tag_names, group_of, group_tags, sort_tags


def test_numbers_compare_as_numbers():
    assert sort_tags(["layer10", "layer2", "layer1"]) == ["layer1", "layer2", "layer10"]
    assert sort_tags(["lr_0.1", "lr_0.01", "lr_1e-3"]) == ["lr_1e-3", "lr_0.01", "lr_0.1"]


def test_slash_sorts_before_every_other_character():
    # '+' < '/' in ASCII, but TensorBoard breaks names at '/', so "a/b" comes first.
    assert sort_tags(["a+/b", "a/b"]) == ["a/b", "a+/b"]
    assert compare_tag_names("a/b", "a+/b") == -1
    assert compare_tag_names("x", "x") == 0
    assert compare_tag_names("x", "x/y") == -1


def test_groups_by_prefix_in_order_of_first_tag():
    tags = ["val/loss", "loss", "train/loss", "train/acc", "hparam/lr", "val/acc"]
    assert group_tags(tags) == [
        ("hparam", ["hparam/lr"]),
        ("loss", ["loss"]),
        ("train", ["train/acc", "train/loss"]),
        ("val", ["val/acc", "val/loss"]),
    ]
    assert group_of("a/b/c") == "a"
    assert group_of("plain") == "plain"


def test_unicode_and_duplicates():
    assert sort_tags(["β/x", "α/x", "α/x"]) == ["α/x", "β/x"]
