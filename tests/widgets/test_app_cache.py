"""The app with the reopen cache (what ``tbtui LOGDIR`` does): the second open restores every run, shows
what a cold read shows, and keeps following the files live."""

from __future__ import annotations

from tui.app import TbtuiApp
from tui.cli.common import json_text
from tui.model import cache
from tui.model.logdir import Logdir
from tui.model.summary import logdir_summary


def _summary(logdir: Logdir) -> str:
    return json_text(logdir_summary(logdir), indent=1)


async def test_second_open_restores_every_run_and_follows_appends(logdir, tb):
    app = TbtuiApp(logdir, cache=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
        # The loader saves after its first pass, on its own thread.
        await tb.wait_for(pilot, lambda: cache.stats().entries == len(tb.RUNS), what="entries saved")
    app = TbtuiApp(logdir, cache=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="reopen")
        assert sorted(app.logdir.cache.restored) == sorted(tb.RUNS)
        assert _summary(app.logdir) == _summary(Logdir(logdir).load_all())
        tb.write_run(logdir, "alpha", 5, start=tb.STEPS)  # more steps for a restored run
        series = app.logdir.runs["alpha"].scalars["train/loss"]
        await tb.wait_for(pilot, lambda: len(series) == tb.STEPS + 5, what="live append")
        assert series.steps.tolist() == list(range(tb.STEPS + 5))


async def test_without_the_cache_nothing_is_kept(logdir, tb):
    app = TbtuiApp(logdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="first load")
    assert cache.stats().entries == 0
