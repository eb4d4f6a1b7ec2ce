"""The package's shape, checked: layers one direction, no cycles, no Textual below the widgets.

The import contract lives in pyproject.toml (``[tool.importlinter]``) and runs here, so CI fails on a
wrong-direction import or a cycle. The contract is also run against a copy of the tree with one bad
import planted, to show it would catch one.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tui"


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """import-linter with the project's contract, on the ``tui`` package found under ``tree``."""
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        f"sys.exit(lint_imports(config_filename={str(ROOT / 'pyproject.toml')!r}, no_cache=True))"
    )
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_import_contract_holds():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("model/tags.py", "import tui.render.rows", "Layers, one direction"),
        ("render/sparkline.py", "import textual.widget", "Only the Textual layer imports Textual"),
        ("model/series.py", "import tui.model.logdir", "No import cycle between sibling modules"),
    ],
    ids=["wrong-direction", "textual-below-widgets", "cycle"],
)
def test_the_import_contract_catches_a_planted_import(tmp_path, module, line, broken):
    shutil.copytree(PACKAGE, tmp_path / "tui", ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "tui" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # planted\n", encoding="utf-8")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert f"{broken} BROKEN" in result.stdout


def test_the_cli_loads_no_textual():
    """``import tui.cli`` (and building every parser) must not import the UI: CI jobs run the CLI."""
    code = (
        "import sys, tui.cli, tui.cli.dispatch as m; m.build_parser(); "
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('textual', 'textual_image')"
        " or n in ('tui.app', 'tui.launch') or n.startswith('tui.widgets')); print(bad)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]"


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _is_module(dotted: str) -> bool:
    path = ROOT / dotted.replace(".", "/")
    return path.is_dir() or path.with_suffix(".py").exists()


def test_no_module_imports_another_modules_private_name():
    """Neither ``from tui.x import _y`` nor ``x._y`` on a module of the package imported as ``x``."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name.endswith("_pb2.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tui"):
                offenders += [
                    f"{path.relative_to(ROOT)}: from {node.module} import {alias.name}"
                    for alias in node.names
                    if _private(alias.name)
                ]
                modules |= {a.asname or a.name for a in node.names if _is_module(f"{node.module}.{a.name}")}
            elif isinstance(node, ast.Import):
                modules |= {a.asname or a.name for a in node.names if a.name.startswith("tui.") and a.asname}
        offenders += [
            f"{path.relative_to(ROOT)}:{node.lineno}: {node.value.id}.{node.attr}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and _private(node.attr)
        ]
    assert offenders == []


def test_printing_json_or_csv_loads_no_rich_and_no_other_command(tmp_path):
    """``summary --json`` and ``export`` (what CI jobs run) import only what they use: no Rich, no
    glyph or chart renderers, no other subcommand's module. Each costs a fresh process's start."""
    from tui.tfevents.writer import EventFileWriter

    with EventFileWriter(str(tmp_path / "run"), filename="events.out.tfevents.1.host") as w:
        for s in range(3):
            w.add_scalar("loss", 1.0 / (s + 1), s, 1.7e9 + s)
    code = (
        "import contextlib, io, sys\n"
        "from tui.cli.dispatch import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    code = main(sys.argv[1:])\n"
        "assert code == 0 and '0.33333334' in out.getvalue(), (code, out.getvalue())\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('rich', 'textual', 'pygments')"
        " or n.startswith(('tui.render', 'tui.widgets')) or n in"
        " ('tui.cli.plot', 'tui.cli.graph', 'tui.cli.drawing', 'tui.cli.crash', 'tui.cli.demo')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for args in (["summary", "--json"], ["export", "--tag", "loss"]):
        argv = [sys.executable, "-c", code, *args, "--no-cache", str(tmp_path)]
        out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "[]", (args, out.stdout)


def test_a_local_load_imports_no_pool_cache_or_hash_machinery(tmp_path):
    """Reading a logdir from the start of a process (what every command and the app's first frame
    wait for) loads neither the worker pool's temp folders, the cache file format, JSON, OpenSSL's
    hashes nor Rich: each was a few milliseconds of every start."""
    from tui.tfevents.writer import EventFileWriter

    with EventFileWriter(str(tmp_path / "run"), filename="events.out.tfevents.1.host") as w:
        for s in range(3):
            w.add_scalar("loss", 1.0 / (s + 1), s, 1.7e9 + s)
    code = (
        "import sys\n"
        "from tui.model.logdir import Logdir\n"
        "assert len(Logdir(sys.argv[1]).load_all().runs['run'].scalars['loss']) == 3\n"
        "print(sorted(n for n in ('tempfile', 'shutil', 'hashlib', '_hashlib', 'json', 'random', 'rich',"
        " 'textual', 'tui.model.cachefile') if n in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
