"""tbtui's reading of every corpus logdir against TensorBoard's own (EXPECTED.json, "unified" view).

The corpus was written by real libraries (torch, tensorboardX, TF2/Keras, tensorboard's writers) and
EXPECTED.json by TensorBoard's plugin_event_multiplexer. Values must match to float64 equality after
float32 widening. Where tbtui deliberately reads more than TensorBoard (it skips a record with a bad
data CRC instead of stopping at it), the test says so and checks the better result.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tui.model.logdir import Logdir
from tui.model.summary import logdir_summary

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
LOGDIRS = ["torch_mnist_like", "tbx", "tf2", "tb_native", "edge_cases", "symlink_loop", "writers"]
GRAPH_PLUGINS = {"graphs", "graph_run_metadata_graph", "graph_keras_model"}
NO_PLUGIN = "<none>"  # EXPECTED.json's name for tensors written with no metadata (tf.summary.write)

# b_crc_mismatch: record #750 of 1501 has a bad data CRC. TensorBoard stops reading the file there;
# tbtui skips that one record and keeps the 750 intact records after it.
BETTER_THAN_TENSORBOARD = {("edge_cases", "b_crc_mismatch")}


def _f(x: object) -> float:
    if isinstance(x, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[x]
    return float(x)  # type: ignore[arg-type]


def _same(a: object, b: object) -> bool:
    if a is None or b is None:  # no value at all (the range of a histogram with no buckets)
        return a is b
    fa, fb = _f(a), _f(b)
    if math.isnan(fa) or math.isnan(fb):
        return math.isnan(fa) and math.isnan(fb)
    return fa == fb


@pytest.fixture(scope="module", params=LOGDIRS)
def pair(request: pytest.FixtureRequest) -> tuple[str, dict, dict]:
    name = request.param
    expected = json.loads((CORPUS / name / "EXPECTED.json").read_text())
    ours = logdir_summary(Logdir(str(CORPUS / name)).load_all())
    return name, expected, ours


def test_same_runs(pair: tuple[str, dict, dict]) -> None:
    _, expected, ours = pair
    assert sorted(ours["runs"]) == sorted(expected["runs"])


def test_scalars_match(pair: tuple[str, dict, dict]) -> None:
    name, expected, ours = pair
    for run, plugins in expected["unified"].items():
        exp = plugins.get("scalars", {})
        got = ours["runs"][run]["scalars"]
        if (name, run) in BETTER_THAN_TENSORBOARD:
            continue
        assert sorted(got) == sorted(exp), run
        for tag, e in exp.items():
            g = got[tag]
            assert g["count"] == e["count"], (run, tag)
            assert g["first_step"] == e["first_step"] and g["last_step"] == e["last_step"], (run, tag)
            assert e["first"][0] == e["first_step"]
            assert _same(g["first"], e["first"][1]), (run, tag, g["first"], e["first"])
            assert _same(g["last"], e["last"][1]), (run, tag, g["last"], e["last"])
            if "min" in e and e["min"] is not None:
                assert _same(g["min"], e["min"]) and _same(g["max"], e["max"]), (run, tag)
            assert g["nan_count"] == e.get("nan_count", 0), (run, tag)


def test_histograms_match(pair: tuple[str, dict, dict]) -> None:
    _, expected, ours = pair
    for run, plugins in expected["unified"].items():
        exp = plugins.get("histograms", {})
        got = ours["runs"][run]["histograms"]
        assert sorted(got) == sorted(exp), run
        for tag, e in exp.items():
            g = got[tag]
            assert (g["count"], g["first_step"], g["last_step"]) == (
                e["count"],
                e["first_step"],
                e["last_step"],
            )
            el, gl = e["last"], g["last"]
            assert gl["buckets"] == el["bucket_count"], (run, tag)
            for k in ("min", "max", "num"):
                assert _same(gl[k], el[k]), (run, tag, k, gl[k], el[k])


def test_graphs_and_other_plugins_match(pair: tuple[str, dict, dict]) -> None:
    _, expected, ours = pair
    for run, plugins in expected["unified"].items():
        got = ours["runs"][run]
        exp_graphs = {t: v for p, tags in plugins.items() if p in GRAPH_PLUGINS for t, v in tags.items()}
        assert sorted(got["graphs"]) == sorted(exp_graphs), run
        for tag, e in exp_graphs.items():
            assert got["graphs"][tag]["nodes"] == e["graph"]["node_count"], (run, tag)
        exp_other = {
            t: ("" if p == NO_PLUGIN else p, v["count"])
            for p, tags in plugins.items()
            if p not in GRAPH_PLUGINS | {"scalars", "histograms"}
            for t, v in tags.items()
        }
        assert {t: (v["plugin"], v["count"]) for t, v in got["other"].items()} == exp_other, run


def test_crc_mismatch_skips_one_record_only() -> None:
    """TensorBoard keeps records 0..749 only; tbtui keeps every intact record and says why."""
    expected = json.loads((CORPUS / "edge_cases" / "EXPECTED.json").read_text())
    ours = logdir_summary(Logdir(str(CORPUS / "edge_cases")).load_all())
    run = ours["runs"]["b_crc_mismatch"]
    tb = expected["unified"]["b_crc_mismatch"]["scalars"]
    total_tb = sum(v["count"] for v in tb.values())
    total_ours = sum(v["count"] for v in run["scalars"].values())
    assert total_tb == 749  # records 1..749 (record 0 is the file_version header)
    assert total_ours == 1499  # 1501 records - file_version header - the damaged one
    (problem,) = run["files"][0]["problems"]
    assert "record #750" in problem and "CRC" in problem
    for tag, e in tb.items():
        assert run["scalars"][tag]["first_step"] == e["first_step"]
        assert run["scalars"][tag]["last_step"] >= e["last_step"]


@pytest.mark.parametrize(
    ("run", "needle"),
    [
        ("a_truncated_mid_record", "incomplete record"),
        ("a_truncated_mid_header", "incomplete record"),
        ("h_garbage", "not a TFRecord"),
        ("h2_garbage_after_good_file", "not a TFRecord"),
    ],
)
def test_damaged_files_are_named(run: str, needle: str) -> None:
    ours = logdir_summary(Logdir(str(CORPUS / "edge_cases")).load_all())
    problems = [p for f in ours["runs"][run]["files"] for p in f["problems"]]
    assert any(needle in p for p in problems), problems
