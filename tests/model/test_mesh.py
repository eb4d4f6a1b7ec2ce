"""Meshes: our reading against TensorBoard's mesh plugin routes on torch and tensorboardX files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tui.model.logdir import Logdir
from tui.model.mesh import VIEWS, bounding_box, mesh_names, project, read_meshes, rotation
from tui.model.payloads import BlobSeries
from tui.model.run import Run
from tui.tfevents.decode import Metadata
from tui.tfevents.proto import plugins_pb2


def _client(oracle, logdir):
    from tensorboard.plugins.mesh import mesh_plugin
    from werkzeug.test import Client
    from werkzeug.wrappers import Response

    apps = mesh_plugin.MeshPlugin(oracle(logdir).tb).get_plugin_apps()

    def get(route: str, **args) -> bytes:
        client = Client(apps[route], Response)
        return client.get("/", query_string=args).get_data()

    return get


_DTYPES = {"VERTEX": np.float32, "FACE": np.int32, "COLOR": np.uint8}


def test_meshes_match_tensorboards_mesh_plugin(written, oracle) -> None:
    run = Logdir(str(written.logdir)).load_all().runs["."]
    get = _client(oracle, written.logdir)
    tags = json.loads(get("/tags"))["."]
    meshes = read_meshes(run)
    assert mesh_names(run) == sorted(tags) == ["cloud", "points"]
    for name, mesh in meshes.items():
        assert not mesh.problems
        assert tags[name]["samples"] == mesh.steps[0].batch
        theirs_meta = json.loads(get("/meshes", run=".", tag=name))
        assert sorted({m["step"] for m in theirs_meta}) == [s.step for s in mesh.steps]
        assert {m["components"] for m in theirs_meta} == {mesh.components}
        for st in mesh.steps:
            v, f, c = st.sample(0)
            for kind, ours in (("VERTEX", v), ("FACE", f), ("COLOR", c)):
                raw = get("/data", run=".", tag=name, content_type=kind, step=st.step, sample=0)
                theirs = np.frombuffer(raw, _DTYPES[kind])
                if ours is None:
                    assert theirs.size == 0
                else:
                    np.testing.assert_array_equal(ours.reshape(-1), theirs)
    cloud = meshes["cloud"]
    verts, faces, colors = written.inputs["mesh"]
    st = cloud.at_step(99)
    assert (st.step, st.vertex_count, st.face_count, cloud.has_faces, cloud.has_colors) == (
        2,
        60,
        25,
        True,
        True,
    )
    np.testing.assert_array_equal(st.vertices, verts)
    np.testing.assert_array_equal(st.faces, faces)
    np.testing.assert_array_equal(st.colors, colors)
    points = meshes["points"]
    assert (points.has_faces, points.steps[0].faces, points.steps[0].step) == (False, None, 5)


def test_bounding_box_and_projection() -> None:
    v = np.array([[0, 0, 0], [2, 4, 6], [np.nan, 0, 0]], np.float32)
    lo, hi = bounding_box(v)
    assert lo.tolist() == [0, 0, 0] and hi.tolist() == [2, 4, 6]
    xy, depth = project(v, *VIEWS["front"])
    diag = np.sqrt(4 + 16 + 36)
    np.testing.assert_allclose(xy[1], [1 / diag, 2 / diag])
    np.testing.assert_allclose(depth[:2], [-3 / diag, 3 / diag])  # +z comes towards the viewer
    assert np.isnan(xy[2]).all()
    # A quarter turn of yaw shows the z extent across the screen; the top view shows z up the screen.
    xy, _ = project(v[:2], *VIEWS["side"])
    np.testing.assert_allclose(np.abs(xy[1, 0] - xy[0, 0]), 6 / diag, atol=1e-12)
    xy, _ = project(v[:2], *VIEWS["top"])
    np.testing.assert_allclose(np.abs(xy[1, 1] - xy[0, 1]), 6 / diag, atol=1e-12)
    r = rotation(33, -20)
    np.testing.assert_allclose(r @ r.T, np.eye(3), atol=1e-12)
    # Turning never rescales: the projection of the box stays inside the unit frame.
    many = np.random.default_rng(0).normal(size=(200, 3))
    for yaw in range(0, 360, 45):
        xy, _ = project(many, yaw, yaw / 3)
        assert np.abs(xy).max() <= 0.5 + 1e-12


def _run(parts: dict[int, object], components: int = 0b1110) -> Run:
    run = Run("r")
    for ctype, data in parts.items():
        tag = f"m_{ctype}"
        pd = plugins_pb2.MeshPluginData(name="m", content_type=ctype, components=components)
        s = BlobSeries("mesh")
        s.append(0, 1.0, data)
        run.blobs = {**run.blobs, tag: s}
        run.metadata = {**run.metadata, tag: Metadata("mesh", pd.SerializeToString())}
    return run


@pytest.mark.parametrize(
    ("parts", "problem"),
    [
        ({1: np.zeros((1, 4, 2))}, "expected [B, n, 3]"),
        ({1: np.zeros((1, 4, 3)), 2: np.full((1, 1, 3), 9.0)}, "do not exist"),
        ({1: np.zeros((1, 4, 3)), 3: np.zeros((1, 3, 3))}, "3 colours for 4 vertices"),
        ({2: np.zeros((1, 1, 3))}, "no vertices"),
        ({1: np.array([[[b"x", b"y", b"z"]]], dtype=object)}, "expected [B, n, 3]"),
    ],
)
def test_bad_mesh_parts_are_problems(parts, problem: str) -> None:
    (mesh,) = read_meshes(_run(parts)).values()
    assert any(problem in p for p in mesh.problems), mesh.problems
