"""The storage seam over ssh:// (sshfs) against a real sshd on loopback; skipped where there is none."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from tui.model.discovery import discover
from tui.model.storage import RemoteStorage

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def test_ssh_walk_and_ranged_reads(sshd: SimpleNamespace, tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    data = bytes(range(256)) * 1000
    (run / "events.out.tfevents.1.h").write_bytes(data)
    st = RemoteStorage(sshd.url(tmp_path), storage_options=sshd.options)
    runs = st.walk()
    assert list(runs) == list(discover(str(tmp_path)))
    (url,) = runs["run"]
    assert st.size(url) == len(data)
    assert st.read(url, 1000, 5000) == data[1000:6000]
    assert st.stats.bytes == 5000
