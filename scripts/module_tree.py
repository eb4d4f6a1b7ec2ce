"""Print the package's modules as a tree, one line each: its name and its docstring's first line.

    /work/venv/bin/python scripts/module_tree.py [PACKAGE_DIR]

For reviews and release notes: what each module is for, read from the module itself, so the list never
drifts from the code. The vendored protobuf modules (``tfevents/proto``) are left out.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def first_line(path: Path) -> str:
    """The docstring's first sentence (its first paragraph when that is one sentence), on one line."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    para = " ".join(doc.strip().split("\n\n")[0].split())
    return para.split(". ")[0].rstrip(".")


def main() -> None:
    package = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tui"
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package.parent)
        if "proto" in rel.parts:
            continue
        is_package = path.name == "__init__.py"
        depth = len(rel.parts) - 1 - is_package
        name = f"{rel.parts[-2]}/" if is_package else path.name
        print(f"{'  ' * depth}{name}: {first_line(path)}")


if __name__ == "__main__":
    main()
