"""scripts/differential.py as a module, loaded once for every test that compares tbtui with
TensorBoard through it (imported as ``tests.model.differential_module``; scripts/ is not a package).

Registered in ``sys.modules`` before it runs: its dataclasses look their module up by name."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

__all__ = ["differential"]


def _load() -> ModuleType:
    if "differential" in sys.modules:
        return sys.modules["differential"]
    spec = importlib.util.spec_from_file_location(
        "differential", Path(__file__).resolve().parents[2] / "scripts" / "differential.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["differential"] = module
    spec.loader.exec_module(module)
    return module


differential = _load()
