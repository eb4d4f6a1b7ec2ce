"""Projector: configs, tensors and metadata against TensorBoard's projector plugin routes; PCA and kNN."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tui.model.logdir import Logdir
from tui.model.projector import (
    PROJECTOR_FILENAME,
    EmbeddingRef,
    find_embeddings,
    load_embedding,
    nearest_neighbors,
    pca,
    read_tensor_tsv,
)


def _routes(oracle, logdir: Path):
    from tensorboard.plugins.projector import projector_plugin
    from werkzeug.test import Client
    from werkzeug.wrappers import Response

    apps = projector_plugin.ProjectorPlugin(oracle(logdir).tb).get_plugin_apps()

    def get(route: str, **args) -> tuple[int, bytes]:
        r = Client(apps[route], Response).get("/", query_string=args)
        return r.status_code, r.get_data()

    return get


def test_embeddings_match_tensorboards_projector(written, oracle) -> None:
    ld = Logdir(str(written.logdir)).load_all()
    refs, problems = find_embeddings(str(written.logdir), ld.runs)
    assert not problems
    get = _routes(oracle, written.logdir)
    status, body = get("/info", run=".")
    assert status == 200
    info = json.loads(body)["embeddings"]
    assert [(r.run, r.name, r.tensor_path, r.metadata_path) for r in refs] == [
        (".", e["tensorName"], e["tensorPath"], e["metadataPath"]) for e in info
    ]
    for ref, logged in zip(refs, written.inputs["embeddings"].values(), strict=True):
        emb = load_embedding(ref)
        assert not emb.error and not emb.problems
        status, raw = get("/tensor", run=".", name=ref.name)
        assert status == 200
        theirs = np.frombuffer(raw, "<f4").reshape(emb.shape)
        np.testing.assert_array_equal(emb.tensor, theirs)
        np.testing.assert_allclose(emb.tensor, logged, rtol=1e-6)
        status, meta = get("/metadata", run=".", name=ref.name)
        lines = meta.decode().rstrip("\n").split("\n")
        if "\t" in lines[0]:
            assert emb.header == tuple(lines[0].split("\t"))
            lines = lines[1:]
        else:
            assert emb.header == ("label",)
        assert [("\t".join(r)) for r in emb.rows] == lines
    words, two = (load_embedding(r) for r in refs)
    assert words.shape == (30, 6) and words.column("label")[:4] == ["c0", "c1", "c2", "c0"]
    assert two.header == ("name", "kind") and two.column("kind")[:3] == ["k0", "k1", "k0"]
    assert two.column("missing") == [""] * 12


def _config(tmp_path: Path, text: str) -> Path:
    (tmp_path / PROJECTOR_FILENAME).write_text(text)
    return tmp_path


def test_checkpoint_only_embedding_says_why(tmp_path: Path) -> None:
    _config(
        tmp_path,
        'model_checkpoint_path: "keras_embedding.ckpt-1"\n'
        'embeddings { tensor_name: "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE" }\n',
    )
    (ref,) = find_embeddings(str(tmp_path), [])[0]
    emb = load_embedding(ref)
    assert emb.tensor is None
    assert "TensorFlow checkpoint (keras_embedding.ckpt-1)" in emb.error and "needs TensorFlow" in emb.error


def test_binary_tensor_file_and_path_only_entry(tmp_path: Path) -> None:
    x = np.arange(12, dtype="<f4").reshape(4, 3) / 7
    (tmp_path / "t.bytes").write_bytes(b"\xff" + x.tobytes()[1:])  # not UTF-8: read as float32
    _config(tmp_path, 'embeddings { tensor_path: "t.bytes" tensor_shape: 4 tensor_shape: 3 }')
    (ref,) = find_embeddings(str(tmp_path), [])[0]
    assert ref.name == "t.bytes"  # TensorBoard names a path-only entry by its file
    emb = load_embedding(ref)
    assert emb.shape == (4, 3) and np.array_equal(emb.tensor.reshape(-1)[1:], x.reshape(-1)[1:])


@pytest.mark.parametrize(
    ("config", "files", "needle"),
    [
        ('embeddings { tensor_path: "../outside.tsv" }', {}, "outside the config directory"),
        ('embeddings { tensor_path: "missing.tsv" }', {}, "cannot read the tensor"),
        ('embeddings { tensor_path: "r.tsv" }', {"r.tsv": "1\t2\n3\n"}, "different lengths"),
        ('embeddings { tensor_path: "r.tsv" }', {"r.tsv": "1\tx\n"}, "cannot read the tensor"),
        ('embeddings { tensor_path: "b.bin" }', {"b.bin": b"\xff\xfe"}, "2-D tensor_shape"),
    ],
)
def test_bad_entries_are_errors(tmp_path: Path, config: str, files: dict, needle: str) -> None:
    for name, data in files.items():
        p = tmp_path / name
        p.write_bytes(data) if isinstance(data, bytes) else p.write_text(data)
    _config(tmp_path, config)
    (ref,) = find_embeddings(str(tmp_path), [])[0]
    assert needle in load_embedding(ref).error


def test_unparsable_config_and_short_metadata_are_problems(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / PROJECTOR_FILENAME).write_text("embeddings {")
    (tmp_path / "t.tsv").write_text("1\t2\n3\t4\n")
    (tmp_path / "m.tsv").write_text("only one\n")
    _config(tmp_path, 'embeddings { tensor_name: "t" tensor_path: "t.tsv" metadata_path: "m.tsv" }')
    refs, problems = find_embeddings(str(tmp_path), ["a"])
    assert len(problems) == 1 and PROJECTOR_FILENAME in problems[0]
    emb = load_embedding(refs[0])
    assert emb.shape == (2, 2) and "1 rows for 2 points" in emb.problems[0]
    assert emb.column("label") == ["only one", ""]


def test_tsv_reads_as_tensorboard_does(tmp_path: Path) -> None:
    p = tmp_path / "t.tsv"
    values = ["0.1", "1e-8", "-3.4028235e+38", "0.30000000000000004"]
    p.write_text("\t".join(values) + "\n\n" + "\t".join(reversed(values)) + "\n")
    expect = np.array([[float(v) for v in values], [float(v) for v in reversed(values)]], dtype="float32")
    np.testing.assert_array_equal(read_tensor_tsv(str(p)), expect)


def _ref() -> EmbeddingRef:
    return EmbeddingRef(".", "x", "/nonexistent")


@settings(max_examples=30, deadline=None)
@given(
    hnp.arrays(np.float64, st.tuples(st.integers(3, 30), st.integers(2, 8)), elements=st.floats(-100, 100))
)
def test_pca_projects_onto_the_top_eigenvectors(x: np.ndarray) -> None:
    coords, ratio = pca(x)
    c = x - x.mean(axis=0)
    w, v = np.linalg.eigh(c.T @ c)
    w, v = w[::-1], v[:, ::-1]
    scale = max(float(w[0]), 1e-12)
    for j in range(min(2, w.size)):
        # A component is defined (up to sign) only when its eigenvalue stands apart from the others.
        others = np.delete(w, j)
        if w[j] <= 1e-6 * scale or np.isclose(others, w[j], rtol=1e-6, atol=1e-9 * scale).any():
            continue
        expect = c @ v[:, j]
        assert np.allclose(np.abs(coords[:, j]), np.abs(expect), atol=1e-6 * (1 + np.abs(expect).max()))
    assert 0 <= ratio.sum() <= 1 + 1e-9 and ratio[0] >= ratio[1]


def test_pca_sign_is_stable_and_degenerate_input_is_zero() -> None:
    x = np.random.default_rng(1).normal(size=(50, 4))
    a, _ = pca(x)
    b, _ = pca(x[::-1])
    np.testing.assert_allclose(a[::-1], b, atol=1e-9)
    assert pca(np.zeros((0, 3)))[0].shape == (0, 2)
    coords, ratio = pca(np.ones((5, 1)))
    assert (coords == 0).all() and (ratio == 0).all()


def test_nearest_neighbours_by_cosine() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 5))
    x[7] = 0  # no direction
    for i in (0, 7, 39):
        idx, dist = nearest_neighbors(x, i, 5)
        norms = np.linalg.norm(x, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            cos = x @ x[i] / (norms * norms[i])
        brute = 1 - np.nan_to_num(cos, nan=0.0)
        brute[i] = np.inf
        expect = np.lexsort((np.arange(40), brute))[:5]
        assert idx.tolist() == expect.tolist() and i not in idx.tolist()
        np.testing.assert_allclose(dist, brute[expect], atol=1e-12)
    assert nearest_neighbors(x, 99)[0].size == 0
    assert nearest_neighbors(x[:1], 0)[0].size == 0


def test_pca_of_few_wide_points_agrees_with_an_svd() -> None:
    x = np.random.default_rng(5).normal(size=(6, 300))  # N < D: the Gram-matrix path
    coords, ratio = pca(x)
    c = x - x.mean(axis=0)
    u, s, _ = np.linalg.svd(c, full_matrices=False)
    np.testing.assert_allclose(np.abs(coords), np.abs(u[:, :2] * s[:2]), atol=1e-8)
    np.testing.assert_allclose(ratio, s[:2] ** 2 / (s**2).sum())


def test_corpus_embeddings_in_run_folders_match_tensorboard(oracle) -> None:
    corpus = Path(__file__).resolve().parents[1] / "data" / "corpus" / "tbx"
    ld = Logdir(str(corpus)).load_all()
    refs, problems = find_embeddings(str(corpus), ld.runs)
    assert not problems
    assert [(r.run, r.name) for r in refs] == [
        ("exp/adam_lr1e-2", "hidden:00199"),
        ("exp/sgd_lr1e-1", "hidden:00199"),
    ]
    get = _routes(oracle, corpus)
    for ref in refs:
        emb = load_embedding(ref)
        assert not emb.error and not emb.problems
        status, raw = get("/tensor", run=ref.run, name=ref.name)
        assert status == 200
        np.testing.assert_array_equal(emb.tensor.reshape(-1), np.frombuffer(raw, "<f4"))
        _, meta = get("/metadata", run=ref.run, name=ref.name)
        lines = meta.decode().rstrip("\n").split("\n")
        header = tuple(lines[0].split("\t")) if "\t" in lines[0] else ("label",)
        body = lines[1:] if "\t" in lines[0] else lines
        assert emb.header == header and ["\t".join(r) for r in emb.rows] == body
