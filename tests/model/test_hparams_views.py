"""HParams parallel coordinates and scatter on sessions torch's and tensorboardX's add_hparams wrote."""

from __future__ import annotations

import numpy as np

from tui.model.hparams import collect
from tui.model.logdir import Logdir
from tui.render.chart import color_for
from tui.render.parallel_coords import normalise_axis, render_parallel_coords
from tui.render.scatter import render_hparam_scatter


def test_parallel_coordinates_and_scatter_of_real_sessions(written) -> None:
    table = collect(Logdir(str(written.logdir)).load_all().runs)
    cols = [c for c in table.columns if c.kind != "run"]
    assert [c.label for c in cols] == ["lr", "opt", "hparam/acc"]
    sessions = sorted(table.sessions, key=lambda s: s.session_run)
    assert [(s.hparams["lr"], s.hparams["opt"]) for s in sessions] == [(0.1, "adam"), (0.01, "adam")]
    axes = [normalise_axis(c.label, [s.value(c) for s in sessions], log=c.name == "lr") for c in cols]
    lr, opt, acc = axes
    assert lr.unit.tolist() == [1.0, 0.0] and (lr.top, lr.bottom) == ("0.1", "0.01")
    assert opt.unit.tolist() == [0.5, 0.5] and opt.top == opt.bottom == "adam"
    np.testing.assert_allclose(acc.unit, [0.0, 1.0])
    names = [s.run for s in sessions]
    lines = render_parallel_coords(axes, names, 50, 10, colors=[color_for(0), color_for(1)])
    assert lines[0].plain.split() == ["lr", "opt", "hparam/acc"]
    assert lines[1].plain.split() == ["0.1", "adam", "0.9"] and lines[-1].plain.split() == [
        "0.01",
        "adam",
        "0.8",
    ]
    assert len(lines) == 10 and all(line.cell_len == 50 for line in lines)
    chart = render_hparam_scatter(
        [s.value(cols[0]) for s in sessions], [s.value(cols[2]) for s in sessions], names, 50, 12
    )
    hits = [c for c in chart.lines if any(0x2800 < ord(ch) <= 0x28FF for ch in c.plain)]
    assert len(hits) == 2  # two sessions, two heights
